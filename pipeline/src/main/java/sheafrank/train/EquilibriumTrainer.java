package sheafrank.train;

/**
 * Sheaf training under timescale separation with an exact inner solve (beyond the paper; seed 002
 * Remark 11.8): in the limit alpha/beta -> infinity of the joint dynamics the cochain sits at the
 * two-sided pinned equilibrium c*(theta) and the weights follow
 * {@code d theta/dt = -beta (sum_i grad R(theta; x_i, y_i) + mu (theta - theta_0))}, whose
 * right-hand side is the local rule of eq. 25 evaluated at c* (envelope theorem, Thm 11.6). Each
 * outer step solves the equilibrium exactly ({@link SheafLoss}: one forward and m backward passes
 * per sample, re-solved if the activation pattern changes) and takes one Euler step of length
 * {@link TrainSpec#outerDt()} in theta. Like the cochain of the joint dynamics, which keeps its
 * state between steps and switches its ReLU edges by its current state, each solve starts from the
 * activation pattern of the previous step's equilibrium (the first from the forward pass's); with
 * the default {@link TrainSpec#patternIterations()} = 1 that lagged pattern is used as is, so a
 * sample sliding on a switching surface (Note 5.1) alternates its pattern between steps as the
 * Euler cochain chatters across it. The cochain therefore needs no integration at all, and the
 * outer step is limited only by the curvature of L(theta), not by the stiffness of the cochain.
 */
public final class EquilibriumTrainer extends Trainer {
  private final SheafLoss sl;
  private final double[][] w;
  private final double[][] b;
  private final double[][] w0;
  private final double[][] b0;
  private final double[][] gW;
  private final double[][] gB;
  private final double[][] x;
  private final double[][] y;
  private final double eta;
  private final double mu;
  private final int patternIterations;
  private double lastL = Double.NaN;
  private long solves;
  private long outer;

  EquilibriumTrainer(TrainSpec spec, TaskKind kind, Samples train, Samples test) {
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
    this.mu = reg.mu();
    if (reg.anchor() == Regularisation.Anchor.INITIAL) {
      w0 = new double[depth][];
      b0 = new double[depth][];
      for (int l = 0; l < depth; l++) {
        w0[l] = w[l].clone();
        b0[l] = b[l].clone();
      }
    } else {
      w0 = null;
      b0 = null;
    }
    this.sl = new SheafLoss(spec.widths(), spec.loss(kind), train.n());
    this.x = Metrics.rows(train.x(), train.n(), train.inDim());
    this.y = Metrics.rows(train.y(), train.n(), train.outDim());
    this.eta = spec.beta(train.n()) * spec.outerDt();
    this.patternIterations = spec.patternIterations();
  }

  @Override
  protected void doSteps(long k) {
    for (long i = 0; i < k; i++) {
      double total = sl.evaluate(w, b, x, y, train.n(), null, true, patternIterations, gW, gB);
      lastL = total / train.n();
      solves += sl.lastPatternIterations();
      outer++;
      for (int l = 0; l < w.length; l++) {
        double[] wl = w[l];
        double[] gl = gW[l];
        for (int j = 0; j < wl.length; j++) {
          double g = gl[j];
          if (mu != 0) {
            g += mu * (w0 == null ? wl[j] : wl[j] - w0[l][j]);
          }
          wl[j] -= eta * g;
        }
        double[] bl = b[l];
        double[] hl = gB[l];
        for (int j = 0; j < bl.length; j++) {
          double g = hl[j];
          if (mu != 0) {
            g += mu * (b0 == null ? bl[j] : bl[j] - b0[l][j]);
          }
          bl[j] -= eta * g;
        }
      }
    }
  }

  /** The inner solver (its pattern masks are those of the last outer step's gradient). */
  SheafLoss solver() {
    return sl;
  }

  /** Pattern entries that changed at the last outer step (see {@link SheafLoss#patternChanges()}). */
  public int lastPatternChanges() {
    return sl.patternChanges();
  }

  /** Mean number of exact solves per outer step so far (pattern re-solves included). */
  public double solvesPerStep() {
    return outer == 0 ? 0 : (double) solves / outer;
  }

  @Override
  protected double sheafLoss() {
    return lastL;
  }

  @Override
  protected double[] weights(int l) {
    return w[l];
  }

  @Override
  protected double[] bias(int l) {
    return b[l];
  }

  @Override
  protected double stateMaxAbs() {
    double mx = 0;
    for (int l = 0; l < w.length; l++) {
      mx = JointDynamics.maxAbs(w[l], mx);
      mx = JointDynamics.maxAbs(b[l], mx);
    }
    return mx;
  }

  /**
   * Per exact solve and sample: two forward passes (4 flops per weight), the m Jacobian rows
   * (2m per weight above the first layer), K (3 m^2 per hidden unit), delta/eps (2m per hidden
   * unit), R and the weight gradient (2 per weight, 4 per unit); the pattern check. Counts the
   * measured mean number of solves per outer step (at least one).
   */
  @Override
  public double flopsPerStep() {
    int[] n = spec.widths();
    double[] q = sizes(n);
    double p1 = (double) n[0] * n[1];
    double m = q[3];
    double perSolve = 6 * q[0] + 2 * m * (q[0] - p1) + 3 * m * m * q[1] + 2 * m * q[1] + 6 * q[2] + 4 * q[1];
    return train.n() * perSolve * Math.max(1.0, solvesPerStep());
  }
}
