package sheafrank.topology;

import java.util.Arrays;
import java.util.List;

/**
 * A finite abstract simplicial complex on the vertices {@code 0 .. n-1}, closed under faces.
 *
 * <p>Storage: per dimension d, the d-simplices as sorted vertex tuples {@code v_0 < ... < v_d} in
 * one flat array, in lexicographic order (simplex i of dimension d occupies
 * {@code [(d+1) i, (d+1)(i+1))}); every vertex {@code 0 .. n-1} is a 0-simplex, so the index of
 * vertex v is v. For d &gt;= 1 a face table gives, for simplex i and position j, the index of the
 * (d-1)-face that omits vertex j. The boundary {@code ∂σ = Σ_j (-1)^j σ \ v_j} (simplicial
 * orientation by the vertex order) is read off that table; since omitting a later vertex gives a
 * lexicographically smaller face, the faces j = d, d-1, ..., 0 come in increasing index order,
 * which is the order the column reductions of {@link Homology} want.
 *
 * <p>Immutable; every method is safe to call from several threads.
 */
public final class SimplicialComplex implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int vertices;
  private final int[][] simplices;
  private final int[][] faces;

  private SimplicialComplex(int vertices, int[][] simplices) {
    this.vertices = vertices;
    this.simplices = simplices;
    this.faces = new int[simplices.length][];
    for (int d = 1; d < simplices.length; d++) {
      int n = count(d);
      int[] f = new int[n * (d + 1)];
      int[] tuple = new int[d];
      for (int i = 0; i < n; i++) {
        int base = i * (d + 1);
        for (int j = 0; j <= d; j++) {
          for (int a = 0, t = 0; a <= d; a++) {
            if (a != j) {
              tuple[t++] = simplices[d][base + a];
            }
          }
          int idx = find(simplices[d - 1], d, tuple);
          if (idx < 0) {
            throw new IllegalStateException("face missing from the closure: " + Arrays.toString(tuple));
          }
          f[base + j] = idx;
        }
      }
      faces[d] = f;
    }
  }

  /**
   * The smallest complex on {@code vertices} vertices containing the given simplices (each a set of
   * distinct vertex ids in any order) and every vertex: all their faces are added.
   *
   * @throws IllegalArgumentException for a vertex out of range or a repeated vertex in a simplex
   */
  public static SimplicialComplex closureOf(int vertices, List<int[]> generators) {
    if (vertices < 0) {
      throw new IllegalArgumentException("vertex count must be >= 0, got " + vertices);
    }
    int top = 0;
    for (int[] s : generators) {
      if (s.length == 0) {
        throw new IllegalArgumentException("empty simplex");
      }
      top = Math.max(top, s.length - 1);
    }
    if (top > 30) {
      throw new IllegalArgumentException("simplices of dimension > 30 are not supported");
    }
    IntBuffer[] byDim = new IntBuffer[top + 1];
    for (int d = 0; d <= top; d++) {
      byDim[d] = new IntBuffer();
    }
    for (int v = 0; v < vertices; v++) {
      byDim[0].add(v);
    }
    for (int[] g : generators) {
      int[] s = g.clone();
      Arrays.sort(s);
      for (int j = 0; j < s.length; j++) {
        if (s[j] < 0 || s[j] >= vertices) {
          throw new IllegalArgumentException("vertex " + s[j] + " out of range 0.." + (vertices - 1));
        }
        if (j > 0 && s[j] == s[j - 1]) {
          throw new IllegalArgumentException("repeated vertex in simplex " + Arrays.toString(g));
        }
      }
      // every nonempty subset of dimension >= 1 (vertices are all present already)
      int k = s.length;
      for (int mask = 1; mask < (1 << k); mask++) {
        int size = Integer.bitCount(mask);
        if (size < 2) {
          continue;
        }
        IntBuffer b = byDim[size - 1];
        for (int j = 0; j < k; j++) {
          if ((mask & (1 << j)) != 0) {
            b.add(s[j]);
          }
        }
      }
    }
    int[][] sorted = new int[top + 1][];
    for (int d = 0; d <= top; d++) {
      sorted[d] = sortUnique(byDim[d].toArray(), d + 1, vertices);
    }
    return new SimplicialComplex(vertices, sorted);
  }

  /**
   * This complex with a cone on the simplices marked in {@code in} (a subcomplex, per dimension):
   * the apex is the new vertex n, so every cone simplex σ ∪ {n} lists σ's vertices then n. The
   * union is closed because the marked set is.
   */
  SimplicialComplex withCone(boolean[][] in) {
    int apex = vertices;
    int top = dim() + (in.length > 0 && hasAny(in[dim()]) ? 1 : 0);
    int[][] out = new int[top + 1][];
    for (int d = 0; d <= top; d++) {
      IntBuffer b = new IntBuffer();
      int[] own = d <= dim() ? simplices[d] : new int[0];
      for (int x : own) {
        b.add(x);
      }
      if (d == 0) {
        b.add(apex);
      } else {
        for (int i = 0; i < count(d - 1); i++) {
          if (in[d - 1][i]) {
            for (int j = 0; j < d; j++) {
              b.add(simplices[d - 1][i * d + j]);
            }
            b.add(apex);
          }
        }
      }
      out[d] = sortUnique(b.toArray(), d + 1, apex + 1);
    }
    return new SimplicialComplex(apex + 1, out);
  }

  private static boolean hasAny(boolean[] a) {
    for (boolean x : a) {
      if (x) {
        return true;
      }
    }
    return false;
  }

  /** Lexicographic sort of tuples of {@code width} entries in {@code [0, range)}, duplicates removed (LSD radix). */
  static int[] sortUnique(int[] flat, int width, int range) {
    int n = flat.length / width;
    int[] order = new int[n];
    int[] next = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int[] count = new int[range + 1];
    for (int pos = width - 1; pos >= 0; pos--) {
      Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[flat[i * width + pos] + 1]++;
      }
      for (int v = 0; v < range; v++) {
        count[v + 1] += count[v];
      }
      for (int i = 0; i < n; i++) {
        int t = order[i];
        next[count[flat[t * width + pos]]++] = t;
      }
      int[] tmp = order;
      order = next;
      next = tmp;
    }
    IntBuffer out = new IntBuffer();
    int prev = -1;
    for (int i = 0; i < n; i++) {
      int t = order[i];
      if (prev >= 0 && Arrays.equals(flat, t * width, t * width + width, flat, prev * width, prev * width + width)) {
        continue;
      }
      for (int j = 0; j < width; j++) {
        out.add(flat[t * width + j]);
      }
      prev = t;
    }
    return out.toArray();
  }

  /** Index of the sorted tuple {@code q} (length {@code width}) in a sorted flat list, or -1. */
  private static int find(int[] flat, int width, int[] q) {
    int lo = 0;
    int hi = flat.length / width - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Arrays.compare(flat, mid * width, mid * width + width, q, 0, width);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** Number of vertices n (vertex ids are 0 .. n-1). */
  public int vertexCount() {
    return vertices;
  }

  /** The highest dimension with a simplex (0 for a complex of vertices only or an empty one). */
  public int dim() {
    return simplices.length - 1;
  }

  /** Number of d-simplices (0 for d above {@link #dim()}). */
  public int count(int d) {
    return d < 0 || d >= simplices.length ? 0 : simplices[d].length / (d + 1);
  }

  /** Vertex j (0-based, increasing) of d-simplex i. */
  public int vertex(int d, int i, int j) {
    return simplices[d][i * (d + 1) + j];
  }

  /** The vertices of d-simplex i, increasing. */
  public int[] simplex(int d, int i) {
    return Arrays.copyOfRange(simplices[d], i * (d + 1), (i + 1) * (d + 1));
  }

  /** Index (in dimension d-1) of the face of d-simplex i that omits its vertex j; d &gt;= 1. */
  public int face(int d, int i, int j) {
    return faces[d][i * (d + 1) + j];
  }

  /** Index of the simplex with these vertices (any order), or -1 if it is not in the complex. */
  public int indexOf(int... vertexIds) {
    int d = vertexIds.length - 1;
    if (d < 0 || d > dim()) {
      return -1;
    }
    int[] q = vertexIds.clone();
    Arrays.sort(q);
    return find(simplices[d], d + 1, q);
  }

  /** Simplex counts per dimension 0 .. dim. */
  public long[] counts() {
    long[] c = new long[dim() + 1];
    for (int d = 0; d <= dim(); d++) {
      c[d] = count(d);
    }
    return c;
  }

  /** Euler characteristic Σ_d (-1)^d (number of d-simplices). */
  public long eulerCharacteristic() {
    long chi = 0;
    for (int d = 0; d <= dim(); d++) {
      chi += (d % 2 == 0 ? 1 : -1) * (long) count(d);
    }
    return chi;
  }

  /** A growable int array. */
  static final class IntBuffer {
    private int[] a = new int[16];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, 2 * n);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
