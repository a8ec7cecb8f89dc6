package sheafrank.train.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.train.CochainInit;
import sheafrank.train.JointDynamics;
import sheafrank.train.Loss;
import sheafrank.train.Regularisation;
import sheafrank.train.Samples;
import sheafrank.util.Rng;

/** Throughput of the joint-dynamics kernel; not a test. Args: widths (e.g. 2,30,1) n steps reps. */
public final class KernelBench {
  public static void main(String[] args) {
    int[] widths = java.util.Arrays.stream((args.length > 0 ? args[0] : "2,30,1").split(",")).mapToInt(Integer::parseInt).toArray();
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20000;
    int reps = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    SplittableRandom r = Rng.stream(1, 2);
    double[] x = new double[n * widths[0]];
    double[] y = new double[n * widths[widths.length - 1]];
    Rng.uniform(r, -2, 2, x);
    for (int s = 0; s < n; s++) {
      y[s] = x[2 * s] * x[2 * s] + x[2 * s + 1] * x[2 * s + 1] - 2.0 / 3;
    }
    Samples data = new Samples(x, y, n, widths[0], widths[widths.length - 1]);
    Mlp net = Mlp.heNormal(widths, OutputActivation.IDENTITY, 42);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int rep = 0; rep < reps; rep++) {
      JointDynamics jd = new JointDynamics(net, data, Loss.l2(), 1.0, 1.0 / n, Regularisation.NONE);
      jd.initCochain(CochainInit.RANDOM, 42, 0);
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      jd.run(steps, 0.005);
      long t1 = System.nanoTime();
      long c1 = mx.getCurrentThreadCpuTime();
      System.out.printf("joint steps/s: wall %.0f  cpu %.0f  (energy %.4f)%n", steps / ((t1 - t0) / 1e9), steps / ((c1 - c0) / 1e9), jd.energy());
    }
  }
}
