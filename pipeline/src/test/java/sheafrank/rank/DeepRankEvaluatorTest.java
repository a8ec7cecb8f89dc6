package sheafrank.rank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.linalg.NumericalRank;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;

class DeepRankEvaluatorTest {

  private static Mlp randomNet(SplittableRandom r, int[] widths, boolean biases) {
    Mlp net = Mlp.heNormal(widths, OutputActivation.IDENTITY, r.split());
    if (biases) {
      for (int l = 0; l < net.depth(); l++) {
        double[] b = net.bias(l);
        for (int i = 0; i < b.length; i++) {
          b[i] = 0.3 * r.nextGaussian();
        }
      }
    }
    return net;
  }

  private static double[] points(SplittableRandom r, int count, int m, double lo, double hi) {
    double[] x = new double[count * m];
    for (int i = 0; i < x.length; i++) {
      x[i] = lo + (hi - lo) * r.nextDouble();
    }
    return x;
  }

  private static DeepRankEvaluator.Batch run(DeepRankNetwork dn, double[] x, int count) {
    DeepRankEvaluator.Batch b = new DeepRankEvaluator.Batch(dn, count);
    new DeepRankEvaluator(dn).evaluate(x, 0, count, b);
    return b;
  }

  /**
   * rank of the explicit eq. 3 product at a point, from its singular values (Java kernels) with
   * NumPy's tolerance, and the codeword sizes: the definition, computed the slow way.
   */
  private static int[][] explicitRanks(Mlp net, int relu, boolean output, double[] x) {
    int m = net.inputDim();
    int layers = relu + (output ? 1 : 0);
    int[] ranks = new int[layers];
    int[] sizes = new int[layers];
    double[] h = x.clone();
    double[] prod = null; // n_K x m, full, with zero rows
    for (int l = 0; l < layers; l++) {
      int n = net.width(l + 1);
      int cols = net.width(l);
      double[] w = net.weights(l);
      double[] z = new double[n];
      net.affine(l, h, 0, z, 0);
      double[] next = new double[n * m];
      int active = 0;
      for (int i = 0; i < n; i++) {
        boolean on = l >= relu || z[i] > 0;
        if (!on) {
          z[i] = 0;
          continue;
        }
        active++;
        for (int t = 0; t < m; t++) {
          double s = 0;
          if (prod == null) {
            s = w[i * m + t];
          } else {
            for (int j = 0; j < cols; j++) {
              s += w[i * cols + j] * prod[j * m + t];
            }
          }
          next[i * m + t] = s;
        }
      }
      h = z;
      prod = next;
      sizes[l] = active;
      double[] a = prod.clone(); // row-major n x m = column-major m x n
      ranks[l] = new NumericalRank(NumericalRank.Backend.JAVA)
          .rankSvd(a, m, n, NumericalRank.numpyRtol(n, m));
    }
    return new int[][] {ranks, sizes};
  }

  @Test
  void agreesWithTheSweepEvaluatorOnSmallNetsWithAndWithoutBiases() {
    SplittableRandom r = new SplittableRandom(11);
    int points = 0;
    for (int trial = 0; trial < 120; trial++) {
      int depth = 1 + r.nextInt(4);
      int[] w = new int[depth + 1];
      for (int i = 0; i <= depth; i++) {
        w[i] = 1 + r.nextInt(30);
      }
      Mlp net = randomNet(r, w, trial % 2 == 0);
      RankEvaluator old =
          new RankEvaluator(net, depth, RankMethod.SVD, true, NumericalRank.Backend.JAVA);
      DeepRankNetwork dn = DeepRankNetwork.allRelu(net);
      int count = 40;
      double[] x = points(r, count, w[0], -3, 3);
      DeepRankEvaluator.Batch b = run(dn, x, count);
      for (int p = 0; p < count; p++) {
        RankEvaluator.Result o = old.evaluate(Arrays.copyOfRange(x, p * w[0], (p + 1) * w[0]));
        DeepRankEvaluator.PointRanks q = b.point(p);
        assertEquals(DeepRankEvaluator.OK, q.status());
        assertArrayEquals(o.sizes(), q.sizes(), "sizes " + Arrays.toString(w));
        assertArrayEquals(o.codeword(), q.codeword(), "codeword " + Arrays.toString(w));
        assertArrayEquals(o.ranks(), q.ranks(), "ranks " + Arrays.toString(w) + " point " + p);
        points++;
      }
    }
    assertEquals(4800, points);
  }

