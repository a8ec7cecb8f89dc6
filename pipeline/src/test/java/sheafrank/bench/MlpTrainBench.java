package sheafrank.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import sheafrank.linalg.Gemm;
import sheafrank.net.Mlp;
import sheafrank.train.MlpTrainConfig;
import sheafrank.train.MlpTrainResult;
import sheafrank.train.MlpTrainer;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;
import sheafrank.util.Rng;

/**
 * Single-thread training throughput of {@link MlpTrainer} (Adam, float64) on random data: inputs
 * uniform on [0,1]^n0, random one-hot labels (multiclass) or U(-1,1) targets (regression); not a
 * test. Each repetition trains a fresh network for one epoch over n samples (no evaluation) and
 * prints samples/s by wall clock and by thread CPU time, the GFLOP/s of the forward and backward
 * passes, the share of forward, backward (with the loss) and the Adam update, and a checksum of
 * the trained weights: the same for every JVM flag (vector module or not, vector length), which is
 * the determinism claim checked end to end.
 *
 * <p>Args: widths (784,2000,1000,500,100,10), task (multiclass | regression | binary), samples per
 * epoch (6400), repetitions (5), batch (64).
 */
public final class MlpTrainBench {
  /** A hash of every bit of the network's parameters (compare runs under different JVM flags). */
  static long checksum(Mlp net) {
    long h = 17;
    for (int l = 0; l < net.depth(); l++) {
      for (double v : net.weights(l)) {
        h = Rng.mix(h ^ Double.doubleToRawLongBits(v));
      }
      for (double v : net.bias(l)) {
        h = Rng.mix(h ^ Double.doubleToRawLongBits(v));
      }
    }
    return h;
  }

  public static void main(String[] args) {
    int[] widths = Arrays.stream((args.length > 0 ? args[0] : "784,2000,1000,500,100,10")
        .split(",")).mapToInt(Integer::parseInt).toArray();
    TaskKind task = TaskKind.parse(args.length > 1 ? args[1] : "multiclass");
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 6400;
    int reps = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int batch = args.length > 4 ? Integer.parseInt(args[4]) : 64;
    int in = widths[0];
    int out = widths[widths.length - 1];
    SplittableRandom r = Rng.stream(7, 1);
    double[] x = new double[n * in];
    Rng.uniform(r, 0, 1, x);
    double[] y = new double[n * out];
    for (int s = 0; s < n; s++) {
      if (task == TaskKind.MULTICLASS) {
        y[s * out + r.nextInt(out)] = 1;
      } else if (task == TaskKind.BINARY) {
        for (int k = 0; k < out; k++) {
          y[s * out + k] = r.nextInt(2);
        }
      } else {
        for (int k = 0; k < out; k++) {
          y[s * out + k] = 2 * r.nextDouble() - 1;
        }
      }
    }
    Samples data = new Samples(x, y, n, in, out);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double flopSample = MlpTrainer.flopsPerSample(widths);
    System.out.printf("%s %s batch %d, %d samples/epoch, %.1f MFLOP/sample, Gemm vectorised %s%n",
        Arrays.toString(widths), task.id(), batch, n, flopSample / 1e6, Gemm.vectorised());
    double[] wallRate = new double[reps];
    double[] cpuRate = new double[reps];
    for (int rep = 0; rep < reps; rep++) {
      MlpTrainConfig cfg = MlpTrainConfig.builder(widths, task).epochs(1).batchSize(batch)
          .seed(rep).evaluateTrain(false).build();
      MlpTrainer t = new MlpTrainer(cfg, data, null);
      long w0 = System.nanoTime();
      long c0 = mx.getCurrentThreadCpuTime();
      MlpTrainResult res = t.run(null);
      long c1 = mx.getCurrentThreadCpuTime();
      long w1 = System.nanoTime();
      wallRate[rep] = n / ((w1 - w0) * 1e-9);
      cpuRate[rep] = n / ((c1 - c0) * 1e-9);
      MlpTrainer.PhaseSeconds ps = t.phaseSeconds();
      double tot = ps.forward() + ps.backward() + ps.update();
      System.out.printf(
          "rep %d: %7.0f samples/s wall, %7.0f samples/s CPU | forward %4.1f%% backward %4.1f%% "
              + "update %4.1f%% | products %5.1f GFLOP/s (wall, fwd+bwd) | batch loss %.4f%n",
          rep + 1, wallRate[rep], cpuRate[rep], 100 * ps.forward() / tot,
          100 * ps.backward() / tot, 100 * ps.update() / tot,
          flopSample * n / (ps.forward() + ps.backward()) / 1e9, res.history().get(1).meanBatchLoss());
      long e0 = mx.getCurrentThreadCpuTime();
      t.evaluate(data);
      long e1 = mx.getCurrentThreadCpuTime();
      System.out.printf("  evaluation (forward in blocks of 256): %.0f samples/s CPU; checksum of the"
          + " trained weights: %016x%n", n / ((e1 - e0) * 1e-9), checksum(res.network()));
    }
    Arrays.sort(wallRate);
    Arrays.sort(cpuRate);
    System.out.printf("samples/s over %d reps: wall %.0f-%.0f (median %.0f), CPU %.0f-%.0f (median %.0f)%n",
        reps, wallRate[0], wallRate[reps - 1], wallRate[reps / 2], cpuRate[0], cpuRate[reps - 1],
        cpuRate[reps / 2]);
  }
}
