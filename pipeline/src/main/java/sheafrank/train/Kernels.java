package sheafrank.train;

/**
 * Allocation-free loops over a batch held as rows: one {@code double[]} per quantity, one entry
 * per sample. Every elementwise loop indexes all its arrays by the same sample index, which is what
 * lets the JIT (C2's SuperWord) vectorise it; per-sample arithmetic is done in a fixed order.
 */
final class Kernels {
  private Kernels() {}

  /** 2^600: (-z * BIG) * BIG is 0 for z = +-0, >= 1 (or +inf) for z < 0, <= -1 for z > 0. */
  static final double BIG = 0x1p600;

  /**
   * The ReLU mask of seed 001 eq. 12 as a double, branch-free (so it vectorises and never
   * mispredicts): 1 for z >= 0 (including -0.0), 0 for z < 0, NaN for NaN.
   */
  static double mask(double z) {
    return 1.0 - Math.min(Math.max(-z * BIG * BIG, 0.0), 1.0);
  }

  /**
   * {@code g[i*np + j] = sum_s r[i][s] p[j][s]} over the first n samples: the batch-summed outer
   * products of eq. 25 and of backprop (pass a row of ones as the last p row to get the bias sums
   * in the same sweep). The JIT does not vectorise reductions, so this is a register-blocked
   * micro-kernel: two r rows times up to four p rows per pass, i.e. up to eight independent
   * fused multiply-add chains sharing their loads.
   */
  static void gram(double[][] r, int nout, double[][] p, int np, int n, double[] g) {
    int i = 0;
    for (; i + 1 < nout; i += 2) {
      final double[] r0 = r[i];
      final double[] r1 = r[i + 1];
      final int g0 = i * np;
      final int g1 = g0 + np;
      int j = 0;
      for (; j + 3 < np; j += 4) {
        final double[] p0 = p[j];
        final double[] p1 = p[j + 1];
        final double[] p2 = p[j + 2];
        final double[] p3 = p[j + 3];
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        double b0 = 0;
        double b1 = 0;
        double b2 = 0;
        double b3 = 0;
        for (int s = 0; s < n; s++) {
          double u = r0[s];
          double v = r1[s];
          double q0 = p0[s];
          double q1 = p1[s];
          double q2 = p2[s];
          double q3 = p3[s];
          a0 = Math.fma(u, q0, a0);
          a1 = Math.fma(u, q1, a1);
          a2 = Math.fma(u, q2, a2);
          a3 = Math.fma(u, q3, a3);
          b0 = Math.fma(v, q0, b0);
          b1 = Math.fma(v, q1, b1);
          b2 = Math.fma(v, q2, b2);
          b3 = Math.fma(v, q3, b3);
        }
        g[g0 + j] = a0;
        g[g0 + j + 1] = a1;
        g[g0 + j + 2] = a2;
        g[g0 + j + 3] = a3;
        g[g1 + j] = b0;
        g[g1 + j + 1] = b1;
        g[g1 + j + 2] = b2;
        g[g1 + j + 3] = b3;
      }
      int rest = np - j;
      if (rest == 3) {
        final double[] p0 = p[j];
        final double[] p1 = p[j + 1];
        final double[] p2 = p[j + 2];
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double b0 = 0;
        double b1 = 0;
        double b2 = 0;
        for (int s = 0; s < n; s++) {
          double u = r0[s];
          double v = r1[s];
          double q0 = p0[s];
          double q1 = p1[s];
          double q2 = p2[s];
          a0 = Math.fma(u, q0, a0);
          a1 = Math.fma(u, q1, a1);
          a2 = Math.fma(u, q2, a2);
          b0 = Math.fma(v, q0, b0);
          b1 = Math.fma(v, q1, b1);
          b2 = Math.fma(v, q2, b2);
        }
        g[g0 + j] = a0;
        g[g0 + j + 1] = a1;
        g[g0 + j + 2] = a2;
        g[g1 + j] = b0;
        g[g1 + j + 1] = b1;
        g[g1 + j + 2] = b2;
      } else if (rest == 2) {
        final double[] p0 = p[j];
        final double[] p1 = p[j + 1];
        double a0 = 0;
        double a1 = 0;
        double b0 = 0;
        double b1 = 0;
        double c0 = 0;
        double c1 = 0;
        double d0 = 0;
        double d1 = 0;
        int s = 0;
        for (; s + 1 < n; s += 2) {
          a0 = Math.fma(r0[s], p0[s], a0);
          a1 = Math.fma(r0[s], p1[s], a1);
          b0 = Math.fma(r1[s], p0[s], b0);
          b1 = Math.fma(r1[s], p1[s], b1);
          c0 = Math.fma(r0[s + 1], p0[s + 1], c0);
          c1 = Math.fma(r0[s + 1], p1[s + 1], c1);
          d0 = Math.fma(r1[s + 1], p0[s + 1], d0);
          d1 = Math.fma(r1[s + 1], p1[s + 1], d1);
        }
        if (s < n) {
          a0 = Math.fma(r0[s], p0[s], a0);
          a1 = Math.fma(r0[s], p1[s], a1);
          b0 = Math.fma(r1[s], p0[s], b0);
          b1 = Math.fma(r1[s], p1[s], b1);
        }
        g[g0 + j] = a0 + c0;
        g[g0 + j + 1] = a1 + c1;
        g[g1 + j] = b0 + d0;
        g[g1 + j + 1] = b1 + d1;
      } else if (rest == 1) {
        g[g0 + j] = dot(r0, p[j], n);
        g[g1 + j] = dot(r1, p[j], n);
      }
    }
    if (i < nout) {
      final double[] r0 = r[i];
      final int g0 = i * np;
      int j = 0;
      for (; j + 3 < np; j += 4) {
        final double[] p0 = p[j];
        final double[] p1 = p[j + 1];
        final double[] p2 = p[j + 2];
        final double[] p3 = p[j + 3];
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        double b0 = 0;
        double b1 = 0;
        double b2 = 0;
        double b3 = 0;
        int s = 0;
        for (; s + 1 < n; s += 2) {
          double u = r0[s];
          double v = r0[s + 1];
          a0 = Math.fma(u, p0[s], a0);
          a1 = Math.fma(u, p1[s], a1);
          a2 = Math.fma(u, p2[s], a2);
          a3 = Math.fma(u, p3[s], a3);
          b0 = Math.fma(v, p0[s + 1], b0);
          b1 = Math.fma(v, p1[s + 1], b1);
          b2 = Math.fma(v, p2[s + 1], b2);
          b3 = Math.fma(v, p3[s + 1], b3);
        }
        if (s < n) {
          double u = r0[s];
          a0 = Math.fma(u, p0[s], a0);
          a1 = Math.fma(u, p1[s], a1);
          a2 = Math.fma(u, p2[s], a2);
          a3 = Math.fma(u, p3[s], a3);
        }
        g[g0 + j] = a0 + b0;
        g[g0 + j + 1] = a1 + b1;
        g[g0 + j + 2] = a2 + b2;
        g[g0 + j + 3] = a3 + b3;
      }
      for (; j < np; j++) {
        g[g0 + j] = dot(r0, p[j], n);
      }
    }
  }

