package sheafrank.train;

import java.util.ArrayList;
import java.util.List;
import sheafrank.net.Mlp;

/**
 * A training run: a method's state plus the bookkeeping common to all methods (progress, loss
 * curve, divergence checks, timing). Build one with {@link #create}; drive it with {@link #run} or,
 * for custom snapshots, with {@link #advance} and {@link #result}.
 *
 * <p>Divergence never throws: every {@link TrainSpec#checkEvery()} steps the weights (and, for the
 * Euler dynamics, the cochain) are checked for NaN/infinity or magnitudes beyond
 * {@link TrainSpec#divergenceThreshold()}, and every curve point checks the loss likewise (also
 * against {@link TrainSpec#explosionFactor()} times the initial loss); a failed check stops the run
 * with status DIVERGED and the step.
 */
public abstract class Trainer {
  protected final TrainSpec spec;
  protected final TaskKind kind;
  protected final Samples train;
  protected final Samples test;
  private final Metrics trainEval;
  private final Metrics testEval;
  private final List<CurvePoint> curve = new ArrayList<>();
  private long step;
  private double seconds;
  private TrainResult.Status status = TrainResult.Status.COMPLETED;
  private long divergedAt = -1;
  private String message = "";
  private Mlp lastHealthy;
  private double initialLoss = Double.NaN;

  protected Trainer(TrainSpec spec, TaskKind kind, Samples train, Samples test) {
    spec.validate(kind, train, test);
    this.spec = spec;
    this.kind = kind;
    this.train = train;
    this.test = test;
    int[] widths = spec.widths();
    this.trainEval = new Metrics(widths, train, kind);
    this.testEval = test == null ? null : new Metrics(widths, test, kind);
  }

  /**
   * Validates the spec against the data (clear errors before any work) and builds the trainer of
   * its method.
   *
   * @param test may be null
   */
  public static Trainer create(TrainSpec spec, TaskKind kind, Samples train, Samples test) {
    spec.validate(kind, train, test);
    return switch (spec.method()) {
      case SHEAF -> new SheafTrainer(spec, kind, train, test);
      case SHEAF_EQUILIBRIUM -> new EquilibriumTrainer(spec, kind, train, test);
      case GD -> new GradientDescentTrainer(spec, kind, train, test);
      case ADAM -> new AdamTrainer(spec, kind, train, test);
    };
  }

  /** Performs k steps of the method (no checks). */
  protected abstract void doSteps(long k);

  /** Live weights of layer l (row-major) and biases. */
  protected abstract double[] weights(int l);

  protected abstract double[] bias(int l);

  /**
   * Largest magnitude in the method's state (NaN if any entry is NaN): by default the weights and
   * biases, layer by layer; methods with more state (the sheaf's cochain) override it.
   */
  protected double stateMaxAbs() {
    double mx = 0;
    for (int l = 0; l < spec.widths().length - 1; l++) {
      mx = JointDynamics.maxAbs(weights(l), mx);
      mx = JointDynamics.maxAbs(bias(l), mx);
    }
    return mx;
  }

  /** Estimated floating-point operations of one step. */
  public abstract double flopsPerStep();

  /** The sheaf loss L(theta) if the method tracks it; NaN otherwise. */
  protected double sheafLoss() {
    return Double.NaN;
  }

  public TrainSpec spec() {
    return spec;
  }

  public long step() {
    return step;
  }

  public boolean diverged() {
    return status == TrainResult.Status.DIVERGED;
  }

  /** The current weights (a copy) with the loss's output activation. */
  public Mlp network() {
    int depth = spec.widths().length - 1;
    double[][] w = new double[depth][];
    double[][] b = new double[depth][];
    for (int l = 0; l < depth; l++) {
      w[l] = weights(l).clone();
      b[l] = bias(l).clone();
    }
    return new Mlp(spec.widths(), w, b, spec.loss(kind).activation());
  }

  /** Forward-pass metrics of the current weights on the training and test sets. */
  public Metrics.Eval[] evaluate() {
    double[][][] wb = liveWeights();
    Metrics.Eval tr = trainEval.evaluate(wb[0], wb[1]);
    Metrics.Eval te = testEval == null ? new Metrics.Eval(Double.NaN, Double.NaN) : testEval.evaluate(wb[0], wb[1]);
    return new Metrics.Eval[] {tr, te};
  }

  private double[][][] liveWeights() {
    int depth = spec.widths().length - 1;
    double[][] w = new double[depth][];
    double[][] b = new double[depth][];
    for (int l = 0; l < depth; l++) {
      w[l] = weights(l);
      b[l] = bias(l);
    }
    return new double[][][] {w, b};
  }

