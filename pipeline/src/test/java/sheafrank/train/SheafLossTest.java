package sheafrank.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.sheaf.HarmonicSolver;
import sheafrank.sheaf.SheafLayout;
import sheafrank.sheaf.TestNets;
import sheafrank.util.Rng;

/** D2: the sheaf training loss L(theta) = mean R (seed 002 Def. 11.3) and Thm 11.6. */
class SheafLossTest {

  static final Loss[] SMOOTH = {Loss.l2(), Loss.huber(0.4), Loss.bce(), Loss.ce()};

  static double[][] w(Mlp net) {
    double[][] w = new double[net.depth()][];
    for (int l = 0; l < net.depth(); l++) {
      w[l] = net.weights(l);
    }
    return w;
  }

  static double[][] b(Mlp net) {
    double[][] b = new double[net.depth()][];
    for (int l = 0; l < net.depth(); l++) {
      b[l] = net.bias(l);
    }
    return b;
  }

  static boolean[][][] randomPatterns(SplittableRandom r, int[] widths, int n) {
    boolean[][][] p = new boolean[n][][];
    for (int s = 0; s < n; s++) {
      p[s] = TestNets.randomPattern(r, widths);
    }
    return p;
  }

  /**
   * For L2 the exact solve (residual parametrisation, one m x m solve) gives the same interior
   * cochain as the block-tridiagonal HarmonicSolver on the sheaf with both x and y pinned, for any
   * frozen pattern; and R is the Dirichlet energy of that cochain.
   */
  @Test
  void l2EquilibriumIsTheTwoSidedHarmonicExtension() {
    SplittableRandom r = Rng.stream(501, 1);
    for (int trial = 0; trial < 24; trial++) {
      int[] widths = TestNets.randomWidths(r, 1 + trial % 4, 9, 1 + trial % 3);
      Mlp net = TestNets.random(widths, Loss.l2().activation(), 1500 + trial);
      int n = 1 + r.nextInt(6);
      Samples data = JointDynamicsTest.randomData(r, widths, Loss.l2(), n);
      boolean[][][] pat = randomPatterns(r, widths, n);
      SheafLoss sl = new SheafLoss(widths, Loss.l2(), n);
      double total = sl.evaluate(w(net), b(net), Metrics.rows(data.x(), n, widths[0]),
          Metrics.rows(data.y(), n, data.outDim()), n, pat, 1, null, null);
      SheafLayout layout = new SheafLayout(widths, true);
      HarmonicSolver hs = new HarmonicSolver(layout);
      double sum = 0;
      for (int s = 0; s < n; s++) {
        double[] c = new double[layout.dim()];
        for (int k = 0; k < widths[0]; k++) {
          c[k] = data.x(s, k);
        }
        for (int k = 0; k < data.outDim(); k++) {
          c[layout.yOffset() + k] = data.y(s, k);
        }
        hs.solve(net, pat[s], c, 0, layout.defaultFixed(true), new int[0], new double[0], new double[0], 0);
        for (int l = 0; l < net.depth(); l++) {
          for (int j = 0; j < widths[l + 1]; j++) {
            double ref = c[layout.zOffset(l) + j];
            assertEquals(ref, sl.equilibriumZ(l)[j][s], 1e-10 * (1 + Math.abs(ref)), "trial " + trial + " z" + (l + 1));
            if (l < net.depth() - 1) {
              double refa = c[layout.aOffset(l) + j];
              assertEquals(refa, sl.equilibriumA(l)[j][s], 1e-10 * (1 + Math.abs(refa)), "trial " + trial + " a" + (l + 1));
            }
          }
        }
        double e = dirichletEnergy(net, layout, pat[s], c);
        assertEquals(e, sl.residual(s), 1e-10 * (1 + e));
        sum += e;
      }
      assertEquals(sum, total, 1e-10 * (1 + sum));
    }
  }

