package sheafrank.linalg;

import dev.ludovic.netlib.lapack.LAPACK;
import dev.ludovic.netlib.lapack.NativeLAPACK;
import org.netlib.util.intW;

/**
 * Numerical rank of small dense matrices (up to a few hundred rows and columns), by a
 * rank-revealing factorisation with a stated tolerance. Plain Java over flat column-major
 * {@code double[]} buffers; one instance holds the workspaces, so an instance is for one thread.
 *
 * <h2>Tolerance</h2>
 *
 * Both methods take a relative tolerance {@code rtol}; the absolute threshold is {@code rtol} times
 * the matrix's largest singular value (SVD) or its largest column norm {@code |R_11|} (pivoted QR,
 * which lies in {@code [sigma_max / sqrt(cols), sigma_max]}). {@link #numpyRtol(int, int)} is
 * NumPy's {@code matrix_rank} default, {@code max(rows, cols) * eps} with {@code eps = 2^-52}: with
 * it, {@link #rankSvd} counts the singular values {@code > sigma_max * max(rows, cols) * eps}, which
 * is exactly {@code numpy.linalg.matrix_rank(A)}. A zero matrix has rank 0 under both methods.
 *
 * <h2>Methods</h2>
 *
 * <ul>
 *   <li>{@link #rankSvd}: Householder (Golub-Kahan) bidiagonalisation, then the singular values of
 *       the bidiagonal counted by one Sturm-sequence (LDL^T inertia) count on the 2q x 2q
 *       Golub-Kahan tridiagonal, whose eigenvalues are {@code +-sigma_i} (the bisection route of
 *       LAPACK's {@code dbdsvdx}); {@code sigma_max} is found by bisection on the same matrix to
 *       full relative precision. Counting is backward stable: the count is exact for a bidiagonal
 *       within a few ulps (relative) of the computed one, so only singular values within rounding
 *       of the threshold can be miscounted. Cost about {@code 4 p q^2 - 4 q^3 / 3} flops for a p x q
 *       matrix, p >= q, plus O(q) per bisection step.
 *   <li>{@link #rankQr}: Householder QR with column pivoting (LAPACK {@code dgeqp2}/{@code dlaqp2},
 *       including its safeguarded column-norm downdating), stopped at the first step whose pivot
 *       {@code |R_ii|} is {@code <= rtol * |R_11|}. Costs about half the SVD route and less when
 *       the matrix is rank deficient. Column-pivoted QR reveals the rank reliably in practice; it
 *       can overestimate it only on contrived matrices (Kahan's), which do not arise here.
 * </ul>
 *
 * Both destroy the contents of the input buffer.
 *
 * <h2>Backends</h2>
 *
 * {@link Backend#JAVA} (the default, and the only one that results reaching a table may use) runs
 * the kernels above: plain Java loops whose floating-point operations happen in one fixed order
 * (Java arithmetic is IEEE-exact in every JIT tier; C2's vectorised loops keep that order), so a
 * rank is the same on every machine whatever BLAS/LAPACK it has and whatever its vector width.
 * {@link Backend#LAPACK} calls LAPACK's {@code dgesdd} (singular values only) or {@code dgeqp3}
 * through {@code dev.ludovic.netlib} (native when the machine has one) with the same tolerance
 * rules; it is kept for comparisons and benchmarks ({@code RankBench}). Ranks from the two can
 * differ only for singular values within rounding of the threshold, which is exactly why tables
 * use one backend everywhere: measured on R2's grid the Java kernels cost about the same CPU time
 * as native OpenBLAS (most first-layer ranks are certified without a factorisation), see
 * {@code docs/usage.md}.
 */
public final class NumericalRank {
  /** Machine epsilon as NumPy's {@code finfo(float64).eps}: 2^-52. */
  public static final double EPS = Math.ulp(1.0);

  private static final double TOL3Z = Math.sqrt(EPS);

