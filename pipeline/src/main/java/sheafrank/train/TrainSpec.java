package sheafrank.train;

import java.util.Arrays;
import sheafrank.net.Mlp;

/**
 * Everything that defines a training run except the data. Unset values take the paper's settings
 * (seed 001 §6.2, EXPERIMENTS.md shared conventions) once the task kind and n_train are known:
 *
 * <ul>
 *   <li>alpha = 1; beta = 1/n_train; dt = 0.005 with one hidden layer, 0.01 otherwise;
 *   <li>loss: L2 (regression), BCE (binary), CE (multiclass);
 *   <li>cochain: RANDOM with warm start for regression, FORWARD_PASS re-initialised every epoch
 *       for classification (an epoch = {@code stepsPerEpoch} = 1000 Euler steps, see
 *       {@link SheafTrainer}); a given {@link Builder#initialCochain} replaces the first
 *       initialisation only;
 *   <li>GD learning rate 0.005 (regression) / 0.01 (classification); Adam 1e-3, batch 64,
 *       betas (0.9, 0.999), eps 1e-8;
 *   <li>weights He-normal with zero biases from {@code weightSeed} (default: {@code seed}), so every
 *       method started with the same seed starts from the same weights.
 * </ul>
 *
 * Build with {@link #builder(Method, int[], long)}; {@link #validate} checks a spec against data
 * before any work is done.
 */
public final class TrainSpec {
  private final Method method;
  private final int[] widths;
  private final long steps;
  private final Loss loss;
  private final double alpha;
  private final double beta;
  private final double dt;
  private final int stepsPerEpoch;
  private final Boolean warmStart;
  private final CochainInit init;
  private final Regularisation regularisation;
  private final double outerDt;
  private final int patternIterations;
  private final boolean adaptiveOuterStep;
  private final double maxOuterDt;
  private final double explosionFactor;
  private final double lr;
  private final int batchSize;
  private final double adamBeta1;
  private final double adamBeta2;
  private final double adamEps;
  private final long seed;
  private final Long weightSeed;
  private final Mlp initialWeights;
  private final double[] initialCochain;
  private final long curveEvery;
  private final long progressEvery;
  private final long checkEvery;
  private final double divergenceThreshold;

  private TrainSpec(Builder b) {
    method = b.method;
    widths = b.widths.clone();
    steps = b.steps;
    loss = b.loss;
    alpha = b.alpha;
    beta = b.beta;
    dt = b.dt;
    stepsPerEpoch = b.stepsPerEpoch;
    warmStart = b.warmStart;
    init = b.init;
    regularisation = b.regularisation;
    outerDt = b.outerDt;
    patternIterations = b.patternIterations;
    adaptiveOuterStep = b.adaptiveOuterStep;
    maxOuterDt = b.maxOuterDt;
    explosionFactor = b.explosionFactor;
    lr = b.lr;
    batchSize = b.batchSize;
    adamBeta1 = b.adamBeta1;
    adamBeta2 = b.adamBeta2;
    adamEps = b.adamEps;
    seed = b.seed;
    weightSeed = b.weightSeed;
    initialWeights = b.initialWeights;
    initialCochain = b.initialCochain;
    curveEvery = b.curveEvery;
    progressEvery = b.progressEvery;
    checkEvery = b.checkEvery;
    divergenceThreshold = b.divergenceThreshold;
  }

  public static Builder builder(Method method, int[] widths, long steps) {
    return new Builder(method, widths, steps);
  }

