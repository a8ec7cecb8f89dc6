package sheafrank.pinning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.HarmonicSolver;
import sheafrank.sheaf.NeuralSheaf;
import sheafrank.sheaf.SheafLayout;
import sheafrank.sheaf.TestNets;
import sheafrank.util.Rng;

/** S6 / D1: the exact equilibrium solver against Euler, on and off switching surfaces. */
class EquilibriumTest {

  static double maxDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  /**
   * One hidden layer with the input pinned and no pin on z1: units inactive at the forward pass
   * feel only their weight edge and stay at z = t < 0, active ones live on the convex set z >= 0,
   * so the flow from the forward pass stays in a region where E is convex and has exactly one
   * possible limit (ExactSolver#pathStep; E can have other local minimisers elsewhere, see
   * shortcutOnlyFromTheForwardRegion). Exact and Euler must agree to 1e-8 on
   * every problem (identity, sigmoid and softmax outputs; hard and soft pins on a1, z2, y; many
   * end on switching surfaces: a1 pinned negative, y pinned far away).
   */
  @Test
  void oneHiddenLayerExactEqualsEuler() {
    SplittableRandom r = Rng.stream(31, 1);
    int surfaces = 0;
    for (int trial = 0; trial < 32; trial++) {
      OutputActivation out = OutputActivation.values()[trial % 3];
      int m = out == OutputActivation.SIGMOID ? 1 : out == OutputActivation.SOFTMAX ? 3 : 1 + r.nextInt(2);
      int[] w = {1 + r.nextInt(3), 2 + r.nextInt(6), m};
      Mlp net = TestNets.random(w, out, 500 + trial);
      StringBuilder s = new StringBuilder("x = ");
      for (int i = 0; i < w[0]; i++) {
        s.append(i > 0 ? "," : "").append(RandomProblems.fmt(4 * r.nextDouble() - 2));
      }
      if (r.nextDouble() < 0.8) {
        double[] y = RandomProblems.target(r, out, m);
        s.append("; y = ");
        for (int i = 0; i < m; i++) {
          s.append(i > 0 ? "," : "").append(RandomProblems.fmt(out == OutputActivation.IDENTITY ? 3 * y[i] : y[i]));
        }
      }
      int j = r.nextInt(w[1]);
      double v = -1 - 3 * r.nextDouble();
      s.append(r.nextBoolean() ? "; a1[" + j + "] = " + RandomProblems.fmt(v)
          : "; a1[" + j + "] ~ " + RandomProblems.fmt(v) + " @ " + RandomProblems.fmt(0.5 + 4 * r.nextDouble()));
      if (out == OutputActivation.IDENTITY && r.nextBoolean()) {
        s.append("; z2[0] ~ 1 @ 0.5");
      }
      PinnedProblem p = PinnedProblem.of(net, s.toString());
      PinnedProblem.Bound b = p.bind();
      PinnedResult exact = p.solve();
      assertTrue(exact.converged(), s.toString());
      double[] euler = EulerReference.run(p, b, RandomProblems.stableDt(p));
      assertNotNull(euler, "Euler reference did not converge: " + s);
      assertEquals(0.0, maxDiff(exact.cochain(), euler), 1e-8, s.toString());
      assertEquals(EulerReference.lastSurface.isEmpty() ? List.of() : EulerReference.lastSurface,
          exact.slidingUnits(1e-9), "switching-surface units: " + s);
      // the fast direct mode lands on the same (unique) minimiser, and so does the proximal path
      // that the default mode skips here (ExactSolver#pathStep: a theorem for this class)
      PinnedResult direct = p.solver().pathStep(0).solve(b, null);
      assertEquals(0.0, maxDiff(exact.cochain(), direct.cochain()), 1e-10, s.toString());
      PinnedResult path = p.solver().convexShortcut(false).solve(b, null);
      assertEquals(0.0, maxDiff(exact.cochain(), path.cochain()), 1e-10, s.toString());
      if (!exact.slidingUnits(1e-9).isEmpty()) {
        surfaces++;
      }
    }
    assertTrue(surfaces >= 8, "too few switching-surface cases: " + surfaces);
  }