  private double[] vn1 = new double[0];
  private double[] vn2 = new double[0];
  private int[] colOff = new int[0];
  private double[] work = new double[0];
  private double[] tgk = new double[0];
  private double[] vec = new double[0];

  /** Where the factorisations run; see the class documentation. */
  public enum Backend {
    /** The plain-Java kernels of this class: the same bits on every machine. */
    JAVA,
    /**
     * LAPACK via dev.ludovic.netlib: native if the machine has one, its Java translation if not.
     * For comparisons only: results may depend on the machine.
     */
    LAPACK
  }

  private final Backend backend;
  private final LAPACK lapack;
  private int[] lapackInt = new int[0];
  private double[] lapackTau = new double[0];
  private double[] lapackWork = new double[0];
  private double[] lapackS = new double[0];
  private final intW info = new intW(0);
  private final double[] one = new double[1];
  private int qp3P = -1;
  private int qp3Q = -1;
  private int qp3Lwork;
  private int sddP = -1;
  private int sddQ = -1;
  private int sddLwork;

  /** Kernels with the {@link Backend#JAVA} backend. */
  public NumericalRank() {
    this(Backend.JAVA);
  }

  public NumericalRank(Backend backend) {
    if (backend == null) {
      throw new IllegalArgumentException("backend must be given (java or lapack)");
    }
    this.backend = backend;
    this.lapack = backend == Backend.JAVA ? null : LAPACK.getInstance();
  }

  public Backend backend() {
    return backend;
  }

  /** The LAPACK implementation netlib picked on this machine (for run records). */
  public static String lapackImplementation() {
    return LAPACK.getInstance().getClass().getName();
  }

  /** Whether netlib found a native LAPACK on this machine. */
  public static boolean lapackIsNative() {
    return LAPACK.getInstance() instanceof NativeLAPACK;
  }

  private boolean useLapack() {
    return backend == Backend.LAPACK;
  }

  /** NumPy's default relative tolerance for a {@code rows x cols} matrix. */
  public static double numpyRtol(int rows, int cols) {
    return Math.max(rows, cols) * EPS;
  }

  private void ensure(int p, int q) {
    int n = Math.max(p, q);
    if (vn1.length < n) {
      vn1 = new double[n];
      vn2 = new double[n];
      colOff = new int[n];
      vec = new double[n];
      tgk = new double[2 * n];
    }
  }

  private static void checkShape(double[] a, int p, int q) {
    if (p < 0 || q < 0 || a.length < p * q) {
      throw new IllegalArgumentException(
          "matrix " + p + "x" + q + " needs " + (long) p * q + " values, buffer has " + a.length);
    }
  }

