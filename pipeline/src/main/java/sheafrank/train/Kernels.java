package sheafrank.train;

/**
 * Allocation-free loops over a batch stored in row layout: quantity row k of an n-sample batch
 * occupies {@code a[off + k*n .. off + (k+1)*n)}. Loops run over the samples innermost so the JIT
 * vectorises them; per-sample arithmetic is done in a fixed order.
 */
final class Kernels {
  private Kernels() {}

  /**
   * {@code G[i*nin + j] = sum_s r[ro + i*n + s] * p[po + j*n + s]} and
   * {@code gs[i] = sum_s r[ro + i*n + s]}: the batch-summed outer products of eq. 25 (and of
   * backprop). Register-blocked over four p rows with fused multiply-adds.
   */
  static void gram(double[] r, int ro, int nout, double[] p, int po, int nin, int n,
      double[] g, double[] gs) {
    for (int i = 0; i < nout; i++) {
      int ri = ro + i * n;
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int s = 0;
      for (; s + 3 < n; s += 4) {
        s0 += r[ri + s];
        s1 += r[ri + s + 1];
        s2 += r[ri + s + 2];
        s3 += r[ri + s + 3];
      }
      for (; s < n; s++) {
        s0 += r[ri + s];
      }
      gs[i] = (s0 + s1) + (s2 + s3);
      int j = 0;
      for (; j + 3 < nin; j += 4) {
        int p0 = po + j * n;
        int p1 = p0 + n;
        int p2 = p1 + n;
        int p3 = p2 + n;
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        double b0 = 0;
        double b1 = 0;
        double b2 = 0;
        double b3 = 0;
        s = 0;
        for (; s + 1 < n; s += 2) {
          double u = r[ri + s];
          double v = r[ri + s + 1];
          a0 = Math.fma(u, p[p0 + s], a0);
          a1 = Math.fma(u, p[p1 + s], a1);
          a2 = Math.fma(u, p[p2 + s], a2);
          a3 = Math.fma(u, p[p3 + s], a3);
          b0 = Math.fma(v, p[p0 + s + 1], b0);
          b1 = Math.fma(v, p[p1 + s + 1], b1);
          b2 = Math.fma(v, p[p2 + s + 1], b2);
          b3 = Math.fma(v, p[p3 + s + 1], b3);
        }
        if (s < n) {
          double u = r[ri + s];
          a0 = Math.fma(u, p[p0 + s], a0);
          a1 = Math.fma(u, p[p1 + s], a1);
          a2 = Math.fma(u, p[p2 + s], a2);
          a3 = Math.fma(u, p[p3 + s], a3);
        }
        int gi = i * nin + j;
        g[gi] = a0 + b0;
        g[gi + 1] = a1 + b1;
        g[gi + 2] = a2 + b2;
        g[gi + 3] = a3 + b3;
      }
      for (; j < nin; j++) {
        int pj = po + j * n;
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        s = 0;
        for (; s + 3 < n; s += 4) {
          a0 = Math.fma(r[ri + s], p[pj + s], a0);
          a1 = Math.fma(r[ri + s + 1], p[pj + s + 1], a1);
          a2 = Math.fma(r[ri + s + 2], p[pj + s + 2], a2);
          a3 = Math.fma(r[ri + s + 3], p[pj + s + 3], a3);
        }
        for (; s < n; s++) {
          a0 = Math.fma(r[ri + s], p[pj + s], a0);
        }
        g[i * nin + j] = (a0 + a1) + (a2 + a3);
      }
    }
  }

  /**
   * Row i of the affine map for the batch: {@code out[oo + s] = b_i + sum_j W[i,j] p_j[s]}, summed
   * left to right from the bias (the order {@link sheafrank.net.Mlp#affine} and
   * {@link sheafrank.diffusion.HeatEquation} use).
   */
  static void affineRow(double[] w, double[] b, int i, int nin, double[] p, int po, int n,
      double[] out, int oo) {
    int wb = i * nin;
    double bi = b[i];
    double w0 = w[wb];
    for (int s = 0; s < n; s++) {
      out[oo + s] = bi + w0 * p[po + s];
    }
    for (int j = 1; j < nin; j++) {
      double wj = w[wb + j];
      int pj = po + j * n;
      for (int s = 0; s < n; s++) {
        out[oo + s] += wj * p[pj + s];
      }
    }
  }

  /**
   * Residual row i of the weight edge for the batch:
   * {@code out[oo + s] = z[zo + s] - (b_i + sum_j W[i,j] p_j[s])}, the affine part summed left to
   * right from the bias exactly as {@link sheafrank.diffusion.HeatEquation} does.
   */
  static void residualRow(double[] w, double[] b, int i, int nin, double[] p, int po, int n,
      double[] z, int zo, double[] out, int oo) {
    int wb = i * nin;
    double bi = b[i];
    double w0 = w[wb];
    if (nin == 1) {
      for (int s = 0; s < n; s++) {
        out[oo + s] = z[zo + s] - (bi + w0 * p[po + s]);
      }
      return;
    }
    if (nin == 2) {
      double w1 = w[wb + 1];
      int p1 = po + n;
      for (int s = 0; s < n; s++) {
        out[oo + s] = z[zo + s] - ((bi + w0 * p[po + s]) + w1 * p[p1 + s]);
      }
      return;
    }
    for (int s = 0; s < n; s++) {
      out[oo + s] = bi + w0 * p[po + s];
    }
    for (int j = 1; j < nin - 1; j++) {
      double wj = w[wb + j];
      int pj = po + j * n;
      for (int s = 0; s < n; s++) {
        out[oo + s] += wj * p[pj + s];
      }
    }
    double wl = w[wb + nin - 1];
    int pl = po + (nin - 1) * n;
    for (int s = 0; s < n; s++) {
      out[oo + s] = z[zo + s] - (out[oo + s] + wl * p[pl + s]);
    }
  }

  /**
   * The batch forward pass in one flat buffer with the sheaf's ReLU convention (a = z if z >= 0,
   * else 0; seed 001 eq. 12): the input rows are at {@code buf[xOff ..]}, the pre-activation rows of
   * layer l go to {@code buf[zOff[l] ..]} and, for hidden layers, the activation rows to
   * {@code buf[aOff[l] ..]}. Offsets are in values (row index times n).
   */
  static void forwardRows(int[] widths, double[][] w, double[][] b, double[] buf, int xOff,
      int[] zOff, int[] aOff, int n) {
    int depth = widths.length - 1;
    int prev = xOff;
    for (int l = 0; l < depth; l++) {
      int nin = widths[l];
      int nout = widths[l + 1];
      for (int i = 0; i < nout; i++) {
        affineRow(w[l], b[l], i, nin, buf, prev, n, buf, zOff[l] + i * n);
      }
      if (l < depth - 1) {
        int zo = zOff[l];
        int ao = aOff[l];
        for (int t = 0; t < nout * n; t++) {
          double v = buf[zo + t];
          buf[ao + t] = v >= 0 ? v : 0.0;
        }
        prev = ao;
      }
    }
  }
}