  /** 1/2 sum of squared edge residuals (weight, frozen-pattern activation, identity output). */
  static double dirichletEnergy(Mlp net, SheafLayout layout, boolean[][] pat, double[] c) {
    double e = 0;
    int[] n = net.widths();
    int prev = 0;
    for (int l = 0; l < net.depth(); l++) {
      for (int i = 0; i < n[l + 1]; i++) {
        double acc = net.bias(l)[i];
        for (int j = 0; j < n[l]; j++) {
          acc += net.weights(l)[i * n[l] + j] * c[prev + j];
        }
        double rr = c[layout.zOffset(l) + i] - acc;
        e += 0.5 * rr * rr;
        if (l < net.depth() - 1) {
          double ra = c[layout.aOffset(l) + i] - (pat[l][i] ? c[layout.zOffset(l) + i] : 0);
          e += 0.5 * ra * ra;
        }
      }
      if (l < net.depth() - 1) {
        prev = layout.aOffset(l);
      }
    }
    int zl = layout.zOffset(net.depth() - 1);
    for (int k = 0; k < n[net.depth()]; k++) {
      double d = c[zl + k] - c[layout.yOffset() + k];
      e += 0.5 * d * d;
    }
    return e;
  }

  /**
   * Envelope theorem (Thm 11.6 / Prop. 11.5): with frozen patterns, the gradient of
   * L(theta) = mean R computed by the local rule at the equilibrium cochain equals central finite
   * differences of L(theta) itself, for every smooth output potential.
   */
  @Test
  void localRuleAtEquilibriumIsGradientOfSheafLoss() {
    SplittableRandom r = Rng.stream(502, 1);
    for (int trial = 0; trial < 16; trial++) {
      Loss loss = SMOOTH[trial % SMOOTH.length];
      int[] widths = JointDynamicsTest.widthsFor(r, 1 + trial % 3, 6, loss);
      Mlp net = TestNets.random(widths, loss.activation(), 1600 + trial);
      int n = 2 + r.nextInt(4);
      Samples data = JointDynamicsTest.randomData(r, widths, loss, n);
      boolean[][][] pat = randomPatterns(r, widths, n);
      double[][] x = Metrics.rows(data.x(), n, widths[0]);
      double[][] y = Metrics.rows(data.y(), n, data.outDim());
      SheafLoss sl = new SheafLoss(widths, loss, n);
      double[][] wt = w(net.copy());
      double[][] bt = b(net.copy());
      double[][] gW = new double[net.depth()][];
      double[][] gB = new double[net.depth()][];
      for (int l = 0; l < net.depth(); l++) {
        gW[l] = new double[wt[l].length];
        gB[l] = new double[bt[l].length];
      }
      sl.evaluate(wt, bt, x, y, n, pat, 1, gW, gB);
      for (int l = 0; l < net.depth(); l++) {
        for (double[][] pair : new double[][][] {{wt[l], gW[l]}, {bt[l], gB[l]}}) {
          double[] v = pair[0];
          for (int i = 0; i < v.length; i++) {
            double h = 1e-6;
            double old = v[i];
            v[i] = old + h;
            double lp = sl.evaluate(wt, bt, x, y, n, pat, 1, null, null);
            v[i] = old - h;
            double lm = sl.evaluate(wt, bt, x, y, n, pat, 1, null, null);
            v[i] = old;
            double fd = (lp - lm) / (2 * h);
            assertEquals(fd, pair[1][i], 1e-6 * (1 + Math.abs(fd)), "trial " + trial + " " + loss + " layer " + l + " param " + i);
          }
        }
      }
    }
  }

