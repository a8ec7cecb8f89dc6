package sheafrank.linalg;

import dev.ludovic.netlib.lapack.JavaLAPACK;
import dev.ludovic.netlib.lapack.LAPACK;
import dev.ludovic.netlib.lapack.NativeLAPACK;
import org.netlib.util.intW;

/**
 * Small dense kernels over row-major {@code double[]} matrices: the one place that talks to
 * LAPACK. Matrices here are at most a few hundred wide (restricted Laplacians, layer blocks), so
 * plain loops serve products and factorisations; eigenvalue problems go to netlib's pure-Java
 * LAPACK (the F2J translation of the reference Fortran, {@link JavaLAPACK}), never to a native
 * one: a native LAPACK (OpenBLAS, MKL) orders its floating-point operations by the CPU it runs on
 * and the library version, so the last bits of eigenvalues would depend on which executor computed
 * them. The F2J code is scalar Java, whose arithmetic is IEEE-exact in every JIT tier and on every
 * vector width, so a spectrum is the same on every machine (tested in child JVMs with and without
 * AVX and in the interpreter). At the sizes used here (n up to a few hundred) it costs a few
 * milliseconds per decomposition.
 */
public final class Dense {
  private Dense() {}

  /** C = A B with A (m x k), B (k x n). */
  public static double[] multiply(double[] a, double[] b, int m, int k, int n) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        double aip = a[i * k + p];
        if (aip == 0) {
          continue;
        }
        int bo = p * n;
        int co = i * n;
        for (int j = 0; j < n; j++) {
          c[co + j] += aip * b[bo + j];
        }
      }
    }
    return c;
  }

  /** A^T A for A (m x n); the result is n x n. */
  public static double[] gram(double[] a, int m, int n) {
    double[] g = new double[n * n];
    for (int r = 0; r < m; r++) {
      int ro = r * n;
      for (int i = 0; i < n; i++) {
        double ai = a[ro + i];
        if (ai == 0) {
          continue;
        }
        for (int j = 0; j < n; j++) {
          g[i * n + j] += ai * a[ro + j];
        }
      }
    }
    return g;
  }

  /** The transpose of A (m x n). */
  public static double[] transpose(double[] a, int m, int n) {
    double[] t = new double[n * m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        t[j * m + i] = a[i * n + j];
      }
    }
    return t;
  }

  /**
   * In-place Cholesky factorisation of the symmetric n x n matrix {@code a} (lower triangle used,
   * L written there). Returns false, leaving {@code a} partly overwritten, if a pivot is not
   * positive, i.e. the matrix is not positive definite.
   */
  public static boolean cholesky(double[] a, int n) {
    for (int j = 0; j < n; j++) {
      double d = a[j * n + j];
      for (int k = 0; k < j; k++) {
        d -= a[j * n + k] * a[j * n + k];
      }
      if (!(d > 0)) {
        return false;
      }
      d = Math.sqrt(d);
      a[j * n + j] = d;
      for (int i = j + 1; i < n; i++) {
        double s = a[i * n + j];
        for (int k = 0; k < j; k++) {
          s -= a[i * n + k] * a[j * n + k];
        }
        a[i * n + j] = s / d;
      }
    }
    return true;
  }

  /** Solves (L L^T) x = b in place given the Cholesky factor from {@link #cholesky}. */
  public static void choleskySolve(double[] l, int n, double[] b, int bOff) {
    for (int i = 0; i < n; i++) {
      double s = b[bOff + i];
      for (int k = 0; k < i; k++) {
        s -= l[i * n + k] * b[bOff + k];
      }
      b[bOff + i] = s / l[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = b[bOff + i];
      for (int k = i + 1; k < n; k++) {
        s -= l[k * n + i] * b[bOff + k];
      }
      b[bOff + i] = s / l[i * n + i];
    }
  }

  /** Determinant of the n x n matrix by LU with partial pivoting (the input is not modified). */
  public static double determinant(double[] a0, int n) {
    double[] a = a0.clone();
    double det = 1;
    for (int k = 0; k < n; k++) {
      int p = k;
      for (int i = k + 1; i < n; i++) {
        if (Math.abs(a[i * n + k]) > Math.abs(a[p * n + k])) {
          p = i;
        }
      }
      if (a[p * n + k] == 0) {
        return 0;
      }
      if (p != k) {
        for (int j = 0; j < n; j++) {
          double t = a[k * n + j];
          a[k * n + j] = a[p * n + j];
          a[p * n + j] = t;
        }
        det = -det;
      }
      double piv = a[k * n + k];
      det *= piv;
      for (int i = k + 1; i < n; i++) {
        double f = a[i * n + k] / piv;
        if (f != 0) {
          for (int j = k + 1; j < n; j++) {
            a[i * n + j] -= f * a[k * n + j];
          }
        }
      }
    }
    return det;
  }

  /** Eigen-decomposition of a symmetric matrix. */
  public record SymmetricEigen(double[] values, double[] vectors, int n) {
    /** Component i of the eigenvector of eigenvalue {@code values[k]} (ascending order). */
    public double vector(int k, int i) {
      return vectors[k * n + i];
    }
  }

  /**
   * Eigenvalues (ascending) of the symmetric n x n matrix {@code a}, and the eigenvectors if
   * {@code withVectors}, by LAPACK dsyev (pure Java, see the class documentation). The input is not
   * modified.
   */
  public static SymmetricEigen symmetricEigen(double[] a, int n, boolean withVectors) {
    // Row-major symmetric == column-major symmetric; eigenvectors come back as columns of the
    // column-major result, i.e. contiguous rows of our row-major view: vector k at [k*n, k*n+n).
    double[] work = a.clone();
    double[] w = new double[n];
    String jobz = withVectors ? "V" : "N";
    intW info = new intW(0);
    double[] query = new double[1];
    LAPACK lapack = JavaLAPACK.getInstance();
    lapack.dsyev(jobz, "U", n, work, Math.max(1, n), w, query, -1, info);
    int lwork = Math.max(1, (int) query[0]);
    double[] ws = new double[lwork];
    lapack.dsyev(jobz, "U", n, work, Math.max(1, n), w, ws, lwork, info);
    if (info.val != 0) {
      throw new ArithmeticException("LAPACK dsyev failed to converge (info=" + info.val + ")");
    }
    return new SymmetricEigen(w, withVectors ? work : null, n);
  }

  /** Name of the LAPACK implementation results come from: always the pure-Java F2J translation. */
  public static String lapackBackend() {
    return JavaLAPACK.getInstance().getClass().getSimpleName();
  }

  /**
   * Name of the BLAS implementation netlib would pick on this machine. No result depends on it: the
   * project's products are its own loops, and the F2J LAPACK calls F2J's own Java BLAS.
   */
  public static String blasBackend() {
    return dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName();
  }

  /** Whether this machine has a native LAPACK (unused for results; recorded for reference). */
  public static boolean nativeLapackPresent() {
    return LAPACK.getInstance() instanceof NativeLAPACK;
  }
}
