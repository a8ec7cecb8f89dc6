package sheafrank.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The VLSE test functions: values at hand-computed points, the global minimum value and location
 * re-derived here independently of the constants in {@link TestFunction}, local minimality under
 * random perturbations, and no sampled point of the domain below the minimum.
 */
class TestFunctionTest {

  /** Bisection for a sign change of g on [a, b]. */
  static double root(DoubleUnaryOperator g, double a, double b) {
    double ga = g.applyAsDouble(a);
    assertTrue(ga * g.applyAsDouble(b) < 0, "no sign change on [" + a + ", " + b + "]");
    for (int i = 0; i < 200; i++) {
      double m = 0.5 * (a + b);
      double gm = g.applyAsDouble(m);
      if (ga * gm <= 0) {
        b = m;
      } else {
        a = m;
        ga = gm;
      }
    }
    return 0.5 * (a + b);
  }

  @Test
  void valuesAtHandComputedPoints() {
    assertEquals(5, TestFunction.SPHERE.value(new double[] {1, 2}), 0);
    // 20 + (1 - 10 cos 2pi) + (4 - 10 cos 4pi) = 5; 20 + (0.25 - 10 cos pi) + (0 - 10) = 20.25
    assertEquals(5, TestFunction.RASTRIGIN.value(new double[] {1, 2}), 1e-12);
    assertEquals(20.25, TestFunction.RASTRIGIN.value(new double[] {0.5, 0}), 1e-12);
    // at (1,1): cos(2 pi) = 1, so f = -20 e^-0.2 - e + 20 + e = 20 (1 - e^-0.2)
    assertEquals(20 * (1 - Math.exp(-0.2)), TestFunction.ACKLEY.value(new double[] {1, 1}), 1e-12);
    assertEquals(20 * (1 - Math.exp(-0.2 * 3)), TestFunction.ACKLEY.value(new double[] {3, -3, 3}), 1e-12);
    // (0, pi sqrt 2): cos 0 cos(pi) = -1, so f = 2 pi^2 / 4000 + 2
    assertEquals(2 * Math.PI * Math.PI / 4000 + 2, TestFunction.GRIEWANK.value(new double[] {0, Math.PI * Math.sqrt(2)}),
        1e-12);
    // (-3, 5): w = (0, 2): 0 + 1 (1 + 10 sin^2 1) + 1 (1 + sin^2 4pi) = 2 + 10 sin^2 1
    assertEquals(2 + 10 * Math.pow(Math.sin(1), 2), TestFunction.LEVY.value(new double[] {-3, 5}), 1e-12);
    assertEquals(1, TestFunction.ROSENBROCK.value(new double[] {0, 0}), 0);
    // (100 (1 - 1)^2 + (-2)^2) + (100 (0 - 1)^2 + 0^2)
    assertEquals(4 + 100, TestFunction.ROSENBROCK.value(new double[] {-1, 1, 0}), 0);
    // 2 + 1.5^2 + 1.5^4
    assertEquals(9.3125, TestFunction.ZAKHAROV.value(new double[] {1, 1}), 0);
    assertEquals(-5, TestFunction.STYBLINSKI_TANG.value(new double[] {1}), 0);
    assertEquals(2, TestFunction.DIXON_PRICE.value(new double[] {1, 1}), 0);
    // 0 + 2 (2 - 1)^2 + 3 (0 - 1)^2
    assertEquals(5, TestFunction.DIXON_PRICE.value(new double[] {1, 1, 0}), 0);
    assertEquals(418.9829 * 3, TestFunction.SCHWEFEL.value(new double[] {0, 0, 0}), 1e-9);
    // at x = -pi^2/4: sqrt|x| = pi/2, so x sin sqrt|x| = -pi^2/4
    double x = Math.PI * Math.PI / 4;
    assertEquals(418.9829 + x, TestFunction.SCHWEFEL.value(new double[] {-x}), 1e-9);
    // evaluation at an offset inside a row-major array equals evaluation of the copied point
    double[] rows = {9, 9, 1, 2, 9};
    assertEquals(TestFunction.ZAKHAROV.value(new double[] {1, 2}), TestFunction.ZAKHAROV.value(rows, 2, 2), 0);
  }