  @Test
  void matchesTheSingularValueRankOfTheExplicitProductOnMidSizeNetsWithBiases() {
    SplittableRandom r = new SplittableRandom(5);
    // The second net has n1 > m and a narrow second layer: the first layer's square-subset
    // certificate and the column sketch of the second layer both run.
    int[][] shapes = {{40, 120, 80, 50, 20, 5}, {60, 200, 24, 30, 10}, {30, 20, 40, 35, 3}};
    for (int[] w : shapes) {
      Mlp net = randomNet(r, w, true);
      DeepRankNetwork dn = DeepRankNetwork.classifier(net);
      int count = 30;
      double[] x = points(r, count, w[0], -1, 1);
      DeepRankEvaluator.Batch b = run(dn, x, count);
      for (int p = 0; p < count; p++) {
        int[][] ex = explicitRanks(net, dn.reluLayers(), true,
            Arrays.copyOfRange(x, p * w[0], (p + 1) * w[0]));
        DeepRankEvaluator.PointRanks q = b.point(p);
        assertArrayEquals(ex[1], q.sizes(), Arrays.toString(w));
        assertArrayEquals(ex[0], q.ranks(), Arrays.toString(w) + " point " + p);
        int prev = w[0];
        for (int l = 0; l < q.ranks().length; l++) {
          int rk = q.ranks()[l];
          assertTrue(rk <= Math.min(q.sizes()[l], prev), "rank bound");
          prev = rk;
        }
      }
    }
  }

  @Test
  void sketchAndSubsetCertificatesAreUsedOnWideFirstLayers() {
    SplittableRandom r = new SplittableRandom(3);
    Mlp net = randomNet(r, new int[] {60, 200, 24, 30, 10}, true);
    DeepRankNetwork dn = DeepRankNetwork.classifier(net);
    DeepRankEvaluator e = new DeepRankEvaluator(dn);
    double[] x = points(r, 50, 60, 0, 1);
    DeepRankEvaluator.Batch b = new DeepRankEvaluator.Batch(dn, 50);
    e.evaluate(x, 0, 50, b);
    assertTrue(e.profile().fast[0] > 40, "layer 1 by the square subset of W1 W1^T");
    assertTrue(e.profile().fast[1] > 40, "layer 2 by the column sketch");
    for (int p = 0; p < 50; p++) {
      assertEquals(60, b.rank(p, 0));
      assertEquals(DeepRankEvaluator.ROUTE_CERTIFIED, b.route(p, 1));
    }
  }

  @Test
  void duplicatedRowsZeroColumnsAndDependentUnitsGiveTheRankKnownByConstruction() {
    SplittableRandom r = new SplittableRandom(9);
    int m = 12;
    // Layer 1: rows 12..23 duplicate rows 0..11 (same bias): a duplicated pair is on together, so
    // rank(W_J) = number of distinct rows on. Input columns 8..11 are zero: rank <= 8 then.
    double[] w1 = new double[24 * m];
    double[] b1 = new double[24];
    for (int i = 0; i < 12; i++) {
      for (int t = 0; t < 8; t++) {
        w1[i * m + t] = r.nextGaussian();
      }
      b1[i] = 0.2 * r.nextGaussian();
      System.arraycopy(w1, i * m, w1, (i + 12) * m, m);
      b1[i + 12] = b1[i];
    }
    // Layer 2: integer weights with row 2 = row 0 + row 1 exactly (and its bias the sum).
    int n2 = 10;
    double[] w2 = new double[n2 * 24];
    double[] b2 = new double[n2];
    for (int i = 0; i < n2; i++) {
      for (int j = 0; j < 24; j++) {
        w2[i * 24 + j] = i == 2 ? w2[j] + w2[24 + j] : r.nextInt(7) - 3;
      }
      b2[i] = i == 2 ? b2[0] + b2[1] : r.nextInt(3) - 1;
    }
    Mlp net = new Mlp(new int[] {m, 24, n2}, new double[][] {w1, w2}, new double[][] {b1, b2},
        OutputActivation.IDENTITY);
    DeepRankNetwork dn = DeepRankNetwork.allRelu(net);
    int count = 200;
    double[] x = points(r, count, m, -2, 2);
    DeepRankEvaluator.Batch b = run(dn, x, count);
    int factorised = 0;
    int dependent = 0;
    for (int p = 0; p < count; p++) {
      DeepRankEvaluator.PointRanks q = b.point(p);
      int distinct = 0;
      for (int i = 0; i < 12; i++) {
        boolean on = dn.layout().active(q.codeword(), 0, i);
        assertEquals(on, dn.layout().active(q.codeword(), 0, i + 12), "duplicates switch together");
        distinct += on ? 1 : 0;
      }
      assertEquals(Math.min(distinct, 8), q.ranks()[0], "layer 1 rank by construction");
      int[][] ex = explicitRanks(net, 2, false, Arrays.copyOfRange(x, p * m, (p + 1) * m));
      assertArrayEquals(ex[0], q.ranks(), "point " + p);
      boolean dep = dn.layout().active(q.codeword(), 1, 0) && dn.layout().active(q.codeword(), 1, 1)
          && dn.layout().active(q.codeword(), 1, 2);
      int bound = Math.min(q.sizes()[1] - (dep ? 1 : 0), q.ranks()[0]);
      assertTrue(q.ranks()[1] <= bound, "dependent unit lowers the bound");
      dependent += dep && q.ranks()[1] == bound ? 1 : 0;
      factorised += q.routes()[0] == DeepRankEvaluator.ROUTE_FACTORISED ? 1 : 0;
    }
    assertTrue(factorised > 100, "deficient layers are factorised, not certified: " + factorised);
    assertTrue(dependent > 10, "dependent-unit points seen: " + dependent);
  }