  /**
   * Wide hidden layer, narrow output, input and output pinned (the solver eliminates a1's block
   * D + W2^T W2 by Woodbury): the result is stationary for its region energy on every free
   * coordinate off the switching surfaces, and equals Euler's limit (unique for one hidden layer,
   * see ExactSolver#pathStep), with hard and soft pins on a1 too.
   */
  @Test
  void wideHiddenLayerIsStationaryAndMatchesEuler() {
    SplittableRandom r = Rng.stream(34, 1);
    for (int trial = 0; trial < 18; trial++) {
      // identity output (1-2 wide), and pinned sigmoid / softmax outputs (KL potential, Newton)
      OutputActivation out = OutputActivation.values()[(trial / 2) % 3];
      int m = out == OutputActivation.SIGMOID ? 1 : out == OutputActivation.SOFTMAX ? 2 + trial % 2 : 1 + trial % 2;
      int[] w = {2, 12 + r.nextInt(20), m};
      Mlp net = TestNets.random(w, out, 700 + trial);
      double[] yv = RandomProblems.target(r, out, m);
      StringBuilder s = new StringBuilder("x = " + RandomProblems.fmt(4 * r.nextDouble() - 2) + ", "
          + RandomProblems.fmt(4 * r.nextDouble() - 2) + "; y = ");
      for (int i = 0; i < m; i++) {
        s.append(i > 0 ? ", " : "").append(out == OutputActivation.IDENTITY ? RandomProblems.fmt(yv[i]) : Double.toString(yv[i]));
      }
      int j = r.nextInt(w[1]);
      if (trial % 3 == 1) {
        s.append("; a1[").append(j).append("] = ").append(RandomProblems.fmt(2 * r.nextGaussian()));
      } else if (trial % 3 == 2) {
        s.append("; a1[").append(j).append("] ~ ").append(RandomProblems.fmt(2 * r.nextGaussian())).append(" @ 2");
      }
      PinnedProblem p = PinnedProblem.of(net, s.toString());
      PinnedProblem.Bound b = p.bind();
      PinnedResult res = p.solve();
      assertTrue(res.converged(), s.toString());
      double[] c = res.cochain();
      double[] g = new double[c.length];
      p.regionGradient(c, res.pattern(), b.softTargets(), g, new double[2 * c.length]);
      boolean[] fixed = p.fixedMask();
      SheafLayout lay = p.layout();
      for (int i = 0; i < c.length; i++) {
        boolean zHeld = i >= lay.zOffset(0) && i < lay.zOffset(0) + w[1] && c[i] == 0;
        if (!fixed[i] && !zHeld) {
          assertEquals(0.0, g[i], out == OutputActivation.IDENTITY ? 1e-10 : 1e-9, s + ": gradient at " + lay.coordinateName(i));
        }
      }
      if (trial % 4 == 0) {
        double[] euler = EulerReference.run(p, b, RandomProblems.stableDt(p));
        assertNotNull(euler, s.toString());
        assertEquals(0.0, maxDiff(c, euler), 1e-8, s.toString());
      }
    }
  }