  /**
   * Rank of the {@code p x q} column-major matrix in {@code a[0 .. p*q)} by column-pivoted
   * Householder QR: the number of pivots {@code |R_ii| > rtol * |R_11|}. Destroys {@code a}.
   */
  public int rankQr(double[] a, int p, int q, double rtol) {
    checkShape(a, p, q);
    int kmax = Math.min(p, q);
    if (kmax == 0) {
      return 0;
    }
    if (useLapack()) {
      return lapackRankQr(a, p, q, rtol);
    }
    ensure(p, q);
    double[] vn1 = this.vn1;
    double[] vn2 = this.vn2;
    int[] off = this.colOff;
    double nmax = 0;
    for (int j = 0; j < q; j++) {
      off[j] = j * p;
      double s = norm(a, j * p, p);
      vn1[j] = s;
      vn2[j] = s;
      nmax = Math.max(nmax, s);
    }
    if (nmax == 0) {
      return 0;
    }
    double tol = rtol * nmax; // nmax is |R_11|: the first pivot is the largest column.
    for (int i = 0; i < kmax; i++) {
      // Pivot: the remaining column with the largest (downdated) trailing norm.
      int pvt = i;
      double best = vn1[i];
      for (int j = i + 1; j < q; j++) {
        if (vn1[j] > best) {
          best = vn1[j];
          pvt = j;
        }
      }
      if (pvt != i) {
        int t = off[pvt];
        off[pvt] = off[i];
        off[i] = t;
        vn1[pvt] = vn1[i];
        vn2[pvt] = vn2[i];
      }
      int ci = off[i];
      // Householder reflector for a[i..p) of column i: R_ii = beta.
      double alpha = a[ci + i];
      double xnorm = norm(a, ci + i + 1, p - i - 1);
      double beta = -Math.copySign(Math.hypot(alpha, xnorm), alpha);
      if (!(Math.abs(beta) > tol)) {
        return i;
      }
      if (i == kmax - 1) {
        return kmax;
      }
      if (xnorm == 0) {
        // Already upper triangular in this column: H = I, nothing to apply; norms unchanged except
        // for the removed row i.
        downdateNorms(a, off, i, p, q);
        continue;
      }
      double tau = (beta - alpha) / beta;
      double scal = 1.0 / (alpha - beta);
      int len = p - i;
      double[] v = vec;
      v[0] = 1.0;
      for (int r = 1; r < len; r++) {
        v[r] = a[ci + i + r] * scal;
      }
      // Apply H = I - tau v v^T to rows i..p of the remaining columns.
      for (int j = i + 1; j < q; j++) {
        reflect(a, off[j] + i, v, len, tau);
      }
      downdateNorms(a, off, i, p, q);
    }
    return kmax;
  }

  /** x = a[c .. c+len) &lt;- (I - tau v v^T) x, v = v[0 .. len) (contiguous, v[0] = 1). */
  private static void reflect(double[] a, int c, double[] v, int len, double tau) {
    double f = tau * dot(v, 0, a, c, len);
    for (int r = 0; r < len; r++) {
      a[c + r] -= f * v[r];
    }
  }

  private int lapackRankQr(double[] a, int p, int q, double rtol) {
    int k = Math.min(p, q);
    if (lapackInt.length < q) {
      lapackInt = new int[q];
    }
    if (lapackTau.length < k) {
      lapackTau = new double[k];
    }
    java.util.Arrays.fill(lapackInt, 0, q, 0); // all columns free to pivot
    if (p != qp3P || q != qp3Q) {
      lapack.dgeqp3(p, q, a, p, lapackInt, lapackTau, one, -1, info); // workspace query
      qp3Lwork = Math.max(1, (int) one[0]);
      qp3P = p;
      qp3Q = q;
    }
    if (lapackWork.length < qp3Lwork) {
      lapackWork = new double[qp3Lwork];
    }
    lapack.dgeqp3(p, q, a, p, lapackInt, lapackTau, lapackWork, lapackWork.length, info);
    if (info.val != 0) {
      throw new IllegalStateException("LAPACK dgeqp3 failed with info=" + info.val);
    }
    double r11 = Math.abs(a[0]);
    if (!(r11 > 0)) {
      return 0;
    }
    double tol = rtol * r11;
    for (int i = 0; i < k; i++) {
      if (!(Math.abs(a[i * p + i]) > tol)) {
        return i;
      }
    }
    return k;
  }

  private int lapackRankSvd(double[] a, int p, int q, double rtol) {
    int k = Math.min(p, q);
    if (lapackS.length < k) {
      lapackS = new double[k];
    }
    if (lapackInt.length < 8 * k) {
      lapackInt = new int[8 * k];
    }
    if (p != sddP || q != sddQ) {
      lapack.dgesdd("N", p, q, a, p, lapackS, one, 1, one, 1, one, -1, lapackInt, info); // query
      sddLwork = Math.max(1, (int) one[0]);
      sddP = p;
      sddQ = q;
    }
    if (lapackWork.length < sddLwork) {
      lapackWork = new double[sddLwork];
    }
    lapack.dgesdd("N", p, q, a, p, lapackS, one, 1, one, 1, lapackWork, lapackWork.length,
        lapackInt, info);
    if (info.val != 0) {
      throw new IllegalStateException("LAPACK dgesdd failed with info=" + info.val);
    }
    double thr = lapackS[0] * rtol;
    int r = 0;
    for (int i = 0; i < k; i++) {
      if (lapackS[i] > thr) {
        r++;
      }
    }
    return r;
  }