  /** sum_s a[s] b[s] with four chains. */
  static double dot(double[] a, double[] b, int n) {
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    int s = 0;
    for (; s + 3 < n; s += 4) {
      a0 = Math.fma(a[s], b[s], a0);
      a1 = Math.fma(a[s + 1], b[s + 1], a1);
      a2 = Math.fma(a[s + 2], b[s + 2], a2);
      a3 = Math.fma(a[s + 3], b[s + 3], a3);
    }
    for (; s < n; s++) {
      a0 = Math.fma(a[s], b[s], a0);
    }
    return (a0 + a1) + (a2 + a3);
  }

  /**
   * Row i of the affine map: {@code out[s] = b_i + sum_j W[i,j] p[j][s]}, summed left to right from
   * the bias (the order of {@link sheafrank.net.Mlp#affine}).
   */
  static void affineRow(double[] w, double[] b, int i, int nin, double[][] p, int n, double[] out) {
    int wb = i * nin;
    double bi = b[i];
    double w0 = w[wb];
    double[] p0 = p[0];
    if (nin == 2) {
      double w1 = w[wb + 1];
      double[] p1 = p[1];
      for (int s = 0; s < n; s++) {
        out[s] = (bi + w0 * p0[s]) + w1 * p1[s];
      }
      return;
    }
    for (int s = 0; s < n; s++) {
      out[s] = bi + w0 * p0[s];
    }
    for (int j = 1; j < nin; j++) {
      double wj = w[wb + j];
      double[] pj = p[j];
      for (int s = 0; s < n; s++) {
        out[s] += wj * pj[s];
      }
    }
  }

