package sheafrank.bench;

import java.util.SplittableRandom;
import sheafrank.linalg.Dense;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.pinning.ExactSolver;
import sheafrank.pinning.PinnedEuler;
import sheafrank.pinning.PinnedProblem;
import sheafrank.pinning.PinnedResult;
import sheafrank.sheaf.NeuralSheaf;
import sheafrank.util.Rng;

/**
 * Throwaway benchmark (not a unit test): time to reach 1e-10 accuracy (max-norm distance to the
 * exact equilibrium) on input+output pinned problems, exact solver vs forward Euler at dt = 0.01
 * and at dt = 1.9 / lambda_max (near the stability limit). Problems whose equilibrium lies on a
 * switching surface are skipped (Euler chatters there and never reaches 1e-10).
 */
public final class PinningBenchmark {
  public static void main(String[] args) {
    int problems = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int[][] archs = {{2, 30, 1}, {2, 10, 8, 1}, {2, 8, 6, 4, 1}};
    System.out.println("LAPACK " + Dense.lapackBackend());
    for (int[] w : archs) {
      double tExactDirect = 0;
      double tExactFlow = 0;
      double tEuler = 0;
      double tEulerMax = 0;
      long stepsSum = 0;
      long stepsMaxSum = 0;
      int used = 0;
      double itDirect = 0;
      double itFlow = 0;
      int skipped = 0;
      SplittableRandom r = Rng.stream(77, w.length, w[1]);
      for (int k = 0; k < problems; k++) {
        Mlp net = Mlp.heNormal(w, OutputActivation.IDENTITY, r);
        for (int l = 0; l < net.depth(); l++) {
          for (int i = 0; i < net.bias(l).length; i++) {
            net.bias(l)[i] = 0.1 * r.nextGaussian();
          }
        }
        double[] x = {-2 + 4 * r.nextDouble(), -2 + 4 * r.nextDouble()};
        double[] y = {net.forward(x).output()[0] + 0.5 * r.nextGaussian()};
        PinnedProblem p = PinnedProblem.of(net, "x = input; y = target");
        PinnedProblem.Bound b = p.bind(x, y);
        ExactSolver direct = p.solver().pathStep(0);
        ExactSolver flow = p.solver();
        PinnedResult ref = direct.solve(b, null);
        PinnedResult refFlow = flow.solve(b, null);
        if (!ref.surfaceUnits().isEmpty() || !ref.converged()) {
          skipped++;
          continue;
        }
        double[] cstar = ref.cochain();
        if (maxDiff(cstar, refFlow.cochain()) > 1e-10) {
          System.out.println("  note: flow-following and direct mode differ on problem " + k);
        }
        // exact: average over repeats
        int reps = 300;
        double[] c0 = p.defaultStart(b);
        for (int i = 0; i < 50; i++) {
          direct.equilibrium(b, c0.clone());
          flow.equilibrium(b, c0.clone());
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          direct.equilibrium(b, c0.clone());
        }
        tExactDirect += (System.nanoTime() - t0) / 1e3 / reps;
        t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          flow.equilibrium(b, c0.clone());
        }
        tExactFlow += (System.nanoTime() - t0) / 1e3 / reps;
        itDirect += ref.iterations();
        itFlow += refFlow.iterations();
        // Euler
        NeuralSheaf sh = NeuralSheaf.build(net, x, ref.pattern(), true, true, y, null);
        double lmax = Dense.symmetricEigen(sh.laplacianOmega(), sh.freeDim(), false).values()[sh.freeDim() - 1];
        long s1 = stepsTo(p, b, cstar, 0.01);
        long s2 = stepsTo(p, b, cstar, 1.9 / lmax);
        if (s1 < 0 || s2 < 0) {
          skipped++;
          continue;
        }
        tEuler += timeSteps(p, b, 0.01, s1);
        tEulerMax += timeSteps(p, b, 1.9 / lmax, s2);
        stepsSum += s1;
        stepsMaxSum += s2;
        used++;
      }
      System.out.printf("%-16s %d problems (%d skipped): exact direct %.1f us, exact flow-following %.1f us;"
              + " Euler dt=0.01: %d steps %.1f us (x%.0f / x%.0f); Euler dt=1.9/lmax: %d steps %.1f us (x%.1f / x%.1f)%n",
          java.util.Arrays.toString(w), used, skipped, tExactDirect / used, tExactFlow / used,
          stepsSum / used, tEuler / used, tEuler / tExactDirect, tEuler / tExactFlow,
          stepsMaxSum / used, tEulerMax / used, tEulerMax / tExactDirect, tEulerMax / tExactFlow);
      System.out.printf("   mean solves: direct %.1f, flow-following %.1f%n", itDirect / used, itFlow / used);
    }
  }

  static double maxDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  /** Euler steps from the default start until max |c - c*| <= 1e-10; -1 if not within 5e6. */
  static long stepsTo(PinnedProblem p, PinnedProblem.Bound b, double[] cstar, double dt) {
    PinnedEuler e = new PinnedEuler(p);
    double[] c = p.defaultStart(b);
    for (long s = 1; s <= 5_000_000; s++) {
      e.steps(b, c, dt, 1);
      if (maxDiff(c, cstar) <= 1e-10) {
        return s;
      }
    }
    return -1;
  }

  /** Microseconds for {@code steps} Euler steps (best of 3). */
  static double timeSteps(PinnedProblem p, PinnedProblem.Bound b, double dt, long steps) {
    PinnedEuler e = new PinnedEuler(p);
    double best = Double.MAX_VALUE;
    for (int rep = 0; rep < 3; rep++) {
      double[] c = p.defaultStart(b);
      long t0 = System.nanoTime();
      e.steps(b, c, dt, steps);
      best = Math.min(best, (System.nanoTime() - t0) / 1e3);
    }
    return best;
  }
}