  @Test
  void minimaRederived() {
    int d = 20;
    // Schwefel: maximise g(x) = x sin(sqrt x); g'(x) = [sin u + (u/2) cos u] / (2u) with u = sqrt x
    double u = root(v -> Math.sin(v) + 0.5 * v * Math.cos(v), 20, 21);
    double xs = u * u;
    assertEquals(420.9687, xs, 5e-5, "Schwefel's printed location");
    assertEquals(xs, TestFunction.SCHWEFEL_ARGMIN, 1e-9);
    double peak = xs * Math.sin(u);
    // global over the domain: no grid point of [-500, 500] gives a larger x sin sqrt|x|
    for (int i = 0; i <= 1_000_000; i++) {
      double v = -500 + i * 1e-3;
      assertTrue(v * Math.sin(Math.sqrt(Math.abs(v))) <= peak + 1e-9, "x = " + v);
    }
    assertEquals(peak, TestFunction.SCHWEFEL_PEAK, 1e-9);
    assertEquals(d * (418.9829 - peak), TestFunction.SCHWEFEL.minimum(d), 1e-9);
    assertEquals(2.5455e-4, TestFunction.SCHWEFEL.minimum(d), 1e-7, "the rounded constant leaves 1.27e-5 per coordinate");

    // Styblinski-Tang per coordinate: h(x) = (x^4 - 16 x^2 + 5x)/2, h'(x) = (4x^3 - 32x + 5)/2
    double xt = root(v -> 4 * v * v * v - 32 * v + 5, -5, -2);
    assertEquals(-2.903534, xt, 5e-7, "the printed location");
    assertEquals(xt, TestFunction.STYBLINSKI_TANG_ARGMIN, 1e-12);
    double ht = 0.5 * (Math.pow(xt, 4) - 16 * xt * xt + 5 * xt);
    // the other local minimum (root near 2.7468) is higher: the smallest root is the global one
    double xr = root(v -> 4 * v * v * v - 32 * v + 5, 2, 5);
    assertTrue(0.5 * (Math.pow(xr, 4) - 16 * xr * xr + 5 * xr) > ht + 10);
    assertEquals(-39.16616570377, ht, 1e-10);
    assertTrue(Math.abs(ht - -39.16599) > 1e-4, "the VLSE's -39.16599 is off by 1.7e-4 per coordinate");
    assertEquals(d * ht, TestFunction.STYBLINSKI_TANG.minimum(d), 1e-9);

    // Dixon-Price: all terms vanish iff x_1 = 1 and x_{i-1} = 2 x_i^2, i.e. x_i = sqrt(x_{i-1}/2)
    double[] dp = TestFunction.DIXON_PRICE.minimiser(d);
    double prev = 1;
    assertEquals(1, dp[0], 0);
    for (int i = 2; i <= d; i++) {
      prev = Math.sqrt(prev / 2);
      assertEquals(prev, dp[i - 1], 1e-15, "x_" + i);
      assertEquals(Math.pow(2, -(Math.pow(2, i) - 2) / Math.pow(2, i)), dp[i - 1], 1e-15);
    }
    assertEquals(Math.sqrt(0.5), dp[1], 1e-15);
    // x_d's sign is free: it enters only through x_d^2
    double[] mirror = dp.clone();
    mirror[d - 1] = -mirror[d - 1];
    assertEquals(0, TestFunction.DIXON_PRICE.value(mirror), 1e-15);

    assertArrayEquals(new double[] {1, 1, 1}, TestFunction.LEVY.minimiser(3), 0);
    assertArrayEquals(new double[] {1, 1, 1}, TestFunction.ROSENBROCK.minimiser(3), 0);
    for (TestFunction f : new TestFunction[] {TestFunction.SPHERE, TestFunction.ACKLEY, TestFunction.RASTRIGIN,
        TestFunction.GRIEWANK, TestFunction.ZAKHAROV}) {
      assertArrayEquals(new double[d], f.minimiser(d), 0, f.id());
    }
  }

