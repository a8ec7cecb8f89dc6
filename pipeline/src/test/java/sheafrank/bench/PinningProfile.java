package sheafrank.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.pinning.ExactSolver;
import sheafrank.pinning.PinnedProblem;
import sheafrank.util.Rng;

/** Throwaway profiling driver: steady-state exact solves on one architecture (args: widths, pathStep, seconds). */
public final class PinningProfile {
  public static void main(String[] args) {
    String[] ws = (args.length > 0 ? args[0] : "2,30,1").split(",");
    int[] w = new int[ws.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Integer.parseInt(ws[i]);
    }
    double h0 = args.length > 1 ? Double.parseDouble(args[1]) : 0;
    double secs = args.length > 2 ? Double.parseDouble(args[2]) : 10;
    SplittableRandom r = Rng.stream(77, w.length, w[1]);
    int np = 20;
    PinnedProblem[] ps = new PinnedProblem[np];
    PinnedProblem.Bound[] bs = new PinnedProblem.Bound[np];
    ExactSolver[] ss = new ExactSolver[np];
    double[][] c0 = new double[np][];
    for (int k = 0; k < np; k++) {
      Mlp net = Mlp.heNormal(w, OutputActivation.IDENTITY, r);
      for (int l = 0; l < net.depth(); l++) {
        for (int i = 0; i < net.bias(l).length; i++) {
          net.bias(l)[i] = 0.1 * r.nextGaussian();
        }
      }
      double[] x = {-2 + 4 * r.nextDouble(), -2 + 4 * r.nextDouble()};
      double[] y = {net.forward(x).output()[0] + 0.5 * r.nextGaussian()};
      ps[k] = PinnedProblem.of(net, "x = input; y = target");
      bs[k] = ps[k].bind(x, y);
      ss[k] = ps[k].solver().pathStep(h0);
      c0[k] = ps[k].defaultStart(bs[k]);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] c = new double[c0[0].length];
    long end = System.nanoTime() + (long) (secs * 1e9);
    int round = 0;
    while (System.nanoTime() < end) {
      long t0 = mx.getCurrentThreadCpuTime();
      long calls = 0;
      long its = 0;
      for (int rep = 0; rep < 200; rep++) {
        for (int k = 0; k < np; k++) {
          System.arraycopy(c0[k], 0, c, 0, c.length);
          ss[k].equilibrium(bs[k], c);
          its += ss[k].lastIterations();
          calls++;
        }
      }
      double us = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / calls;
      if (++round % 5 == 0) {
        System.out.printf("round %d: %.2f us CPU per solve, %.2f iterations%n", round, us, (double) its / calls);
      }
    }
  }
}
