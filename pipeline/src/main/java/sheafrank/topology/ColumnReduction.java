package sheafrank.topology;

import java.util.Arrays;

/**
 * Ranks of boundary matrices restricted to a selection of simplices (a relative chain complex
 * C(A)/C(B)): columns are the selected d-simplices, rows the selected (d-1)-simplices.
 *
 * <p>Column reduction (Edelsbrunner-Letscher-Zomorodian's standard algorithm): columns left to
 * right, each reduced by adding earlier reduced columns while its lowest nonzero row ({@code low})
 * is the pivot of an earlier column; the rank is the number of nonzero reduced columns. Columns
 * are sparse sorted row lists (Z/2: symmetric difference of sorted lists; F_p: sorted rows with
 * coefficients, pivot columns scaled so their low coefficient is 1). The twist: columns marked in
 * {@code cleared} (pivot rows of the reduced matrix one dimension up) are known to reduce to zero
 * and are skipped. Results do not depend on the order of operations (exact arithmetic).
 */
final class ColumnReduction {
  private ColumnReduction() {}

  private static final long P = Homology.P;

  /** rank ∂_1 of the selection by union-find; field-independent (see {@link Homology}). */
  static int rankDim1(SimplicialComplex k, boolean[][] sel) {
    int n = k.count(0);
    int ground = n; // every unselected vertex (one of B's) stands for the one point B
    int[] parent = new int[n + 1];
    for (int v = 0; v <= n; v++) {
      parent[v] = v;
    }
    int rank = 0;
    for (int e = 0; e < k.count(1); e++) {
      if (!sel[1][e]) {
        continue;
      }
      int a = k.vertex(1, e, 0);
      int b = k.vertex(1, e, 1);
      int ra = find(parent, sel[0][a] ? a : ground);
      int rb = find(parent, sel[0][b] ? b : ground);
      if (ra != rb) {
        parent[ra] = rb;
        rank++;
      }
    }
    return rank;
  }

  private static int find(int[] parent, int v) {
    while (parent[v] != v) {
      parent[v] = parent[parent[v]];
      v = parent[v];
    }
    return v;
  }

  /** rank ∂_d over Z/2; marks the pivot rows (their ∂_{d-1} columns reduce to zero). */
  static int rankZ2(SimplicialComplex k, int d, boolean[][] sel, boolean[] cleared, boolean[] pivotRows) {
    int[] pivotCol = new int[k.count(d - 1)];
    Arrays.fill(pivotCol, -1);
    int[][] stored = new int[k.count(d)][];
    int[] cur = new int[Math.max(64, d + 1)];
    int[] tmp = new int[cur.length];
    boolean[] rows = sel[d - 1];
    int rank = 0;
    for (int c = 0; c < k.count(d); c++) {
      if (!sel[d][c] || cleared != null && cleared[c]) {
        continue;
      }
      int len = 0;
      for (int j = d; j >= 0; j--) { // faces in increasing index order
        int r = k.face(d, c, j);
        if (rows[r]) {
          cur[len++] = r;
        }
      }
      while (len > 0) {
        int p = pivotCol[cur[len - 1]];
        if (p < 0) {
          break;
        }
        int[] pc = stored[p];
        if (tmp.length < len + pc.length) {
          tmp = new int[2 * (len + pc.length)];
        }
        int i = 0;
        int j = 0;
        int o = 0;
        while (i < len && j < pc.length) {
          int a = cur[i];
          int b = pc[j];
          if (a < b) {
            tmp[o++] = a;
            i++;
          } else if (a > b) {
            tmp[o++] = b;
            j++;
          } else {
            i++;
            j++;
          }
        }
        while (i < len) {
          tmp[o++] = cur[i++];
        }
        while (j < pc.length) {
          tmp[o++] = pc[j++];
        }
        int[] t = cur;
        cur = tmp;
        tmp = t.length >= cur.length ? t : new int[cur.length];
        len = o;
      }
      if (len > 0) {
        stored[c] = Arrays.copyOf(cur, len);
        int low = cur[len - 1];
        pivotCol[low] = c;
        pivotRows[low] = true;
        rank++;
      }
    }
    return rank;
  }