  /** f(x*) = minimum; x* is in the domain; perturbations increase f; no sampled point is lower. */
  @Test
  void minimumValueLocalMinimalityAndSampling() {
    SplittableRandom r = new SplittableRandom(11);
    for (int d : new int[] {2, 20}) {
      for (TestFunction f : TestFunction.values()) {
        double[] xs = f.minimiser(d);
        double fmin = f.value(xs);
        assertEquals(f.minimum(d), fmin, 1e-9 * (1 + Math.abs(fmin)), f.id() + " d=" + d);
        for (double v : xs) {
          assertTrue(v >= f.lower() && v <= f.upper(), f.id() + ": minimiser inside the domain");
        }
        for (int t = 0; t < 300; t++) {
          double radius = Math.pow(10, -2 + 2 * r.nextDouble()) * (f.upper() - f.lower()) / 100;
          double[] y = xs.clone();
          double norm = 0;
          double[] dir = new double[d];
          for (int k = 0; k < d; k++) {
            dir[k] = r.nextGaussian();
            norm += dir[k] * dir[k];
          }
          for (int k = 0; k < d; k++) {
            y[k] += radius * dir[k] / Math.sqrt(norm);
          }
          assertTrue(f.value(y) > fmin, f.id() + " d=" + d + ": perturbation of size " + radius + " gave "
              + f.value(y) + " <= " + fmin);
        }
        Box box = f.domain(d);
        double[] pts = box.points(5, Box.TRAIN_STREAM, 0, 2000);
        for (int i = 0; i < 2000; i++) {
          assertTrue(box.contains(pts, i));
          assertTrue(f.value(pts, i * d, d) >= fmin, f.id() + ": sampled point below the minimum");
        }
      }
    }
  }

  @Test
  void namesDomainsAndDimensionChecks() {
    assertEquals(TestFunction.STYBLINSKI_TANG, TestFunction.parse("Styblinski_Tang"));
    assertEquals(TestFunction.DIXON_PRICE, TestFunction.parse(" dixon-price "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestFunction.parse("booth"));
    assertTrue(e.getMessage().contains("'booth'") && e.getMessage().contains("schwefel"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TestFunction.ROSENBROCK.value(new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> TestFunction.SPHERE.domain(0));
    double[][] domains = {{-5.12, 5.12}, {-32.768, 32.768}, {-5.12, 5.12}, {-500, 500}, {-600, 600}, {-10, 10},
        {-5, 10}, {-5, 10}, {-5, 5}, {-10, 10}};
    for (TestFunction f : TestFunction.values()) {
      assertArrayEquals(domains[f.ordinal()], new double[] {f.lower(), f.upper()}, 0, f.id());
    }
  }

  /** Points depend on (seed, stream, index) only: a window of the indices equals the same rows of a longer run. */
  @Test
  void boxPointsArePartitionIndependentAndUniform() {
    Box b = TestFunction.ROSENBROCK.domain(20);
    double[] all = b.points(9, Box.TRAIN_STREAM, 0, 5000);
    double[] part = b.points(9, Box.TRAIN_STREAM, 1234, 100);
    assertArrayEquals(java.util.Arrays.copyOfRange(all, 1234 * 20, 1334 * 20), part, 0);
    double[] other = b.points(9, Box.TEST_STREAM, 0, 5000);
    assertTrue(all[0] != other[0]);
    double mean = 0;
    for (double v : all) {
      mean += v / all.length;
    }
    // U[-5, 10]: mean 2.5, sd 15/sqrt 12 = 4.33; 100000 draws
    assertEquals(2.5, mean, 4 * 4.33 / Math.sqrt(all.length));
    // the extent of the sample: per-coordinate min and max, inside the domain and close to its ends
    Box ext = Box.of(new sheafrank.train.Samples(all, new double[5000], 5000, 20, 1));
    for (int k = 0; k < 20; k++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < 5000; i++) {
        lo = Math.min(lo, all[i * 20 + k]);
        hi = Math.max(hi, all[i * 20 + k]);
      }
      assertEquals(lo, ext.lower()[k], 0);
      assertEquals(hi, ext.upper()[k], 0);
      assertTrue(lo >= -5 && lo < -4.9 && hi < 10 && hi > 9.9, "5000 uniform draws reach within 0.1 of both ends");
    }
  }
}