  /**
   * Why the shortcut of ExactSolver#pathStep needs the start in the forward region. One unit with
   * t = -1 (inactive at the forward pass), y pinned at 10: two local minimisers (inactive: z = -1,
   * a = 10/3, z2 = 20/3, E = 50/3; active: the chain -1 .. 10 split evenly, z = 1.75, a = 4.5,
   * z2 = 7.25, E = 121/8). From the start z = 0.5, a = z2 = 0 (active side) the flow first pulls z
   * down (dz/dt = -2), crosses z = 0 at t ~ 0.25 before a has grown, and stays inactive; the direct
   * mode goes straight to the active minimiser, so the shortcut must not be taken there. (The
   * proximal path, whose steps grow 4x, also overshoots this early crossing and lands on the active
   * one: the path is an approximation of the flow, not the flow.) From the default start z = t the
   * unit never switches on, the shortcut applies, and the result is Euler's.
   */
  @Test
  void shortcutOnlyFromTheForwardRegion() {
    Mlp net = new Mlp(new int[] {1, 1, 1}, new double[][] {{1}, {1}}, new double[][] {{0}, {0}},
        OutputActivation.IDENTITY);
    PinnedProblem p = PinnedProblem.of(net, "x = -1; y = 10");
    PinnedProblem.Bound b = p.bind();
    double[] inactive = {-1, -1, 10.0 / 3, 20.0 / 3, 10};
    double[] active = {-1, 1.75, 4.5, 7.25, 10};
    double[] start = {-1, 0.5, 0, 0, 10};
    double[] euler = start.clone();
    assertTrue(new PinnedEuler(p).run(b, euler, 0.01, 1_000_000, 1e-12));
    assertArrayEquals(inactive, euler, 1e-8);
    assertArrayEquals(active, p.solver().pathStep(0).solve(b, start).cochain(), 1e-12);
    // off the forward region: no shortcut, the default is exactly the forced path
    assertArrayEquals(p.solver().convexShortcut(false).solve(b, start).cochain(),
        p.solver().solve(b, start).cochain(), 0.0);
    // from the default start: Euler's minimiser, in one solve
    double[] eulerFwd = p.defaultStart(b);
    assertTrue(new PinnedEuler(p).run(b, eulerFwd, 0.01, 1_000_000, 1e-12));
    assertArrayEquals(inactive, eulerFwd, 1e-8);
    PinnedResult def = p.solve();
    assertArrayEquals(inactive, def.cochain(), 1e-12);
    assertEquals(1, def.iterations());
  }

  /** a1[0] pinned to -2 with t = 1: z1[0] = 0 exactly, a sliding equilibrium (Note 5.1). */
  @Test
  void hiddenPinBelowZeroSlidesOnTheSurface() {
    Mlp net = new Mlp(new int[] {2, 3, 1}, new double[][] {{1, 0, 0, 1, 1, 1}, {1, 1, 1}},
        new double[][] {{0, 0, 0}, {0}}, OutputActivation.IDENTITY);
    PinnedProblem p = PinnedProblem.of(net, "x = 1, 0.5; a1[0] = -2");
    PinnedResult r = p.solve();
    // z1[0] is coupled only to pinned x and pinned a1[0]: on z >= 0 the minimiser (t + a)/2 = -1/2
    // is infeasible, on z < 0 the minimiser t = 1 is infeasible: z1[0] = 0, residuals -1 and -2.
    assertEquals(0.0, r.value("z1[0]"), 0.0);
    assertEquals(List.of("z1[0]"), r.slidingUnits(1e-9));
    double[] res = r.residuals();
    assertEquals(-1.0, res[0], 1e-15, "weight edge z - t");
    assertEquals(-2.0, res[3], 1e-15, "activation edge a - relu(z)");
    assertTrue(!r.globalSection(1e-6));
    double[] euler = EulerReference.run(p, p.bind(), 0.05);
    assertEquals(0.0, maxDiff(r.cochain(), euler), 1e-8);
    // plain Euler chatters around z = 0 with amplitude O(dt): halving dt halves the error
    double e1 = chatterError(p, r, 0.02);
    double e2 = chatterError(p, r, 0.01);
    assertTrue(e1 > 1e-4 && e2 < 0.7 * e1 && e2 > 0.3 * e1, e1 + " " + e2);
  }

  private static double chatterError(PinnedProblem p, PinnedResult exact, double dt) {
    PinnedEuler eu = new PinnedEuler(p);
    double[] c = p.defaultStart(p.bind());
    eu.steps(p.bind(), c, dt, (long) (60 / dt));
    double worst = 0;
    for (int s = 0; s < 200; s++) {
      eu.steps(p.bind(), c, dt, 1);
      worst = Math.max(worst, maxDiff(c, exact.cochain()));
    }
    return worst;
  }

