package sheafrank.train;

import sheafrank.linalg.Gemm;

/**
 * Forward pass, loss and backpropagation of a ReLU MLP on a block of samples, through
 * {@link Gemm}: the buffers and kernels behind {@link MlpTrainer} (training batches and the
 * evaluation blocks).
 *
 * <p><b>Layout.</b> Activations are stored feature-major, {@code act[l][k * cap + s]} = unit k of
 * layer l (0 = input) for sample s of the block, so every product runs over contiguous rows of
 * samples: with {@code W_l} the {@code n_{l+1} x n_l} row-major weights,
 *
 * <pre>
 *   forward    Z_l  = W_l A_{l-1} + b_l 1^T      Gemm NN, chains start from b_l
 *   weights    dW_l = D_l A_{l-1}^T              Gemm NT, chains over the samples s in order
 *   biases     db_l = D_l 1                      sequential sums over s in order
 *   data       D_{l-1} = (W_l^T D_l) * 1[A_{l-1} > 0]   Gemm TN
 * </pre>
 *
 * where {@code D_l = dLoss/dZ_l}. Hidden layers apply ReLU in place ({@code a = z > 0 ? z : 0};
 * its derivative is taken as 1[z > 0], autograd's convention). Every output element is a fixed
 * chain, so a sample's activations do not depend on the block it sits in or on the block size.
 *
 * <p><b>Losses</b> (of the last pre-activation z, the logits), selected by {@link TaskKind}, with
 * transcendental functions from {@link StrictMath} (fdlibm: the same bits on every JVM and CPU):
 *
 * <ul>
 *   <li>MULTICLASS, softmax cross-entropy: per sample {@code sum_k y_k (lse(z) - z_k)} with
 *       {@code lse(z) = max + log sum_k exp(z_k - max)}; mean over the samples; gradient
 *       {@code ((sum_k y_k) softmax(z) - y) / count} (= (softmax - y)/count for one-hot y).
 *   <li>BINARY, sigmoid binary cross-entropy on the logits: per entry
 *       {@code max(z,0) - y z + log1p(exp(-|z|))}; mean over all count x m entries; gradient
 *       {@code (sigmoid(z) - y) / (count m)}. No clamping (PyTorch's BCEWithLogitsLoss).
 *   <li>REGRESSION, MSE: mean over all entries of {@code (z - y)^2} (no 1/2, the project's
 *       convention); gradient {@code 2 (z - y) / (count m)}.
 * </ul>
 */
final class BatchNet {
  private final int[] n;
  private final int depth;
  private final int cap;
  /** act[0]: input block; act[l] (1 <= l < depth): ReLU outputs of layer l; act[depth]: logits. */
  final double[][] act;
  /** delta[l] = dLoss/dZ of layer l + 1 (the paper's layer), n_{l+1} x cap. */
  final double[][] delta;
  /** Per-sample probabilities / scratch of the output (m values). */
  private final double[] scratch;

  BatchNet(int[] widths, int cap) {
    this.n = widths.clone();
    this.depth = widths.length - 1;
    this.cap = cap;
    act = new double[depth + 1][];
    delta = new double[depth][];
    for (int l = 0; l <= depth; l++) {
      act[l] = new double[n[l] * cap];
    }
    for (int l = 0; l < depth; l++) {
      delta[l] = new double[n[l + 1] * cap];
    }
    scratch = new double[n[depth]];
  }

  int capacity() {
    return cap;
  }

  /** Copies samples {@code idx[from .. from+count)} of the row-major x into the input block. */
  void gather(double[] x, int[] idx, int from, int count) {
    int in = n[0];
    double[] a0 = act[0];
    for (int s = 0; s < count; s++) {
      int src = (idx == null ? from + s : idx[from + s]) * in;
      for (int k = 0; k < in; k++) {
        a0[k * cap + s] = x[src + k];
      }
    }
  }

  /** The forward pass of the first {@code count} columns of the input block. */
  void forward(double[][] w, double[][] b, int count) {
    for (int l = 0; l < depth; l++) {
      int nout = n[l + 1];
      double[] z = act[l + 1];
      double[] bl = b[l];
      for (int i = 0; i < nout; i++) {
        java.util.Arrays.fill(z, i * cap, i * cap + count, bl[i]);
      }
      Gemm.multiply(false, false, nout, count, n[l], w[l], 0, n[l], act[l], 0, cap, true, z, 0,
          cap);
      if (l < depth - 1) {
        for (int i = 0; i < nout; i++) {
          int row = i * cap;
          for (int s = row; s < row + count; s++) {
            double v = z[s];
            z[s] = v > 0 ? v : 0.0;
          }
        }
      }
    }
  }

  /** The logits of sample s of the block: unit k at {@code logits()[k * capacity() + s]}. */
  double[] logits() {
    return act[depth];
  }

