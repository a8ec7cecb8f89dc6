package sheafrank.rank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.net.WeightInit;

class RankStatsTest {

  private record Point(int[] ranks, int[] sizes, long[] codeword) {}

  private static List<Point> points(RankEvaluator e, PointSampler s, int n) {
    List<Point> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RankEvaluator.Result r = e.evaluate(s.sample(3, 0, i, e.inputDim()));
      out.add(new Point(r.ranks(), r.sizes(), r.codeword()));
    }
    return out;
  }

  private static RankStats stats(RankEvaluator e, List<Point> pts) {
    RankStats s = RankStats.of(e);
    for (Point p : pts) {
      s.add(p.ranks(), p.sizes(), p.codeword());
    }
    return s;
  }

  @Test
  void summarisesPointsPerLayer() {
    // m = 5 into widths 4, 6: layer 1 is narrower than the input, so every point is destructive.
    Mlp net = WeightInit.parse("kaiming").build(new int[] {5, 4, 6}, 3, 0);
    RankEvaluator e = RankEvaluator.allLayers(net, RankMethod.QR);
    List<Point> pts = points(e, new PointSampler.Box(-5, 5), 300);
    RankStats s = stats(e, pts);
    assertEquals(300, s.count());
    for (int l = 0; l < 2; l++) {
      int min = Integer.MAX_VALUE;
      int max = 0;
      long sum = 0;
      long[] hist = new long[6];
      java.util.Set<String> distinct = new java.util.HashSet<>();
      for (Point p : pts) {
        min = Math.min(min, p.ranks()[l]);
        max = Math.max(max, p.ranks()[l]);
        sum += p.ranks()[l];
        hist[p.ranks()[l]]++;
        distinct.add(e.layout().hex(p.codeword(), l));
      }
      assertEquals(min, s.minRank(l));
      assertEquals(max, s.maxRank(l));
      assertEquals(sum / 300.0, s.meanRank(l), 1e-15);
      assertArrayEquals(hist, s.rankHistogram(l));
      assertEquals(distinct.size(), s.distinctCodewords(l));
      assertEquals(300, s.destructivePoints(l) + s.preservingPoints(l));
      long[] sizeHist = s.sizeHistogram(l);
      long atLeastM = 0;
      for (int k = 5; k < sizeHist.length; k++) {
        atLeastM += sizeHist[k];
      }
      assertEquals(300, s.smallCodewordPoints(l) + atLeastM);
    }
    assertEquals(300, s.destructivePoints(0)); // width 4 < m = 5
    assertEquals(s.distinctCodewords(0), s.distinctSmallCodewords(0));
    assertTrue(s.maxRank(0) <= 4);
    assertTrue(s.distinctGlobalCodewords() >= s.distinctCodewords(1));
  }

  @Test
  void mergeIsIndependentOfOrderAndGrouping() {
    Mlp net = WeightInit.parse("normal(0.1, 0.5)").build(new int[] {6, 8, 5}, 4, 1);
    RankEvaluator e = RankEvaluator.allLayers(net, RankMethod.SVD);
    List<Point> pts = points(e, new PointSampler.Box(-1, 1), 400);
    RankStats whole = stats(e, pts);
    Random rnd = new Random(5);
    for (int trial = 0; trial < 10; trial++) {
      List<Point> shuffled = new ArrayList<>(pts);
      Collections.shuffle(shuffled, rnd);
      int parts = 2 + rnd.nextInt(6);
      List<RankStats> partials = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        int from = p * shuffled.size() / parts;
        int to = (p + 1) * shuffled.size() / parts;
        partials.add(stats(e, shuffled.subList(from, to)));
      }
      partials.add(RankStats.of(e)); // an empty partition
      Collections.shuffle(partials, rnd);
      // a random merge tree
      while (partials.size() > 1) {
        int i = rnd.nextInt(partials.size());
        RankStats a = partials.remove(i);
        int j = rnd.nextInt(partials.size());
        RankStats b = partials.remove(j);
        partials.add(rnd.nextBoolean() ? a.merge(b) : b.merge(a));
      }
      assertEquals(whole, partials.get(0), "trial " + trial);
    }
    // and equality is not vacuous
    RankStats fewer = stats(e, pts.subList(0, 399));
    assertNotEquals(whole, fewer);
  }

  @Test
  void survivesJavaSerialisation() throws Exception {
    // Spark ships partials between executors and the driver.
    Mlp net = WeightInit.parse("kaiming").build(new int[] {4, 70, 3}, 6, 2);
    RankEvaluator e = RankEvaluator.allLayers(net, RankMethod.QR);
    RankStats s = stats(e, points(e, new PointSampler.Box(-5, 5), 100));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(s);
      out.writeObject(WeightInit.parse("dale(2,4)"));
      out.writeObject(new PointSampler.Positive(2));
    }
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      RankStats back = (RankStats) in.readObject();
      assertEquals(s, back);
      assertEquals(s.distinctGlobalCodewords(), back.distinctGlobalCodewords());
      assertEquals(WeightInit.parse("dale(2,4)"), in.readObject());
      assertEquals(new PointSampler.Positive(2), in.readObject());
      // a deserialised partial still merges
      back.merge(stats(e, points(e, new PointSampler.Box(-5, 5), 10)));
      assertEquals(110, back.count());
    }
  }

  @Test
  void mergeRejectsMismatchedShapes() {
    RankStats a = new RankStats(3, new CodewordLayout(new int[] {4}));
    assertThrows(IllegalArgumentException.class,
        () -> a.merge(new RankStats(3, new CodewordLayout(new int[] {5}))));
    assertThrows(IllegalArgumentException.class,
        () -> a.merge(new RankStats(2, new CodewordLayout(new int[] {4}))));
    assertThrows(IllegalStateException.class, () -> a.minRank(0));
  }

  @Test
  void rejectsInconsistentResults() {
    RankStats s = new RankStats(3, new CodewordLayout(new int[] {4}));
    long[] cw = {0b0011};
    assertThrows(IllegalArgumentException.class, () -> s.add(new int[] {4}, new int[] {2}, cw));
    assertThrows(IllegalArgumentException.class, () -> s.add(new int[] {1}, new int[] {3}, cw));
    s.add(new int[] {2}, new int[] {2}, cw);
    assertEquals(1, s.count());
  }

  @Test
  void countingBoundOnSmallCases() {
    // n = 4, m = 2: C(4,0) + C(4,1) = 5 of 16.
    assertEquals(BigInteger.valueOf(5), RegionCounting.destructiveBound(4, 2));
    assertEquals(BigInteger.valueOf(16), RegionCounting.totalCodewords(4));
    assertEquals(BigInteger.valueOf(11), RegionCounting.preservingBound(4, 2));
    assertEquals(5.0 / 16, RegionCounting.destructiveFraction(4, 2), 0.0);
    assertEquals(BigInteger.valueOf(1 + 10 + 45), RegionCounting.destructiveBound(10, 3));
    assertEquals(BigInteger.ZERO, RegionCounting.destructiveBound(10, 0));
    assertEquals(BigInteger.valueOf(1024), RegionCounting.destructiveBound(10, 11)); // m > n: all
    assertEquals(BigInteger.valueOf(1024), RegionCounting.destructiveBound(10, 50));
    assertEquals(BigInteger.valueOf(252), RegionCounting.binomial(10, 5));
    assertEquals(BigInteger.ZERO, RegionCounting.binomial(10, 11));
    assertEquals(0.5, RegionCounting.destructiveFraction(2 * 50 + 1, 51), 0.0); // symmetric halves
    assertThrows(IllegalArgumentException.class, () -> RegionCounting.destructiveBound(-1, 2));
  }

  @Test
  void countingBoundAgreesWithABruteForceCountOfCodewords() {
    for (int n = 0; n <= 12; n++) {
      for (int m = 0; m <= n + 1; m++) {
        long count = 0;
        for (int code = 0; code < 1 << n; code++) {
          if (Integer.bitCount(code) < m) {
            count++;
          }
        }
        assertEquals(BigInteger.valueOf(count), RegionCounting.destructiveBound(n, m), n + "," + m);
      }
    }
  }

  @Test
  void countingBoundForWideLayersDoesNotOverflow() {
    // Pascal: D(n, m) = D(n-1, m) + D(n-1, m-1).
    assertEquals(
        RegionCounting.destructiveBound(1999, 100).add(RegionCounting.destructiveBound(1999, 99)),
        RegionCounting.destructiveBound(2000, 100));
    double log2 = RegionCounting.log2DestructiveBound(2000, 100);
    // log2 C(2000, 99) via log-gamma sums bounds it from below; D < 100 C(2000, 99) from above.
    double logC = 0;
    for (int i = 0; i < 99; i++) {
      logC += Math.log(2000 - i) - Math.log(i + 1);
    }
    double lowerBound = logC / Math.log(2);
    assertTrue(log2 > lowerBound && log2 < lowerBound + Math.log(100) / Math.log(2), "" + log2);
    assertEquals(log2 - 2000, RegionCounting.log2DestructiveFraction(2000, 100), 1e-9);
    assertTrue(RegionCounting.log2DestructiveFraction(2000, 100) < -1074);
    assertEquals(0.0, RegionCounting.destructiveFraction(2000, 100));
    assertEquals(2000.0, RegionCounting.log2(RegionCounting.totalCodewords(2000)), 1e-12);
    assertEquals(Math.log(5) / Math.log(2), RegionCounting.log2DestructiveBound(4, 2), 1e-15);
  }
}
