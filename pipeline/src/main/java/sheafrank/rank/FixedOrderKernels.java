package sheafrank.rank;

import sheafrank.linalg.Gemm;

/**
 * Dense kernels for {@link DeepRankEvaluator} with one fixed order of floating-point operations,
 * so that every result is a function of the inputs alone, whatever the CPU, vector width or BLAS.
 *
 * <p><b>The one product.</b> {@link #mulAdd} is the only dense product of the rank engine: each
 * output is a chain of fused multiply-adds over k in increasing order, started from the output's
 * current value, {@code c = fma(a_ik, b_kj, c)} for k = 0, 1, ...: the contract of the project's
 * deterministic GEMM, {@link Gemm#multiply} in its accumulating form, which it calls (Vector API
 * kernel or scalar chains, identical bits).
 *
 * <p>The Gram matrices and the blocked Cholesky factorisation below are built on it; both keep,
 * for every entry, its operations in pivot (k) order, so they are deterministic too. Where they
 * pass one array as two operands, the regions read and written are disjoint.
 */
final class FixedOrderKernels {
  private FixedOrderKernels() {}

  /**
   * {@code C[p x q] += A[p x k] B[k x q]}, row-major with leading dimensions; every output
   * {@code C[i][j]} becomes {@code fma(a_{i,k-1}, b_{k-1,j}, ... fma(a_{i0}, b_{0j}, C[i][j]))}.
   */
  static void mulAdd(int p, int k, int q, double[] a, int aOff, int lda, double[] b, int bOff,
      int ldb, double[] c, int cOff, int ldc) {
    if (p <= 0 || q <= 0 || k <= 0) {
      return;
    }
    Gemm.multiply(false, false, p, q, k, a, aOff, lda, b, bOff, ldb, true, c, cOff, ldc);
  }

  /** {@code t[j * rows + i] = a[aOff + i * lda + j]}: the transpose of a rows x cols block. */
  static void transpose(double[] a, int aOff, int lda, int rows, int cols, double[] t) {
    for (int i0 = 0; i0 < rows; i0 += 32) {
      int i1 = Math.min(rows, i0 + 32);
      for (int j = 0; j < cols; j++) {
        int tj = j * rows;
        for (int i = i0; i < i1; i++) {
          t[tj + i] = a[aOff + i * lda + j];
        }
      }
    }
  }

  /** Rows per block of the lower-triangular Gram and of the Cholesky trailing update. */
  static final int ROW_BLOCK = 64;

  /**
   * The lower triangle (and a few entries above it) of {@code G = M M^T} into the row-major p x p
   * {@code g}: M row-major p x q in {@code m}, its transpose (q x p, row-major) in {@code mt}.
   * Every computed entry is the fma chain over the q columns in order, started from 0. For
   * {@code M^T M} pass the transpose as {@code m} and M as {@code mt}.
   */
  static void lowerGram(double[] m, double[] mt, int p, int q, double[] g) {
    for (int r0 = 0; r0 < p; r0 += ROW_BLOCK) {
      int r1 = Math.min(p, r0 + ROW_BLOCK);
      for (int i = r0; i < r1; i++) {
        java.util.Arrays.fill(g, i * p, i * p + r1, 0.0);
      }
      mulAdd(r1 - r0, q, r1, m, r0 * q, q, mt, 0, p, g, r0 * p, p);
    }
  }

  /** Pivots per block of {@link #cholesky}. */
  static final int CHOL_BLOCK = 48;

  /** Pivots per group in the panel solve of {@link #cholesky}. */
  static final int PANEL_GROUP = 8;

  private static final ThreadLocal<double[]> NEG =
      ThreadLocal.withInitial(() -> new double[PANEL_GROUP * CHOL_BLOCK]);
  private static final ThreadLocal<double[]> INV =
      ThreadLocal.withInitial(() -> new double[CHOL_BLOCK]);

