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
 * Euler cochain chatters across it.
 *
 * <p><b>Step-size control</b> ({@link TrainSpec#adaptiveOuterStep()}, default on): the slow flow
 * is a gradient flow of L, and L is known exactly at every solve, so each step is a trial
 * {@code theta - beta dt grad} accepted when L lies below the largest of the last ten accepted
 * values by at least {@code 1e-4 beta dt |grad L|^2} (non-monotone Armijo test, Grippo-Lampariello-
 * Lucidi: L jumps a little where activation patterns switch, which a monotone test would mistake
 * for overshooting); then dt grows by 1.25 (up to maxOuterDt, default 8 outerDt), otherwise the
 * step is undone and dt halves. Every step (accepted or not) costs one solve. The cap matters: L is
 * not coercive (§5.3), and it can also be lowered by inflating the downstream weights (K grows,
 * R = 1/2 e^T (I + K)^-1 e shrinks) while the forward error grows, which unbounded steps find. The cochain therefore needs no integration at all, and the
 * outer step is limited only by the curvature of L(theta), not by the stiffness of the cochain.
 */
public final class EquilibriumTrainer extends WeightTrainer {
  private final SheafLoss sl;
  private final double[][] x;
  private final double[][] y;
  private static final double ARMIJO = 1e-4;
  private static final double GROW = 1.25;
  private static final double SHRINK = 0.5;
  private static final int NONMONOTONE = 10;
  private final double beta;
  private final boolean adaptive;
  private final double maxDt;
  private final double[][] wAcc;
  private final double[][] bAcc;
  private final double[][] gWAcc;
  private final double[][] gBAcc;
  private double dt;
  private double time;
  private double gradNormSq;
  private double gradNormSqAcc;
  private long accepted;
  private long rejected;
  private final double[] recent = new double[NONMONOTONE];
  private long recentCount;
  private final int patternIterations;
  private double lastL = Double.NaN;
  private long solves;
  private long outer;

  EquilibriumTrainer(TrainSpec spec, TaskKind kind, Samples train, Samples test) {
    super(spec, kind, train, test);
    this.sl = new SheafLoss(spec.widths(), spec.loss(kind), train.n());
    this.x = Metrics.rows(train.x(), train.n(), train.inDim());
    this.y = Metrics.rows(train.y(), train.n(), train.outDim());
    this.beta = spec.beta(train.n());
    this.dt = spec.outerDt();
    this.adaptive = spec.adaptiveOuterStep();
    this.maxDt = Math.max(spec.outerDt(), spec.maxOuterDt());
    this.wAcc = copy(w);
    this.bAcc = copy(b);
    this.gWAcc = copy(gW);
    this.gBAcc = copy(gB);
    this.patternIterations = spec.patternIterations();
  }

  @Override
  protected void doSteps(long k) {
    for (long i = 0; i < k; i++) {
      if (!adaptive) {
        evaluateAt();
        move(dt);
        time += dt;
        continue;
      }
      // step-size control: each step is one exact solve at a trial point
      if (Double.isNaN(lastL)) {
        evaluateAt();
        saveAccepted();
        continue;
      }
      double trialDt = dt;
      move(trialDt);
      double previous = lastL;
      evaluateAt();
      if (lastL <= recentMax() - ARMIJO * eta(trialDt) * gradNormSqAcc && Double.isFinite(lastL)) {
        saveAccepted();
        time += trialDt;
        dt = Math.min(dt * GROW, maxDt);
        accepted++;
      } else {
        restoreAccepted();
        lastL = previous;
        dt *= SHRINK;
        rejected++;
      }
    }
  }

  private double eta(double step) {
    return beta * step;
  }

  /** theta -= beta * step * (grad + mu (theta - theta_0)), with the gradient of the last solve. */
  private void move(double step) {
    double e = eta(step);
    for (int l = 0; l < w.length; l++) {
      double[] wl = w[l];
      double[] gl = gW[l];
      for (int j = 0; j < wl.length; j++) {
        wl[j] -= e * gl[j];
      }
      double[] bl = b[l];
      double[] hl = gB[l];
      for (int j = 0; j < bl.length; j++) {
        bl[j] -= e * hl[j];
      }
    }
  }

  /** Solves the equilibrium at the current theta: L, and the gradient (mu term included). */
  private void evaluateAt() {
    double total = sl.evaluate(w, b, x, y, train.n(), null, true, patternIterations, gW, gB);
    lastL = total / train.n();
    solves += sl.lastPatternIterations();
    outer++;
    double q = 0;
    for (int l = 0; l < w.length; l++) {
      for (int j = 0; j < w[l].length; j++) {
        if (mu != 0) {
          gW[l][j] += mu * (w0 == null ? w[l][j] : w[l][j] - w0[l][j]);
        }
        q += gW[l][j] * gW[l][j];
      }
      for (int j = 0; j < b[l].length; j++) {
        if (mu != 0) {
          gB[l][j] += mu * (b0 == null ? b[l][j] : b[l][j] - b0[l][j]);
        }
        q += gB[l][j] * gB[l][j];
      }
    }
    if (mu != 0) {
      double r = 0;
      for (int l = 0; l < w.length; l++) {
        for (int j = 0; j < w[l].length; j++) {
          double d = w0 == null ? w[l][j] : w[l][j] - w0[l][j];
          r += d * d;
        }
        for (int j = 0; j < b[l].length; j++) {
          double d = b0 == null ? b[l][j] : b[l][j] - b0[l][j];
          r += d * d;
        }
      }
      lastL += 0.5 * mu * r / train.n();
    }
    gradNormSq = q / train.n();
  }

  /** Largest of the last accepted losses (the reference of the non-monotone Armijo test). */
  private double recentMax() {
    double mx = Double.NEGATIVE_INFINITY;
    int cnt = (int) Math.min(recentCount, recent.length);
    for (int i = 0; i < cnt; i++) {
      mx = Math.max(mx, recent[i]);
    }
    return mx;
  }

  private void saveAccepted() {
    recent[(int) (recentCount % recent.length)] = lastL;
    recentCount++;
    for (int l = 0; l < w.length; l++) {
      System.arraycopy(w[l], 0, wAcc[l], 0, w[l].length);
      System.arraycopy(b[l], 0, bAcc[l], 0, b[l].length);
      System.arraycopy(gW[l], 0, gWAcc[l], 0, gW[l].length);
      System.arraycopy(gB[l], 0, gBAcc[l], 0, gB[l].length);
    }
    gradNormSqAcc = gradNormSq;
  }

  private void restoreAccepted() {
    for (int l = 0; l < w.length; l++) {
      System.arraycopy(wAcc[l], 0, w[l], 0, w[l].length);
      System.arraycopy(bAcc[l], 0, b[l], 0, b[l].length);
      System.arraycopy(gWAcc[l], 0, gW[l], 0, gW[l].length);
      System.arraycopy(gBAcc[l], 0, gB[l], 0, gB[l].length);
    }
    gradNormSq = gradNormSqAcc;
  }

  /** Integration time of the slow flow so far (sum of accepted outer steps). */
  public double integrationTime() {
    return time;
  }

  /** The current outer step (adaptive: the next trial step). */
  public double currentOuterDt() {
    return dt;
  }

  /** Accepted and rejected trial steps of the step-size control. */
  public long[] acceptedRejected() {
    return new long[] {accepted, rejected};
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
