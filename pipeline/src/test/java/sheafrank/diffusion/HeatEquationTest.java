package sheafrank.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.HarmonicSolverTest;
import sheafrank.sheaf.SheafLayout;
import sheafrank.sheaf.TestNets;
import sheafrank.util.Rng;

class HeatEquationTest {

  static double[] randomCochain(SheafLayout layout, double[] x, SplittableRandom r) {
    double[] c = new double[layout.dim()];
    for (int i = 0; i < c.length; i++) {
      c[i] = r.nextGaussian();
    }
    System.arraycopy(x, 0, c, 0, x.length);
    return c;
  }

  /**
   * Theorems 4.1 and 4.2: from random stalks, sheaf diffusion converges to the forward pass (with
   * y = phi(forward) for sigmoid and softmax) to 1e-9, for depths 1-4 and all output activations.
   */
  @Test
  void diffusionConvergesToForwardPass() {
    SplittableRandom r = Rng.stream(31, 1);
    for (int depth = 1; depth <= 4; depth++) {
      for (OutputActivation out : OutputActivation.values()) {
        int[] widths = TestNets.randomWidths(r, depth, 6, out == OutputActivation.SIGMOID ? 1 : 3);
        Mlp net = TestNets.random(widths, out, 40 + depth);
        double[] x = TestNets.randomInput(r, widths[0]);
        SheafLayout layout = SheafLayout.forInference(net, false);
        HeatEquation heat = new HeatEquation(net, layout, 1.0, null,
            layout.hasOutputVertex() ? OutputEdge.adjoint(out) : null);
        double[] c = randomCochain(layout, x, r);
        double[] fwd = layout.forwardCochain(net, x);
        int steps = 0;
        double err = Double.POSITIVE_INFINITY;
        while (steps < 2_000_000 && err > 1e-9) {
          for (int k = 0; k < 100; k++) {
            heat.step(c, 0, 1, 0.05, null, null);
          }
          steps += 100;
          err = 0;
          for (int i = 0; i < c.length; i++) {
            err = Math.max(err, Math.abs(c[i] - fwd[i]));
          }
        }
        assertTrue(err <= 1e-9, "depth " + depth + " " + out + ": error " + err + " after " + steps);
      }
    }
  }

  /**
   * With a stable step the total discord (the Lyapunov function) never increases (up to the
   * round-off floor: residuals of order 1e-14, squared 1e-28) and falls by orders of magnitude.
   */
  @Test
  void discordIsNonIncreasing() {
    SplittableRandom r = Rng.stream(32, 1);
    for (int trial = 0; trial < 12; trial++) {
      OutputActivation out = OutputActivation.values()[trial % 3];
      int[] widths = TestNets.randomWidths(r, 1 + trial % 4, 8, out == OutputActivation.SIGMOID ? 1 : 2);
      Mlp net = TestNets.random(widths, out, 50 + trial);
      double[] x = TestNets.randomInput(r, widths[0]);
      SheafLayout layout = SheafLayout.forInference(net, trial % 2 == 1);
      HeatEquation heat = new HeatEquation(net, layout, 1.0, null,
          layout.hasOutputVertex() ? OutputEdge.adjoint(out) : null);
      double[] c = randomCochain(layout, x, r);
      double[] d = new double[heat.discordSlots()];
      double prev = Double.POSITIVE_INFINITY;
      double first = Double.NaN;
      for (int step = 0; step < 20_000; step++) {
        heat.step(c, 0, 1, 0.01, null, d);
        double total = 0;
        for (double v : d) {
          total += v;
        }
        assertTrue(total <= prev * (1 + 1e-12) + 1e-26,
            "discord rose at step " + step + ": " + prev + " -> " + total);
        if (step == 0) {
          first = total;
        }
        prev = total;
      }
      assertTrue(prev < 1e-3 * first, "discord after 20000 steps: " + prev + " from " + first);
    }
  }

  /** A batched step equals independent single-sample steps (masks are per sample). */
  @Test
  void batchedStepEqualsPerSampleSteps() {
    SplittableRandom r = Rng.stream(33, 1);
    int[] widths = {2, 7, 5, 3};
    Mlp net = TestNets.random(widths, OutputActivation.SOFTMAX, 9);
    SheafLayout layout = SheafLayout.forInference(net, false);
    HeatEquation heat = new HeatEquation(net, layout, 0.7, null, OutputEdge.adjoint(OutputActivation.SOFTMAX));
    int batch = 9;
    int dim = layout.dim();
    double[] all = new double[batch * dim];
    for (int s = 0; s < batch; s++) {
      System.arraycopy(randomCochain(layout, TestNets.randomInput(r, 2), r), 0, all, s * dim, dim);
    }
    double[] singles = all.clone();
    for (int k = 0; k < 50; k++) {
      heat.step(all, 0, batch, 0.02, null, null);
    }
    for (int s = 0; s < batch; s++) {
      double[] one = java.util.Arrays.copyOfRange(singles, s * dim, (s + 1) * dim);
      for (int k = 0; k < 50; k++) {
        heat.step(one, 0, 1, 0.02, null, null);
      }
      assertArrayEquals(one, java.util.Arrays.copyOfRange(all, s * dim, (s + 1) * dim), 0.0);
    }
  }

  /**
   * The Euler vector field is minus alpha times the gradient of the pinned energy: compare with
   * central finite differences of the reference residual map (identity output, random pins).
   */
  @Test
  void stepIsGradientOfEnergy() {
    SplittableRandom r = Rng.stream(34, 1);
    for (int trial = 0; trial < 10; trial++) {
      int[] widths = TestNets.randomWidths(r, 1 + trial % 4, 6, 2);
      Mlp net = TestNets.random(widths, OutputActivation.IDENTITY, 70 + trial);
      SheafLayout layout = new SheafLayout(widths, true);
      double[] c = randomCochain(layout, TestNets.randomInput(r, widths[0]), r);
      boolean[] fixed = layout.defaultFixed(true);
      HeatEquation heat = new HeatEquation(net, layout, 1.0, fixed, OutputEdge.adjoint(OutputActivation.IDENTITY));
      double[] next = c.clone();
      double dt = 1e-3;
      heat.step(next, 0, 1, dt, null, null);
      boolean[][] pattern = new boolean[widths.length - 2][];
      for (int l = 0; l < pattern.length; l++) {
        pattern[l] = new boolean[widths[l + 1]];
        for (int i = 0; i < pattern[l].length; i++) {
          pattern[l][i] = c[layout.zOffset(l) + i] >= 0;
        }
      }
      for (int i = 0; i < c.length; i++) {
        if (fixed[i]) {
          assertEquals(c[i], next[i], 0.0);
          continue;
        }
        double h = 1e-6;
        double[] p = c.clone();
        double[] m = c.clone();
        p[i] += h;
        m[i] -= h;
        double fd = (energy(net, layout, pattern, p) - energy(net, layout, pattern, m)) / (2 * h);
        assertEquals(-dt * fd, next[i] - c[i], 1e-9 * Math.max(1, Math.abs(fd)), layout.coordinateName(i));
      }
    }
  }

  private static double energy(Mlp net, SheafLayout layout, boolean[][] pattern, double[] c) {
    double e = 0;
    for (double v : HarmonicSolverTest.residualsFor(net, layout, pattern, c)) {
      e += 0.5 * v * v;
    }
    return e;
  }
}