  /**
   * In-place Cholesky factorisation of {@code A - shift I}, A the symmetric n x n matrix given by
   * its lower triangle in the row-major {@code a} (leading dimension n; entries above the diagonal
   * are ignored and overwritten). Returns false as soon as a pivot is not strictly positive.
   * {@code work} must hold at least {@code CHOL_BLOCK * n} values.
   *
   * <p>Right-looking, blocked by {@link #CHOL_BLOCK} pivots. Every entry {@code a_ij} (j &lt;= i)
   * receives its subtractions {@code fma(l_it, -l_jt, .)} in increasing t, then is multiplied by
   * the reciprocal of the pivot {@code l_jj = sqrt(d_j)}: the operations of the unblocked
   * elimination, so the standard backward error bound holds (Higham, Thm 10.3, with k+2 for the
   * reciprocal): the computed factor satisfies {@code A - shift I + E = L L^T} with
   * {@code |E| <= gamma_{n+2} |L| |L^T|}, hence {@code ||E||_2 <= gamma_{n+2} trace(L L^T)}.
   */
  static boolean cholesky(double[] a, int n, double shift, double[] work) {
    for (int i = 0; i < n; i++) {
      a[i * n + i] -= shift;
    }
    for (int kb = 0; kb < n; kb += CHOL_BLOCK) {
      int nb = Math.min(CHOL_BLOCK, n - kb);
      int below = n - kb - nb; // rows under the diagonal block
      // Panel in transposed form: P[t][r] = a[kb + nb + r][kb + t], r < below.
      double[] pnl = work;
      for (int r0 = 0; r0 < below; r0 += 32) {
        int r1 = Math.min(below, r0 + 32);
        for (int t = 0; t < nb; t++) {
          int pt = t * below;
          for (int r = r0; r < r1; r++) {
            pnl[pt + r] = a[(kb + nb + r) * n + kb + t];
          }
        }
      }
      double[] inv = INV.get();
      for (int j = 0; j < nb; j++) {
        int rj = (kb + j) * n + kb;
        double d = a[rj + j];
        for (int t = 0; t < j; t++) {
          d = Math.fma(a[rj + t], -a[rj + t], d);
        }
        if (!(d > 0)) {
          return false;
        }
        double ljj = Math.sqrt(d);
        inv[j] = 1.0 / ljj;
        a[rj + j] = ljj;
        // Rows of the diagonal block below j.
        for (int i = j + 1; i < nb; i++) {
          int ri = (kb + i) * n + kb;
          double s = a[ri + j];
          for (int t = 0; t < j; t++) {
            s = Math.fma(a[ri + t], -a[rj + t], s);
          }
          a[ri + j] = s * inv[j];
        }
      }
      // Panel rows, all at once (column j of the panel is pnl row j), with the same fma chain over
      // t < j as the rows above: pivots in groups of PANEL_GROUP, the earlier pivots of the block
      // by one product per group, the group's own by 1 x (j - g0) products, then the scaling.
      double[] neg = NEG.get();
      for (int g0 = 0; g0 < nb && below > 0; g0 += PANEL_GROUP) {
        int g1 = Math.min(nb, g0 + PANEL_GROUP);
        for (int j = g0; j < g1; j++) {
          int rj = (kb + j) * n + kb;
          for (int t = 0; t < j; t++) {
            neg[(j - g0) * CHOL_BLOCK + t] = -a[rj + t];
          }
        }
        if (g0 > 0) {
          mulAdd(g1 - g0, g0, below, neg, 0, CHOL_BLOCK, pnl, 0, below, pnl, g0 * below, below);
        }
        for (int j = g0; j < g1; j++) {
          int pj = j * below;
          if (j > g0) {
            mulAdd(1, j - g0, below, neg, (j - g0) * CHOL_BLOCK + g0, CHOL_BLOCK, pnl,
                g0 * below, below, pnl, pj, below);
          }
          double f = inv[j];
          for (int r = 0; r < below; r++) {
            pnl[pj + r] *= f;
          }
        }
      }
      if (below == 0) {
        break;
      }
      // Write L21 back; the trailing update uses A = L21 (in a) and B = -L21^T.
      for (int r0 = 0; r0 < below; r0 += 32) {
        int r1 = Math.min(below, r0 + 32);
        for (int t = 0; t < nb; t++) {
          int pt = t * below;
          for (int r = r0; r < r1; r++) {
            a[(kb + nb + r) * n + kb + t] = pnl[pt + r];
          }
        }
      }
      for (int i = 0, len = nb * below; i < len; i++) {
        pnl[i] = -pnl[i];
      }
      int base = kb + nb;
      for (int r0 = 0; r0 < below; r0 += ROW_BLOCK) {
        int r1 = Math.min(below, r0 + ROW_BLOCK);
        // Rows base+r0 .. base+r1, columns base .. base+r1 (the lower part and a little above).
        mulAdd(r1 - r0, nb, r1, a, (base + r0) * n + kb, n, pnl, 0, below, a,
            (base + r0) * n + base, n);
      }
    }
    return true;
  }

  /** gamma_n = n u / (1 - n u), u = 2^-53 (Higham's constant). */
  static double gamma(long n) {
    double nu = n * 0x1p-53;
    return nu / (1 - nu);
  }
}