  /**
   * The equilibrium is a rest point of the cochain dynamics: for every smooth loss, once the
   * pattern is self-consistent, the joint dynamics' cochain force (eq. 18 with the loss's output
   * edge) vanishes there.
   */
  @Test
  void equilibriumIsARestPointOfTheCochainDynamics() {
    SplittableRandom r = Rng.stream(503, 1);
    int checkedSamples = 0;
    for (int trial = 0; trial < 16; trial++) {
      Loss loss = SMOOTH[trial % SMOOTH.length];
      int[] widths = JointDynamicsTest.widthsFor(r, 1 + trial % 3, 8, loss);
      Mlp net = TestNets.random(widths, loss.activation(), 1700 + trial);
      int n = 4 + r.nextInt(5);
      Samples data = JointDynamicsTest.randomData(r, widths, loss, n);
      SheafLoss sl = new SheafLoss(widths, loss, n);
      sl.evaluate(w(net), b(net), Metrics.rows(data.x(), n, widths[0]), Metrics.rows(data.y(), n, data.outDim()),
          n, null, 20, null, null);
      JointDynamics jd = new JointDynamics(net, data, loss, 1, 0.5, Regularisation.NONE);
      SheafLayout layout = jd.layout();
      double[][] c = jd.cochainRows();
      for (int l = 0; l < net.depth(); l++) {
        for (int j = 0; j < widths[l + 1]; j++) {
          System.arraycopy(sl.equilibriumZ(l)[j], 0, c[layout.zOffset(l) + j], 0, n);
          if (l < net.depth() - 1) {
            System.arraycopy(sl.equilibriumA(l)[j], 0, c[layout.aOffset(l) + j], 0, n);
          }
        }
      }
      double[][] gc = new double[layout.dim()][n];
      double[][] gW = new double[net.depth()][];
      double[][] gB = new double[net.depth()][];
      for (int l = 0; l < net.depth(); l++) {
        gW[l] = new double[net.weights(l).length];
        gB[l] = new double[net.bias(l).length];
      }
      jd.energyGradient(gc, gW, gB);
      for (int s = 0; s < n; s++) {
        boolean consistent = true;
        for (int l = 0; l < net.depth() - 1; l++) {
          for (int j = 0; j < widths[l + 1]; j++) {
            consistent &= (sl.equilibriumZ(l)[j][s] >= 0) == (sl.patternMask(l)[j][s] == 1.0);
          }
        }
        if (!consistent) {
          continue;
        }
        checkedSamples++;
        for (int k = 0; k < layout.dim(); k++) {
          assertEquals(0.0, gc[k][s], 1e-10, "trial " + trial + " " + loss + " " + layout.coordinateName(k));
        }
      }
    }
    assertTrue(checkedSamples > 60, "too few self-consistent samples: " + checkedSamples);
  }

