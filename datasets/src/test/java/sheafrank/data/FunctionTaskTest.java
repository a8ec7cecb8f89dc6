package sheafrank.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import sheafrank.data.FunctionTask.Target;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;

/** Percentile discretisations f_n, the above-mean classification and the sampling of function tasks. */
class FunctionTaskTest {

  /** The R7 setting: sphere, d = 20, 10000 uniform points; f_n for n in {2, 3, 4, 5, 8}. */
  @Test
  void sphereDiscretisationsHaveEqualBinsAndMonotoneLevels() {
    int nTrain = 10_000;
    for (int n : new int[] {2, 3, 4, 5, 8}) {
      FunctionTask t = new FunctionTask(TestFunction.SPHERE, 20, Target.bins(n));
      FunctionTask.Data data = t.generate(nTrain, 1000, 42);
      Samples s = data.dataset().train();
      assertEquals(TaskKind.REGRESSION, data.dataset().kind());
      int[] count = new int[n];
      for (int i = 0; i < nTrain; i++) {
        double y = s.y(i, 0);
        int k = (int) Math.round(y * n);
        assertEquals((double) k / n, y, 0, "value in {0, 1/n, ..., (n-1)/n}");
        assertTrue(k >= 0 && k < n);
        count[k]++;
      }
      // bin k holds ceil((k+1)N/n) - ceil(kN/n) points: floor or ceil of N/n
      for (int k = 0; k < n; k++) {
        long expect = ceilDiv((k + 1L) * nTrain, n) - ceilDiv((long) k * nTrain, n);
        assertEquals(expect, count[k], "n=" + n + " bin " + k);
        assertTrue(count[k] == nTrain / n || count[k] == (nTrain + n - 1) / n);
      }
      // monotone in f: sorting by f gives non-decreasing levels, and the thresholds split the sorted values
      Integer[] order = new Integer[nTrain];
      for (int i = 0; i < nTrain; i++) {
        order[i] = i;
      }
      double[] f = data.fTrain();
      Arrays.sort(order, (a, b) -> Double.compare(f[a], f[b]));
      for (int i = 1; i < nTrain; i++) {
        assertTrue(s.y(order[i], 0) >= s.y(order[i - 1], 0));
      }
      double[] thr = data.bins().thresholds();
      for (int k = 1; k < n; k++) {
        int j = (int) ceilDiv((long) k * nTrain, n);
        assertEquals(f[order[j]], thr[k - 1], 0, "P_{k/n} is the order statistic ceil(kN/n)");
      }
      // test points use the training thresholds
      Samples test = data.dataset().test();
      for (int i = 0; i < test.n(); i++) {
        int k = 0;
        while (k < n - 1 && data.fTest()[i] >= thr[k]) {
          k++;
        }
        assertEquals((double) k / n, test.y(i, 0), 0);
      }
    }
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  @Test
  void percentileBinsOnSmallSamplesAndTies() {
    // N = 10, n = 3: thresholds s_4 and s_7 (ceil(10/3) = 4, ceil(20/3) = 7): bins of 4, 3, 3
    double[] v = {9, 0, 8, 1, 7, 2, 6, 3, 5, 4};
    PercentileBins b = PercentileBins.fit(v, 3);
    assertArrayEquals(new double[] {4, 7}, b.thresholds(), 0);
    assertEquals(0, b.bin(3.999));
    assertEquals(1, b.bin(4));
    assertEquals(2, b.bin(7));
    assertEquals(2, b.bin(1e9), "above the training range: top bin");
    assertEquals(0, b.bin(-1e9), "below the training range: bottom bin");
    assertEquals(2.0 / 3, b.level(8), 0);
    // N = 10, n = 2: the median threshold s_5, 5 and 5
    assertArrayEquals(new double[] {5}, PercentileBins.fit(v, 2).thresholds(), 0);
    // ties at a threshold go up together
    PercentileBins tied = PercentileBins.fit(new double[] {1, 2, 2, 2, 3, 4}, 2);
    assertArrayEquals(new double[] {2}, tied.thresholds(), 0);
    assertEquals(1, tied.bin(2));
    // n = N: every training point its own bin
    PercentileBins each = PercentileBins.fit(v, 10);
    for (double x : v) {
      assertEquals((int) x, each.bin(x));
    }
    assertThrows(IllegalArgumentException.class, () -> PercentileBins.fit(v, 11));
    assertThrows(IllegalArgumentException.class, () -> PercentileBins.fit(v, 1));
    assertThrows(IllegalArgumentException.class, () -> b.bin(Double.NaN));
  }

  @Test
  void aboveMeanUsesTheTrainingMeanForTheTestSet() {
    for (TestFunction fn : TestFunction.values()) {
      FunctionTask t = new FunctionTask(fn, 20, Target.aboveMean());
      FunctionTask.Data d = t.generate(2000, 500, 3);
      assertEquals(TaskKind.BINARY, d.dataset().kind());
      double mean = Arrays.stream(d.fTrain()).sum() / 2000;
      assertEquals(mean, d.trainMean(), 1e-9 * Math.abs(mean));
      int ones = 0;
      for (int i = 0; i < 2000; i++) {
        double y = d.dataset().train().y(i, 0);
        assertEquals(d.fTrain()[i] >= d.trainMean() ? 1 : 0, y, 0);
        ones += (int) y;
      }
      assertTrue(ones > 0 && ones < 2000, fn.id() + ": both classes occur");
      for (int i = 0; i < 500; i++) {
        assertEquals(d.fTest()[i] >= d.trainMean() ? 1 : 0, d.dataset().test().y(i, 0), 0);
      }
      double testMean = Arrays.stream(d.fTest()).sum() / 500;
      assertTrue(testMean != d.trainMean());
    }
  }

  @Test
  void valueAndStandardisedTargets() {
    FunctionTask raw = new FunctionTask(TestFunction.SPHERE, 20, Target.parse("inf"));
    FunctionTask.Data d = raw.generate(10_000, 100, 42);
    Samples s = d.dataset().train();
    for (int i = 0; i < s.n(); i++) {
      double f = 0;
      for (int k = 0; k < 20; k++) {
        assertTrue(Math.abs(s.x(i, k)) <= 5.12);
        f += s.x(i, k) * s.x(i, k);
      }
      assertEquals(f, s.y(i, 0), 1e-12 * f);
    }
    assertNull(d.bins());
    // E f = 20 * 5.12^2 / 3 = 174.76, sd = sqrt(20 * 4 * 5.12^4 / 45) = 34.95
    assertEquals(20 * 5.12 * 5.12 / 3, d.trainMean(), 4 * 34.95 / 100);
    assertEquals(Math.sqrt(20 * 4 * Math.pow(5.12, 4) / 45), d.trainSd(), 1.0);
    FunctionTask.Data z = new FunctionTask(TestFunction.SPHERE, 20, Target.standardised()).generate(10_000, 100, 42);
    assertArrayEquals(s.x(), z.dataset().train().x(), 0, "same points whatever the target");
    double m = 0;
    double q = 0;
    for (double y : z.dataset().train().y()) {
      m += y / 10_000;
      q += y * y / 10_000;
    }
    assertEquals(0, m, 1e-12);
    assertEquals(1, q, 1e-12);
    assertEquals((d.fTest()[7] - d.trainMean()) / d.trainSd(), z.dataset().test().y(7, 0), 1e-12);
  }

  /** Training point i and test point j depend on (seed, index) only; the test set does not depend on n_train. */
  @Test
  void pointsArePartitionIndependent() {
    FunctionTask t = new FunctionTask(TestFunction.LEVY, 20, Target.value());
    FunctionTask.Data small = t.generate(100, 50, 7);
    FunctionTask.Data big = t.generate(1000, 80, 7);
    assertArrayEquals(small.dataset().train().x(), Arrays.copyOf(big.dataset().train().x(), 100 * 20), 0);
    assertArrayEquals(small.dataset().test().x(), Arrays.copyOf(big.dataset().test().x(), 50 * 20), 0);
    Box box = t.box();
    assertArrayEquals(Arrays.copyOfRange(big.dataset().train().x(), 400 * 20, 410 * 20),
        box.points(7, Box.TRAIN_STREAM, 400, 10), 0);
    assertTrue(small.dataset().train().x()[0] != t.generate(100, 0, 8).dataset().train().x()[0]);
    assertNull(t.generate(10, 0, 7).dataset().test());
  }

  @Test
  void targetParsingAndNames() {
    assertEquals(Target.bins(8), Target.parse("8"));
    assertEquals(Target.value(), Target.parse("\u221e"));
    assertEquals(Target.aboveMean(), Target.parse("classification"));
    assertEquals(Target.standardised(), Target.parse("Standardized"));
    assertEquals("sphere-d20-f4", new FunctionTask(TestFunction.SPHERE, 20, Target.bins(4)).name());
    assertEquals("schwefel-d20-above-mean", new FunctionTask(TestFunction.SCHWEFEL, 20, Target.aboveMean()).name());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Target.parse("1"));
    assertTrue(e.getMessage().contains("'1'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Target.parse("median"));
    assertThrows(IllegalArgumentException.class, () -> new FunctionTask(TestFunction.ROSENBROCK, 1, Target.value()));
    assertThrows(IllegalArgumentException.class, () -> new FunctionTask(TestFunction.SPHERE, 2, Target.value())
        .generate(0, 1, 1));
  }
}
