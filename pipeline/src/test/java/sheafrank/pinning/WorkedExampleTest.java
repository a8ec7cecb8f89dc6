package sheafrank.pinning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import sheafrank.linalg.Dense;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.NeuralSheaf;

/**
 * D1: the worked example of seed 002 §13.6 ([2,2,1], identity output, x = (1,2), y = 3), every
 * number re-derived by hand (see docs/worked-example.md).
 *
 * <p>The chapter does not print the weights. It states sigma = (1,1) at x, W1 x + b1 = (1,1), a
 * forward output of 2, and a two-sided equilibrium with equal components z1 ~ (1.17,1.17),
 * a1 ~ (1.33,1.33), z2 ~ 2.67. The equilibrium depends on the first layer only through
 * t = W1 x + b1 = (1,1). With t = (1,1) the stationarity equations give z1 = (t + a1)/2 and
 * a1 - t = 2 e W2^T with e = (y - W2 a1 - b2)/2, so equal components of a1 force W2 = (w, w);
 * the forward output gives b2 = 2 - 2w; then a1 - 1 = w / (1 + 2w^2) = 1/3 has the two roots
 * w = 1/2 and w = 1, and z2 = (W2 a1 + b2 + y)/2 is 8/3 ~ 2.67 for w = 1/2 but 17/6 ~ 2.83 for
 * w = 1. So W2 = (1/2, 1/2), b2 = 1 is the only choice consistent with the printed equilibrium.
 *
 * <p>Exact values for that network: c* = (7/6, 7/6 | 4/3, 4/3 | 8/3), d_W1 = 1/18, d_R1 = 1/18,
 * d_W2 = 1/9, d_out = 1/9, sum = 1/3 = 2R, R = 1/6, spectrum of L_free
 * {(3-sqrt5)/2, 1/2, 2, (3+sqrt5)/2, 3}, dW1 = [[1/6,1/3],[1/6,1/3]], db1 = (1/6,1/6),
 * dW2 = (4/9, 4/9), db2 = 1/3 (eta = 1). Printed values that differ: the eigenvalues 0.47, 1.00,
 * 5.53; d_R1 = 0.050; d_W2 = 0; R = 0.056; sum 0.22; dW2 = 0.
 */
class WorkedExampleTest {
  static final double[] X = {1, 2};
  static final double[] Y = {3};

  /** W1 x + b1 = (1,1) with two different first layers; W2 = (w, w), b2 = 2 - 2w. */
  static Mlp net(double w, boolean otherFirstLayer) {
    double[] w1 = otherFirstLayer ? new double[] {0.5, 0.5, -1, 0.25} : new double[] {1, 0, 0, 0.5};
    double[] b1 = otherFirstLayer ? new double[] {-0.5, 1.5} : new double[] {0, 0};
    return new Mlp(new int[] {2, 2, 1}, new double[][] {w1, {w, w}}, new double[][] {b1, {2 - 2 * w}},
        OutputActivation.IDENTITY);
  }

  @Test
  void statedForwardFactsHold() {
    for (boolean other : new boolean[] {false, true}) {
      Mlp.Forward f = net(0.5, other).forward(X);
      assertArrayEquals(new double[] {1, 1}, f.z()[0], 1e-15, "W1 x + b1");
      assertTrue(f.pattern(0)[0] && f.pattern(0)[1], "sigma = (1,1)");
      assertEquals(2.0, f.output()[0], 1e-15, "forward output");
    }
  }

  @Test
  void twoSidedEquilibriumResidualAndDiscords() {
    for (boolean other : new boolean[] {false, true}) {
      Mlp net = net(0.5, other);
      PinnedProblem p = PinnedProblem.of(net, "x = 1, 2; y = 3");
      PinnedResult r = p.solve();
      assertTrue(r.converged());
      // layout [x0 x1 | z1 z1 | a1 a1 | z2 | y]
      double[] expected = {1, 2, 7.0 / 6, 7.0 / 6, 4.0 / 3, 4.0 / 3, 8.0 / 3, 3};
      assertArrayEquals(expected, r.cochain(), 1e-14);
      assertEquals(1.0 / 6, r.energy(), 1e-14, "R");
      assertArrayEquals(new String[] {"W1", "R1", "W2", "out", "pins"}, r.discordNames());
      assertArrayEquals(new double[] {1.0 / 18, 1.0 / 18, 1.0 / 9, 1.0 / 9, 0}, r.discord(), 1e-14);
      double sum = Arrays.stream(r.discord()).sum();
      assertEquals(2 * r.energy(), sum, 1e-14, "sum d_e = 2R");
      assertFalse(r.globalSection(1e-9));
      assertTrue(r.changedUnits().isEmpty(), "pattern stays (1,1)");
      assertTrue(r.surfaceUnits().isEmpty());
      // one local update, eta = 1 (Prop. 11.5)
      double[][][] u = LocalUpdate.step(net, p.layout(), r.cochain(), 1.0);
      assertArrayEquals(new double[] {1.0 / 6, 1.0 / 3, 1.0 / 6, 1.0 / 3}, u[0][0], 1e-14, "dW1");
      assertArrayEquals(new double[] {1.0 / 6, 1.0 / 6}, u[0][1], 1e-14, "db1");
      assertArrayEquals(new double[] {4.0 / 9, 4.0 / 9}, u[1][0], 1e-14, "dW2 (printed: 0)");
      assertArrayEquals(new double[] {1.0 / 3}, u[1][1], 1e-14, "db2");
    }
  }

