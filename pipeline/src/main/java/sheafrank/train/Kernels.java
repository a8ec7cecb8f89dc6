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
   * in the same sweep). Reductions cannot be vectorised by the JIT, so this is register-blocked:
   * four p rows per pass over r, two samples per iteration, fused multiply-adds.
   */
  static void gram(double[][] r, int nout, double[][] p, int np, int n, double[] g) {
    for (int i = 0; i < nout; i++) {
      final double[] ri = r[i];
      final int gi = i * np;
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
          double u = ri[s];
          double v = ri[s + 1];
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
          double u = ri[s];
          a0 = Math.fma(u, p0[s], a0);
          a1 = Math.fma(u, p1[s], a1);
          a2 = Math.fma(u, p2[s], a2);
          a3 = Math.fma(u, p3[s], a3);
        }
        g[gi + j] = a0 + b0;
        g[gi + j + 1] = a1 + b1;
        g[gi + j + 2] = a2 + b2;
        g[gi + j + 3] = a3 + b3;
      }
      if (j + 1 < np) {
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
        for (; s + 3 < n; s += 4) {
          double u = ri[s];
          double v = ri[s + 1];
          double x = ri[s + 2];
          double y = ri[s + 3];
          a0 = Math.fma(u, p0[s], a0);
          a1 = Math.fma(u, p1[s], a1);
          b0 = Math.fma(v, p0[s + 1], b0);
          b1 = Math.fma(v, p1[s + 1], b1);
          c0 = Math.fma(x, p0[s + 2], c0);
          c1 = Math.fma(x, p1[s + 2], c1);
          d0 = Math.fma(y, p0[s + 3], d0);
          d1 = Math.fma(y, p1[s + 3], d1);
        }
        for (; s < n; s++) {
          a0 = Math.fma(ri[s], p0[s], a0);
          a1 = Math.fma(ri[s], p1[s], a1);
        }
        g[gi + j] = (a0 + b0) + (c0 + d0);
        g[gi + j + 1] = (a1 + b1) + (c1 + d1);
        j += 2;
      }
      if (j < np) {
        final double[] pj = p[j];
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        int s = 0;
        for (; s + 3 < n; s += 4) {
          a0 = Math.fma(ri[s], pj[s], a0);
          a1 = Math.fma(ri[s + 1], pj[s + 1], a1);
          a2 = Math.fma(ri[s + 2], pj[s + 2], a2);
          a3 = Math.fma(ri[s + 3], pj[s + 3], a3);
        }
        for (; s < n; s++) {
          a0 = Math.fma(ri[s], pj[s], a0);
        }
        g[gi + j] = (a0 + a1) + (a2 + a3);
      }
    }
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
