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