  /** LAPACK dlaqp2's column-norm downdate after step i, with recomputation when it cancels. */
  private void downdateNorms(double[] a, int[] off, int i, int p, int q) {
    for (int j = i + 1; j < q; j++) {
      if (vn1[j] != 0) {
        double r = Math.abs(a[off[j] + i]) / vn1[j];
        double temp = Math.max(0.0, 1.0 - r * r);
        double ratio = vn1[j] / vn2[j];
        double temp2 = temp * ratio * ratio;
        if (temp2 <= TOL3Z) {
          double s = norm(a, off[j] + i + 1, p - i - 1);
          vn1[j] = s;
          vn2[j] = s;
        } else {
          vn1[j] *= Math.sqrt(temp);
        }
      }
    }
  }

  /**
   * Rank of the {@code p x q} column-major matrix in {@code a[0 .. p*q)} from its singular values:
   * the number of {@code sigma_i > rtol * sigma_max}. Destroys {@code a}.
   */
  public int rankSvd(double[] a, int p, int q, double rtol) {
    checkShape(a, p, q);
    if (Math.min(p, q) == 0) {
      return 0;
    }
    if (useLapack()) {
      return lapackRankSvd(a, p, q, rtol);
    }
    ensure(p, q);
    double[] m = a;
    if (p < q) {
      // Bidiagonalise the transpose (q x p, tall); same singular values.
      if (work.length < p * q) {
        work = new double[p * q];
      }
      double[] t = work;
      for (int j = 0; j < q; j++) {
        int cj = j * p;
        for (int i = 0; i < p; i++) {
          t[i * q + j] = a[cj + i];
        }
      }
      m = t;
      int s = p;
      p = q;
      q = s;
    }
    bidiagonalise(m, p, q, tgk);
    return countAbove(tgk, q, rtol);
  }