  /** {@link #affineRow} followed by the ReLU, in one pass: z = W p + b (row i), a = max(z, 0). */
  static void affineRowRelu(double[] w, double[] b, int i, int nin, double[][] p, int n,
      double[] z, double[] a) {
    int wb = i * nin;
    double bi = b[i];
    double w0 = w[wb];
    double[] p0 = p[0];
    if (nin == 2) {
      double w1 = w[wb + 1];
      double[] p1 = p[1];
      for (int s = 0; s < n; s++) {
        double v = (bi + w0 * p0[s]) + w1 * p1[s];
        z[s] = v;
        a[s] = Math.max(v, 0.0);
      }
      return;
    }
    if (nin == 1) {
      for (int s = 0; s < n; s++) {
        double v = bi + w0 * p0[s];
        z[s] = v;
        a[s] = Math.max(v, 0.0);
      }
      return;
    }
    for (int s = 0; s < n; s++) {
      z[s] = bi + w0 * p0[s];
    }
    for (int j = 1; j < nin - 1; j++) {
      double wj = w[wb + j];
      double[] pj = p[j];
      for (int s = 0; s < n; s++) {
        z[s] += wj * pj[s];
      }
    }
    double wl = w[wb + nin - 1];
    double[] pl = p[nin - 1];
    for (int s = 0; s < n; s++) {
      double v = z[s] + wl * pl[s];
      z[s] = v;
      a[s] = Math.max(v, 0.0);
    }
  }

  /**
   * Residual row i of a weight edge: {@code out[s] = z[s] - (b_i + sum_j W[i,j] p[j][s])}, the
   * affine part summed left to right from the bias exactly as
   * {@link sheafrank.diffusion.HeatEquation} does.
   */
  static void residualRow(double[] w, double[] b, int i, int nin, double[][] p, int n, double[] z,
      double[] out) {
    int wb = i * nin;
    double bi = b[i];
    double w0 = w[wb];
    double[] p0 = p[0];
    if (nin == 1) {
      for (int s = 0; s < n; s++) {
        out[s] = z[s] - (bi + w0 * p0[s]);
      }
      return;
    }
    if (nin == 2) {
      double w1 = w[wb + 1];
      double[] p1 = p[1];
      for (int s = 0; s < n; s++) {
        out[s] = z[s] - ((bi + w0 * p0[s]) + w1 * p1[s]);
      }
      return;
    }
    for (int s = 0; s < n; s++) {
      out[s] = bi + w0 * p0[s];
    }
    for (int j = 1; j < nin - 1; j++) {
      double wj = w[wb + j];
      double[] pj = p[j];
      for (int s = 0; s < n; s++) {
        out[s] += wj * pj[s];
      }
    }
    double wl = w[wb + nin - 1];
    double[] pl = p[nin - 1];
    for (int s = 0; s < n; s++) {
      out[s] = z[s] - (out[s] + wl * pl[s]);
    }
  }

  /**
   * The batch forward pass with the sheaf's ReLU convention (a = z if z >= 0, else 0; seed 001
   * eq. 12): {@code z[l]} receives the pre-activation rows of layer l and, for hidden layers,
   * {@code a[l]} the activation rows; {@code x} holds the input rows.
   */
  static void forward(int[] widths, double[][] w, double[][] b, double[][] x, int n,
      double[][][] z, double[][][] a) {
    int depth = widths.length - 1;
    double[][] prev = x;
    for (int l = 0; l < depth; l++) {
      int nout = widths[l + 1];
      for (int i = 0; i < nout; i++) {
        affineRow(w[l], b[l], i, widths[l], prev, n, z[l][i]);
      }
      if (l < depth - 1) {
        for (int i = 0; i < nout; i++) {
          double[] zi = z[l][i];
          double[] ai = a[l][i];
          for (int s = 0; s < n; s++) {
            ai[s] = Math.max(zi[s], 0.0);
          }
        }
        prev = a[l];
      }
    }
  }
}
