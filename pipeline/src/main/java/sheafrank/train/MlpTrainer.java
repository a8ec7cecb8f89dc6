package sheafrank.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import sheafrank.net.Mlp;
import sheafrank.util.Rng;

/**
 * Mini-batch training of a ReLU MLP of any size (the rank paper's MNIST net
 * 784-2000-1000-500-100-10 and its 20-160-80-40-1 test-function nets), single-threaded,
 * deterministic: the same config, initial network and data give the same bits on every run and
 * every machine.
 *
 * <p><b>An epoch.</b> Epoch e (1-based) visits the training samples in the order
 * {@link #permutation}(seed, e, n), a Fisher-Yates shuffle drawn from the stream
 * {@code Rng.stream(seed, SHUFFLE_KEY, e)}; consecutive runs of {@code batchSize} samples form the
 * batches and the last, smaller batch is kept (PyTorch's DataLoader with drop_last=False); its
 * loss is the mean over its own samples. Each batch: forward, mean loss, backpropagation
 * ({@link BatchNet}, all products through {@link sheafrank.linalg.Gemm}), one optimiser update
 * ({@link Optimizer}) of every layer's W then b. After the epoch both data sets are evaluated in
 * blocks and the listener receives a {@link MlpTrainListener.Checkpoint}.
 *
 * <p><b>Failure.</b> A non-finite batch loss or bias gradient (any NaN or infinity in a layer's
 * delta reaches its bias gradient, a sum over the batch) stops the run before that update; a
 * non-finite parameter after an epoch stops it after. Either way {@link #run} returns status
 * NON_FINITE with the place, never throws for it; the network returned is the last checkpoint's.
 */
public final class MlpTrainer {
  /** Key of the shuffling streams under the seed. */
  public static final long SHUFFLE_KEY = 0x53485546464c45L; // "SHUFFLE"

  /** Seconds spent per phase (wall clock), for profiling. */
  public record PhaseSeconds(double forward, double backward, double update, double evaluation) {}

  private final MlpTrainConfig cfg;
  private final TaskKind kind;
  private final Samples train;
  private final Samples test;
  private final int[] n;
  private final int depth;
  private final double[][] w;
  private final double[][] b;
  private final double[][] gW;
  private final double[][] gB;
  private final double[][] mW;
  private final double[][] vW;
  private final double[][] mB;
  private final double[][] vB;
  private final BatchNet net;
  private final BatchNet evalNet;
  private long step;
  private int epoch;
  /** What made the last {@link #batchStep} fail. */
  private String failure = "";
  private boolean ran;
  private final List<MlpTrainListener.EpochMetrics> history = new ArrayList<>();
  /** The last checkpoint's network (kept for the result of a run that fails later). */
  private Mlp last;
  private MlpTrainResult result;
  private final long[] nanos = new long[4];

  /** Starts from the config's initialisation drawn with its seed. */
  public MlpTrainer(MlpTrainConfig cfg, Samples train, Samples test) {
    this(cfg, cfg.init().build(cfg.widths(), cfg.task().outputActivation(), cfg.seed()), train,
        test);
  }

  /**
   * Starts from a copy of {@code initial} (its output activation is ignored: the loss decides).
   *
   * @param test may be null
   * @throws IllegalArgumentException if the network or the data do not fit the config
   */
  public MlpTrainer(MlpTrainConfig cfg, Mlp initial, Samples train, Samples test) {
    this.cfg = cfg;
    this.kind = cfg.task();
    this.train = train;
    this.test = test;
    this.n = cfg.widths();
    this.depth = n.length - 1;
    if (!java.util.Arrays.equals(initial.widths(), n)) {
      throw new IllegalArgumentException("initial network has widths "
          + java.util.Arrays.toString(initial.widths()) + ", the config "
          + java.util.Arrays.toString(n));
    }
    checkData("training", train);
    if (test != null) {
      checkData("test", test);
    }
    w = new double[depth][];
    b = new double[depth][];
    gW = new double[depth][];
    gB = new double[depth][];
    boolean adam = cfg.optimizer() instanceof Optimizer.Adam;
    mW = adam ? new double[depth][] : null;
    vW = adam ? new double[depth][] : null;
    mB = adam ? new double[depth][] : null;
    vB = adam ? new double[depth][] : null;
    for (int l = 0; l < depth; l++) {
      w[l] = initial.weights(l).clone();
      b[l] = initial.bias(l).clone();
      gW[l] = new double[w[l].length];
      gB[l] = new double[b[l].length];
      if (adam) {
        mW[l] = new double[w[l].length];
        vW[l] = new double[w[l].length];
        mB[l] = new double[b[l].length];
        vB[l] = new double[b[l].length];
      }
    }
    net = new BatchNet(n, Math.min(cfg.batchSize(), train.n()));
    evalNet = new BatchNet(n, cfg.evalBlock());
  }