  /** Runs the remaining steps of the budget with the listener's callbacks; returns the result. */
  public TrainResult run(TrainListener listener) {
    TrainListener li = listener == null ? TrainListener.NONE : listener;
    long total = spec.steps();
    if (step == 0 && curve.isEmpty() && !diverged()) {
      checkState();
      if (!diverged()) {
        recordCurve(li);
      }
    }
    while (step < total && !diverged()) {
      long next = nextStop(total);
      long t0 = System.nanoTime();
      doSteps(next - step);
      seconds += (System.nanoTime() - t0) * 1e-9;
      step = next;
      if (step % spec.checkEvery() == 0 || step == total) {
        checkState();
      }
      if (diverged()) {
        break;
      }
      boolean curveDue = spec.curveEvery() > 0 && step % spec.curveEvery() == 0;
      if (curveDue || step == total) {
        recordCurve(li);
      }
      if (!diverged() && spec.progressEvery() > 0 && step % spec.progressEvery() == 0) {
        double loss = curveDue || step == total ? curve.get(curve.size() - 1).trainLoss() : evaluate()[0].loss();
        li.onProgress(new TrainListener.Progress(step, total, loss, step / Math.max(seconds, 1e-12), seconds));
      }
    }
    return result();
  }

  /** Advances up to k steps (fewer if the budget ends or the run diverges); false once diverged. */
  public boolean advance(long k) {
    long target = Math.min(spec.steps(), step + k);
    while (step < target && !diverged()) {
      long next = Math.min(target, (step / spec.checkEvery() + 1) * spec.checkEvery());
      long t0 = System.nanoTime();
      doSteps(next - step);
      seconds += (System.nanoTime() - t0) * 1e-9;
      step = next;
      checkState();
    }
    return !diverged();
  }

  private long nextStop(long total) {
    long next = total;
    next = Math.min(next, (step / spec.checkEvery() + 1) * spec.checkEvery());
    if (spec.curveEvery() > 0) {
      next = Math.min(next, (step / spec.curveEvery() + 1) * spec.curveEvery());
    }
    if (spec.progressEvery() > 0) {
      next = Math.min(next, (step / spec.progressEvery() + 1) * spec.progressEvery());
    }
    return next;
  }

  private void checkState() {
    double mx = stateMaxAbs();
    if (Double.isNaN(mx) || mx > spec.divergenceThreshold()) {
      markDiverged(Double.isNaN(mx) ? "NaN in the state" : "state magnitude " + mx + " exceeds "
          + spec.divergenceThreshold());
    } else {
      lastHealthy = network();
    }
  }

  private void markDiverged(String why) {
    status = TrainResult.Status.DIVERGED;
    divergedAt = step;
    message = why + " at step " + step;
  }

  private void recordCurve(TrainListener li) {
    Metrics.Eval[] e = evaluate();
    double loss = e[0].loss();
    if (!Double.isFinite(loss) || loss > spec.divergenceThreshold()) {
      markDiverged("training loss " + loss);
      return;
    }
    if (Double.isNaN(initialLoss)) {
      initialLoss = loss;
    } else if (loss > spec.explosionFactor() * initialLoss) {
      markDiverged("training loss " + loss + " exceeds " + spec.explosionFactor() + " times the initial " + initialLoss);
      return;
    }
    CurvePoint p = new CurvePoint(step, loss, e[1].loss(), e[0].accuracy(), e[1].accuracy(), seconds);
    curve.add(p);
    li.onCurvePoint(p);
  }

  /** The result at the current step. */
  public TrainResult result() {
    Metrics.Eval nan = new Metrics.Eval(Double.NaN, Double.NaN);
    Metrics.Eval tr = nan;
    Metrics.Eval te = nan;
    Mlp net = lastHealthy;
    if (!diverged()) {
      Metrics.Eval[] e = evaluate();
      tr = e[0];
      te = e[1];
      net = network();
    }
    return new TrainResult(spec.method(), status, step, divergedAt, message, tr, te, net,
        List.copyOf(curve), seconds, step / Math.max(seconds, 1e-12), step * flopsPerStep(),
        sheafLoss());
  }

  /** Weight count, hidden units, all units after the input, output width. */
  protected static double[] sizes(int[] n) {
    double p = 0;
    double h = 0;
    double z = 0;
    for (int l = 0; l + 1 < n.length; l++) {
      p += (double) n[l] * n[l + 1];
      z += n[l + 1];
      if (l + 2 < n.length) {
        h += n[l + 1];
      }
    }
    return new double[] {p, h, z, n[n.length - 1]};
  }
}