  /** A builder preloaded with this spec's values. */
  public Builder toBuilder() {
    Builder b = new Builder(method, widths, steps);
    b.loss = loss;
    b.alpha = alpha;
    b.beta = beta;
    b.dt = dt;
    b.stepsPerEpoch = stepsPerEpoch;
    b.warmStart = warmStart;
    b.init = init;
    b.regularisation = regularisation;
    b.outerDt = outerDt;
    b.patternIterations = patternIterations;
    b.adaptiveOuterStep = adaptiveOuterStep;
    b.maxOuterDt = maxOuterDt;
    b.explosionFactor = explosionFactor;
    b.lr = lr;
    b.batchSize = batchSize;
    b.adamBeta1 = adamBeta1;
    b.adamBeta2 = adamBeta2;
    b.adamEps = adamEps;
    b.seed = seed;
    b.weightSeed = weightSeed;
    b.initialWeights = initialWeights;
    b.initialCochain = initialCochain;
    b.curveEvery = curveEvery;
    b.progressEvery = progressEvery;
    b.checkEvery = checkEvery;
    b.divergenceThreshold = divergenceThreshold;
    return b;
  }

  /** Mutable builder; unset numeric values are NaN / null and resolve to the defaults above. */
  public static final class Builder {
    private final Method method;
    private final int[] widths;
    private long steps;
    private Loss loss;
    private double alpha = 1.0;
    private double beta = Double.NaN;
    private double dt = Double.NaN;
    private int stepsPerEpoch = 1000;
    private Boolean warmStart;
    private CochainInit init;
    private Regularisation regularisation = Regularisation.NONE;
    private double outerDt = Double.NaN;
    private int patternIterations = 1;
    private boolean adaptiveOuterStep = true;
    private double maxOuterDt = Double.NaN;
    private double explosionFactor = 1e4;
    private double lr = Double.NaN;
    private int batchSize = 64;
    private double adamBeta1 = 0.9;
    private double adamBeta2 = 0.999;
    private double adamEps = 1e-8;
    private long seed = 42;
    private Long weightSeed;
    private Mlp initialWeights;
    private double[] initialCochain;
    private long curveEvery;
    private long progressEvery;
    private long checkEvery = 100;
    private double divergenceThreshold = 1e8;

    private Builder(Method method, int[] widths, long steps) {
      if (method == null) {
        throw new IllegalArgumentException("training method is required");
      }
      Mlp.validateWidths(widths);
      if (steps < 0) {
        throw new IllegalArgumentException("number of steps must be >= 0, got " + steps);
      }
      this.method = method;
      this.widths = widths.clone();
      this.steps = steps;
    }

    /** The step budget (Euler steps, outer steps, GD epochs or Adam epochs). */
    public Builder steps(long v) {
      if (v < 0) {
        throw new IllegalArgumentException("number of steps must be >= 0, got " + v);
      }
      steps = v;
      return this;
    }

    public Builder loss(Loss v) {
      loss = v;
      return this;
    }

    public Builder alpha(double v) {
      alpha = v;
      return this;
    }

    /** The weight rate; NaN means 1/n_train. */
    public Builder beta(double v) {
      beta = v;
      return this;
    }

    public Builder dt(double v) {
      dt = v;
      return this;
    }

    public Builder stepsPerEpoch(int v) {
      stepsPerEpoch = v;
      return this;
    }

    public Builder warmStart(Boolean v) {
      warmStart = v;
      return this;
    }

    public Builder init(CochainInit v) {
      init = v;
      return this;
    }

    public Builder regularisation(Regularisation v) {
      regularisation = v == null ? Regularisation.NONE : v;
      return this;
    }

    public Builder outerDt(double v) {
      outerDt = v;
      return this;
    }

    public Builder patternIterations(int v) {
      patternIterations = v;
      return this;
    }

    /** SHEAF_EQUILIBRIUM: Armijo step-size control of the outer step (default true). */
    public Builder adaptiveOuterStep(boolean v) {
      adaptiveOuterStep = v;
      return this;
    }

    /** SHEAF_EQUILIBRIUM: largest outer step the control may reach (default 8 outerDt). */
    public Builder maxOuterDt(double v) {
      maxOuterDt = v;
      return this;
    }

