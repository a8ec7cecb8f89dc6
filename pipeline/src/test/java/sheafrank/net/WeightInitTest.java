package sheafrank.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sheafrank.util.Rng;

class WeightInitTest {

  private static void assertRejected(String spec, String... fragments) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WeightInit.parse(spec), spec);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks " + f);
    }
  }

  @Test
  void parsesAndRoundTripsCanonicalSpecs() {
    assertEquals(new WeightInit.Kaiming(), WeightInit.parse("kaiming"));
    assertEquals(new WeightInit.Kaiming(), WeightInit.parse(" HE() "));
    assertEquals(new WeightInit.Normal(-0.25, 0.1), WeightInit.parse("normal(-0.25, 0.1)"));
    assertEquals(new WeightInit.Uniform(-1, 0), WeightInit.parse("uniform(-1,0)"));
    assertEquals(
        new WeightInit.RankSelect(3, new WeightInit.Abs(new WeightInit.Kaiming())),
        WeightInit.parse("rankselect(3)"));
    assertEquals(
        new WeightInit.Dale(40, 4, new WeightInit.Uniform(0, 1)),
        WeightInit.parse("dale(40, 4, uniform(0, 1))"));
    for (String s :
        new String[] {
          "kaiming", "normal(0.5,0.1)", "normal(-1.0E-4,2)", "uniform(-1,0)", "abs(kaiming)",
          "rankselect(7,uniform(0,1))", "dale(40,4,abs(kaiming))", "rankselect(2,dale(1,0.5))"
        }) {
      WeightInit w = WeightInit.parse(s);
      assertEquals(w, WeightInit.parse(w.spec()), s);
    }
    assertEquals("normal(0,0.1)", WeightInit.parse("normal(-0.0, 0.1)").spec());
  }

  @Test
  void rejectsBadSpecsNamingTheBadValue() {
    assertRejected("xavier", "unknown scheme 'xavier'");
    assertRejected("", "empty");
    assertRejected("uniform(1, 0)", "lo must be < hi", "lo=1", "hi=0");
    assertRejected("uniform(0, 0)", "lo must be < hi");
    assertRejected("normal(0, -1)", "sigma must be >= 0", "-1");
    assertRejected("normal(0)", "normal takes 2 parameters, got 1");
    assertRejected("normal(nan, 1)", "mu must be finite", "NaN");
    assertRejected("rankselect(-1)", "k must be >= 0", "-1");
    assertRejected("rankselect(2.5)", "k must be an integer", "2.5");
    assertRejected("dale(3, 0)", "ratio must be > 0", "0");
    assertRejected("dale(3, 4, normal(0,1))", "base must be strictly positive", "normal(0,1)");
    assertRejected("dale(3, 4, uniform(-1,1))", "strictly positive", "uniform(-1,1)");
    assertRejected("abs(3)", "expected a base scheme", "3");
    assertRejected("kaiming)", "unexpected ')'");
    assertRejected("uniform(0 1)", "expected ',' or ')'");
  }

  @Test
  void rangeOfKIsCheckedAgainstTheLayerWidths() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WeightInit.parse("rankselect(11)").build(new int[] {5, 10}, 1, 0));
    assertTrue(e.getMessage().contains("k=11") && e.getMessage().contains("n_out=10"), e.getMessage());
    e = assertThrows(
        IllegalArgumentException.class,
        () -> WeightInit.parse("dale(6, 4)").build(new int[] {5, 10}, 1, 0));
    assertTrue(e.getMessage().contains("k=6") && e.getMessage().contains("n_in=5"), e.getMessage());
    // boundaries are allowed
    WeightInit.parse("rankselect(0)").build(new int[] {5, 10}, 1, 0);
    WeightInit.parse("rankselect(10)").build(new int[] {5, 10}, 1, 0);
    WeightInit.parse("dale(0, 4)").build(new int[] {5, 10}, 1, 0);
    WeightInit.parse("dale(5, 4)").build(new int[] {5, 10}, 1, 0);
  }

  @Test
  void kaimingDrawsExactlyWhatMlpHeNormalDraws() {
    int[] widths = {3, 7, 5, 2};
    Mlp a = new WeightInit.Kaiming().build(widths, 42, 9);
    Mlp b = Mlp.heNormal(widths, OutputActivation.IDENTITY, Rng.stream(42, WeightInit.STREAM_KEY, 9));
    for (int l = 0; l < 3; l++) {
      assertArrayEquals(b.weights(l), a.weights(l));
      assertArrayEquals(new double[widths[l + 1]], a.bias(l));
    }
    assertEquals(OutputActivation.IDENTITY, a.output());
  }

  @Test
  void deterministicInSeedAndNetId() {
    WeightInit w = WeightInit.parse("normal(0.3, 0.1)");
    int[] widths = {4, 6};
    assertArrayEquals(w.build(widths, 1, 2).weights(0), w.build(widths, 1, 2).weights(0));
    assertFalse(java.util.Arrays.equals(w.build(widths, 1, 2).weights(0), w.build(widths, 1, 3).weights(0)));
    assertFalse(java.util.Arrays.equals(w.build(widths, 1, 2).weights(0), w.build(widths, 2, 2).weights(0)));
  }

  @Test
  void distributionsHaveTheirMoments() {
    int n = 200_000;
    double[] w = WeightInit.parse("normal(0.7, 0.1)").build(new int[] {n, 1}, 3, 0).weights(0);
    assertEquals(0.7, mean(w), 3 * 0.1 / Math.sqrt(n) * 2);
    assertEquals(0.1, Math.sqrt(variance(w)), 0.002);
    w = WeightInit.parse("kaiming").build(new int[] {n / 100, 100}, 3, 0).weights(0);
    assertEquals(2.0 / (n / 100), variance(w), 0.02 * 2.0 / (n / 100));
    w = WeightInit.parse("uniform(-1, 3)").build(new int[] {n, 1}, 3, 0).weights(0);
    for (double v : w) {
      assertTrue(v > -1 && v <= 3);
    }
    assertEquals(1.0, mean(w), 0.02);
    assertEquals(16.0 / 12, variance(w), 0.02);
  }

  @Test
  void uniformFromZeroIsStrictlyPositive() {
    double[] w = WeightInit.parse("uniform(0, 1e-300)").build(new int[] {50_000, 1}, 5, 0).weights(0);
    for (double v : w) {
      assertTrue(v > 0);
    }
    assertTrue(WeightInit.parse("uniform(0,1)").strictlyPositive());
    assertFalse(WeightInit.parse("uniform(-1,1)").strictlyPositive());
    assertTrue(WeightInit.parse("abs(normal(0,1))").strictlyPositive());
  }

  @Test
  void rankSelectionNegatesRowsAfterK() {
    int m = 6;
    int n1 = 9;
    int k = 4;
    Mlp base = WeightInit.parse("uniform(0,1)").build(new int[] {m, n1}, 7, 1);
    Mlp sel = WeightInit.parse("rankselect(" + k + ",uniform(0,1))").build(new int[] {m, n1}, 7, 1);
    for (int i = 0; i < n1; i++) {
      for (int j = 0; j < m; j++) {
        double expect = (i < k ? 1 : -1) * base.weights(0)[i * m + j];
        assertEquals(expect, sel.weights(0)[i * m + j], 0.0, "W[" + i + "," + j + "]");
      }
    }
  }

  @Test
  void daleSetsColumnSignsAndInhibitionRatio() {
    int m = 7;
    int n1 = 5;
    int k = 3;
    Mlp base = WeightInit.parse("abs(kaiming)").build(new int[] {m, n1}, 8, 2);
    Mlp dale = WeightInit.parse("dale(" + k + ",4)").build(new int[] {m, n1}, 8, 2);
    for (int i = 0; i < n1; i++) {
      for (int j = 0; j < m; j++) {
        double b = base.weights(0)[i * m + j];
        assertTrue(b > 0);
        double expect = j < k ? b : -4 * b;
        assertEquals(expect, dale.weights(0)[i * m + j], 0.0, "W[" + i + "," + j + "]");
      }
    }
  }

  @Test
  void daleRejectsAnExactZeroFromItsBase() {
    WeightInit w = new WeightInit.Dale(1, 4, new WeightInit.Abs(new WeightInit.Normal(0, 0)));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> w.build(new int[] {2, 2}, 1, 0));
    assertTrue(e.getMessage().contains("non-positive weight 0.0"), e.getMessage());
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double variance(double[] v) {
    double mu = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - mu) * (x - mu);
    }
    return s / (v.length - 1);
  }
}
