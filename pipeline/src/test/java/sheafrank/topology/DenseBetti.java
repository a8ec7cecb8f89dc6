package sheafrank.topology;

/**
 * Betti numbers by the definition, for checking: dense boundary matrices over F_q (q = 2 or the
 * prime of {@link Homology}) built from the vertex lists with signs (-1)^j, ranks by Gaussian
 * elimination, β_d = n_d - rank ∂_d - rank ∂_{d+1}. No face table, no twist, no union-find.
 */
final class DenseBetti {
  private DenseBetti() {}

  static int[] betti(SimplicialComplex k, long q) {
    return relativeBetti(Subcomplex.empty(k), q);
  }

  /** Betti numbers of (K, L) from the relative chain complex, densely. */
  static int[] relativeBetti(Subcomplex l, long q) {
    SimplicialComplex k = l.complex();
    int top = k.dim();
    int[][] index = new int[top + 1][];
    int[] n = new int[top + 1];
    for (int d = 0; d <= top; d++) {
      index[d] = new int[k.count(d)];
      for (int i = 0; i < k.count(d); i++) {
        index[d][i] = l.contains(d, i) ? -1 : n[d]++;
      }
    }
    int[] rank = new int[top + 2];
    for (int d = 1; d <= top; d++) {
      long[][] m = new long[n[d - 1]][n[d]];
      for (int i = 0; i < k.count(d); i++) {
        if (index[d][i] < 0) {
          continue;
        }
        int[] s = k.simplex(d, i);
        for (int j = 0; j <= d; j++) {
          int[] face = new int[d];
          for (int a = 0, t = 0; a <= d; a++) {
            if (a != j) {
              face[t++] = s[a];
            }
          }
          int row = index[d - 1][k.indexOf(face)];
          if (row >= 0) {
            m[row][index[d][i]] = (j % 2 == 0 ? 1 : q - 1) % q;
          }
        }
      }
      rank[d] = rank(m, q);
    }
    int[] b = new int[top + 1];
    for (int d = 0; d <= top; d++) {
      b[d] = n[d] - rank[d] - rank[d + 1];
    }
    return b;
  }

  static int rank(long[][] m, long q) {
    int rows = m.length;
    int cols = rows == 0 ? 0 : m[0].length;
    int r = 0;
    for (int c = 0; c < cols && r < rows; c++) {
      int piv = -1;
      for (int i = r; i < rows; i++) {
        if (m[i][c] % q != 0) {
          piv = i;
          break;
        }
      }
      if (piv < 0) {
        continue;
      }
      long[] t = m[piv];
      m[piv] = m[r];
      m[r] = t;
      long inv = pow(m[r][c], q - 2, q);
      for (int i = 0; i < rows; i++) {
        if (i != r && m[i][c] % q != 0) {
          long f = m[i][c] * inv % q;
          for (int j = c; j < cols; j++) {
            m[i][j] = ((m[i][j] - f * m[r][j]) % q + q) % q;
          }
        }
      }
      r++;
    }
    return r;
  }

  private static long pow(long a, long e, long q) {
    long res = 1 % q;
    a %= q;
    while (e > 0) {
      if ((e & 1) != 0) {
        res = res * a % q;
      }
      a = a * a % q;
      e >>= 1;
    }
    return res;
  }
}
