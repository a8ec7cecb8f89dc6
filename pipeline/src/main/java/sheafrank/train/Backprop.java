package sheafrank.train;

import sheafrank.linalg.BatchReductions;
import sheafrank.net.OutputActivation;

/**
 * Loss and gradient of a ReLU network on a batch by the forward pass and backpropagation, for the
 * baselines of seed 001 §6.2 (full-batch gradient descent, mini-batch Adam). Losses as the
 * authors' reference reports them (EXPERIMENTS.md, shared conventions):
 *
 * <ul>
 *   <li>REGRESSION (identity output): MSE = mean over all n*m entries of (yhat - y)^2, no 1/2; so
 *       dL/dz = 2 (z - y) / (n m).
 *   <li>BINARY (sigmoid): mean over entries of -[y log p + (1-y) log(1-p)], p clamped to
 *       [1e-12, 1 - 1e-12]; dL/dz = (p - y) / (n m), and 0 where the clamp is active (the
 *       clamp's derivative).
 *   <li>MULTICLASS (softmax): mean over samples of -sum_k y_k log p_k, p clamped likewise;
 *       dL/dz = (p - y) / n (for targets summing to 1), 0 for a sample whose target-weighted p is
 *       clamped.
 * </ul>
 *
 * The ReLU derivative is 1 for z > 0 and 0 otherwise (autograd's convention; the forward value is
 * the same either way). Batches are held as rows ({@code x[k][s]}); one instance holds buffers for
 * batches of up to {@code maxBatch} samples and allocates nothing per call.
 */
final class Backprop {
  static final double EPS = 1e-12;

  private final int[] n;
  private final int depth;
  private final int maxBatch;
  private final double[][][] z;
  private final double[][][] a;
  private final double[][][] d;
  private final double[][][] prevOnes;
  private final double[][] gExt;
  private final double[] scratch;
  /** One hidden layer on two inputs, one output, SIMD available: the {@link FusedKernels} passes. */
  private boolean fused;

  Backprop(int[] widths, int maxBatch) {
    this.n = widths.clone();
    this.depth = widths.length - 1;
    this.maxBatch = maxBatch;
    z = new double[depth][][];
    a = new double[depth][][];
    d = new double[depth][][];
    prevOnes = new double[depth][][];
    gExt = new double[depth][];
    double[] ones = new double[maxBatch];
    java.util.Arrays.fill(ones, 1.0);
    for (int l = 0; l < depth; l++) {
      z[l] = new double[n[l + 1]][maxBatch];
      a[l] = l < depth - 1 ? new double[n[l + 1]][maxBatch] : null;
      d[l] = new double[n[l + 1]][maxBatch];
      gExt[l] = new double[n[l + 1] * (n[l] + 1)];
    }
    for (int l = 0; l < depth; l++) {
      prevOnes[l] = new double[n[l] + 1][];
      if (l > 0) {
        System.arraycopy(a[l - 1], 0, prevOnes[l], 0, n[l]);
      }
      prevOnes[l][n[l]] = ones;
    }
    scratch = new double[3 * n[depth]];
    fused = BatchReductions.vectorised() && depth == 2 && n[0] == 2 && n[2] == 1;
  }

  /** Whether the {@link FusedKernels} passes are in use. */
  boolean fusedPasses() {
    return fused;
  }

  /** Tests: use the general passes even where the fused ones apply. */
  void useGeneralKernels() {
    fused = false;
  }

  int maxBatch() {
    return maxBatch;
  }

  /** The output pre-activation rows z^(k+1) of the last call. */
  double[][] outputRows() {
    return z[depth - 1];
  }

  /**
   * The batch loss of the first {@code count} samples of the rows {@code x}, {@code y}, and (if
   * {@code gW != null}) its gradient into {@code gW[l]}, {@code gB[l]}.
   */
  double lossAndGradient(double[][] w, double[][] b, double[][] x, double[][] y, int count,
      TaskKind kind, double[][] gW, double[][] gB) {
    return lossAndGradient(w, b, x, y, count, kind, gW, gB, true);
  }