  @Test
  void nearlyDependentButFullRankLayersFallBackToSingularValues() {
    SplittableRandom r = new SplittableRandom(21);
    Mlp net = randomNet(r, new int[] {20, 40, 30, 10}, true);
    double[] w2 = net.weights(1);
    for (int j = 0; j < 40; j++) {
      w2[5 * 40 + j] *= 1e-12; // unit 5 of layer 2: full rank, but far below the certificates
    }
    net.bias(1)[5] = 1.0; // keep it on
    DeepRankNetwork dn = DeepRankNetwork.allRelu(net);
    double[] x = points(r, 20, 20, -1, 1);
    DeepRankEvaluator.Batch b = run(dn, x, 20);
    for (int p = 0; p < 20; p++) {
      int[][] ex = explicitRanks(net, 3, false, Arrays.copyOfRange(x, p * 20, (p + 1) * 20));
      assertArrayEquals(ex[0], b.point(p).ranks());
      if (b.size(p, 1) <= b.rank(p, 0)) { // otherwise the other rows prove full column rank
        assertEquals(DeepRankEvaluator.ROUTE_FACTORISED, b.route(p, 1));
        assertEquals(b.size(p, 1), b.rank(p, 1), "still full rank for NumPy's tolerance");
      }
    }
  }

  @Test
  void pointsWithAllUnitsOffHaveRankZeroFromThereOn() {
    SplittableRandom r = new SplittableRandom(2);
    Mlp net = randomNet(r, new int[] {5, 8, 6, 4}, false);
    Arrays.fill(net.bias(1), -1e6); // layer 2 always off
    DeepRankNetwork dn = DeepRankNetwork.allRelu(net);
    DeepRankEvaluator.Batch b = run(dn, points(r, 10, 5, -1, 1), 10);
    for (int p = 0; p < 10; p++) {
      assertEquals(0, b.size(p, 1));
      assertEquals(0, b.rank(p, 1));
      assertEquals(0, b.rank(p, 2));
      assertEquals(DeepRankEvaluator.ROUTE_ZERO, b.route(p, 1));
      assertEquals(DeepRankEvaluator.ROUTE_ZERO, b.route(p, 2));
    }
    DeepRankEvaluator.PointRanks zero = new DeepRankEvaluator(dn).evaluate(new double[5]);
    assertArrayEquals(new int[] {0, 0, 0}, zero.ranks(), "x = 0, zero biases: all off");
  }

