package sheafrank.train;

/**
 * The paper's baseline (seed 001 §6.2, EXPERIMENTS.md): full-batch gradient descent on the
 * reported loss (MSE without 1/2 for regression, mean cross-entropy for classification) with
 * learning rate lr; one step = one epoch = one full-batch gradient step. With mu > 0 the gradient
 * of {@code mu/2 ||theta - theta_0||^2} is added.
 */
public final class GradientDescentTrainer extends Trainer {
  private final Backprop bp;
  private final double[][] w;
  private final double[][] b;
  private final double[][] w0;
  private final double[][] b0;
  private final double[][] gW;
  private final double[][] gB;
  private final double[][] x;
  private final double[][] y;
  private final double lr;
  private final double mu;

  GradientDescentTrainer(TrainSpec spec, TaskKind kind, Samples train, Samples test) {
    super(spec, kind, train, test);
    var net = spec.startingNetwork(kind);
    int depth = net.depth();
    w = new double[depth][];
    b = new double[depth][];
    gW = new double[depth][];
    gB = new double[depth][];
    for (int l = 0; l < depth; l++) {
      w[l] = net.weights(l).clone();
      b[l] = net.bias(l).clone();
      gW[l] = new double[w[l].length];
      gB[l] = new double[b[l].length];
    }
    Regularisation reg = spec.regularisation();
    mu = reg.mu();
    w0 = reg.anchor() == Regularisation.Anchor.INITIAL ? copy(w) : null;
    b0 = reg.anchor() == Regularisation.Anchor.INITIAL ? copy(b) : null;
    bp = new Backprop(spec.widths(), train.n());
    x = Metrics.rows(train.x(), train.n(), train.inDim());
    y = Metrics.rows(train.y(), train.n(), train.outDim());
    lr = spec.lr(kind);
  }

  static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  @Override
  protected void doSteps(long k) {
    for (long i = 0; i < k; i++) {
      bp.lossAndGradient(w, b, x, y, train.n(), kind, gW, gB, false);
      for (int l = 0; l < w.length; l++) {
        descend(w[l], gW[l], w0 == null ? null : w0[l], lr, mu);
        descend(b[l], gB[l], b0 == null ? null : b0[l], lr, mu);
      }
    }
  }

  static void descend(double[] v, double[] g, double[] anchor, double lr, double mu) {
    if (mu == 0) {
      for (int j = 0; j < v.length; j++) {
        v[j] -= lr * g[j];
      }
    } else {
      for (int j = 0; j < v.length; j++) {
        v[j] -= lr * (g[j] + mu * (anchor == null ? v[j] : v[j] - anchor[j]));
      }
    }
  }

  @Override
  protected double[] weights(int l) {
    return w[l];
  }

  @Override
  protected double[] bias(int l) {
    return b[l];
  }

  /** Per sample: forward 2 per weight, backward 2 per weight above the first layer, gradient 2 per weight, a few per unit. */
  @Override
  public double flopsPerStep() {
    int[] n = spec.widths();
    double[] q = sizes(n);
    double p1 = (double) n[0] * n[1];
    return train.n() * (4 * q[0] + 2 * (q[0] - p1) + 2 * q[2] + 3 * q[1] + 3 * q[3]);
  }
}
