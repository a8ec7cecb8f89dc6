package sheafrank.linalg;

import dev.ludovic.netlib.lapack.LAPACK;
import java.util.SplittableRandom;
import org.netlib.util.intW;

/** Test helpers shared by the linalg and rank tests: dense matrices (column-major) and an independent SVD oracle (LAPACK dgesdd). */
public final class TestMatrices {
  private TestMatrices() {}

  /** Singular values (descending) of the column-major p x q matrix, by LAPACK dgesdd; a is kept. */
  public static double[] lapackSingularValues(double[] a, int p, int q) {
    int k = Math.min(p, q);
    if (k == 0) {
      return new double[0];
    }
    double[] copy = java.util.Arrays.copyOf(a, p * q);
    double[] s = new double[k];
    int[] iwork = new int[8 * k];
    intW info = new intW(0);
    double[] query = new double[1];
    LAPACK lapack = LAPACK.getInstance();
    lapack.dgesdd("N", p, q, copy, Math.max(1, p), s, new double[1], 1, new double[1], 1, query, -1,
        iwork, info);
    double[] work = new double[(int) query[0] + 1];
    lapack.dgesdd("N", p, q, copy, Math.max(1, p), s, new double[1], 1, new double[1], 1, work,
        work.length, iwork, info);
    if (info.val != 0) {
      throw new IllegalStateException("dgesdd failed, info=" + info.val);
    }
    return s;
  }

  /** numpy.linalg.matrix_rank with its default tolerance, via LAPACK singular values. */
  public static int numpyRank(double[] a, int p, int q) {
    return numpyRank(a, p, q, Math.max(p, q));
  }

  /** As {@link #numpyRank(double[], int, int)} with max(rows, cols) replaced by {@code dim}. */
  public static int numpyRank(double[] a, int p, int q, int dim) {
    double[] s = lapackSingularValues(a, p, q);
    if (s.length == 0) {
      return 0;
    }
    double tol = s[0] * dim * Math.ulp(1.0);
    int r = 0;
    for (double v : s) {
      if (v > tol) {
        r++;
      }
    }
    return r;
  }

  public static double[] gaussian(SplittableRandom r, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextGaussian();
    }
    return a;
  }

  /** Column-major product (p x r) (r x q). */
  public static double[] multiply(double[] b, int p, int r, double[] c, int q) {
    double[] a = new double[p * q];
    for (int j = 0; j < q; j++) {
      for (int k = 0; k < r; k++) {
        double ckj = c[j * r + k];
        for (int i = 0; i < p; i++) {
          a[j * p + i] += b[k * p + i] * ckj;
        }
      }
    }
    return a;
  }

  /** A random p x p orthogonal matrix (column-major): product of p random Householder reflectors. */
  public static double[] orthogonal(SplittableRandom r, int p) {
    double[] qm = new double[p * p];
    for (int i = 0; i < p; i++) {
      qm[i * p + i] = 1;
    }
    for (int h = 0; h < p; h++) {
      double[] v = gaussian(r, p);
      double vv = 0;
      for (double x : v) {
        vv += x * x;
      }
      // Q <- (I - 2 v v^T / v^T v) Q
      for (int j = 0; j < p; j++) {
        double s = 0;
        for (int i = 0; i < p; i++) {
          s += v[i] * qm[j * p + i];
        }
        s *= 2 / vv;
        for (int i = 0; i < p; i++) {
          qm[j * p + i] -= s * v[i];
        }
      }
    }
    return qm;
  }

  /** U diag(sigma) V^T, p x q column-major, with random orthogonal U, V; sigma has min(p,q) values. */
  public static double[] withSingularValues(SplittableRandom r, int p, int q, double[] sigma) {
    double[] u = orthogonal(r, p);
    double[] v = orthogonal(r, q);
    double[] a = new double[p * q];
    for (int k = 0; k < sigma.length; k++) {
      for (int j = 0; j < q; j++) {
        double vjk = v[k * q + j] * sigma[k]; // V[j,k]
        for (int i = 0; i < p; i++) {
          a[j * p + i] += u[k * p + i] * vjk;
        }
      }
    }
    return a;
  }

  public static double[] transpose(double[] a, int p, int q) {
    double[] t = new double[p * q];
    for (int j = 0; j < q; j++) {
      for (int i = 0; i < p; i++) {
        t[i * q + j] = a[j * p + i];
      }
    }
    return t;
  }
}
