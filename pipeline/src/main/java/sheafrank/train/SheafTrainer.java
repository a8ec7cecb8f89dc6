package sheafrank.train;

/**
 * Sheaf training by the joint dynamics (seed 001 eq. 26/29/42) integrated by forward Euler, as in
 * §6.2: the whole training set is one batch (§5.2.5), the input stalks are pinned to x and the
 * output stalks to the targets, and each step updates cochain and weights simultaneously.
 *
 * <p><b>Epochs.</b> Following the authors' reference trainer, the run is cut into epochs of
 * {@link TrainSpec#stepsPerEpoch()} (1000) Euler steps. The cochain is initialised once before the
 * first step. With warm start (the regression setting) the cochain at the end of an epoch is the
 * initial cochain of the next, so full-batch training with warm start is one uninterrupted
 * trajectory of {@code steps} Euler steps and the epoch boundary only marks where metrics are
 * traditionally recorded. Without warm start (the classification setting, FORWARD_PASS) the
 * cochain is re-initialised at the start of every later epoch, i.e. set to the forward pass of the
 * current weights (RANDOM draws a fresh stream per epoch).
 *
 * <p><b>A given starting cochain</b> ({@link TrainSpec#initialCochain()}) replaces the
 * initialisation before the first step and nothing else: a file holding exactly the cochain
 * RANDOM (or FORWARD_PASS) would have drawn gives the same run bit for bit.
 */
public final class SheafTrainer extends Trainer {
  private final JointDynamics jd;
  private final double dt;
  private final boolean warm;
  private final CochainInit init;

  SheafTrainer(TrainSpec spec, TaskKind kind, Samples train, Samples test) {
    super(spec, kind, train, test);
    this.jd = new JointDynamics(spec.startingNetwork(kind), train, spec.loss(kind), spec.alpha(),
        spec.beta(train.n()), spec.regularisation());
    this.dt = spec.dt();
    this.warm = spec.warmStart(kind);
    this.init = spec.init(kind);
    double[] given = spec.initialCochain();
    if (given == null) {
      jd.initCochain(init, spec.seed(), 0);
    } else {
      jd.setCochainSampleMajor(embed(given, jd.layout(), train.n()));
    }
  }

  /**
   * The full sample-major cochain of {@link JointDynamics#setCochainSampleMajor} holding the given
   * free coordinates (the pinned x and y entries are left zero: that method keeps the data there).
   */
  static double[] embed(double[] free, sheafrank.sheaf.SheafLayout layout, int batch) {
    int dim = layout.dim();
    int first = layout.inputDim();
    int d = layout.yOffset() - first;
    double[] full = new double[dim * batch];
    for (int s = 0; s < batch; s++) {
      System.arraycopy(free, s * d, full, s * dim + first, d);
    }
    return full;
  }

  /** The joint dynamics (for cochain snapshots: {@link JointDynamics#cochainSampleMajor()}). */
  public JointDynamics dynamics() {
    return jd;
  }

  @Override
  protected void doSteps(long k) {
    long epochLen = spec.stepsPerEpoch();
    long done = 0;
    while (done < k) {
      long s = jd.steps();
      if (!warm && s > 0 && s % epochLen == 0) {
        jd.initCochain(init, spec.seed(), s / epochLen);
      }
      long chunk = Math.min(k - done, epochLen - s % epochLen);
      jd.run(chunk, dt);
      done += chunk;
    }
  }

  @Override
  protected double[] weights(int l) {
    return jd.weightsLive(l);
  }

  @Override
  protected double[] bias(int l) {
    return jd.biasLive(l);
  }

  @Override
  protected double stateMaxAbs() {
    return jd.maxAbs();
  }

  /**
   * Per sample: the weight-edge residuals and the weight gradients (2 flops per weight each), the
   * force on a (2 per weight above the first layer), the activation edges and updates (about 10
   * per hidden unit) and the output edge; times n_train.
   */
  @Override
  public double flopsPerStep() {
    double[] q = sizes(spec.widths());
    int[] n = spec.widths();
    double p1 = (double) n[0] * n[1];
    return train.n() * (4 * q[0] + 2 * (q[0] - p1) + 4 * q[2] + 10 * q[1] + 4 * q[3]);
  }
}
