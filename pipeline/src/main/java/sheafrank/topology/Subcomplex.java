package sheafrank.topology;

import java.util.Arrays;
import java.util.List;

/**
 * A subcomplex L of a {@link SimplicialComplex} K: a set of simplices closed under faces, stored as
 * one mask per dimension over K's simplex indices. Every factory returns a closed set; the
 * constructor checks it.
 *
 * <p>The two rules that turn a set of marked vertices (for instance the vertices where the rank of
 * a network's map is low) into a subcomplex:
 *
 * <ul>
 *   <li>{@link #spannedBy}: the full subcomplex, every simplex ALL of whose vertices are marked.
 *       Closed automatically (a face has fewer vertices). It is the largest subcomplex whose
 *       vertices are all marked, so it approximates the marked region from inside.
 *   <li>{@link #closedStarOf}: every simplex with AT LEAST ONE marked vertex, together with all its
 *       faces (the closed star of the marked vertices). "At least one vertex" alone is not closed
 *       (an edge with one marked end has the other end as a face), so the closure is taken; it
 *       approximates the region from outside.
 * </ul>
 */
public final class Subcomplex implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final SimplicialComplex k;
  private final boolean[][] in;
  private final int[] counts;

  private Subcomplex(SimplicialComplex k, boolean[][] in) {
    this.k = k;
    this.in = in;
    this.counts = new int[k.dim() + 1];
    for (int d = 0; d <= k.dim(); d++) {
      for (int i = 0; i < k.count(d); i++) {
        if (in[d][i]) {
          counts[d]++;
          if (d > 0) {
            for (int j = 0; j <= d; j++) {
              if (!in[d - 1][k.face(d, i, j)]) {
                throw new IllegalArgumentException("not closed under faces: " + Arrays.toString(k.simplex(d, i))
                    + " is in, its face without vertex " + k.vertex(d, i, j) + " is not");
              }
            }
          }
        }
      }
    }
  }

  private static boolean[][] masks(SimplicialComplex k) {
    boolean[][] m = new boolean[k.dim() + 1][];
    for (int d = 0; d <= k.dim(); d++) {
      m[d] = new boolean[k.count(d)];
    }
    return m;
  }

  /** The empty subcomplex. */
  public static Subcomplex empty(SimplicialComplex k) {
    return new Subcomplex(k, masks(k));
  }

  /** K itself. */
  public static Subcomplex all(SimplicialComplex k) {
    boolean[][] m = masks(k);
    for (boolean[] a : m) {
      Arrays.fill(a, true);
    }
    return new Subcomplex(k, m);
  }

  /** The full subcomplex on the marked vertices: simplices all of whose vertices are marked. */
  public static Subcomplex spannedBy(SimplicialComplex k, boolean[] marked) {
    checkMask(k, marked);
    boolean[][] m = masks(k);
    m[0] = marked.clone();
    for (int d = 1; d <= k.dim(); d++) {
      for (int i = 0; i < k.count(d); i++) {
        // all vertices marked iff the two faces omitting the first and the last vertex are in
        m[d][i] = m[d - 1][k.face(d, i, 0)] && m[d - 1][k.face(d, i, d)];
      }
    }
    return new Subcomplex(k, m);
  }

  /** The closed star of the marked vertices: simplices with a marked vertex, and all their faces. */
  public static Subcomplex closedStarOf(SimplicialComplex k, boolean[] marked) {
    checkMask(k, marked);
    boolean[][] m = masks(k);
    for (int d = k.dim(); d >= 0; d--) {
      for (int i = 0; i < k.count(d); i++) {
        boolean hit = m[d][i];
        for (int j = 0; j <= d && !hit; j++) {
          hit = marked[k.vertex(d, i, j)];
        }
        if (hit) {
          m[d][i] = true;
          for (int j = 0; d > 0 && j <= d; j++) {
            m[d - 1][k.face(d, i, j)] = true;
          }
        }
      }
    }
    return new Subcomplex(k, m);
  }

  /**
   * The smallest subcomplex containing the given simplices (vertex sets, any order), all of which
   * must be simplices of K.
   */
  public static Subcomplex closureOf(SimplicialComplex k, List<int[]> simplices) {
    boolean[][] m = masks(k);
    for (int[] s : simplices) {
      int i = k.indexOf(s);
      if (i < 0) {
        throw new IllegalArgumentException("not a simplex of the complex: " + Arrays.toString(s));
      }
      m[s.length - 1][i] = true;
    }
    for (int d = k.dim(); d > 0; d--) {
      for (int i = 0; i < k.count(d); i++) {
        if (m[d][i]) {
          for (int j = 0; j <= d; j++) {
            m[d - 1][k.face(d, i, j)] = true;
          }
        }
      }
    }
    return new Subcomplex(k, m);
  }

  private static void checkMask(SimplicialComplex k, boolean[] marked) {
    if (marked.length != k.vertexCount()) {
      throw new IllegalArgumentException("vertex mask has " + marked.length + " entries, the complex "
          + k.vertexCount() + " vertices");
    }
  }

  /** The ambient complex K. */
  public SimplicialComplex complex() {
    return k;
  }

  public boolean contains(int d, int i) {
    return d >= 0 && d < in.length && in[d][i];
  }

  /** Number of d-simplices in L. */
  public int count(int d) {
    return d < 0 || d >= counts.length ? 0 : counts[d];
  }

  /** Simplex counts of L per dimension 0 .. dim K. */
  public long[] counts() {
    long[] c = new long[counts.length];
    for (int d = 0; d < c.length; d++) {
      c[d] = counts[d];
    }
    return c;
  }

  public boolean isEmpty() {
    return counts.length == 0 || counts[0] == 0;
  }

  /** Whether L = K. */
  public boolean isAll() {
    for (int d = 0; d < counts.length; d++) {
      if (counts[d] != k.count(d)) {
        return false;
      }
    }
    return true;
  }

  /** The mask of dimension d (a copy). */
  public boolean[] mask(int d) {
    return in[d].clone();
  }

  /**
   * K ∪ CL: K with a cone on L, apex the new vertex n (= K's vertex count): every simplex of K, the
   * apex, and σ ∪ {apex} for every σ in L. For nonempty L the pair (K, L) is a good pair and CL is
   * contractible, so K ∪ CL ≃ K / L and H̃(K ∪ CL) ≅ H(K, L) (Hatcher Prop. 2.22, Ex. 0.14).
   */
  public SimplicialComplex cone() {
    return k.withCone(in);
  }
}
