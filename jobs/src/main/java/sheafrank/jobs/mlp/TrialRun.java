package sheafrank.jobs.mlp;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import sheafrank.data.FunctionTask;
import sheafrank.jobs.core.ModelTable;
import sheafrank.train.MlpTrainListener.Checkpoint;
import sheafrank.train.MlpTrainListener.EpochMetrics;
import sheafrank.train.MlpTrainResult;
import sheafrank.train.MlpTrainer;
import sheafrank.train.Samples;

/**
 * One trial on an executor, as a lazy iterator of tagged rows: it builds the trial's data (from
 * the broadcast image bytes, or generated from the data seed), then trains one epoch each time
 * its rows run out, yielding the epoch's {@code mlp_epochs} row and, at a checkpoint epoch, the
 * network's {@code models} rows; the {@code mlp_trials} row comes last. At most one checkpoint is
 * held at a time. Training is single-threaded and depends on the trial alone.
 */
final class TrialRun implements Iterator<Row> {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final MlpTrial t;
  private final ImageBytes images;
  private final TaggedRows tags;
  private final ArrayDeque<Row> pending = new ArrayDeque<>();
  private MlpTrainer trainer;
  private boolean done;
  private Double fMean;
  private Double fSd;
  private EpochMetrics last;
  private double bestTestLoss = Double.NaN;
  private Integer bestEpoch;
  private double trainSeconds;
  private double evalSeconds;
  private long wallNanos;
  private long cpuNanos;

  /** @param images the trial's image bytes, or null for function data */
  TrialRun(MlpTrial t, ImageBytes images, TaggedRows tags) {
    this.t = t;
    this.images = images;
    this.tags = tags;
  }

  @Override
  public boolean hasNext() {
    while (pending.isEmpty() && !done) {
      step();
    }
    return !pending.isEmpty();
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return pending.poll();
  }

  /** Checkpoint 0 (after building the data and the trainer), or the next epoch, or the end. */
  private void step() {
    long w0 = System.nanoTime();
    long c0 = cpu();
    Checkpoint c;
    if (trainer == null) {
      trainer = trainer();
      c = trainer.start();
    } else {
      c = trainer.nextEpoch(null);
    }
    wallNanos += System.nanoTime() - w0;
    cpuNanos += cpu() - c0;
    if (c != null) {
      emit(c);
    } else {
      finish(trainer.result());
    }
  }

  private MlpTrainer trainer() {
    Samples train;
    Samples test;
    MlpData d = t.data();
    if (d.isImages()) {
      train = images.train();
      test = images.test();
    } else {
      FunctionTask.Data fd = d.task().generate(d.nTrain(), d.nTest(), d.dataSeed());
      train = fd.dataset().train();
      test = fd.dataset().test();
      fMean = fd.trainMean();
      fSd = fd.trainSd();
    }
    return new MlpTrainer(t.config(), train, test);
  }

  private void emit(Checkpoint c) {
    EpochMetrics m = c.metrics();
    last = m;
    trainSeconds += m.trainSeconds();
    evalSeconds += m.evalSeconds();
    if (!Double.isNaN(m.testLoss()) && (bestEpoch == null || m.testLoss() < bestTestLoss)) {
      bestTestLoss = m.testLoss();
      bestEpoch = c.epoch();
    }
    pending.add(tags.wrap(MlpTables.EPOCHS, MlpTables.epochRow(t, c.epoch(), c.steps(), m)));
    if (t.isCheckpoint(c.epoch())) {
      for (Row r : ModelTable.rows(t.id(), c.network(), MlpTables.checkpoint(c.epoch(), m))) {
        pending.add(tags.wrap(MlpTables.MODELS, r));
      }
    }
    if (t.progressEvery() > 0 && c.epoch() > 0 && (c.epoch() % t.progressEvery() == 0 || c.epoch() == t.epochs())) {
      System.out.println(String.format(Locale.ROOT, "mlp-train: %s epoch %d/%d: train loss %.5g, test loss %.5g%s (%.1f s)",
          t.id(), c.epoch(), t.epochs(), m.trainLoss(), m.testLoss(),
          Double.isNaN(m.testAccuracy()) ? "" : String.format(Locale.ROOT, ", test accuracy %.4f", m.testAccuracy()),
          wallNanos * 1e-9));
    }
  }

  private void finish(MlpTrainResult r) {
    boolean ok = r.status() == MlpTrainResult.Status.COMPLETED;
    String data = images == null ? null : images.sha256();
    MlpTables.Outcome o = new MlpTables.Outcome(ok ? MlpTables.COMPLETED : MlpTables.NON_FINITE, r.message(),
        r.epochs(), r.steps(), last, bestTestLoss, bestEpoch, fMean, fSd, data, trainSeconds, evalSeconds,
        wallNanos * 1e-9, cpuNanos * 1e-9);
    pending.add(tags.wrap(MlpTables.TRIALS, MlpTables.trialRow(t, o)));
    if (!ok) {
      System.out.println("mlp-train: " + t.id() + " " + MlpTables.NON_FINITE + ": " + r.message());
    }
    trainer = null;
    done = true;
  }

  private static long cpu() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
  }
}
