package sheafrank.jobs.rankscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.statistics.inference.ContinuityCorrection;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.PValueMethod;
import org.junit.jupiter.api.Test;

/** The Mann-Whitney U test of rank_tests, computed from histograms. */
class MannWhitneyTest {
  /**
   * Hand-derived: before {1, 2, 2, 3}, after {2, 3, 4}. Pooled mid-ranks: 1 -> 1, the three 2s -> 3,
   * the two 3s -> 5.5, 4 -> 7; R1 = 1 + 3 + 3 + 5.5 = 12.5, U = R1 - 4*5/2 = 2.5 (pairs: the 2s tie
   * one 2 each, 1/2 + 1/2; the 3 beats the 2 and ties the 3, 1.5). Mean n1 n2 / 2 = 6; ties t = 3
   * and 2 give sum(t^3 - t) = 30, variance 4*3/12 (8 - 30/42) = 51/7; with the continuity
   * correction z = -(3.5 - 0.5) / sqrt(51/7) = -1.11143786..., two-sided p = erfc(|z|/sqrt 2) =
   * 0.26637992...
   */
  @Test
  void handExampleWithTies() {
    long[] before = {0, 1, 2, 1, 0};
    long[] after = {0, 0, 1, 1, 1};
    BeforeAfter.Test t = BeforeAfter.test(before, after);
    assertEquals(4, t.n1());
    assertEquals(3, t.n2());
    assertEquals(2.5, t.u(), 0.0);
    assertEquals(-1.1114378604524227, t.z(), 1e-14);
    assertEquals(0.2663799233424826, t.p(), 1e-12);
    // the library on the expanded samples: same p-value
    MannWhitneyUTest lib = MannWhitneyUTest.withDefaults().with(PValueMethod.ASYMPTOTIC)
        .with(ContinuityCorrection.ENABLED);
    MannWhitneyUTest.Result r = lib.test(new double[] {1, 2, 2, 3}, new double[] {2, 3, 4});
    assertEquals(2.5, r.getStatistic(), 0.0);
    assertEquals(t.p(), r.getPValue(), 1e-12);
    assertTrue(r.hasTiedValues());
  }

  /** Random histograms with many ties (the codeword-size case) agree with the library's asymptotic test. */
  @Test
  void agreesWithTheLibraryOnRandomTiedSamples() {
    SplittableRandom rnd = new SplittableRandom(11);
    MannWhitneyUTest lib = MannWhitneyUTest.withDefaults().with(PValueMethod.ASYMPTOTIC)
        .with(ContinuityCorrection.ENABLED);
    for (int c = 0; c < 40; c++) {
      int values = 2 + rnd.nextInt(15);
      long[] h1 = new long[values];
      long[] h2 = new long[values];
      int shift = rnd.nextInt(3);
      for (int i = 0, n = 30 + rnd.nextInt(400); i < n; i++) {
        h1[rnd.nextInt(values)]++;
      }
      for (int i = 0, n = 30 + rnd.nextInt(400); i < n; i++) {
        h2[Math.min(values - 1, rnd.nextInt(values) + shift)]++;
      }
      BeforeAfter.Test t = BeforeAfter.test(h1, h2);
      MannWhitneyUTest.Result r = lib.test(expand(h1), expand(h2));
      assertEquals(r.getStatistic(), t.u(), 1e-9, "case " + c);
      assertEquals(r.getPValue(), t.p(), 1e-10 + 1e-9 * r.getPValue(), "case " + c);
    }
  }

  /** All values tied: no evidence either way. */
  @Test
  void allTiedGivesPOne() {
    BeforeAfter.Test t = BeforeAfter.test(new long[] {0, 0, 5}, new long[] {0, 0, 7});
    assertEquals(17.5, t.u(), 0.0);
    assertEquals(1.0, t.p(), 0.0);
  }

  static double[] expand(long[] h) {
    int n = 0;
    for (long c : h) {
      n += (int) c;
    }
    double[] x = new double[n];
    int k = 0;
    for (int v = 0; v < h.length; v++) {
      for (long i = 0; i < h[v]; i++) {
        x[k++] = v;
      }
    }
    return x;
  }
}