  /** An output pinned far below the forward value pushes both hidden units onto z = 0. */
  @Test
  void farOutputPinEndsOnSwitchingSurfaces() {
    Mlp net = new Mlp(new int[] {1, 2, 1}, new double[][] {{1, 2}, {1, 1}}, new double[][] {{0.5, 0}, {0}},
        OutputActivation.IDENTITY);
    PinnedProblem p = PinnedProblem.of(net, "x = 1; y = -10");
    PinnedResult r = p.solve();
    assertEquals(List.of("z1[0]", "z1[1]"), r.slidingUnits(1e-9));
    // By hand: with z1 = 0 held, a and z2 minimise 1/2|a|^2 + 1/2 (z2 - a1 - a2)^2 + 1/2 (z2 + 10)^2:
    // a1 = a2 = z2 - s with s = a1 + a2 = 2 z2 / 3, and 4/3 z2 = -10: z2 = -7.5, a = (-2.5, -2.5).
    // KKT on both surfaces (t = (1.5, 2)): t_j >= 0 and a_j <= -t_j hold strictly.
    assertArrayEquals(new double[] {1, 0, 0, -2.5, -2.5, -7.5, -10}, r.cochain(), 1e-14);
    // R = 1/2 (1.5^2 + 2^2) + 1/2 (2 * 2.5^2) + 1/2 (2.5)^2 + 1/2 (2.5)^2 = 3.125 + 6.25 + 6.25
    assertEquals(15.625, r.energy(), 1e-13);
    double[] euler = EulerReference.run(p, p.bind(), 0.05);
    assertEquals(0.0, maxDiff(r.cochain(), euler), 1e-8);
    assertEquals(List.of("z1[0]", "z1[1]"), EulerReference.lastSurface);
  }

  /** Input-only pinning is inference: the equilibrium is the forward pass, a global section. */
  @Test
  void inputOnlyPinningIsTheForwardPass() {
    SplittableRandom r = Rng.stream(33, 1);
    for (int trial = 0; trial < 30; trial++) {
      OutputActivation out = OutputActivation.values()[trial % 3];
      int[] w = TestNets.randomWidths(r, 1 + trial % 4, 12, out == OutputActivation.SIGMOID ? 1 : 3);
      Mlp net = TestNets.random(w, out, 700 + trial);
      double[] x = TestNets.randomInput(r, w[0]);
      PinnedProblem p = PinnedProblem.of(net, "x = input");
      PinnedResult res = p.solve(x, null);
      double[] fwd = p.layout().forwardCochain(net, x);
      assertEquals(0.0, maxDiff(fwd, res.cochain()), 1e-12);
      assertEquals(0.0, res.energy(), 1e-24);
      assertTrue(res.globalSection(1e-12) && res.changedUnits().isEmpty() && res.iterations() <= 2);
    }
  }

  /**
   * Seed 002 exercise 2: with y = forward(x) the two-sided problem has the input-only solution and
   * R = 0. Also: for a frozen pattern the block solver agrees with HarmonicSolver.
   */
  @Test
  void outputPinnedAtForwardValueHasZeroResidual() {
    SplittableRandom r = Rng.stream(34, 1);
    for (int trial = 0; trial < 20; trial++) {
      int[] w = TestNets.randomWidths(r, 1 + trial % 3, 10, 2);
      Mlp net = TestNets.random(w, OutputActivation.IDENTITY, 800 + trial);
      double[] x = TestNets.randomInput(r, w[0]);
      double[] y = net.forward(x).output();
      PinnedResult res = PinnedProblem.of(net, "x = input; y = target").solve(x, y);
      assertEquals(0.0, res.energy(), 1e-24);
      assertTrue(res.globalSection(1e-11));
      SheafLayout lay = res.layout();
      assertEquals(0.0, maxDiff(lay.forwardCochain(net, x), res.cochain()), 1e-11);
      // a far target, compared with HarmonicSolver at the result's pattern and surface set
      double[] y2 = {y[0] + 3, y[1] - 2};
      PinnedProblem p2 = PinnedProblem.of(net, "x = input; y = target");
      PinnedResult r2 = p2.solve(x, y2);
      boolean[] fixed = lay.defaultFixed(true);
      double[] st = r2.cochain();
      for (String u : r2.surfaceUnits()) {
        int l = Integer.parseInt(u.substring(1, u.indexOf('['))) - 1;
        int j = Integer.parseInt(u.substring(u.indexOf('[') + 1, u.length() - 1));
        fixed[lay.zOffset(l) + j] = true;
      }
      double[] hs = st.clone();
      new HarmonicSolver(lay).solve(net, r2.pattern(), hs, 0, fixed, new int[0], new double[0], new double[0], 0);
      assertEquals(0.0, maxDiff(hs, st), 1e-10);
    }
  }