  /** As above; with {@code needLoss == false} the loss is not computed (NaN returned). */
  double lossAndGradient(double[][] w, double[][] b, double[][] x, double[][] y, int count,
      TaskKind kind, double[][] gW, double[][] gB, boolean needLoss) {
    // forward
    double[][] prev = x;
    if (fused) {
      // a_i = relu(W1 x + b1)_i and the output's affine sum, one pass per hidden unit
      double[] w1 = w[0];
      double[] out = z[1][0];
      for (int i = 0; i < n[1]; i++) {
        FusedKernels.forwardHiddenRow(a[0][i], x[0], x[1], w1[2 * i], w1[2 * i + 1], b[0][i],
            count, out, i == 0, b[1][0], w[1][i]);
      }
    }
    for (int l = fused ? depth : 0; l < depth; l++) {
      int nout = n[l + 1];
      if (l < depth - 1) {
        for (int i = 0; i < nout; i++) {
          Kernels.affineRowRelu(w[l], b[l], i, n[l], prev, count, z[l][i], a[l][i]);
        }
        prev = a[l];
      } else {
        for (int i = 0; i < nout; i++) {
          Kernels.affineRow(w[l], b[l], i, n[l], prev, count, z[l][i]);
        }
      }
    }
    // loss and dL/dz at the output
    int m = n[depth];
    double[][] zo = z[depth - 1];
    double[][] dout = d[depth - 1];
    double loss = 0;
    switch (kind) {
      case REGRESSION -> {
        double c = 2.0 / ((double) count * m);
        for (int k = 0; k < m; k++) {
          double[] zk = zo[k];
          double[] yk = y[k];
          double[] dk = dout[k];
          if (needLoss) {
            for (int s = 0; s < count; s++) {
              double e = zk[s] - yk[s];
              loss += e * e;
              dk[s] = c * e;
            }
          } else {
            // the loss is a serial sum (not vectorised); training steps do not need it
            for (int s = 0; s < count; s++) {
              dk[s] = c * (zk[s] - yk[s]);
            }
          }
        }
        loss /= (double) count * m;
      }
      case BINARY -> {
        double c = 1.0 / ((double) count * m);
        for (int k = 0; k < m; k++) {
          double[] zk = zo[k];
          double[] yk = y[k];
          double[] dk = dout[k];
          for (int s = 0; s < count; s++) {
            double p = OutputActivation.sigmoid(zk[s]);
            double pc = Math.min(Math.max(p, EPS), 1 - EPS);
            if (needLoss) {
              loss -= yk[s] * Math.log(pc) + (1 - yk[s]) * Math.log(1 - pc);
            }
            dk[s] = pc == p ? c * (p - yk[s]) : 0.0;
          }
        }
        loss /= (double) count * m;
      }
      case MULTICLASS -> {
        double c = 1.0 / count;
        for (int s = 0; s < count; s++) {
          for (int k = 0; k < m; k++) {
            scratch[k] = zo[k][s];
          }
          OutputActivation.SOFTMAX.apply(scratch, 0, scratch, m, m);
          boolean clamped = false;
          for (int k = 0; k < m; k++) {
            double p = scratch[m + k];
            double pc = Math.min(Math.max(p, EPS), 1 - EPS);
            double yk = y[k][s];
            if (yk != 0) {
              if (needLoss) {
                loss -= yk * Math.log(pc);
              }
              clamped |= pc != p;
            }
          }
          for (int k = 0; k < m; k++) {
            dout[k][s] = clamped ? 0.0 : c * (scratch[m + k] - y[k][s]);
          }
        }
        loss /= count;
      }
    }
    if (!needLoss) {
      loss = Double.NaN;
    }
    if (gW == null) {
      return loss;
    }
    // backward
    if (fused) {
      // per hidden unit j: the output layer's sum d a_j and unit j's delta sums, one pass
      double[] dout0 = dout[0];
      double[] w2 = w[1];
      double[] g1 = gExt[0];
      for (int j = 0; j < n[1]; j++) {
        gW[1][j] = FusedKernels.backwardHiddenRow(a[0][j], dout0, x[0], x[1], w2[j], count, g1, 3 * j);
        gW[0][2 * j] = g1[3 * j];
        gW[0][2 * j + 1] = g1[3 * j + 1];
        gB[0][j] = g1[3 * j + 2];
      }
      gB[1][0] = BatchReductions.dot(dout0, prevOnes[1][n[1]], count);
      return loss;
    }
    for (int l = depth - 1; l >= 0; l--) {
      int nin = n[l];
      int nout = n[l + 1];
      double[][] po = prevOnes[l];
      if (l == 0) {
        System.arraycopy(x, 0, po, 0, nin);
      }
      double[] ge = gExt[l];
      BatchReductions.gram(d[l], nout, po, nin + 1, count, ge);
      for (int i = 0; i < nout; i++) {
        int base = i * (nin + 1);
        System.arraycopy(ge, base, gW[l], i * nin, nin);
        gB[l][i] = ge[base + nin];
      }
      if (l > 0) {
        // delta_{l-1} = (W_l^T delta_l) * 1[z_{l-1} > 0]
        double[] wl = w[l];
        double[][] dl = d[l];
        double[][] dp = d[l - 1];
        double[][] ap = a[l - 1];
        for (int j = 0; j < nin; j++) {
          // 1[z > 0] = 1[a > 0] = min(a 2^1200, 1) for a = relu(z) >= 0
          double[] t = dp[j];
          double w0 = wl[j];
          double[] d0 = dl[0];
          double[] aj = ap[j];
          if (nout == 1) {
            for (int s = 0; s < count; s++) {
              t[s] = (w0 * d0[s]) * Math.min(aj[s] * Kernels.BIG * Kernels.BIG, 1.0);
            }
            continue;
          }
          for (int s = 0; s < count; s++) {
            t[s] = w0 * d0[s];
          }
          for (int i = 1; i < nout - 1; i++) {
            double wij = wl[i * nin + j];
            double[] di = dl[i];
            for (int s = 0; s < count; s++) {
              t[s] += wij * di[s];
            }
          }
          double wl1 = wl[(nout - 1) * nin + j];
          double[] dlast = dl[nout - 1];
          for (int s = 0; s < count; s++) {
            t[s] = (t[s] + wl1 * dlast[s]) * Math.min(aj[s] * Kernels.BIG * Kernels.BIG, 1.0);
          }
        }
      }
    }
    return loss;
  }
}
