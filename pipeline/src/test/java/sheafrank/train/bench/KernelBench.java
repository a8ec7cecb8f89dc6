package sheafrank.train.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import sheafrank.train.Method;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;
import sheafrank.train.TrainResult;
import sheafrank.train.TrainSpec;
import sheafrank.train.Trainer;
import sheafrank.util.Rng;

/**
 * Single-thread throughput of the training methods on paraboloid-like data; not a test.
 * Args: method (sheaf | gd | sheaf_equilibrium | adam), widths (2,30,1), n (300), steps per
 * repetition (30000), repetitions (8). Prints wall-clock and thread-CPU steps/s per repetition
 * (the first ones include JIT compilation) and the best.
 */
public final class KernelBench {
  public static void main(String[] args) {
    Method method = Method.parse(args.length > 0 ? args[0] : "sheaf");
    int[] widths = java.util.Arrays.stream((args.length > 1 ? args[1] : "2,30,1").split(",")).mapToInt(Integer::parseInt).toArray();
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 30000;
    int reps = args.length > 4 ? Integer.parseInt(args[4]) : 8;
    SplittableRandom r = Rng.stream(1, 2);
    double[] x = new double[n * widths[0]];
    double[] y = new double[n * widths[widths.length - 1]];
    Rng.uniform(r, -2, 2, x);
    for (int s = 0; s < n; s++) {
      y[s * widths[widths.length - 1]] = x[2 * s] * x[2 * s] + x[2 * s + 1] * x[2 * s + 1] - 2.0 / 3;
    }
    Samples data = new Samples(x, y, n, widths[0], widths[widths.length - 1]);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double bestWall = 0;
    double bestCpu = 0;
    for (int rep = 0; rep < reps; rep++) {
      TrainSpec spec = TrainSpec.builder(method, widths, steps).checkEvery(1000).build();
      Trainer t = Trainer.create(spec, TaskKind.REGRESSION, data, null);
      long c0 = mx.getCurrentThreadCpuTime();
      TrainResult res = t.run(null);
      long c1 = mx.getCurrentThreadCpuTime();
      double wall = res.stepsPerSecond();
      double cpu = steps / ((c1 - c0) / 1e9);
      bestWall = Math.max(bestWall, wall);
      bestCpu = Math.max(bestCpu, cpu);
      System.out.printf("%s %s n=%d: steps/s wall %.0f  cpu %.0f  (train MSE %.4f)%n", method.id(),
          java.util.Arrays.toString(widths), n, wall, cpu, res.train().loss());
    }
    System.out.printf("best: wall %.0f steps/s, cpu %.0f steps/s%n", bestWall, bestCpu);
  }
}