  /**
   * Singular values of the {@code p x q} column-major matrix, in decreasing order, each by bisection
   * on the Golub-Kahan tridiagonal to full relative precision of that matrix's largest value.
   * Destroys {@code a}. O(q^2) bisection work on top of the bidiagonalisation; for tests and
   * diagnostics, the rank methods do not need it.
   */
  public double[] singularValues(double[] a, int p, int q) {
    checkShape(a, p, q);
    int k = Math.min(p, q);
    if (k == 0) {
      return new double[0];
    }
    ensure(p, q);
    double[] m = a;
    if (p < q) {
      double[] t = new double[p * q];
      for (int j = 0; j < q; j++) {
        for (int i = 0; i < p; i++) {
          t[i * q + j] = a[j * p + i];
        }
      }
      m = t;
      int s = p;
      p = q;
      q = s;
    }
    bidiagonalise(m, p, q, tgk);
    int n = 2 * q;
    double scale = 0;
    for (int i = 0; i < n - 1; i++) {
      scale = Math.max(scale, Math.abs(tgk[i]));
    }
    double[] out = new double[q];
    if (scale == 0) {
      return out;
    }
    double[] t2 = new double[n - 1];
    for (int i = 0; i < n - 1; i++) {
      double v = tgk[i] / scale;
      t2[i] = v * v;
    }
    double hi0 = 2.0; // Gershgorin: |lambda| <= 2 max |t| = 2 after scaling.
    for (int r = 0; r < q; r++) {
      // (r+1)-th largest eigenvalue: the x with count(< x) = n - r - 1 just below it.
      double lo = 0;
      double hi = hi0;
      for (int it = 0; it < 200 && hi - lo > 2 * EPS * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (countBelow(t2, n, mid) >= n - r) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
      out[r] = hi * scale;
    }
    return out;
  }

  /**
   * Householder bidiagonalisation of the column-major p x q matrix (p >= q) to upper bidiagonal
   * form; writes the Golub-Kahan off-diagonal sequence (d_0, e_0, d_1, e_1, ..., d_{q-1}) into
   * {@code t[0 .. 2q-1)}.
   */
  private void bidiagonalise(double[] a, int p, int q, double[] t) {
    double[] v = vec;
    for (int k = 0; k < q; k++) {
      int ck = k * p;
      // Left reflector on a[k..p) of column k.
      double alpha = a[ck + k];
      double xnorm = norm(a, ck + k + 1, p - k - 1);
      double d;
      if (xnorm == 0) {
        d = alpha;
      } else {
        double beta = -Math.copySign(Math.hypot(alpha, xnorm), alpha);
        double tau = (beta - alpha) / beta;
        double scal = 1.0 / (alpha - beta);
        int len = p - k;
        v[0] = 1.0;
        for (int r = 1; r < len; r++) {
          v[r] = a[ck + k + r] * scal;
        }
        for (int j = k + 1; j < q; j++) {
          reflect(a, j * p + k, v, len, tau);
        }
        d = beta;
      }
      t[2 * k] = d;
      if (k == q - 1) {
        break;
      }
      // Right reflector on row k, columns k+1..q: x = a[k, k+1..q).
      int n = q - k - 1;
      double ralpha = a[(k + 1) * p + k];
      double rx = normStrided(a, (k + 2) * p + k, p, q - k - 2);
      double e;
      if (rx == 0 || n == 1) {
        e = ralpha;
      } else {
        double beta = -Math.copySign(Math.hypot(ralpha, rx), ralpha);
        double tau = (beta - ralpha) / beta;
        double scal = 1.0 / (ralpha - beta);
        v[0] = 1.0;
        for (int j = k + 2; j < q; j++) {
          v[j - k - 1] = a[j * p + k] * scal;
        }
        // Rows k+1..p of columns k+1..q: w = A v; A -= tau w v^T. Column axpys, contiguous.
        double[] w = vn1; // free here (length >= p)
        int c1 = (k + 1) * p;
        for (int r = k + 1; r < p; r++) {
          w[r] = a[c1 + r];
        }
        for (int j = 1; j < n; j++) {
          double vj = v[j];
          int cj = (k + 1 + j) * p;
          for (int r = k + 1; r < p; r++) {
            w[r] += vj * a[cj + r];
          }
        }
        for (int r = k + 1; r < p; r++) {
          w[r] *= tau;
        }
        for (int j = 0; j < n; j++) {
          double vj = v[j];
          int cj = (k + 1 + j) * p;
          for (int r = k + 1; r < p; r++) {
            a[cj + r] -= vj * w[r];
          }
        }
        e = beta;
      }
      t[2 * k + 1] = e;
    }
  }

  /**
   * Number of singular values of the bidiagonal behind the Golub-Kahan sequence {@code t} that
   * exceed {@code rtol * sigma_max}.
   */
  private int countAbove(double[] t, int q, double rtol) {
    int n = 2 * q;
    double scale = 0;
    for (int i = 0; i < n - 1; i++) {
      scale = Math.max(scale, Math.abs(t[i]));
    }
    if (scale == 0) {
      return 0;
    }
    if (n == 2) {
      return 1; // a single nonzero value: sigma = sigma_max > rtol sigma_max.
    }
    // Work on squares of the scaled entries (max 1): no overflow, underflow only below 1e-300.
    double[] t2 = squares(t, n, scale);
    // sigma_max by bisection: count(< x) == n - 1 iff x is in (sigma_2, sigma_max].
    double lo = 0;
    double hi = 2.0;
    for (int it = 0; it < 200 && hi - lo > 2 * EPS * hi; it++) {
      double mid = 0.5 * (lo + hi);
      if (countBelow(t2, n, mid) >= n) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    double thr = rtol * hi;
    if (!(thr > 0)) {
      // rtol = 0: count exact nonzeros of the bidiagonal's singular values via a tiny threshold.
      thr = Double.MIN_NORMAL;
    }
    int below = countBelow(t2, n, thr);
    return Math.min(q, n - below);
  }

  private double[] sq = new double[0];

  private double[] squares(double[] t, int n, double scale) {
    if (sq.length < n) {
      sq = new double[n];
    }
    double inv = 1.0 / scale;
    for (int i = 0; i < n - 1; i++) {
      double v = t[i] * inv;
      sq[i] = v * v;
    }
    return sq;
  }

  /**
   * Number of eigenvalues below {@code x} of the symmetric n x n tridiagonal with zero diagonal and
   * squared off-diagonals {@code t2[0..n-1)}: negative pivots of the LDL^T factorisation of T - xI
   * (Sturm count), with zero pivots replaced by a tiny negative one as in LAPACK's dstebz.
   */
  static int countBelow(double[] t2, int n, double x) {
    final double pivmin = Double.MIN_NORMAL;
    int count = 0;
    double d = -x;
    if (Math.abs(d) < pivmin) {
      d = -pivmin;
    }
    if (d < 0) {
      count++;
    }
    for (int i = 1; i < n; i++) {
      d = -x - t2[i - 1] / d;
      if (Math.abs(d) < pivmin) {
        d = -pivmin;
      }
      if (d < 0) {
        count++;
      }
    }
    return count;
  }

  /** Euclidean norm of a[off], a[off + stride], ... (n values), scaled on under/overflow. */
  static double normStrided(double[] a, int off, int stride, int n) {
    double s = 0;
    for (int i = 0, t = off; i < n; i++, t += stride) {
      s += a[t] * a[t];
    }
    if (s >= Double.MIN_NORMAL && s < Double.POSITIVE_INFINITY) {
      return Math.sqrt(s);
    }
    double scale = 0;
    for (int i = 0, t = off; i < n; i++, t += stride) {
      scale = Math.max(scale, Math.abs(a[t]));
    }
    if (scale == 0 || !Double.isFinite(scale)) {
      return scale;
    }
    s = 0;
    for (int i = 0, t = off; i < n; i++, t += stride) {
      double v = a[t] / scale;
      s += v * v;
    }
    return scale * Math.sqrt(s);
  }

  /** Euclidean norm of a[off .. off+n), with a scaled recomputation on under/overflow. */
  static double norm(double[] a, int off, int n) {
    double s = 0;
    for (int i = off; i < off + n; i++) {
      s += a[i] * a[i];
    }
    if (s >= Double.MIN_NORMAL && s < Double.POSITIVE_INFINITY) {
      return Math.sqrt(s);
    }
    double scale = 0;
    for (int i = off; i < off + n; i++) {
      scale = Math.max(scale, Math.abs(a[i]));
    }
    if (scale == 0 || !Double.isFinite(scale)) {
      return scale;
    }
    s = 0;
    for (int i = off; i < off + n; i++) {
      double v = a[i] / scale;
      s += v * v;
    }
    return scale * Math.sqrt(s);
  }

  /**
   * Dot product a[ao..ao+len) . b[bo..bo+len), one accumulator in index order: C2 vectorises the
   * products and keeps the additions in order (an ordered vector reduction), which measured faster
   * here than manual 4-way partial sums (those block the vectoriser).
   */
  public static double dot(double[] a, int ao, double[] b, int bo, int len) {
    double s = 0;
    for (int t = 0; t < len; t++) {
      s += a[ao + t] * b[bo + t];
    }
    return s;
  }

}