  @Test
  void nonFiniteInputsAreRejectedAndOverflowIsAPerPointStatus() {
    SplittableRandom r = new SplittableRandom(4);
    Mlp net = randomNet(r, new int[] {3, 6, 5, 2}, true);
    Arrays.fill(net.weights(0), 0, 3, 1.0); // unit 0: x_1 + x_2 + x_3 + b
    DeepRankNetwork dn = DeepRankNetwork.classifier(net);
    DeepRankEvaluator e = new DeepRankEvaluator(dn);
    DeepRankEvaluator.Batch b = new DeepRankEvaluator.Batch(dn, 3);
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> e.evaluate(new double[] {0, 1, 2, 0, Double.NaN, 0}, 0, 2, b));
    assertTrue(ex.getMessage().contains("point 1") && ex.getMessage().contains("coordinate 1"),
        ex.getMessage());
    double[] x = {0.3, -0.2, 0.1, 1e308, 1e308, 1e308, -0.5, 0.4, 0.9};
    e.evaluate(x, 0, 3, b);
    assertEquals(DeepRankEvaluator.NONFINITE, b.status(1));
    assertEquals(0, b.failedLayer(1), "3e308 overflows in layer 1");
    assertEquals(-1, b.rank(1, 0));
    assertEquals(-1, b.size(1, 2));
    for (int p : new int[] {0, 2}) {
      assertEquals(DeepRankEvaluator.OK, b.status(p));
      int[][] exr = explicitRanks(net, 2, true, Arrays.copyOfRange(x, p * 3, p * 3 + 3));
      assertArrayEquals(exr[0], b.point(p).ranks(), "neighbours in the block are unaffected");
    }
    double[] big = new double[3 * 6];
    Arrays.fill(big, 1e300);
    Mlp huge = new Mlp(new int[] {3, 6, 5, 2},
        new double[][] {big, net.weights(1), net.weights(2)},
        new double[][] {new double[6], net.bias(1), net.bias(2)}, OutputActivation.IDENTITY);
    DeepRankEvaluator.PointRanks q =
        new DeepRankEvaluator(DeepRankNetwork.classifier(huge)).evaluate(new double[] {1e10, 1, 1});
    assertEquals(DeepRankEvaluator.NONFINITE, q.status());
    assertEquals(0, q.failedLayer());
  }

  @Test
  void resultsDoNotDependOnHowPointsAreBatched() {
    SplittableRandom r = new SplittableRandom(8);
    Mlp net = randomNet(r, new int[] {30, 80, 40, 20, 4}, true);
    DeepRankNetwork dn = DeepRankNetwork.classifier(net);
    double[] x = points(r, 50, 30, 0, 1);
    DeepRankEvaluator.Batch all = run(dn, x, 50);
    DeepRankEvaluator e = new DeepRankEvaluator(dn);
    for (int p = 49; p >= 0; p -= 7) {
      DeepRankEvaluator.Batch one = new DeepRankEvaluator.Batch(dn, 3);
      int n = Math.min(3, 50 - p);
      e.evaluate(x, p * 30, n, one);
      for (int i = 0; i < n; i++) {
        DeepRankEvaluator.PointRanks a = all.point(p + i);
        DeepRankEvaluator.PointRanks c = one.point(i);
        assertArrayEquals(a.ranks(), c.ranks());
        assertArrayEquals(a.codeword(), c.codeword());
        assertArrayEquals(a.routes(), c.routes());
      }
    }
  }

  @Test
  void fixedOrderProductIsTheSameWithAndWithoutTheVectorApiAndTheCholeskyFactorIsRight() {
    SplittableRandom r = new SplittableRandom(6);
    for (int[] s : new int[][] {{1, 1, 1}, {7, 300, 23}, {9, 5, 33}, {37, 211, 70}, {4, 9, 16}}) {
      int p = s[0];
      int k = s[1];
      int q = s[2];
      double[] a = points(r, p, k, -1, 1);
      double[] bm = points(r, k, q, -1, 1);
      double[] c0 = points(r, p, q, -1, 1);
      double[] c1 = c0.clone();
      double[] c2 = c0.clone();
      FixedOrderKernels.mulAdd(p, k, q, a, 0, k, bm, 0, q, c1, 0, q);
      sheafrank.linalg.Gemm.scalarMultiply(false, false, p, q, k, a, 0, k, bm, 0, q, true, c2, 0, q);
      assertArrayEquals(c2, c1, "bit-identical");
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < q; j++) {
          double e = c0[i * q + j];
          for (int t = 0; t < k; t++) {
            e = Math.fma(a[i * k + t], bm[t * q + j], e);
          }
          assertEquals(e, c2[i * q + j], 0.0, "the fma chain over k in order");
        }
      }
    }
    int n = 130;
    double[] mm = points(r, n, n + 10, -1, 1);
    double[] mt = new double[mm.length];
    FixedOrderKernels.transpose(mm, 0, n + 10, n, n + 10, mt);
    double[] g = new double[n * n];
    FixedOrderKernels.lowerGram(mm, mt, n, n + 10, g);
    double[] l = g.clone();
    assertTrue(FixedOrderKernels.cholesky(l, n, 0, new double[FixedOrderKernels.CHOL_BLOCK * n]));
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int t = 0; t <= j; t++) {
          s += l[i * n + t] * l[j * n + t];
        }
        assertEquals(g[i * n + j], s, 1e-10 * (n + 10), "L L^T = G");
      }
    }
    double[] shifted = g.clone();
    assertTrue(!FixedOrderKernels.cholesky(shifted, n, 1e6, new double[FixedOrderKernels.CHOL_BLOCK * n]),
        "G - 1e6 I is not positive definite");
  }

  @Test
  void provenSpectralNormBoundsTheLargestSingularValueTightly() {
    SplittableRandom r = new SplittableRandom(12);
    for (int[] s : new int[][] {{30, 70}, {90, 40}, {1, 5}, {64, 64}}) {
      double[] w = points(r, s[0], s[1], -1, 1);
      double[] wt = new double[w.length];
      FixedOrderKernels.transpose(w, 0, s[1], s[0], s[1], wt);
      double bound = DeepRankNetwork.spectralBound(w, wt, s[0], s[1]);
      double smax = new NumericalRank(NumericalRank.Backend.JAVA)
          .singularValues(w.clone(), s[1], s[0])[0]; // row-major w = column-major w^T
      assertTrue(bound >= smax, bound + " < " + smax);
      assertTrue(bound <= 1.05 * smax, "tight: " + bound + " vs " + smax);
    }
  }
}