    /**
     * A recorded training loss above this factor times the initial one marks the run DIVERGED
     * (loss explosion), besides the absolute {@link #divergenceThreshold}.
     */
    public Builder explosionFactor(double v) {
      explosionFactor = v;
      return this;
    }

    public Builder lr(double v) {
      lr = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder adam(double beta1, double beta2, double eps) {
      adamBeta1 = beta1;
      adamBeta2 = beta2;
      adamEps = eps;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder weightSeed(Long v) {
      weightSeed = v;
      return this;
    }

    /** Start from these weights (copied) instead of He initialisation. */
    public Builder initialWeights(Mlp v) {
      initialWeights = v;
      return this;
    }

    /**
     * SHEAF: start from this cochain instead of the first {@link CochainInit} initialisation: the
     * free coordinates of every training sample, sample-major ({@code values[s * d + j]}, sample s
     * in training-set order, coordinate j of {@link CochainInit#freeCoordinates}, d =
     * {@link CochainInit#freeDim}); the pinned input and output stalks stay at the data. Only the
     * state at step 0: with warm start the trajectory continues from it across epochs, without
     * warm start every later epoch re-initialises as {@link #init} says. Not copied.
     */
    public Builder initialCochain(double[] v) {
      initialCochain = v;
      return this;
    }

    /** Record a curve point every this many steps (0: only the final point). */
    public Builder curveEvery(long v) {
      curveEvery = v;
      return this;
    }

    /** Call {@link TrainListener#onProgress} every this many steps (0: never). */
    public Builder progressEvery(long v) {
      progressEvery = v;
      return this;
    }

    /** Check weights and cochain for divergence every this many steps. */
    public Builder checkEvery(long v) {
      checkEvery = v;
      return this;
    }

    /** A state value or loss beyond this (or non-finite) marks the run DIVERGED. */
    public Builder divergenceThreshold(double v) {
      divergenceThreshold = v;
      return this;
    }

    public TrainSpec build() {
      positive(alpha, "alpha");
      if (!Double.isNaN(beta)) {
        positive(beta, "beta");
      }
      if (!Double.isNaN(dt)) {
        positive(dt, "dt");
      }
      if (!Double.isNaN(outerDt)) {
        positive(outerDt, "outerDt");
      }
      if (!Double.isNaN(lr)) {
        positive(lr, "learning rate");
      }
      if (stepsPerEpoch < 1) {
        throw new IllegalArgumentException("stepsPerEpoch must be >= 1, got " + stepsPerEpoch);
      }
      if (patternIterations < 1) {
        throw new IllegalArgumentException("patternIterations must be >= 1, got " + patternIterations);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
      }
      if (!(adamBeta1 >= 0 && adamBeta1 < 1) || !(adamBeta2 >= 0 && adamBeta2 < 1)) {
        throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + adamBeta1 + ", " + adamBeta2);
      }
      positive(adamEps, "Adam eps");
      if (curveEvery < 0 || progressEvery < 0) {
        throw new IllegalArgumentException("curveEvery and progressEvery must be >= 0");
      }
      if (checkEvery < 1) {
        throw new IllegalArgumentException("checkEvery must be >= 1, got " + checkEvery);
      }
      positive(divergenceThreshold, "divergence threshold");
      if (!(explosionFactor > 1)) {
        throw new IllegalArgumentException("explosion factor must be > 1, got " + explosionFactor);
      }
      if (!Double.isNaN(maxOuterDt)) {
        positive(maxOuterDt, "maxOuterDt");
      }
      if (initialWeights != null && !Arrays.equals(initialWeights.widths(), widths)) {
        throw new IllegalArgumentException(
            "initial weights have widths " + Arrays.toString(initialWeights.widths())
                + " but the run asks for " + Arrays.toString(widths));
      }
      if (initialCochain != null) {
        checkInitialCochain();
      }
      if (!method.isSheaf() && regularisation.lambda() != 0) {
        throw new IllegalArgumentException(
            "cochain regularisation lambda applies to the sheaf dynamics only, not to " + method.id());
      }
      if (method == Method.SHEAF_EQUILIBRIUM) {
        if (regularisation.lambda() != 0) {
          throw new IllegalArgumentException(
              "sheaf_equilibrium solves the unregularised cochain problem exactly; lambda must be 0");
        }
        if (loss != null && (loss.kind() == Loss.Kind.L1 || loss.kind() == Loss.Kind.PNORM)) {
          throw new IllegalArgumentException(
              "sheaf_equilibrium needs a smooth output potential (l2, huber, bce, ce), not " + loss.id());
        }
      }
      return new TrainSpec(this);
    }

    private void checkInitialCochain() {
      if (method != Method.SHEAF) {
        throw new IllegalArgumentException("an initial cochain applies to the Euler joint dynamics (sheaf) only; "
            + method.id() + (method == Method.SHEAF_EQUILIBRIUM ? " holds the cochain at the exact equilibrium"
            : " has no cochain"));
      }
      if (regularisation.lambda() != 0 && regularisation.anchor() == Regularisation.Anchor.INITIAL) {
        throw new IllegalArgumentException("a given initial cochain cannot serve as the anchor of the cochain"
            + " regularisation (lambda > 0 with anchor=initial); use anchor=zero or lambda = 0");
      }
      int d = CochainInit.freeDim(widths);
      if (initialCochain.length == 0 || initialCochain.length % d != 0) {
        throw new IllegalArgumentException("an initial cochain for widths " + Arrays.toString(widths) + " has "
            + d + " free coordinates per sample (z1, a1, ..., z" + (widths.length - 1) + "), got "
            + initialCochain.length + " values");
      }
      for (int i = 0; i < initialCochain.length; i++) {
        if (!Double.isFinite(initialCochain[i])) {
          throw new IllegalArgumentException("the initial cochain holds " + initialCochain[i] + " at sample " + i / d
              + ", coordinate " + CochainInit.freeCoordinates(widths).get(i % d));
        }
      }
    }

    private static void positive(double v, String what) {
      if (!(v > 0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException(what + " must be positive and finite, got " + v);
      }
    }
  }

  /**
   * Checks this spec against a data set before any work: widths against the data's dimensions,
   * n_train >= 1, the loss against the task kind, the test set's dimensions.
   */
  public void validate(TaskKind kind, Samples train, Samples test) {
    if (kind == null) {
      throw new IllegalArgumentException("task kind is required");
    }
    if (train == null) {
      throw new IllegalArgumentException("n_train must be >= 1: no training data");
    }
    checkDims(kind, train.inDim(), train.outDim(), train.n());
    if (test != null && (test.inDim() != train.inDim() || test.outDim() != train.outDim())) {
      throw new IllegalArgumentException(
          "test set has " + test.inDim() + " inputs and " + test.outDim() + " targets, training set "
              + train.inDim() + " and " + train.outDim());
    }
  }

  /** As {@link #validate} from the dimensions alone. */
  public void checkDims(TaskKind kind, int inDim, int outDim, int nTrain) {
    if (nTrain < 1) {
      throw new IllegalArgumentException("n_train must be >= 1, got " + nTrain);
    }
    if (widths[0] != inDim || widths[widths.length - 1] != outDim) {
      throw new IllegalArgumentException(
          "widths " + Arrays.toString(widths) + " do not match the data: widths[0] must be the input"
              + " dimension " + inDim + " and the last width the output dimension " + outDim);
    }
    if (initialCochain != null && initialCochain.length != (long) nTrain * CochainInit.freeDim(widths)) {
      throw new IllegalArgumentException("the initial cochain has " + initialCochain.length / CochainInit.freeDim(widths)
          + " samples, the training set " + nTrain);
    }
    Loss l = loss(kind);
    if (!l.fits(kind)) {
      throw new IllegalArgumentException(
          "loss " + l.id() + " does not fit a " + kind.id() + " task (regression: l2, l1, huber, pnorm;"
              + " binary: bce; multiclass: ce)");
    }
    if (kind == TaskKind.BINARY && outDim < 1 || kind == TaskKind.MULTICLASS && outDim < 2) {
      throw new IllegalArgumentException("a " + kind.id() + " task needs " + (kind == TaskKind.MULTICLASS ? ">= 2" : ">= 1") + " outputs, got " + outDim);
    }
  }

  public Method method() {
    return method;
  }

  public int[] widths() {
    return widths.clone();
  }

  public long steps() {
    return steps;
  }

  public Loss loss(TaskKind kind) {
    return loss != null ? loss : Loss.defaultFor(kind);
  }

  public double alpha() {
    return alpha;
  }

  public double beta(int nTrain) {
    return Double.isNaN(beta) ? 1.0 / nTrain : beta;
  }

  public double dt() {
    return Double.isNaN(dt) ? (widths.length == 3 ? 0.005 : 0.01) : dt;
  }

  public int stepsPerEpoch() {
    return stepsPerEpoch;
  }

  public boolean warmStart(TaskKind kind) {
    return warmStart != null ? warmStart : kind == TaskKind.REGRESSION;
  }

  public CochainInit init(TaskKind kind) {
    return init != null ? init : kind == TaskKind.REGRESSION ? CochainInit.RANDOM : CochainInit.FORWARD_PASS;
  }

  public Regularisation regularisation() {
    return regularisation;
  }

  /**
   * Outer step of SHEAF_EQUILIBRIUM: fixed, or the initial step of the step-size control (default
   * 1, i.e. 200 times the 1H Euler dt).
   */
  public double outerDt() {
    return Double.isNaN(outerDt) ? 1.0 : outerDt;
  }

  public boolean adaptiveOuterStep() {
    return adaptiveOuterStep;
  }

  public double maxOuterDt() {
    return Double.isNaN(maxOuterDt) ? 8 * outerDt() : maxOuterDt;
  }

  public double explosionFactor() {
    return explosionFactor;
  }

  /**
   * Exact solves per SHEAF_EQUILIBRIUM step (default 1: each step uses the activation pattern of
   * the previous step's equilibrium, the first step the forward pass's; more re-solve with the
   * pattern of the new equilibrium until it reproduces itself).
   */
  public int patternIterations() {
    return patternIterations;
  }

  public double lr(TaskKind kind) {
    if (!Double.isNaN(lr)) {
      return lr;
    }
    if (method == Method.ADAM) {
      return 1e-3;
    }
    return kind == TaskKind.REGRESSION ? 0.005 : 0.01;
  }

  public int batchSize() {
    return batchSize;
  }

  public double adamBeta1() {
    return adamBeta1;
  }

  public double adamBeta2() {
    return adamBeta2;
  }

  public double adamEps() {
    return adamEps;
  }

  public long seed() {
    return seed;
  }

  public long weightSeed() {
    return weightSeed != null ? weightSeed : seed;
  }

  public Mlp initialWeights() {
    return initialWeights;
  }

  /** The given starting cochain (see {@link Builder#initialCochain}), or null. Not copied. */
  public double[] initialCochain() {
    return initialCochain;
  }

  public long curveEvery() {
    return curveEvery;
  }

  public long progressEvery() {
    return progressEvery;
  }

  public long checkEvery() {
    return checkEvery;
  }

  public double divergenceThreshold() {
    return divergenceThreshold;
  }

  /** The starting network: the given initial weights, or He-normal from the weight seed. */
  public Mlp startingNetwork(TaskKind kind) {
    Loss l = loss(kind);
    if (initialWeights != null) {
      return initialWeights.copy().withOutput(l.activation());
    }
    return Mlp.heNormal(widths, l.activation(), weightSeed());
  }
}
