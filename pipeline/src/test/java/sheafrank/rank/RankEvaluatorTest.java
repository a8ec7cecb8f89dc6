package sheafrank.rank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.linalg.TestMatrices;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.net.WeightInit;

class RankEvaluatorTest {

  /** Brute force per eq. 3-4: full n_K x m products of the explicit Q_J W matrices, LAPACK SVD. */
  private static final class Brute {
    final int[] ranks;
    final int[] sizes;
    final boolean[][] active;

    Brute(Mlp net, int layers, double[] x) {
      int m = net.inputDim();
      ranks = new int[layers];
      sizes = new int[layers];
      active = new boolean[layers][];
      double[] a = x.clone();
      double[] p = new double[m * m]; // row-major, starts as the identity
      for (int i = 0; i < m; i++) {
        p[i * m + i] = 1;
      }
      for (int l = 0; l < layers; l++) {
        int n = net.width(l + 1);
        int c = net.width(l);
        double[] w = net.weights(l);
        double[] z = new double[n];
        double[] next = new double[n];
        active[l] = new boolean[n];
        double[] q = new double[n * c]; // Q_J W, row-major n x c
        for (int i = 0; i < n; i++) {
          double s = net.bias(l)[i];
          for (int j = 0; j < c; j++) {
            s += w[i * c + j] * a[j];
          }
          z[i] = s;
          active[l][i] = s > 0;
          if (s > 0) {
            sizes[l]++;
            next[i] = s;
            System.arraycopy(w, i * c, q, i * c, c);
          }
        }
        double[] np = new double[n * m];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < c; j++) {
            for (int t = 0; t < m; t++) {
              np[i * m + t] += q[i * c + j] * p[j * m + t];
            }
          }
        }
        // row-major n x m is column-major m x n: same rank, same max(n, m).
        ranks[l] = TestMatrices.numpyRank(np, m, n);
        p = np;
        a = next;
      }
    }
  }

  private static Mlp randomNet(SplittableRandom r, int[] widths, double biasSd) {
    Mlp base = WeightInit.parse("kaiming").build(widths, r);
    double[][] w = new double[widths.length - 1][];
    double[][] b = new double[widths.length - 1][];
    for (int l = 0; l < w.length; l++) {
      w[l] = base.weights(l);
      b[l] = new double[widths[l + 1]];
      for (int i = 0; i < b[l].length; i++) {
        b[l][i] = biasSd * r.nextGaussian();
      }
    }
    return new Mlp(widths, w, b, OutputActivation.IDENTITY);
  }

  private static void assertMatchesBruteForce(Mlp net, double[] x, RankEvaluator e, String what) {
    RankEvaluator.Result got = e.evaluate(x);
    Brute want = new Brute(net, e.layers(), x);
    assertArrayEquals(want.sizes, got.sizes(), what + " sizes");
    assertArrayEquals(want.ranks, got.ranks(), what + " ranks");
    CodewordLayout lay = e.layout();
    for (int l = 0; l < e.layers(); l++) {
      for (int i = 0; i < lay.width(l); i++) {
        assertEquals(want.active[l][i], lay.active(got.codeword(), l, i), what + " J" + (l + 1));
      }
    }
  }

  @Test
  void matchesBruteForceOnRandomMultiLayerNets() {
    SplittableRandom r = new SplittableRandom(11);
    int checked = 0;
    for (int trial = 0; trial < 60; trial++) {
      int depth = 1 + r.nextInt(4);
      int[] widths = new int[depth + 1];
      widths[0] = 1 + r.nextInt(6);
      for (int l = 1; l <= depth; l++) {
        widths[l] = 1 + r.nextInt(9);
      }
      Mlp net = randomNet(r, widths, 0.5);
      for (RankMethod method : RankMethod.values()) {
        RankEvaluator e = RankEvaluator.allLayers(net, method);
        for (int pt = 0; pt < 20; pt++) {
          double[] x = new double[widths[0]];
          for (int i = 0; i < x.length; i++) {
            x[i] = 4 * r.nextDouble() - 2;
          }
          assertMatchesBruteForce(net, x, e, "net " + trial + " " + method);
          int[] ranks = e.evaluate(x).ranks();
          int[] sizes = e.evaluate(x).sizes();
          int bound = widths[0];
          for (int l = 0; l < depth; l++) {
            bound = Math.min(bound, sizes[l]);
            assertTrue(ranks[l] <= bound, "rank <= min(active counts, m)");
          }
          checked++;
        }
      }
    }
    assertEquals(2400, checked);
  }

  @Test
  void matchesBruteForceWhenALayerIsLowRank() {
    // Products of generic random layers have rank min(|J_1|, ..., |J_K|, m); to exercise ranks
    // below that bound, W1 = B C with inner dimension 2 < m = 5: rank <= 2 everywhere.
    SplittableRandom r = new SplittableRandom(12);
    int m = 5;
    int n1 = 8;
    double[] bm = TestMatrices.gaussian(r, n1 * 2);
    double[] cm = TestMatrices.gaussian(r, 2 * m);
    double[] w1 = new double[n1 * m];
    for (int i = 0; i < n1; i++) {
      for (int j = 0; j < m; j++) {
        w1[i * m + j] = bm[i * 2] * cm[j] + bm[i * 2 + 1] * cm[m + j];
      }
    }
    Mlp base = randomNet(r, new int[] {m, n1, 6, 4}, 0.3);
    Mlp net =
        new Mlp(
            new int[] {m, n1, 6, 4},
            new double[][] {w1, base.weights(1), base.weights(2)},
            new double[][] {new double[n1], base.bias(1), base.bias(2)},
            OutputActivation.IDENTITY);
    int lowRankPoints = 0;
    for (RankMethod method : RankMethod.values()) {
      RankEvaluator e = RankEvaluator.allLayers(net, method);
      for (int pt = 0; pt < 100; pt++) {
        double[] x = TestMatrices.gaussian(r, m);
        assertMatchesBruteForce(net, x, e, method.id());
        int[] ranks = e.evaluate(x).ranks();
        assertTrue(ranks[0] <= 2);
        if (ranks[0] == 2 && e.evaluate(x).sizes()[0] > 2) {
          lowRankPoints++;
        }
      }
    }
    assertTrue(lowRankPoints > 0);
  }

  @Test
  void codewordsAreExactlyTheSignsOfBiasPlusTheInOrderDotProduct() {
    // The forward pass runs as axpys over the columns of W; it must give bit-for-bit the
    // pre-activations b_i + sum_t W_it x_t (sum in order t = 0, 1, ...), so the codewords are
    // those of that formula, across the 64-unit word boundaries and for deeper layers. Half the
    // weights and coordinates are small integers, so many pre-activations are exactly 0 (inactive).
    SplittableRandom r = new SplittableRandom(31);
    for (int[] widths : new int[][] {{3, 64, 65}, {7, 130, 2, 63}, {1, 1}, {50, 100}}) {
      double[][] w = new double[widths.length - 1][];
      double[][] b = new double[widths.length - 1][];
      for (int l = 0; l < w.length; l++) {
        w[l] = new double[widths[l + 1] * widths[l]];
        b[l] = new double[widths[l + 1]];
        for (int i = 0; i < w[l].length; i++) {
          w[l][i] = r.nextBoolean() ? r.nextInt(-2, 3) : r.nextGaussian();
        }
        for (int i = 0; i < b[l].length; i++) {
          b[l][i] = r.nextBoolean() ? 0.0 : 0.3 * r.nextGaussian();
        }
      }
      Mlp net = new Mlp(widths, w, b, OutputActivation.IDENTITY);
      RankEvaluator e = RankEvaluator.allLayers(net, RankMethod.SVD);
      int zeros = 0;
      for (int p = 0; p < 200; p++) {
        double[] x = new double[widths[0]];
        for (int t = 0; t < x.length; t++) {
          x[t] = r.nextBoolean() ? r.nextInt(-2, 3) : 5 * r.nextGaussian();
        }
        RankEvaluator.Result res = e.evaluate(x);
        double[] a = x;
        for (int l = 0; l < w.length; l++) {
          int n = widths[l + 1];
          double[] next = new double[n];
          int size = 0;
          for (int i = 0; i < n; i++) {
            double s = b[l][i] + sheafrank.linalg.NumericalRank.dot(w[l], i * widths[l], a, 0,
                widths[l]);
            zeros += s == 0 ? 1 : 0;
            boolean on = s > 0;
            assertEquals(on, e.layout().active(res.codeword(), l, i), "layer " + l + " unit " + i);
            next[i] = on ? s : 0.0;
            size += on ? 1 : 0;
          }
          assertEquals(size, res.sizes()[l]);
          a = next;
        }
        long[] copy = new long[res.codeword().length];
        java.util.Arrays.fill(copy, -1L);
        e.evaluate(x, 0, null, null, copy); // codewords only: same words, stale bits cleared
        assertArrayEquals(res.codeword(), copy);
      }
      assertTrue(zeros > 0 || widths[0] == 50, "exact zeros exercised for " + widths.length);
    }
  }

  @Test
  void handExampleUsesTheStrictCodewordConvention() {
    // W1 = [[1,0],[0,1],[1,1]], W2 = [[1,1,1]], zero biases.
    Mlp net =
        new Mlp(
            new int[] {2, 3, 1},
            new double[][] {{1, 0, 0, 1, 1, 1}, {1, 1, 1}},
            new double[][] {{0, 0, 0}, {0}},
            OutputActivation.IDENTITY);
    RankEvaluator e = RankEvaluator.allLayers(net, RankMethod.SVD);
    // x = (1, -1): z1 = (1, -1, 0); unit 3 is exactly 0, inactive under S(x) = 1 iff x > 0.
    RankEvaluator.Result res = e.evaluate(new double[] {1, -1});
    assertArrayEquals(new int[] {1, 1}, res.sizes());
    assertArrayEquals(new int[] {1, 1}, res.ranks());
    assertEquals("8", e.layout().hex(res.codeword(), 0));
    assertEquals("100", e.layout().bits(res.codeword(), 0));
    // The sheaf paper's pattern (>= 0) would count unit 3 as active.
    assertTrue(net.forward(new double[] {1, -1}).pattern(0)[2]);
    res = e.evaluate(new double[] {1, 1});
    assertArrayEquals(new int[] {3, 1}, res.sizes());
    assertArrayEquals(new int[] {2, 1}, res.ranks());
    assertEquals("e.8", e.layout().globalHex(res.codeword()));
    res = e.evaluate(new double[] {-1, -2});
    assertArrayEquals(new int[] {0, 0}, res.sizes());
    assertArrayEquals(new int[] {0, 0}, res.ranks());
  }

  @Test
  void aDeadLayerZeroesDeeperRanksButNotDeeperCodewords() {
    // Layer 1 never fires on the positive orthant; layer 2 has a positive bias, so its units are
    // active, yet the map is constant there: rank 0.
    Mlp net =
        new Mlp(
            new int[] {2, 2, 3},
            new double[][] {{-1, -1, -2, -1}, {1, 1, 1, 1, 1, 1}},
            new double[][] {{0, 0}, {0.5, 0.5, 0.5}},
            OutputActivation.IDENTITY);
    for (RankMethod method : RankMethod.values()) {
      RankEvaluator.Result res = RankEvaluator.allLayers(net, method).evaluate(new double[] {1, 2});
      assertArrayEquals(new int[] {0, 3}, res.sizes());
      assertArrayEquals(new int[] {0, 0}, res.ranks());
    }
  }

  @Test
  void negativeUniformWeightsGiveRankZeroOnThePositiveOrthant() {
    // seed 003 §3.2: W ~ U[-1, 0], zero bias; every strictly positive point is in Omega_0.
    PointSampler positive = new PointSampler.Positive(5);
    for (int[] widths : new int[][] {{5, 50}, {10, 100}, {3, 20, 30}}) {
      Mlp net = WeightInit.parse("uniform(-1,0)").build(widths, 21, 0);
      RankEvaluator e = RankEvaluator.allLayers(net, RankMethod.QR);
      int[] ranks = new int[e.layers()];
      int[] sizes = new int[e.layers()];
      long[] cw = new long[e.layout().totalWords()];
      for (int i = 0; i < 200; i++) {
        e.evaluate(positive.sample(21, 0, i, widths[0]), ranks, sizes, cw);
        for (int l = 0; l < e.layers(); l++) {
          assertEquals(0, ranks[l]);
          assertEquals(0, sizes[l]);
        }
      }
      // ... while points elsewhere do reach positive rank (the test can fail).
      int maxRank = 0;
      for (int i = 0; i < 50; i++) {
        double[] x = new PointSampler.Box(-5, 5).sample(21, 0, i, widths[0]);
        e.evaluate(x, ranks, sizes, cw);
        maxRank = Math.max(maxRank, ranks[0]);
      }
      assertTrue(maxRank > 0);
    }
  }

  @Test
  void rankSelectionObeysTheMinKBound() {
    // seed 003 eq. 10 / Fig 2C: W = R(k, n1) W+ with W+ > 0, zero bias. At x > 0 exactly units
    // 1..k are active, at -x exactly k+1..n1; min rank over both <= min(k, n1 - k, m).
    int m = 25;
    int n1 = 50;
    PointSampler positive = new PointSampler.Positive(1);
    for (int k = 0; k <= n1; k += 5) {
      Mlp net = WeightInit.parse("rankselect(" + k + ",uniform(0,1))").build(new int[] {m, n1}, 31, k);
      for (RankMethod method : RankMethod.values()) {
        RankEvaluator e = RankEvaluator.allLayers(net, method);
        int minRank = Integer.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
          double[] x = positive.sample(31, k, i, m);
          RankEvaluator.Result pos = e.evaluate(x);
          for (int j = 0; j < m; j++) {
            x[j] = -x[j];
          }
          RankEvaluator.Result neg = e.evaluate(x);
          assertEquals(k, pos.sizes()[0]);
          assertEquals(n1 - k, neg.sizes()[0]);
          for (int u = 0; u < n1; u++) {
            assertEquals(u < k, e.layout().active(pos.codeword(), 0, u));
            assertEquals(u >= k, e.layout().active(neg.codeword(), 0, u));
          }
          // Random positive rows are in general position: the ranks attain the active counts.
          assertEquals(Math.min(k, m), pos.ranks()[0]);
          assertEquals(Math.min(n1 - k, m), neg.ranks()[0]);
          minRank = Math.min(minRank, Math.min(pos.ranks()[0], neg.ranks()[0]));
        }
        assertTrue(minRank <= Math.min(Math.min(k, n1 - k), m), "k=" + k);
      }
    }
  }

  @Test
  void fullRankWideLayerKeepsRankMWhereAllUnitsAreActive() {
    // W > 0 (full rank a.s.), zero bias, n1 > m: at x > 0 all units fire and Phi^1 has rank m.
    int m = 10;
    for (int n1 : new int[] {10, 25, 100}) {
      Mlp net = WeightInit.parse("abs(kaiming)").build(new int[] {m, n1}, 41, n1);
      for (RankMethod method : RankMethod.values()) {
        RankEvaluator e = RankEvaluator.allLayers(net, method);
        for (int i = 0; i < 20; i++) {
          RankEvaluator.Result res = e.evaluate(new PointSampler.Positive(3).sample(41, n1, i, m));
          assertEquals(n1, res.sizes()[0]);
          assertEquals(m, res.ranks()[0]);
        }
      }
    }
    // The same with Kaiming weights and a large positive bias: all units active, rank m.
    SplittableRandom r = new SplittableRandom(42);
    Mlp k = WeightInit.parse("kaiming").build(new int[] {m, 40}, r);
    double[] bias = new double[40];
    java.util.Arrays.fill(bias, 100);
    Mlp net = new Mlp(new int[] {m, 40}, new double[][] {k.weights(0)}, new double[][] {bias},
        OutputActivation.IDENTITY);
    RankEvaluator.Result res =
        RankEvaluator.allLayers(net, RankMethod.SVD).evaluate(new PointSampler.Box(-5, 5).sample(1, 0, 0, m));
    assertEquals(40, res.sizes()[0]);
    assertEquals(m, res.ranks()[0]);
  }

  @Test
  void daleWithOnlyExcitationPreservesAndOnlyInhibitionDestroys() {
    int m = 20;
    int n1 = 40;
    PointSampler positive = new PointSampler.Positive(1);
    Mlp exc = WeightInit.parse("dale(" + m + ",4)").build(new int[] {m, n1}, 51, 0);
    Mlp inh = WeightInit.parse("dale(0,4)").build(new int[] {m, n1}, 51, 0);
    RankEvaluator ee = RankEvaluator.allLayers(exc, RankMethod.QR);
    RankEvaluator ei = RankEvaluator.allLayers(inh, RankMethod.QR);
    for (int i = 0; i < 20; i++) {
      double[] x = positive.sample(51, 0, i, m);
      assertEquals(m, ee.evaluate(x).ranks()[0]);
      assertEquals(0, ei.evaluate(x).ranks()[0]);
    }
  }

  @Test
  void evaluatesOnlyTheRequestedLayersAndChecksItsInputs() {
    SplittableRandom r = new SplittableRandom(61);
    Mlp net = randomNet(r, new int[] {3, 70, 5, 2}, 0.1);
    RankEvaluator e = new RankEvaluator(net, 2, RankMethod.SVD);
    assertEquals(2, e.layers());
    assertEquals(3, e.layout().totalWords()); // 70 units -> 2 words, 5 units -> 1 word
    double[] x = {0.3, -0.2, 1.0};
    assertMatchesBruteForce(net, x, e, "first two layers");
    // offset form and null outputs
    int[] sizes = new int[2];
    e.evaluate(new double[] {9, 9, 0.3, -0.2, 1.0}, 2, null, sizes, null);
    assertArrayEquals(e.evaluate(x).sizes(), sizes);
    assertThrows(IllegalArgumentException.class, () -> new RankEvaluator(net, 4, RankMethod.QR));
    assertThrows(IllegalArgumentException.class, () -> new RankEvaluator(net, 0, RankMethod.QR));
    assertThrows(IllegalArgumentException.class, () -> e.evaluate(new double[] {1, 2}));
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> e.evaluate(new double[] {1, Double.NaN, 0}));
    assertTrue(bad.getMessage().contains("coordinate 1"), bad.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> e.evaluate(x, 0, new int[1], new int[2], new long[3]));
  }

  @Test
  void codewordHexAndBitsFormats() {
    CodewordLayout lay = new CodewordLayout(new int[] {6, 64, 65});
    assertEquals(0, lay.wordOffset(0));
    assertEquals(1, lay.wordOffset(1));
    assertEquals(2, lay.wordOffset(2));
    assertEquals(4, lay.totalWords());
    long[] w = new long[4];
    w[0] = 1L | 1L << 5; // units 0 and 5 of layer 1
    w[1] = 1L << 63; // unit 63 of layer 2
    w[3] = 1L; // unit 64 of layer 3
    assertEquals("100001", lay.bits(w, 0));
    assertEquals("84", lay.hex(w, 0));
    assertEquals(16, lay.hex(w, 1).length());
    assertEquals("0000000000000001", lay.hex(w, 1));
    assertEquals("00000000000000008", lay.hex(w, 2));
    assertEquals("84.0000000000000001.00000000000000008", lay.globalHex(w));
    assertEquals(2, lay.size(w, 0));
    assertEquals(1, lay.size(w, 2));
  }

  @Test
  void preActivationsThatFloat64CannotRepresentAreFlagged() {
    // z = 2 x1 - 2 x2 (zero bias): its sign decides the one codeword bit.
    Mlp net = new Mlp(new int[] {2, 1}, new double[][] {{2, -2}}, new double[][] {{0}}, OutputActivation.IDENTITY);
    RankEvaluator e = RankEvaluator.allLayers(net, RankMethod.SVD);
    int[] ranks = new int[1];
    int[] sizes = new int[1];
    long[] cw = new long[e.layout().totalWords()];
    assertEquals(0, e.evaluate(new double[] {1, 0.5}, ranks, sizes, cw));
    assertEquals(0, e.evaluate(new double[] {1, 1}, ranks, sizes, cw), "an exact zero is representable");
    // 2e308 overflows: z = inf (would read as active) ...
    assertEquals(RankEvaluator.NON_FINITE, e.evaluate(new double[] {1e308, 0}, ranks, sizes, cw));
    // ... and inf - inf = NaN (would read as inactive)
    assertEquals(RankEvaluator.NON_FINITE, e.evaluate(new double[] {1e308, 1e308}, ranks, sizes, cw));
    // 2 (3e-308 - 2.9e-308) = 2e-309 is subnormal: underflow, its sign may be lost in general
    assertEquals(RankEvaluator.SUBNORMAL, e.evaluate(new double[] {3e-308, 2.9e-308}, ranks, sizes, cw));
  }
}