  /**
   * Thm 11.6 on a small problem that the joint flow can settle: run the joint Euler dynamics
   * (eq. 26) until both velocities vanish, then (i) the cochain is the two-sided harmonic extension
   * computed independently by the exact solve, and (ii) grad L(theta) = 0, both by the local rule
   * and by finite differences of L. Conversely, started from that (cochain, theta) the flow does
   * not move.
   */
  @Test
  void stationaryPointsOfTheJointFlow() {
    int[] widths = {2, 3, 1};
    Mlp net = TestNets.random(widths, Loss.l2().activation(), 77);
    SplittableRandom r = Rng.stream(504, 1);
    int n = 6;
    Samples data = JointDynamicsTest.randomData(r, widths, Loss.l2(), n);
    JointDynamics jd = new JointDynamics(net, data, Loss.l2(), 1.0, 1.0 / n, Regularisation.NONE);
    jd.initCochain(CochainInit.FORWARD_PASS, 0, 0);
    SheafLayout layout = jd.layout();
    double[][] gc = new double[layout.dim()][n];
    double[][] gW = {new double[6], new double[3]};
    double[][] gB = {new double[3], new double[1]};
    double vel = Double.NaN;
    for (int round = 0; round < 400; round++) {
      jd.run(2000, 0.1);
      jd.energyGradient(gc, gW, gB);
      vel = velocityNorm(gc, gW, gB, jd.beta(), jd.alpha());
      if (vel < 1e-11) {
        break;
      }
    }
    assertTrue(vel < 1e-11, "joint flow did not settle: |velocity| = " + vel);
    Mlp trained = jd.network();
    double[][] x = Metrics.rows(data.x(), n, 2);
    double[][] y = Metrics.rows(data.y(), n, 1);
    SheafLoss sl = new SheafLoss(widths, Loss.l2(), n);
    double[][] lw = {new double[6], new double[3]};
    double[][] lb = {new double[3], new double[1]};
    double total = sl.evaluate(w(trained), b(trained), x, y, n, null, 10, lw, lb);
    // The settled cochain may sit on a switching surface (Note 5.1): z_j = 0 = a_j up to rounding,
    // where both labels of R_jj give the same solution (Remark 3.5). Any pattern inconsistency left
    // by the solve must be such a tie.
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < 3; j++) {
        double z = sl.equilibriumZ(0)[j][s];
        if ((z >= 0) != (sl.patternMask(0)[j][s] == 1.0)) {
          assertEquals(0.0, z, 1e-9, "pattern flip away from the switching surface");
          assertEquals(0.0, sl.equilibriumA(0)[j][s], 1e-9);
        }
      }
    }
    // (i) the cochain is the two-sided harmonic extension
    double[][] c = jd.cochainRows();
    for (int l = 0; l < 2; l++) {
      for (int j = 0; j < widths[l + 1]; j++) {
        for (int s = 0; s < n; s++) {
          assertEquals(sl.equilibriumZ(l)[j][s], c[layout.zOffset(l) + j][s], 1e-8);
          if (l == 0) {
            assertEquals(sl.equilibriumA(l)[j][s], c[layout.aOffset(l) + j][s], 1e-8);
          }
        }
      }
    }
    // and its energy is n L(theta)
    assertEquals(total, jd.energy(), 1e-9 * (1 + total));
    // (ii) grad L = 0 by the local rule and by finite differences of L (patterns frozen)
    boolean[][][] pat = new boolean[n][1][3];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < 3; j++) {
        pat[s][0][j] = sl.patternMask(0)[j][s] == 1.0;
      }
    }
    double[][] wt = w(trained);
    double[][] bt = b(trained);
    for (int l = 0; l < 2; l++) {
      for (int i = 0; i < lw[l].length; i++) {
        assertEquals(0.0, lw[l][i] / n, 1e-8, "local-rule dL/dW");
        double h = 1e-5;
        double old = wt[l][i];
        wt[l][i] = old + h;
        double lp = sl.evaluate(wt, bt, x, y, n, pat, 1, null, null) / n;
        wt[l][i] = old - h;
        double lm = sl.evaluate(wt, bt, x, y, n, pat, 1, null, null) / n;
        wt[l][i] = old;
        assertEquals(0.0, (lp - lm) / (2 * h), 1e-7, "finite-difference dL/dW");
      }
      for (int i = 0; i < lb[l].length; i++) {
        assertEquals(0.0, lb[l][i] / n, 1e-8, "local-rule dL/db");
      }
    }
    // the training did something: L is well below its value at the initial weights
    double initial = sl.evaluate(w(net), b(net), x, y, n, null, 10, null, null);
    assertTrue(total < 0.9 * initial, "L(theta*) = " + total + " vs L(theta0) = " + initial);
  }

  static double velocityNorm(double[][] gc, double[][] gW, double[][] gB, double beta, double alpha) {
    double v = 0;
    for (double[] row : gc) {
      for (double q : row) {
        v = Math.max(v, alpha * Math.abs(q));
      }
    }
    for (double[][] gs : new double[][][] {gW, gB}) {
      for (double[] row : gs) {
        for (double q : row) {
          v = Math.max(v, beta * Math.abs(q));
        }
      }
    }
    return v;
  }
}
