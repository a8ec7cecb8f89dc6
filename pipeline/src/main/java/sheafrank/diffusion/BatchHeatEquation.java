package sheafrank.diffusion;

import java.util.Arrays;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.SheafLayout;

/**
 * The same forward-Euler step as {@link HeatEquation} (eq. 18, 22, batch masks of §5.2.5) for the
 * input-pinned inference problem, in a batch-major layout: coordinate {@code c} of sample {@code s}
 * is at {@code c * batch + s}. Every inner loop runs over the batch with no reductions, so the JIT
 * vectorises it; this is the throughput kernel of inference jobs and benchmarks. Samples never
 * interact: each sample's trajectory is independent of the batch it is in.
 */
public final class BatchHeatEquation {
  private final Mlp net;
  private final SheafLayout layout;
  private final double alpha;
  private final int batch;
  private final double[] grad;
  private final double[][] rw;
  private final double[][] ra;
  private final double[] ry;
  private final double[] zs;
  private final double[] ps;
  /** W1 x + b1 for the pinned inputs {@code cachedX}: the input stalk never moves. */
  private final double[] firstAffine;
  private final double[] cachedX;
  private boolean cacheValid;

  public BatchHeatEquation(Mlp net, SheafLayout layout, double alpha, int batch) {
    if (!(alpha > 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha must be positive and finite, got " + alpha);
    }
    this.net = net;
    this.layout = layout;
    this.alpha = alpha;
    this.batch = batch;
    int depth = layout.depth();
    grad = new double[layout.dim() * batch];
    rw = new double[depth][];
    ra = new double[Math.max(0, depth - 1)][];
    for (int l = 0; l < depth; l++) {
      rw[l] = new double[layout.width(l + 1) * batch];
      if (l < depth - 1) {
        ra[l] = new double[layout.width(l + 1) * batch];
      }
    }
    int m = layout.width(depth);
    ry = layout.hasOutputVertex() ? new double[m * batch] : null;
    zs = new double[2 * m];
    ps = new double[2 * m];
    firstAffine = new double[layout.width(1) * batch];
    cachedX = new double[layout.inputDim() * batch];
  }

  /** Recomputes W1 x + b1 when the input block differs from the cached one. */
  private void refreshFirstAffine(double[] st) {
    int nx = layout.inputDim() * batch;
    if (cacheValid && Arrays.equals(st, 0, nx, cachedX, 0, nx)) {
      return;
    }
    System.arraycopy(st, 0, cachedX, 0, nx);
    int nin = layout.inputDim();
    int nout = layout.width(1);
    double[] w = net.weights(0);
    double[] bias = net.bias(0);
    for (int i = 0; i < nout; i++) {
      int ro = i * batch;
      for (int s = 0; s < batch; s++) {
        firstAffine[ro + s] = bias[i];
      }
      for (int j = 0; j < nin; j++) {
        double wij = w[i * nin + j];
        for (int s = 0; s < batch; s++) {
          firstAffine[ro + s] += wij * st[j * batch + s];
        }
      }
    }
    cacheValid = true;
  }

  public int batch() {
    return batch;
  }

  public SheafLayout layout() {
    return layout;
  }

  /** Copies sample-major cochains (dim values per sample) into batch-major {@code out}. */
  public void toBatchMajor(double[] sampleMajor, double[] out) {
    int dim = layout.dim();
    for (int s = 0; s < batch; s++) {
      for (int c = 0; c < dim; c++) {
        out[c * batch + s] = sampleMajor[s * dim + c];
      }
    }
  }

  /** Copies sample {@code s} of a batch-major state into {@code out[0 .. dim)}. */
  public void gather(double[] st, int s, double[] out) {
    for (int c = 0; c < layout.dim(); c++) {
      out[c] = st[c * batch + s];
    }
  }

  /** One Euler step of every sample; the input coordinates stay fixed. */
  public void step(double[] st, double dt) {
    final int b = batch;
    final int depth = layout.depth();
    final int n0 = layout.inputDim();
    final double h = dt * alpha;
    Arrays.fill(grad, n0 * b, grad.length, 0.0);
    refreshFirstAffine(st);
    int prev = 0;
    for (int l = 0; l < depth; l++) {
      int nin = layout.width(l);
      int nout = layout.width(l + 1);
      double[] w = net.weights(l);
      double[] bias = net.bias(l);
      double[] r = rw[l];
      int zo = layout.zOffset(l) * b;
      for (int i = 0; i < nout; i++) {
        int ro = i * b;
        int zi = zo + i * b;
        if (l == 0) {
          for (int s = 0; s < b; s++) {
            double rr = st[zi + s] - firstAffine[ro + s];
            r[ro + s] = rr;
            grad[zi + s] += rr;
          }
          continue;
        }
        double bi = bias[i];
        for (int s = 0; s < b; s++) {
          r[ro + s] = st[zi + s] - bi;
        }
        for (int j = 0; j < nin; j++) {
          double wij = w[i * nin + j];
          int pj = (prev + j) * b;
          for (int s = 0; s < b; s++) {
            r[ro + s] -= wij * st[pj + s];
          }
        }
        for (int s = 0; s < b; s++) {
          grad[zi + s] += r[ro + s];
        }
      }
      if (l > 0) { // force of the weight edge on the upstream activation: -W^T r
        for (int i = 0; i < nout; i++) {
          int ro = i * b;
          for (int j = 0; j < nin; j++) {
            double wij = w[i * nin + j];
            int pj = (prev + j) * b;
            for (int s = 0; s < b; s++) {
              grad[pj + s] -= wij * r[ro + s];
            }
          }
        }
      }
      if (l < depth - 1) {
        double[] q = ra[l];
        int ao = layout.aOffset(l) * b;
        for (int i = 0; i < nout * b; i++) {
          double z = st[zo + i];
          double rr = st[ao + i] - (z >= 0 ? z : 0.0);
          q[i] = rr;
          grad[ao + i] += rr;
          grad[zo + i] -= z >= 0 ? rr : 0.0;
        }
        prev = layout.aOffset(l);
      }
    }
    if (ry != null) {
      outputEdge(st);
    }
    for (int i = n0 * b; i < st.length; i++) {
      st[i] -= h * grad[i];
    }
  }

  private void outputEdge(double[] st) {
    final int b = batch;
    int m = layout.width(layout.depth());
    int zo = layout.zOffset(layout.depth() - 1) * b;
    int yo = layout.yOffset() * b;
    OutputActivation phi = net.output();
    if (phi == OutputActivation.IDENTITY) {
      for (int i = 0; i < m * b; i++) {
        double r = st[yo + i] - st[zo + i];
        ry[i] = r;
        grad[zo + i] -= r;
        grad[yo + i] += r;
      }
      return;
    }
    for (int s = 0; s < b; s++) {
      for (int i = 0; i < m; i++) {
        zs[i] = st[zo + i * b + s];
      }
      phi.apply(zs, 0, ps, 0, m);
      for (int i = 0; i < m; i++) {
        double r = st[yo + i * b + s] - ps[i];
        ry[i * b + s] = r;
        ps[m + i] = r;
        grad[yo + i * b + s] += r;
      }
      phi.jacobianTransposeTimes(ps, 0, ps, m, zs, m, m);
      for (int i = 0; i < m; i++) {
        grad[zo + i * b + s] -= zs[m + i];
      }
    }
  }
}