  private void checkData(String which, Samples s) {
    if (s.inDim() != n[0] || s.outDim() != n[depth]) {
      throw new IllegalArgumentException(which + " data has " + s.inDim() + " inputs and "
          + s.outDim() + " targets per sample, the network " + n[0] + " and " + n[depth]);
    }
  }

  /**
   * The order of the training samples in epoch {@code epoch}: a Fisher-Yates shuffle of 0..n-1
   * drawn from {@code Rng.stream(seed, SHUFFLE_KEY, epoch)}; a function of (seed, epoch, n) only.
   */
  public static int[] permutation(long seed, int epoch, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom r = Rng.stream(seed, SHUFFLE_KEY, epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * Trains: checkpoint 0 (the initial network), then for every epoch its batches, the evaluation
   * and its checkpoint. Call once per trainer. The same as {@link #start()}, then
   * {@link #nextEpoch} until it returns null, then {@link #result()}.
   */
  public MlpTrainResult run(MlpTrainListener listener) {
    MlpTrainListener li = listener == null ? MlpTrainListener.NONE : listener;
    li.onCheckpoint(start());
    for (MlpTrainListener.Checkpoint c = nextEpoch(li); c != null; c = nextEpoch(li)) {
      li.onCheckpoint(c);
    }
    return result();
  }

  /**
   * The stepwise form of {@link #run}, for a caller that consumes checkpoints one at a time (a
   * lazy iterator that must not hold every checkpoint in memory): evaluates the initial network
   * and returns checkpoint 0. Call once per trainer, before {@link #nextEpoch}.
   */
  public MlpTrainListener.Checkpoint start() {
    if (ran) {
      throw new IllegalStateException("this trainer has already run");
    }
    ran = true;
    return checkpoint(Double.NaN, 0);
  }

  /**
   * Trains the next epoch and returns its checkpoint; null when the run is over (all epochs done,
   * or a non-finite value stopped it), after which {@link #result()} tells which.
   *
   * @param progress receives {@link MlpTrainListener#onProgress} calls (null: none); its
   *     onCheckpoint is not called here
   */
  public MlpTrainListener.Checkpoint nextEpoch(MlpTrainListener progress) {
    if (!ran) {
      throw new IllegalStateException("call start() before nextEpoch()");
    }
    if (result != null) {
      return null;
    }
    if (epoch >= cfg.epochs()) {
      result = new MlpTrainResult(MlpTrainResult.Status.COMPLETED, epoch, step, "", last,
          List.copyOf(history));
      return null;
    }
    MlpTrainListener li = progress == null ? MlpTrainListener.NONE : progress;
    int e = epoch + 1;
    int[] order = permutation(cfg.seed(), e, train.n());
    int bs = net.capacity();
    int batches = (train.n() + bs - 1) / bs;
    long t0 = System.nanoTime();
    double lossSum = 0;
    for (int q = 0; q < batches; q++) {
      int from = q * bs;
      int count = Math.min(bs, train.n() - from);
      double loss = batchStep(order, from, count);
      if (Double.isNaN(loss)) {
        return failed("non-finite " + failure + " in batch " + (q + 1) + " of epoch " + e
            + " (update " + (step + 1) + ")");
      }
      lossSum += loss;
      if (cfg.progressEvery() > 0 && (q + 1) % cfg.progressEvery() == 0) {
        li.onProgress(new MlpTrainListener.Progress(e, q + 1, batches, step, loss,
            (System.nanoTime() - t0) * 1e-9));
      }
    }
    epoch = e;
    String bad = firstNonFinite();
    if (bad != null) {
      return failed("non-finite parameter " + bad + " after epoch " + e);
    }
    return checkpoint(lossSum / batches, (System.nanoTime() - t0) * 1e-9);
  }

  /** The outcome, once {@link #nextEpoch} has returned null. */
  public MlpTrainResult result() {
    if (result == null) {
      throw new IllegalStateException("the run has not finished: call nextEpoch() until it returns null");
    }
    return result;
  }

  private MlpTrainListener.Checkpoint failed(String message) {
    result = new MlpTrainResult(MlpTrainResult.Status.NON_FINITE, epoch, step, message, last,
        List.copyOf(history));
    return null;
  }

  private MlpTrainListener.Checkpoint checkpoint(double meanBatchLoss, double trainSeconds) {
    long t0 = System.nanoTime();
    Metrics.Eval tr = cfg.evaluateTrain() ? evaluate(train) : new Metrics.Eval(Double.NaN,
        Double.NaN);
    Metrics.Eval te = test == null ? new Metrics.Eval(Double.NaN, Double.NaN) : evaluate(test);
    double evalSeconds = (System.nanoTime() - t0) * 1e-9;
    nanos[3] += System.nanoTime() - t0;
    MlpTrainListener.EpochMetrics m = new MlpTrainListener.EpochMetrics(tr.loss(), tr.accuracy(),
        te.loss(), te.accuracy(), meanBatchLoss, trainSeconds, evalSeconds);
    history.add(m);
    last = network(); // shared with the result, as run() always did: no second copy
    return new MlpTrainListener.Checkpoint(epoch, step, last, m);
  }

  /**
   * One update on the samples {@code order[from .. from+count)}; returns the batch's mean loss, or
   * NaN (update not applied, {@link #failure} set) if the loss or a gradient is not finite.
   */
  double batchStep(int[] order, int from, int count) {
    long t0 = System.nanoTime();
    net.gather(train.x(), order, from, count);
    net.forward(w, b, count);
    long t1 = System.nanoTime();
    double loss = net.loss(kind, train.y(), order, from, count, true) / lossDivisor(count);
    net.backward(w, count, gW, gB);
    long t2 = System.nanoTime();
    nanos[0] += t1 - t0;
    nanos[1] += t2 - t1;
    if (!Double.isFinite(loss)) {
      failure = "loss " + loss;
      return Double.NaN;
    }
    for (int l = 0; l < depth; l++) {
      for (double g : gB[l]) {
        if (!Double.isFinite(g)) {
          failure = "gradient of layer " + (l + 1);
          return Double.NaN;
        }
      }
    }
    step++;
    if (cfg.optimizer() instanceof Optimizer.Adam adam) {
      for (int l = 0; l < depth; l++) {
        adam.step(w[l], gW[l], mW[l], vW[l], step);
        adam.step(b[l], gB[l], mB[l], vB[l], step);
      }
    } else {
      Optimizer.Sgd sgd = (Optimizer.Sgd) cfg.optimizer();
      for (int l = 0; l < depth; l++) {
        sgd.step(w[l], gW[l]);
        sgd.step(b[l], gB[l]);
      }
    }
    nanos[2] += System.nanoTime() - t2;
    return loss;
  }

  private double lossDivisor(int count) {
    return kind == TaskKind.MULTICLASS ? count : (double) count * n[depth];
  }

  /**
   * Mean loss and accuracy of the current network over a whole data set (forward passes in blocks
   * of {@link MlpTrainConfig#evalBlock()}; per-sample losses summed in sample order).
   */
  public Metrics.Eval evaluate(Samples data) {
    checkData("evaluation", data);
    BatchNet bn = evalNet;
    double total = 0;
    long right = 0;
    for (int from = 0; from < data.n(); from += bn.capacity()) {
      int count = Math.min(bn.capacity(), data.n() - from);
      bn.gather(data.x(), null, from, count);
      bn.forward(w, b, count);
      total = bn.loss(kind, data.y(), null, from, count, false, total);
      right += bn.correct(kind, data.y(), from, count);
    }
    double loss = total / lossDivisor(data.n());
    double acc = kind == TaskKind.REGRESSION ? Double.NaN : (double) right / data.n();
    return new Metrics.Eval(loss, acc);
  }

  /** "layer L weight i" of the first non-finite parameter, or null. */
  private String firstNonFinite() {
    for (int l = 0; l < depth; l++) {
      for (int i = 0; i < w[l].length; i++) {
        if (!Double.isFinite(w[l][i])) {
          return "layer " + (l + 1) + " weight " + i;
        }
      }
      for (int i = 0; i < b[l].length; i++) {
        if (!Double.isFinite(b[l][i])) {
          return "layer " + (l + 1) + " bias " + i;
        }
      }
    }
    return null;
  }

  /** A copy of the current network with the loss's output activation. */
  public Mlp network() {
    double[][] wc = new double[depth][];
    double[][] bc = new double[depth][];
    for (int l = 0; l < depth; l++) {
      wc[l] = w[l].clone();
      bc[l] = b[l].clone();
    }
    return new Mlp(n, wc, bc, kind.outputActivation());
  }

  public int epoch() {
    return epoch;
  }

  /** Optimiser updates applied so far. */
  public long steps() {
    return step;
  }

  /** Wall seconds so far in forward passes (with the batch gathering), backward passes
   * (with the loss), optimiser updates and evaluations. */
  public PhaseSeconds phaseSeconds() {
    return new PhaseSeconds(nanos[0] * 1e-9, nanos[1] * 1e-9, nanos[2] * 1e-9, nanos[3] * 1e-9);
  }

  /** Floating-point operations of the products of one training sample (forward, backward). */
  public static double flopsPerSample(int[] widths) {
    double f = 0;
    for (int l = 0; l + 1 < widths.length; l++) {
      double p = (double) widths[l] * widths[l + 1];
      f += 2 * p + 2 * p + (l > 0 ? 2 * p : 0);
    }
    return f;
  }
}
