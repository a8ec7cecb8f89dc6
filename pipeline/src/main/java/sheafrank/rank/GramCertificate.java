package sheafrank.rank;

import sheafrank.linalg.NumericalRank;

/**
 * A cheap, rigorous proof that the active rows of a first-layer weight matrix have full rank, so
 * that the factorisation can be skipped (seed 003 §3.1 sweeps: one layer, many points per net).
 *
 * <p>For layer 1, Phi^1 at x has rank {@code rank(W_J)}, W_J the |J| x m matrix of active rows.
 * With the Gram matrix {@code G = W W^T} formed once per network, take a subset S of J with
 * |S| = k = min(|J|, m) and {@code delta = CERT * trace(G_J)}. If the floating-point Cholesky
 * factorisation of {@code G_S - delta I} runs to completion, then {@code lambda_min(G_S) >=
 * delta / 2}: Cholesky's backward error is at most {@code gamma_{k+2} trace(G_S)} (Demmel; Higham,
 * Accuracy and Stability, Thm 10.3, with {@code |L||L^T|} bounded by the diagonal; k+2 rather than
 * k+1 because an off-diagonal entry is multiplied by a rounded reciprocal of the pivot instead of
 * divided by it) and the error of the formed G at most {@code k gamma_m trace(G_S)}, both below
 * {@code delta / 2} for the sizes allowed here ({@code k m < 4e7}). Since
 * {@code W_J^T W_J >= W_S^T W_S} and {@code sigma_max(W_J)^2 <= trace(G_J)},
 *
 * <pre>
 *   sigma_min(W_J) / sigma_max(W_J) >= sqrt(CERT / 2) ~ 7e-5,
 * </pre>
 *
 * ten orders of magnitude above NumPy's relative tolerance {@code max(n, m) eps}; so the SVD rank is
 * min(|J|, m), and so is the pivoted-QR rank (every |R_kk| >= sigma_min, |R_11| <= sigma_max).
 *
 * <p>The factorisation may eliminate the pivots of G_S in any order: the floating-point operations
 * are then exactly those of the unpivoted Cholesky of the symmetric permutation
 * {@code P (G_S - delta I) P^T} (each entry receives the same subtractions in the same order), whose
 * backward error bound is the same, and a symmetric permutation changes no eigenvalue. Two
 * orders are used:
 *
 * <ol>
 *   <li>S = J if |J| &lt;= m, else the first m active rows, eliminated in reverse order
 *       ({@link #choleskyShifted}) so that the Schur complement is always a leading block, stored
 *       as the lower triangle one array per row: the update loops index both arrays from 0 and
 *       C2 vectorises them;
 *   <li>only if that fails and |J| &gt; m: diagonal pivoting on the whole {@code G_J - delta I}
 *       (largest remaining diagonal entry first, {@link #choleskyPivoted}), stopping with success
 *       after m pivots; the pivot rows are S. Choosing S from the computed values is allowed: the
 *       operations on S x S are still exactly the Cholesky of {@code P (G_S - delta I) P^T}, and
 *       the argument above holds for every S.
 * </ol>
 *
 * When both break down nothing is concluded and the caller factorises W_J itself.
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
  private final double[][] g; // n x n, full, one array per row
  private final double[] diag; // the diagonal of g, contiguous (for the per-point trace)
  private final boolean everySubset;
  private final double[][] tri; // k x k lower triangle workspace, row i has length i + 1
  private double[][] square; // |J| x |J| workspace for the pivoted attempt, allocated on first use
  private final double[][] u;
  private long pivotedTried;
  private long pivotedCertified;

  /** Whether a certificate is worth building for a first layer of width n1 and input dim m. */
  static boolean applicable(int n1, int m) {
    return n1 <= MAX_WIDTH && (long) n1 * n1 * m <= MAX_FORM_FLOPS;
  }

  /** Forms G = W W^T for the row-major n x m matrix w. */
  GramCertificate(double[] w, int n, int m) {
    this.n = n;
    this.m = m;
    this.g = gram(w, n, m);
    this.diag = new double[n];
    for (int i = 0; i < n; i++) {
      diag[i] = g[i][i];
    }
    int k = Math.min(n, m);
    this.tri = lowerTriangle(k);
    this.u = workspace(Math.max(n, m));
    boolean all = false;
    if (n <= m) {
      double trace = 0;
      for (int i = 0; i < n; i++) {
        trace += g[i][i];
        System.arraycopy(g[i], 0, tri[i], 0, i + 1);
      }
      all = choleskyShifted(tri, n, CERT * trace, u);
    }
    this.everySubset = all;
  }

  /** W W^T for the row-major n x m matrix w, full, one array per row. */
  private static double[][] gram(double[] w, int n, int m) {
    double[][] g = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = NumericalRank.dot(w, i * m, w, j * m, m);
        g[i][j] = s;
        g[j][i] = s;
      }
    }
    return g;
  }

  /** Rows 0 .. k-1 of a lower-triangular workspace, row i of length i + 1. */
  static double[][] lowerTriangle(int k) {
    double[][] t = new double[k][];
    for (int i = 0; i < k; i++) {
      t[i] = new double[i + 1];
    }
    return t;
  }

  /** True when every row subset of W is certified full rank (n1 &lt;= m, W well conditioned). */
  boolean everySubset() {
    return everySubset;
  }

  /** Points for which the pivoted attempt ran (the first subset failed and |J| &gt; m). */
  long pivotedTried() {
    return pivotedTried;
  }

  /** Points certified by the pivoted attempt. */
  long pivotedCertified() {
    return pivotedCertified;
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
      trace += diag[idx[a]];
    }
    double delta = CERT * trace;
    int k = Math.min(na, m);
    double[][] c = tri;
    for (int a = 0; a < k; a++) {
      double[] ga = g[idx[a]];
      double[] ca = c[a];
      for (int bb = 0; bb <= a; bb++) {
        ca[bb] = ga[idx[bb]];
      }
    }
    if (choleskyShifted(c, k, delta, u)) {
      return true;
    }
    if (na <= m) {
      return false;
    }
    pivotedTried++;
    if (square == null) {
      square = new double[n][n];
    }
    double[][] q = square;
    for (int a = 0; a < na; a++) {
      double[] ga = g[idx[a]];
      double[] qa = q[a];
      for (int bb = 0; bb < na; bb++) {
        qa[bb] = ga[idx[bb]];
      }
    }
    boolean ok = choleskyPivoted(q, na, m, delta, u);
    if (ok) {
      pivotedCertified++;
    }
    return ok;
  }

  /** Workspace for {@link #choleskyShifted} and {@link #choleskyPivoted} at sizes up to k. */
  static double[][] workspace(int k) {
    return new double[BLOCK][k];
  }

  /** Pivots eliminated together in {@link #choleskyShifted}: the leading rows are updated once. */
  static final int BLOCK = 4;

  /**
   * In-place Cholesky of {@code A - delta I} for the k x k symmetric A given by its lower triangle
   * ({@code a[i][0 .. i]}, read and destroyed), pivots eliminated in reverse order k-1, ..., 0 so
   * that the Schur complement is always the leading block and the update {@code a[i][t] -= u_i u_t}
   * (t = 0 .. i) indexes every array from 0 (C2 vectorises it). False as soon as a pivot is not
   * strictly positive. {@code u} is a {@link #workspace} for size >= k.
   *
   * <p>Blocked by {@link #BLOCK} pivots without changing any floating-point operation: the rows of
   * the block are updated pivot by pivot (they give the next pivots), the rows below the block once
   * per block, each entry receiving the block's subtractions in pivot order,
   * {@code (((a - u0_i u0_t) - u1_i u1_t) - ...)}, exactly as in the unblocked elimination. That
   * divides the number of (short) inner loops by the block size.
   */
  static boolean choleskyShifted(double[][] a, int k, double delta, double[][] u) {
    for (int i = 0; i < k; i++) {
      a[i][i] -= delta;
    }
    int p = k - 1;
    while (p >= 0) {
      int nb = Math.min(BLOCK, p + 1);
      int lo = p - nb + 1; // pivots p, p-1, ..., lo
      for (int s = 0; s < nb; s++) {
        int q = p - s;
        double[] rq = a[q];
        double d = rq[q];
        if (!(d > 0)) {
          return false;
        }
        double inv = 1.0 / Math.sqrt(d);
        double[] us = u[s];
        for (int t = 0; t < q; t++) {
          us[t] = rq[t] * inv;
        }
        // The block's remaining rows now (they give the next pivots): A[i, t] -= u_i u_t, t <= i.
        for (int i = lo; i < q; i++) {
          double[] ri = a[i];
          double f = us[i];
          for (int t = 0; t <= i; t++) {
            ri[t] -= f * us[t];
          }
        }
      }
      // The rows below the block: all nb updates, in pivot order.
      if (nb == BLOCK) {
        double[] u0 = u[0];
        double[] u1 = u[1];
        double[] u2 = u[2];
        double[] u3 = u[3];
        for (int i = 0; i < lo; i++) {
          double[] ri = a[i];
          double f0 = u0[i];
          double f1 = u1[i];
          double f2 = u2[i];
          double f3 = u3[i];
          for (int t = 0; t <= i; t++) {
            ri[t] = (((ri[t] - f0 * u0[t]) - f1 * u1[t]) - f2 * u2[t]) - f3 * u3[t];
          }
        }
      } else {
        for (int s = 0; s < nb; s++) {
          double[] us = u[s];
          for (int i = 0; i < lo; i++) {
            double[] ri = a[i];
            double f = us[i];
            for (int t = 0; t <= i; t++) {
              ri[t] -= f * us[t];
            }
          }
        }
      }
      p = lo - 1;
    }
    return true;
  }

  /**
   * Diagonally pivoted Cholesky of {@code A - delta I}, A the na x na symmetric matrix given in
   * full ({@code a[i][0 .. na)}, read and destroyed; row arrays may be swapped): at each step the
   * largest remaining diagonal entry is the pivot; true as soon as {@code need} pivots were
   * strictly positive, false when the largest remaining one is not. The pivot is swapped to the
   * end of the remaining block (rows and columns), so the Schur complement is always the leading
   * block, updated in full ({@code a[i][t]} and {@code a[t][i]} receive the same operations and
   * stay equal). {@code work} is a {@link #workspace} for size >= na.
   */
  static boolean choleskyPivoted(double[][] a, int na, int need, double delta, double[][] work) {
    double[] u = work[0];
    for (int i = 0; i < na; i++) {
      a[i][i] -= delta;
    }
    int done = 0;
    for (int r = na - 1; done < need; r--, done++) {
      // Pivot: the largest diagonal entry of the leading (r+1) x (r+1) block.
      int p = 0;
      double d = a[0][0];
      for (int i = 1; i <= r; i++) {
        if (a[i][i] > d) {
          d = a[i][i];
          p = i;
        }
      }
      if (!(d > 0)) {
        return false;
      }
      if (p != r) {
        double[] t = a[p];
        a[p] = a[r];
        a[r] = t;
        for (int i = 0; i <= r; i++) {
          double[] ai = a[i];
          double v = ai[p];
          ai[p] = ai[r];
          ai[r] = v;
        }
      }
      double[] rr = a[r];
      double inv = 1.0 / Math.sqrt(d);
      for (int t = 0; t < r; t++) {
        u[t] = rr[t] * inv;
      }
      for (int i = 0; i < r; i++) {
        double[] ai = a[i];
        double f = u[i];
        for (int t = 0; t < r; t++) {
          ai[t] -= f * u[t];
        }
      }
    }
    return true;
  }
}
