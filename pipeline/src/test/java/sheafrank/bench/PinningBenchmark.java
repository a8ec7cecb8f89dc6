package sheafrank.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * (the paper's step) and at dt = 1.9 / lambda_max (near the stability limit). Problems whose
 * equilibrium lies on a switching surface are skipped (Euler chatters there and never reaches
 * 1e-10). Times are thread CPU time after a JIT warm-up of every kernel, per problem, averaged over
 * the problems; each figure is the median (and range) over {@code reps} repetitions.
 *
 * <p>Modes: default (the solver as shipped: proximal path unless provably unnecessary, see
 * {@link ExactSolver#pathStep}), path (the proximal path forced), direct (pathStep 0).
 * Usage: {@code PinningBenchmark [problems=20] [reps=7]}.
 */
public final class PinningBenchmark {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  record Prob(PinnedProblem p, PinnedProblem.Bound b, double[] c0, ExactSolver[] modes, long s1, long s2,
      double dtMax) {}

  public static void main(String[] args) {
    int problems = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int[][] archs = {{2, 30, 1}, {2, 10, 8, 1}, {2, 8, 6, 4, 1}};
    String[] modeNames = {"default", "path", "direct"};
    System.out.println("LAPACK " + Dense.lapackBackend() + "; thread CPU time; median [min, max] over " + reps
        + " repetitions");
    for (int[] w : archs) {
      List<Prob> used = new ArrayList<>();
      int skipped = 0;
      double[] iters = new double[3];
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
        ExactSolver[] modes = {p.solver(), p.solver().convexShortcut(false), p.solver().pathStep(0)};
        PinnedResult ref = modes[2].solve(b, null);
        if (!ref.surfaceUnits().isEmpty() || !ref.converged()) {
          skipped++;
          continue;
        }
        double[] cstar = ref.cochain();
        double[] its = new double[3];
        for (int m = 0; m < 3; m++) {
          PinnedResult res = modes[m].solve(b, null);
          its[m] = res.iterations();
          if (maxDiff(cstar, res.cochain()) > 1e-10) {
            System.out.println("  note: " + modeNames[m] + " and direct mode differ on problem " + k);
          }
        }
        NeuralSheaf sh = NeuralSheaf.build(net, x, ref.pattern(), true, true, y, null);
        double lmax = Dense.symmetricEigen(sh.laplacianOmega(), sh.freeDim(), false).values()[sh.freeDim() - 1];
        long s1 = stepsTo(p, b, cstar, 0.01);
        long s2 = stepsTo(p, b, cstar, 1.9 / lmax);
        if (s1 < 0 || s2 < 0) {
          skipped++;
          continue;
        }
        for (int m = 0; m < 3; m++) {
          iters[m] += its[m];
        }
        used.add(new Prob(p, b, p.defaultStart(b), modes, s1, s2, 1.9 / lmax));
      }
      int nu = used.size();
      // warm-up: every kernel, about 4 s
      long end = System.nanoTime() + 4_000_000_000L;
      while (System.nanoTime() < end) {
        for (Prob q : used) {
          for (ExactSolver s : q.modes()) {
            s.equilibrium(q.b(), q.c0().clone());
          }
          eulerCpu(q, 0.01, 200);
        }
      }
      double[][] exact = new double[3][reps];
      double[] euler = new double[reps];
      double[] eulerMax = new double[reps];
      for (int rep = 0; rep < reps; rep++) {
        // modes interleaved per problem, so that load changes hit all three alike
        for (Prob q : used) {
          for (int m = 0; m < 3; m++) {
            exact[m][rep] += exactCpu(q.modes()[m], q, 200) / nu;
          }
        }
        double e1 = 0;
        double e2 = 0;
        for (Prob q : used) {
          e1 += eulerCpu(q, 0.01, q.s1());
          e2 += eulerCpu(q, q.dtMax(), q.s2());
        }
        euler[rep] = e1 / nu;
        eulerMax[rep] = e2 / nu;
      }
      long steps1 = 0;
      long steps2 = 0;
      for (Prob q : used) {
        steps1 += q.s1();
        steps2 += q.s2();
      }
      double eu = median(euler);
      double euMax = median(eulerMax);
      System.out.printf("%-16s %d problems (%d skipped)%n", Arrays.toString(w), nu, skipped);
      for (int m = 0; m < 3; m++) {
        double t = median(exact[m]);
        System.out.printf("   exact %-8s %8.2f us %s, %.2f solves: x%.0f vs Euler dt=0.01, x%.1f vs Euler dt=1.9/lmax%n",
            modeNames[m], t, range(exact[m]), iters[m] / nu, eu / t, euMax / t);
      }
      System.out.printf("   Euler dt=0.01: %d steps, %.0f us %s; dt=1.9/lmax: %d steps, %.0f us %s%n",
          steps1 / nu, eu, range(euler), steps2 / nu, euMax, range(eulerMax));
    }
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }

  static String range(double[] v) {
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (double x : v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    return String.format(hi < 100 ? "[%.2f, %.2f]" : "[%.0f, %.0f]", lo, hi);
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

  /** CPU microseconds per exact solve from the default start (mean of {@code n}). */
  static double exactCpu(ExactSolver s, Prob q, int n) {
    double[] c = new double[q.c0().length];
    long t0 = MX.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      System.arraycopy(q.c0(), 0, c, 0, c.length);
      s.equilibrium(q.b(), c);
    }
    return (MX.getCurrentThreadCpuTime() - t0) / 1e3 / n;
  }

  /** CPU microseconds for {@code steps} Euler steps from the default start. */
  static double eulerCpu(Prob q, double dt, long steps) {
    PinnedEuler e = new PinnedEuler(q.p());
    double[] c = q.c0().clone();
    long t0 = MX.getCurrentThreadCpuTime();
    e.steps(q.b(), c, dt, steps);
    return (MX.getCurrentThreadCpuTime() - t0) / 1e3;
  }
}
