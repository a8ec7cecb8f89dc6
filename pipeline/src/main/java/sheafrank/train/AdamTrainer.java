package sheafrank.train;

import java.util.SplittableRandom;
import sheafrank.util.Rng;

/**
 * Mini-batch Adam on the reported loss (as torch.optim.Adam with default betas (0.9, 0.999),
 * eps 1e-8, no weight decay unless mu > 0, in which case mu (theta - theta_0) joins the
 * gradient). One step = one epoch: the training set is shuffled with the stream (seed, epoch) and
 * cut into batches of {@link TrainSpec#batchSize()} (the last one smaller), each batch's mean loss
 * giving one Adam update.
 */
public final class AdamTrainer extends WeightTrainer {
  private static final long SHUFFLE_KEY = 0x5A0FF1EL;
  private final Backprop bp;
  private final double[][] mW;
  private final double[][] vW;
  private final double[][] mB;
  private final double[][] vB;
  private final double[][] xb;
  private final double[][] yb;
  private final int[] perm;
  private final int batch;
  private final double lr;
  private final double b1;
  private final double b2;
  private final double eps;
  private long t;
  private long epoch;

  AdamTrainer(TrainSpec spec, TaskKind kind, Samples train, Samples test) {
    super(spec, kind, train, test);
    mW = zerosLike(w);
    vW = zerosLike(w);
    mB = zerosLike(b);
    vB = zerosLike(b);
    batch = Math.min(spec.batchSize(), train.n());
    bp = new Backprop(spec.widths(), batch);
    xb = new double[train.inDim()][batch];
    yb = new double[train.outDim()][batch];
    perm = new int[train.n()];
    lr = spec.lr(kind);
    b1 = spec.adamBeta1();
    b2 = spec.adamBeta2();
    eps = spec.adamEps();
  }

  @Override
  protected void doSteps(long k) {
    int n = train.n();
    int in = train.inDim();
    int out = train.outDim();
    for (long e = 0; e < k; e++) {
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      SplittableRandom r = Rng.stream(spec.seed(), SHUFFLE_KEY, epoch);
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      for (int start = 0; start < n; start += batch) {
        int cnt = Math.min(batch, n - start);
        for (int s = 0; s < cnt; s++) {
          int src = perm[start + s];
          for (int q = 0; q < in; q++) {
            xb[q][s] = train.x()[src * in + q];
          }
          for (int q = 0; q < out; q++) {
            yb[q][s] = train.y()[src * out + q];
          }
        }
        bp.lossAndGradient(w, b, xb, yb, cnt, kind, gW, gB, false);
        t++;
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        for (int l = 0; l < w.length; l++) {
          update(w[l], gW[l], mW[l], vW[l], w0 == null ? null : w0[l], bc1, bc2);
          update(b[l], gB[l], mB[l], vB[l], b0 == null ? null : b0[l], bc1, bc2);
        }
      }
      epoch++;
    }
  }

  /** torch.optim.Adam: theta -= (lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps). */
  private void update(double[] p, double[] g, double[] m, double[] v, double[] anchor, double bc1, double bc2) {
    double step = lr / bc1;
    double sq = Math.sqrt(bc2);
    for (int j = 0; j < p.length; j++) {
      double gj = g[j];
      if (mu != 0) {
        gj += mu * (anchor == null ? p[j] : p[j] - anchor[j]);
      }
      m[j] = b1 * m[j] + (1 - b1) * gj;
      v[j] = b2 * v[j] + (1 - b2) * gj * gj;
      p[j] -= step * m[j] / (Math.sqrt(v[j]) / sq + eps);
    }
  }

  @Override
  public double flopsPerStep() {
    double[] q = sizes(spec.widths());
    double params = q[0] + q[2];
    double updates = Math.ceil((double) train.n() / batch);
    return backpropFlops() + updates * 10 * params;
  }
}
