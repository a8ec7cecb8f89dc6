package sheafrank.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Vietoris-Rips complex of points in R^m at scale ε: a simplex for every set of points whose
 * pairwise Euclidean distances are all &lt;= ε, up to a maximal dimension. Neighbours by brute force
 * (n^2 m / 2 distance evaluations, each summed in coordinate order), cliques by intersecting sorted
 * lists of higher-numbered neighbours.
 */
public final class Rips {
  private Rips() {}

  /** The Rips complex of the {@code coordinates.length / m} points, simplices up to {@code maxDim}. */
  public static SimplicialComplex complex(double[] coordinates, int m, double epsilon, int maxDim) {
    int n = coordinates.length / m;
    double e2 = epsilon * epsilon;
    int[][] up = new int[n][];
    List<int[]> gens = new ArrayList<>();
    for (int v = 0; v < n; v++) {
      SimplicialComplex.IntBuffer buf = new SimplicialComplex.IntBuffer();
      for (int u = v + 1; u < n; u++) {
        double s = 0;
        for (int t = 0; t < m; t++) {
          double d = coordinates[v * m + t] - coordinates[u * m + t];
          s += d * d;
        }
        if (s <= e2) {
          buf.add(u);
        }
      }
      up[v] = buf.toArray();
    }
    int[] simplex = new int[maxDim + 1];
    for (int v = 0; v < n; v++) {
      simplex[0] = v;
      extend(up, simplex, 1, up[v], maxDim, gens);
    }
    return SimplicialComplex.closureOf(n, gens);
  }

  /**
   * Adds, for every clique extending {@code simplex[0..size)} by increasing vertices, a simplex that
   * contains it (a leaf of the search: it cannot grow further or has maxDim + 1 vertices).
   */
  private static void extend(int[][] up, int[] simplex, int size, int[] candidates, int maxDim, List<int[]> out) {
    if (size == maxDim + 1 || candidates.length == 0) {
      if (size > 1) {
        out.add(Arrays.copyOf(simplex, size));
      }
      return;
    }
    for (int u : candidates) {
      simplex[size] = u;
      extend(up, simplex, size + 1, intersect(candidates, up[u]), maxDim, out);
    }
  }

  private static int[] intersect(int[] a, int[] b) {
    int[] out = new int[Math.min(a.length, b.length)];
    int i = 0;
    int j = 0;
    int o = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) {
        i++;
      } else if (a[i] > b[j]) {
        j++;
      } else {
        out[o++] = a[i];
        i++;
        j++;
      }
    }
    return Arrays.copyOf(out, o);
  }
}
