package sheafrank.train;

import sheafrank.net.Mlp;

/**
 * The state shared by the trainers whose state is the network's parameters alone (full-batch GD,
 * Adam, the exact-equilibrium sheaf trainer), as opposed to the joint dynamics, which also carries
 * a cochain: the live weights and biases (copies of the starting network), their gradient
 * buffers, and for the regulariser {@code mu/2 ||theta - theta_0||^2} (eq. 28/41) its weight mu
 * and, with {@link Regularisation.Anchor#INITIAL}, the anchor theta_0 (else null: anchored at 0).
 */
abstract class WeightTrainer extends Trainer {
  protected final double[][] w;
  protected final double[][] b;
  protected final double[][] gW;
  protected final double[][] gB;
  protected final double[][] w0;
  protected final double[][] b0;
  protected final double mu;

  WeightTrainer(TrainSpec spec, TaskKind kind, Samples train, Samples test) {
    super(spec, kind, train, test);
    Mlp net = spec.startingNetwork(kind);
    int depth = net.depth();
    w = new double[depth][];
    b = new double[depth][];
    for (int l = 0; l < depth; l++) {
      w[l] = net.weights(l).clone();
      b[l] = net.bias(l).clone();
    }
    gW = zerosLike(w);
    gB = zerosLike(b);
    Regularisation reg = spec.regularisation();
    mu = reg.mu();
    w0 = reg.anchor() == Regularisation.Anchor.INITIAL ? copy(w) : null;
    b0 = reg.anchor() == Regularisation.Anchor.INITIAL ? copy(b) : null;
  }

  /** Zero arrays of the shapes of {@code a}'s rows. */
  static double[][] zerosLike(double[][] a) {
    double[][] z = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      z[i] = new double[a[i].length];
    }
    return z;
  }

  static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  @Override
  protected double[] weights(int l) {
    return w[l];
  }

  @Override
  protected double[] bias(int l) {
    return b[l];
  }

  /**
   * Flops of one forward and backward pass over the training set: per sample 2 per weight forward,
   * 2 per weight above the first layer backward, 2 per weight for the gradient, a few per unit.
   */
  protected double backpropFlops() {
    int[] n = spec.widths();
    double[] q = sizes(n);
    double p1 = (double) n[0] * n[1];
    return train.n() * (4 * q[0] + 2 * (q[0] - p1) + 2 * q[2] + 3 * q[1] + 3 * q[3]);
  }
}
