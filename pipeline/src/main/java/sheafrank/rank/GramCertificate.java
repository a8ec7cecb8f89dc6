package sheafrank.rank;

import sheafrank.linalg.NumericalRank;

/**
 * A cheap, rigorous proof that the active rows of a first-layer weight matrix have full rank, so
 * that the factorisation can be skipped (seed 003 §3.1 sweeps: one layer, many points per net).
 *
 * <p>For layer 1, Phi^1 at x has rank {@code rank(W_J)}, W_J the |J| x m matrix of active rows.
 * With the Gram matrix {@code G = W W^T} formed once per network, take S = J if |J| &lt;= m, else
 * the first m active rows, and {@code delta = CERT * trace(G_J)}. If the floating-point Cholesky
 * factorisation of {@code G_S - delta I} runs to completion, then {@code lambda_min(G_S) >=
 * delta / 2}: Cholesky's backward error is at most {@code gamma_{k+1} trace(G_S)} (Demmel; Higham,
 * Accuracy and Stability, Thm 10.3, with {@code |L||L^T|} bounded by the diagonal) and the error
 * of the formed G at most {@code k gamma_m trace(G_S)}, both below {@code delta / 2} for the sizes
 * allowed here ({@code k m < 4e7}). Since {@code W_J^T W_J >= W_S^T W_S} and
 * {@code sigma_max(W_J)^2 <= trace(G_J)},
 *
 * <pre>
 *   sigma_min(W_J) / sigma_max(W_J) >= sqrt(CERT / 2) ~ 7e-5,
 * </pre>
 *
 * ten orders of magnitude above NumPy's relative tolerance {@code max(n, m) eps}; so the SVD rank is
 * min(|J|, m), and so is the pivoted-QR rank (every |R_kk| >= sigma_min, |R_11| <= sigma_max).
 * When the factorisation breaks down nothing is concluded and the caller factorises W_J itself.
 *
 * <p>If n_1 &lt;= m and the Cholesky of {@code G - CERT trace(G) I} succeeds once, every row subset
 * is certified (Cauchy interlacing: {@code lambda_min(G_J) >= lambda_min(G)}, {@code trace(G_J)
 * <= trace(G)}) and no per-point work is needed.
 */
final class GramCertificate {
  /** Relative margin: certified points have sigma_min / sigma_max >= sqrt(CERT / 2). */
  static final double CERT = 1e-8;

  /** Largest first-layer width for which the Gram matrix is formed (n1^2 doubles). */
  static final int MAX_WIDTH = 512;

  /** Largest n1^2 m (flops to form G) accepted: about 50 ms once per network. */
  static final long MAX_FORM_FLOPS = 50_000_000L;

  private final int n;
  private final int m;
  private final double[] g; // n x n row-major, full
  private final boolean everySubset;
  private final double[] chol;
  private final double[] row;

  /** Whether a certificate is worth building for a first layer of width n1 and input dim m. */
  static boolean applicable(int n1, int m) {
    return n1 <= MAX_WIDTH && (long) n1 * n1 * m <= MAX_FORM_FLOPS;
  }

  /** Forms G = W W^T for the row-major n x m matrix w. */
  GramCertificate(double[] w, int n, int m) {
    this.n = n;
    this.m = m;
    this.g = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = NumericalRank.dot(w, i * m, w, j * m, m);
        g[i * n + j] = s;
        g[j * n + i] = s;
      }
    }
    int k = Math.min(n, m);
    this.chol = new double[k * k];
    this.row = new double[Math.max(n, m)];
    boolean all = false;
    if (n <= m) {
      double[] c = new double[n * n];
      double trace = 0;
      for (int i = 0; i < n; i++) {
        trace += g[i * n + i];
      }
      System.arraycopy(g, 0, c, 0, n * n);
      all = choleskyShifted(c, n, CERT * trace, new double[n]);
    }
    this.everySubset = all;
  }

  /** True when every row subset of W is certified full rank (n1 &lt;= m, W well conditioned). */
  boolean everySubset() {
    return everySubset;
  }

  /**
   * True when rank(W_J) = min(|J|, m) is certified for the active rows {@code idx[0 .. na)}
   * (ascending); false means "not certified", not "deficient".
   */
  boolean fullRank(int[] idx, int na) {
    if (na == 0) {
      return false;
    }
    if (everySubset) {
      return true;
    }
    double trace = 0;
    for (int a = 0; a < na; a++) {
      int i = idx[a];
      trace += g[i * n + i];
    }
    int k = Math.min(na, m);
    double[] c = chol;
    for (int a = 0; a < k; a++) {
      int ra = idx[a] * n;
      int ca = a * k;
      for (int bb = a; bb < k; bb++) {
        c[ca + bb] = g[ra + idx[bb]];
      }
    }
    return choleskyShifted(c, k, CERT * trace, row);
  }

  /**
   * In-place Cholesky {@code A - delta I = U^T U} (row-major k x k; the upper triangle is read and
   * destroyed), right-looking so that the inner loop is a contiguous axpy; false as soon as a pivot
   * is not strictly positive. {@code u} is a workspace of length >= k.
   */
  static boolean choleskyShifted(double[] c, int k, double delta, double[] u) {
    for (int j = 0; j < k; j++) {
      c[j * k + j] -= delta;
    }
    for (int j = 0; j < k; j++) {
      int rj = j * k;
      double d = c[rj + j];
      if (!(d > 0)) {
        return false;
      }
      double inv = 1.0 / Math.sqrt(d);
      for (int t = j + 1; t < k; t++) {
        u[t] = c[rj + t] * inv;
      }
      // Schur complement: A[i, t] -= u_i u_t for j < i <= t.
      for (int i = j + 1; i < k; i++) {
        double f = u[i];
        int ri = i * k;
        for (int t = i; t < k; t++) {
          c[ri + t] -= f * u[t];
        }
      }
    }
    return true;
  }

}