  /** rank ∂_d over F_p, p = 2^31 - 1; marks the pivot rows. */
  static int rankModP(SimplicialComplex k, int d, boolean[][] sel, boolean[] cleared, boolean[] pivotRows) {
    int[] pivotCol = new int[k.count(d - 1)];
    Arrays.fill(pivotCol, -1);
    int[][] storedRows = new int[k.count(d)][];
    int[][] storedCoef = new int[k.count(d)][];
    int cap = Math.max(64, d + 1);
    int[] cur = new int[cap];
    int[] curC = new int[cap];
    int[] tmp = new int[cap];
    int[] tmpC = new int[cap];
    boolean[] rows = sel[d - 1];
    int rank = 0;
    for (int c = 0; c < k.count(d); c++) {
      if (!sel[d][c] || cleared != null && cleared[c]) {
        continue;
      }
      int len = 0;
      for (int j = d; j >= 0; j--) {
        int r = k.face(d, c, j);
        if (rows[r]) {
          cur[len] = r;
          curC[len++] = (j & 1) == 0 ? 1 : (int) (P - 1); // (-1)^j
        }
      }
      while (len > 0) {
        int p = pivotCol[cur[len - 1]];
        if (p < 0) {
          break;
        }
        // cur <- cur - f * pivot, f = cur's low coefficient (the pivot's low coefficient is 1)
        long f = curC[len - 1];
        int[] pr = storedRows[p];
        int[] pcf = storedCoef[p];
        if (tmp.length < len + pr.length) {
          tmp = new int[2 * (len + pr.length)];
          tmpC = new int[tmp.length];
        }
        int i = 0;
        int j = 0;
        int o = 0;
        while (i < len && j < pr.length) {
          int a = cur[i];
          int b = pr[j];
          if (a < b) {
            tmp[o] = a;
            tmpC[o++] = curC[i++];
          } else if (a > b) {
            tmp[o] = b;
            tmpC[o++] = (int) (P - f * pcf[j++] % P); // f, pcf in [1, p-1]: product nonzero mod p
          } else {
            long v = (curC[i++] - f * pcf[j++] % P + P) % P;
            if (v != 0) {
              tmp[o] = a;
              tmpC[o++] = (int) v;
            }
          }
        }
        while (i < len) {
          tmp[o] = cur[i];
          tmpC[o++] = curC[i++];
        }
        while (j < pr.length) {
          tmp[o] = pr[j];
          tmpC[o++] = (int) (P - f * pcf[j++] % P);
        }
        int[] t = cur;
        cur = tmp;
        tmp = t;
        t = curC;
        curC = tmpC;
        tmpC = t;
        if (tmp.length < cur.length) {
          tmp = new int[cur.length];
          tmpC = new int[cur.length];
        }
        len = o;
      }
      if (len > 0) {
        long inv = inverse(curC[len - 1]);
        int[] sc = new int[len];
        for (int i = 0; i < len; i++) {
          sc[i] = (int) (curC[i] * inv % P);
        }
        storedRows[c] = Arrays.copyOf(cur, len);
        storedCoef[c] = sc;
        int low = cur[len - 1];
        pivotCol[low] = c;
        pivotRows[low] = true;
        rank++;
      }
    }
    return rank;
  }

  /** a^(p-2) mod p: the inverse of a nonzero a (Fermat). */
  static long inverse(long a) {
    long result = 1;
    long base = a % P;
    long e = P - 2;
    while (e > 0) {
      if ((e & 1) != 0) {
        result = result * base % P;
      }
      base = base * base % P;
      e >>= 1;
    }
    return result;
  }
}
