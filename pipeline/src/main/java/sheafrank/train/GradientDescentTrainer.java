package sheafrank.train;

/**
 * The paper's baseline (seed 001 §6.2, EXPERIMENTS.md): full-batch gradient descent on the
 * reported loss (MSE without 1/2 for regression, mean cross-entropy for classification) with
 * learning rate lr; one step = one epoch = one full-batch gradient step. With mu > 0 the gradient
 * of {@code mu/2 ||theta - theta_0||^2} is added.
 */
public final class GradientDescentTrainer extends WeightTrainer {
  private final Backprop bp;
  private final double[][] x;
  private final double[][] y;
  private final double lr;

  GradientDescentTrainer(TrainSpec spec, TaskKind kind, Samples train, Samples test) {
    super(spec, kind, train, test);
    bp = new Backprop(spec.widths(), train.n());
    x = Metrics.rows(train.x(), train.n(), train.inDim());
    y = Metrics.rows(train.y(), train.n(), train.outDim());
    lr = spec.lr(kind);
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
  public double flopsPerStep() {
    return backpropFlops();
  }
}