  /**
   * Seed 002 exercise 6: pinning the output can change the realised pattern. [1,2,2,1], unit
   * z2[1] is off at the forward pass (t = -0.2); pulling y up to 10 raises a1 through the active
   * unit z2[0], which lifts t of z2[1] above 0 and switches it on.
   */
  @Test
  void outputPinCanSwitchAUnitOn() {
    Mlp net = new Mlp(new int[] {1, 2, 2, 1}, new double[][] {{1, 1}, {1, 1, 1, 1}, {1, 1}},
        new double[][] {{0, 0}, {0, -2.2}, {0}}, OutputActivation.IDENTITY);
    assertArrayEquals(new double[] {2, -0.2}, net.forward(new double[] {1}).z()[1], 1e-15);
    PinnedProblem p = PinnedProblem.of(net, "x = 1; y = 10");
    PinnedResult r = p.solve();
    assertEquals(List.of("z2[1]: inactive -> active"), r.changedUnits());
    assertTrue(r.value("z2[1]") > 0);
    double[] euler = EulerReference.run(p, p.bind(), 0.05);
    assertEquals(0.0, maxDiff(r.cochain(), euler), 1e-8);
    // and a frozen-pattern check: the forward pattern's minimiser would violate its own sign
    boolean[][] fwd = NeuralSheaf.forwardPattern(net.forward(new double[] {1}));
    double[] c = p.defaultStart(p.bind());
    new HarmonicSolver(p.layout()).solve(net, fwd, c, 0, p.fixedMask(), new int[0], new double[0], new double[0], 0);
    assertTrue(c[p.layout().zOffset(1) + 1] > 0, "forward-pattern minimiser leaves its region");
  }

  /** The cross-entropy output potential: its z-gradient is phi(z) - y (eq. 27), KL >= 0. */
  @Test
  void crossEntropyPotentialHasTrainingForce() {
    SplittableRandom r = Rng.stream(35, 1);
    for (OutputActivation out : new OutputActivation[] {OutputActivation.SIGMOID, OutputActivation.SOFTMAX}) {
      int m = out == OutputActivation.SIGMOID ? 2 : 3;
      Mlp net = TestNets.random(new int[] {2, 4, m}, out, 900);
      double[] y = RandomProblems.target(r, out, m);
      StringBuilder s = new StringBuilder("x = 0.3, -0.7; y = ");
      for (int i = 0; i < m; i++) {
        s.append(i > 0 ? "," : "").append(y[i]);
      }
      PinnedProblem p = PinnedProblem.of(net, s.toString());
      assertTrue(p.crossEntropyOutput());
      double[] c = p.defaultStart(p.bind());
      int zo = p.layout().zOffset(1);
      for (int i = 0; i < m; i++) {
        c[zo + i] = 2 * r.nextGaussian();
      }
      double[] phi = new double[m];
      out.apply(c, zo, phi, 0, m);
      double kl = p.klOutput(c);
      assertTrue(kl >= 0);
      for (int i = 0; i < m; i++) {
        double h = 1e-6;
        double[] cp = c.clone();
        double[] cm = c.clone();
        cp[zo + i] += h;
        cm[zo + i] -= h;
        double fd = (p.klOutput(cp) - p.klOutput(cm)) / (2 * h);
        assertEquals(phi[i] - y[i], fd, 1e-8);
      }
      // KL vanishes when phi(z) = y
      double[] c2 = c.clone();
      int yo = p.layout().yOffset();
      out.apply(c2, zo, c2, yo, m);
      assertEquals(0.0, p.klOutput(c2), 1e-12);
    }
  }
}
