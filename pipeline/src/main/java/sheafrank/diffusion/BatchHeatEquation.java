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
  private final double[] outZ;
  private final double[][] rw;
  private final double[][] ra; // adjoint forces W_{l+1}^T r_{l+1} on hidden activations
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
    outZ = layout.hasOutputVertex() ? new double[m * batch] : null;
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

  /**
   * One Euler step of every sample; the input coordinates stay fixed. Three phases on the old
   * state (Jacobi): the weight-edge residuals {@code r_l = z_l - W_l a_{l-1} - b_l}; the adjoint
   * forces {@code u_l = W_{l+1}^T r_{l+1}} on every hidden activation; then one fused pass per
   * coordinate that forms its ReLU-edge residual and moves it.
   */
  public void step(double[] st, double dt) {
    final int b = batch;
    final int depth = layout.depth();
    final double h = dt * alpha;
    refreshFirstAffine(st);
    for (int l = 0; l < depth; l++) {
      int nout = layout.width(l + 1);
      double[] r = rw[l];
      int zo = layout.zOffset(l) * b;
      if (l == 0) {
        for (int i = 0; i < nout * b; i++) {
          r[i] = st[zo + i] - firstAffine[i];
        }
        continue;
      }
      int nin = layout.width(l);
      int prev = layout.aOffset(l - 1) * b;
      double[] w = net.weights(l);
      double[] bias = net.bias(l);
      for (int i = 0; i < nout; i++) {
        int ro = i * b;
        int zi = zo + ro;
        double bi = bias[i];
        for (int s = 0; s < b; s++) {
          r[ro + s] = st[zi + s] - bi;
        }
        for (int j = 0; j < nin; j++) {
          double wij = w[i * nin + j];
          int pj = prev + j * b;
          for (int s = 0; s < b; s++) {
            r[ro + s] -= wij * st[pj + s];
          }
        }
      }
    }
    for (int l = 0; l < depth - 1; l++) {
      int nin = layout.width(l + 1);
      int nout = layout.width(l + 2);
      double[] w = net.weights(l + 1);
      double[] r = rw[l + 1];
      double[] u = ra[l];
      Arrays.fill(u, 0.0);
      for (int i = 0; i < nout; i++) {
        int ro = i * b;
        for (int j = 0; j < nin; j++) {
          double wij = w[i * nin + j];
          int uj = j * b;
          for (int s = 0; s < b; s++) {
            u[uj + s] += wij * r[ro + s];
          }
        }
      }
    }
    if (ry != null) {
      outputEdge(st); // residual into ry, its force on z^(k+1) into outZ
    }
    for (int l = 0; l < depth - 1; l++) {
      int n = layout.width(l + 1) * b;
      int zo = layout.zOffset(l) * b;
      int ao = layout.aOffset(l) * b;
      double[] r = rw[l];
      double[] u = ra[l];
      for (int i = 0; i < n; i++) {
        double z = st[zo + i];
        double a = st[ao + i];
        boolean on = z >= 0;
        double q = a - (on ? z : 0.0);
        st[zo + i] = z - h * (on ? r[i] - q : r[i]);
        st[ao + i] = a - h * (q - u[i]);
      }
    }
    int n = layout.width(depth) * b;
    int zo = layout.zOffset(depth - 1) * b;
    double[] r = rw[depth - 1];
    if (ry == null) {
      for (int i = 0; i < n; i++) {
        st[zo + i] -= h * r[i];
      }
    } else {
      int yo = layout.yOffset() * b;
      for (int i = 0; i < n; i++) {
        st[zo + i] -= h * (r[i] + outZ[i]);
        st[yo + i] -= h * ry[i];
      }
    }
  }

  /** Output edge residual {@code y - phi(z)} into {@code ry}, its force on z into {@code outZ}. */
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
        outZ[i] = -r;
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
      }
      phi.jacobianTransposeTimes(ps, 0, ps, m, zs, m, m);
      for (int i = 0; i < m; i++) {
        outZ[i * b + s] = -zs[m + i];
      }
    }
  }
}