  /** The printed c* pins down W2: w = 1 also gives z1, a1 but a different z2 and R. */
  @Test
  void secondRootDisagreesWithPrintedZ2() {
    PinnedResult r = PinnedProblem.of(net(1.0, false), "x = 1, 2; y = 3").solve();
    assertArrayEquals(new double[] {1, 2, 7.0 / 6, 7.0 / 6, 4.0 / 3, 4.0 / 3, 17.0 / 6, 3}, r.cochain(), 1e-14);
    assertEquals(1.0 / 12, r.energy(), 1e-14);
    assertTrue(Math.abs(r.value("z2[0]") - 2.67) > 0.1);
    PinnedResult half = PinnedProblem.of(net(0.5, false), "x = 1, 2; y = 3").solve();
    assertEquals(2.67, half.value("z2[0]"), 0.005);
    assertEquals(1.17, half.value("z1[0]"), 0.005);
    assertEquals(1.33, half.value("a1[1]"), 0.005);
  }

  @Test
  void freeLaplacianBlockFormAndSpectrum() {
    Mlp net = net(0.5, false);
    boolean[][] sigma = {{true, true}};
    NeuralSheaf sh = NeuralSheaf.build(net, X, sigma, true, true, Y, new double[] {2});
    assertEquals(5, sh.freeDim());
    double[] l = sh.laplacianOmega();
    double h = 0.5;
    double[] printedForm = {
      2, 0, -1, 0, 0,
      0, 2, 0, -1, 0,
      -1, 0, 1 + h * h, h * h, -h,
      0, -1, h * h, 1 + h * h, -h,
      0, 0, -h, -h, 2
    };
    assertArrayEquals(printedForm, l, 1e-15, "the chapter's block form: 2I = I + R with R = I");
    double[] ev = Dense.symmetricEigen(l, 5, false).values();
    double s5 = Math.sqrt(5);
    assertArrayEquals(new double[] {(3 - s5) / 2, 0.5, 2, (3 + s5) / 2, 3}, ev, 1e-13);
    // the printed spectrum {0.47, 1.00, 2.00, 3.00, 5.53}: 0.47, 1 and 5.53 are not eigenvalues
    for (double printed : new double[] {0.47, 1.00, 5.53}) {
      double gap = Double.MAX_VALUE;
      for (double e : ev) {
        gap = Math.min(gap, Math.abs(e - printed));
      }
      assertTrue(gap > 0.02, "printed eigenvalue " + printed + " is not in the spectrum");
    }
  }

  /**
   * For ANY W2 in R^{1x2} the printed block form has the eigenvalues (3 +- sqrt5)/2 (the
   * z1/a1 pair orthogonal to W2^T), so no choice of weights yields the printed spectrum.
   */
  @Test
  void printedSpectrumIsImpossibleForAnyW2() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    double s5 = Math.sqrt(5);
    for (int t = 0; t < 50; t++) {
      double w1 = 3 * r.nextGaussian();
      double w2 = 3 * r.nextGaussian();
      double[] l = {
        2, 0, -1, 0, 0,
        0, 2, 0, -1, 0,
        -1, 0, 1 + w1 * w1, w1 * w2, -w1,
        0, -1, w1 * w2, 1 + w2 * w2, -w2,
        0, 0, -w1, -w2, 2
      };
      double[] ev = Dense.symmetricEigen(l, 5, false).values();
      assertTrue(contains(ev, (3 - s5) / 2, 1e-9) && contains(ev, (3 + s5) / 2, 1e-9), Arrays.toString(ev));
      assertFalse(contains(ev, 0.47, 0.005) && contains(ev, 5.53, 0.005));
    }
  }

  private static boolean contains(double[] ev, double v, double tol) {
    for (double e : ev) {
      if (Math.abs(e - v) < tol) {
        return true;
      }
    }
    return false;
  }
}