  /**
   * The summed loss over the block's {@code count} samples (divide by count, or count m for
   * BINARY and REGRESSION, for the mean), the targets of sample s at
   * {@code y[idx[from + s] * m ..]} (or {@code y[(from + s) * m ..]} when idx is null); with
   * {@code grad} also the output delta of the batch-mean loss.
   */
  double loss(TaskKind kind, double[] y, int[] idx, int from, int count, boolean grad) {
    return loss(kind, y, idx, from, count, grad, 0.0);
  }

  /**
   * {@code start} plus the block's per-sample (per-entry) losses, added one by one in sample
   * order, so that a data set's total does not depend on how it is cut into blocks.
   */
  double loss(TaskKind kind, double[] y, int[] idx, int from, int count, boolean grad,
      double start) {
    int m = n[depth];
    double[] z = act[depth];
    double[] d = delta[depth - 1];
    double total = start;
    switch (kind) {
      case MULTICLASS -> {
        for (int s = 0; s < count; s++) {
          int ys = (idx == null ? from + s : idx[from + s]) * m;
          double mx = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < m; k++) {
            mx = Math.max(mx, z[k * cap + s]);
          }
          double se = 0;
          for (int k = 0; k < m; k++) {
            double e = StrictMath.exp(z[k * cap + s] - mx);
            scratch[k] = e;
            se += e;
          }
          double lse = mx + StrictMath.log(se);
          double ysum = 0;
          double ls = 0;
          for (int k = 0; k < m; k++) {
            double yk = y[ys + k];
            ysum += yk;
            ls += yk * (lse - z[k * cap + s]);
          }
          total += ls;
          if (grad) {
            for (int k = 0; k < m; k++) {
              d[k * cap + s] = (ysum * (scratch[k] / se) - y[ys + k]) / count;
            }
          }
        }
      }
      case BINARY -> {
        double c = (double) count * m;
        for (int s = 0; s < count; s++) {
          int ys = (idx == null ? from + s : idx[from + s]) * m;
          for (int k = 0; k < m; k++) {
            double zk = z[k * cap + s];
            double yk = y[ys + k];
            double e = StrictMath.exp(-Math.abs(zk));
            total += Math.max(zk, 0) - yk * zk + StrictMath.log1p(e);
            if (grad) {
              double p = zk >= 0 ? 1 / (1 + e) : e / (1 + e);
              d[k * cap + s] = (p - yk) / c;
            }
          }
        }
      }
      case REGRESSION -> {
        double c = (double) count * m;
        for (int s = 0; s < count; s++) {
          int ys = (idx == null ? from + s : idx[from + s]) * m;
          for (int k = 0; k < m; k++) {
            double e = z[k * cap + s] - y[ys + k];
            total += e * e;
            if (grad) {
              d[k * cap + s] = 2 * e / c;
            }
          }
        }
      }
    }
    return total;
  }

  /**
   * Correct predictions among the block's count samples: MULTICLASS argmax of the logits against
   * the argmax of the target (first maximum on ties); BINARY every output's sign (z > 0, i.e.
   * probability > 1/2) against target > 1/2; 0 for REGRESSION.
   */
  int correct(TaskKind kind, double[] y, int from, int count) {
    int m = n[depth];
    double[] z = act[depth];
    int right = 0;
    for (int s = 0; s < count; s++) {
      int ys = (from + s) * m;
      if (kind == TaskKind.MULTICLASS) {
        int pz = 0;
        int py = 0;
        for (int k = 1; k < m; k++) {
          if (z[k * cap + s] > z[pz * cap + s]) {
            pz = k;
          }
          if (y[ys + k] > y[ys + py]) {
            py = k;
          }
        }
        right += pz == py ? 1 : 0;
      } else if (kind == TaskKind.BINARY) {
        boolean all = true;
        for (int k = 0; k < m; k++) {
          all &= (z[k * cap + s] > 0) == (y[ys + k] > 0.5);
        }
        right += all ? 1 : 0;
      }
    }
    return right;
  }

  /**
   * Backpropagation of the output delta set by {@link #loss}: weight and bias gradients of every
   * layer into {@code gW}, {@code gB}.
   */
  void backward(double[][] w, int count, double[][] gW, double[][] gB) {
    for (int l = depth - 1; l >= 0; l--) {
      int nin = n[l];
      int nout = n[l + 1];
      double[] d = delta[l];
      Gemm.multiply(false, true, nout, nin, count, d, 0, cap, act[l], 0, cap, false, gW[l], 0,
          nin);
      double[] gb = gB[l];
      for (int i = 0; i < nout; i++) {
        double t = 0;
        for (int s = i * cap; s < i * cap + count; s++) {
          t += d[s];
        }
        gb[i] = t;
      }
      if (l > 0) {
        double[] dp = delta[l - 1];
        Gemm.multiply(true, false, nin, count, nout, w[l], 0, nin, d, 0, cap, false, dp, 0, cap);
        double[] a = act[l];
        for (int k = 0; k < nin; k++) {
          int row = k * cap;
          for (int s = row; s < row + count; s++) {
            dp[s] = a[s] > 0 ? dp[s] : 0.0;
          }
        }
      }
    }
  }
}
