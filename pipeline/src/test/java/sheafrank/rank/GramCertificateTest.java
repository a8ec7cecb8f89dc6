package sheafrank.rank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.linalg.NumericalRank;
import sheafrank.linalg.TestMatrices;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.net.WeightInit;

class GramCertificateTest {

  @Test
  void shiftedCholeskySucceedsExactlyBelowTheSmallestEigenvalue() {
    // A = Q diag(1, 1e-3) Q^T with a rotation Q: lambda_min = 1e-3.
    double c = Math.cos(0.7);
    double s = Math.sin(0.7);
    double[] a = {
      c * c + 1e-3 * s * s, c * s - 1e-3 * c * s,
      c * s - 1e-3 * c * s, s * s + 1e-3 * c * c
    };
    assertTrue(GramCertificate.choleskyShifted(a.clone(), 2, 0.9e-3, new double[2]));
    assertFalse(GramCertificate.choleskyShifted(a.clone(), 2, 1.1e-3, new double[2]));
    assertFalse(GramCertificate.choleskyShifted(new double[] {0}, 1, 0, new double[1]));
  }

  /** A one-layer net with the given row-major weights and zero bias. */
  private static Mlp net(int m, int n1, double[] w) {
    return new Mlp(new int[] {m, n1}, new double[][] {w}, new double[][] {new double[n1]},
        OutputActivation.IDENTITY);
  }

  private static void assertSameWithAndWithoutCertificate(Mlp net, PointSampler s, int points,
      String what) {
    for (RankMethod method : RankMethod.values()) {
      RankEvaluator fast = new RankEvaluator(net, net.depth(), method, true, NumericalRank.Backend.JAVA);
      RankEvaluator slow = new RankEvaluator(net, net.depth(), method, false, NumericalRank.Backend.JAVA);
      for (int i = 0; i < points; i++) {
        double[] x = s.sample(9, 0, i, net.inputDim());
        RankEvaluator.Result a = fast.evaluate(x);
        RankEvaluator.Result b = slow.evaluate(x);
        assertArrayEquals(b.ranks(), a.ranks(), what + " " + method + " point " + i);
        assertArrayEquals(b.sizes(), a.sizes());
        assertArrayEquals(b.codeword(), a.codeword());
      }
      assertEquals(0, slow.certifiedCount());
    }
  }

  @Test
  void certifiedRanksEqualFactorisedRanksAcrossThePapersWeightFamilies() {
    PointSampler box = new PointSampler.Box(-5, 5);
    PointSampler pos = new PointSampler.Positive(1);
    String[] specs = {
      "kaiming", "normal(-1,0.1)", "normal(0.2,0.1)", "normal(3,0.1)", "uniform(-1,0)",
      "rankselect(7,uniform(0,1))", "dale(6,4)", "dale(2,4,uniform(0,1))"
    };
    int[][] shapes = {{10, 5}, {10, 10}, {10, 25}, {5, 40}, {25, 25}};
    for (String spec : specs) {
      for (int[] sh : shapes) {
        WeightInit init = WeightInit.parse(spec);
        if (init instanceof WeightInit.RankSelect rs && rs.k() > sh[1]) {
          continue;
        }
        if (init instanceof WeightInit.Dale d && d.k() > sh[0]) {
          continue;
        }
        Mlp net = init.build(new int[] {sh[0], sh[1]}, 17, sh[0] * 1000 + sh[1]);
        assertSameWithAndWithoutCertificate(net, box, 40, spec + " " + sh[0] + "x" + sh[1]);
        assertSameWithAndWithoutCertificate(net, pos, 20, spec + " positive");
      }
    }
    // Two layers: the certificate only concerns layer 1; layer 2 ranks still agree.
    Mlp deep = WeightInit.parse("kaiming").build(new int[] {6, 12, 8}, 17, 99);
    assertSameWithAndWithoutCertificate(deep, box, 60, "two layers");
  }

  @Test
  void certificateFiresOnGenericWeightsAndStepsAsideOnDeficientOnes() {
    SplittableRandom r = new SplittableRandom(19);
    // Square Kaiming W (n1 = m): every row subset certified once for all.
    Mlp square = WeightInit.parse("kaiming").build(new int[] {30, 30}, r);
    RankEvaluator e = RankEvaluator.allLayers(square, RankMethod.QR);
    assertTrue(e.certifying());
    PointSampler box = new PointSampler.Box(-5, 5);
    for (int i = 0; i < 50; i++) {
      RankEvaluator.Result res = e.evaluate(box.sample(1, 0, i, 30));
      assertEquals(res.sizes()[0], res.ranks()[0]);
    }
    assertEquals(0, e.factorisedCount());
    assertTrue(e.certifiedCount() > 40);

    // Tall Kaiming W (n1 > m): certified point by point.
    Mlp tall = WeightInit.parse("kaiming").build(new int[] {8, 40}, r);
    e = RankEvaluator.allLayers(tall, RankMethod.SVD);
    for (int i = 0; i < 50; i++) {
      e.evaluate(box.sample(1, 0, i, 8));
    }
    assertTrue(e.certifiedCount() >= 45, "certified " + e.certifiedCount());

    // Duplicate rows (n1 <= m): not every subset is full rank; points containing both copies
    // must be factorised and come out deficient.
    int m = 6;
    int n1 = 4;
    double[] w = TestMatrices.gaussian(r, n1 * m);
    System.arraycopy(w, 0, w, m, m); // row 2 = row 1
    Mlp dup = net(m, n1, w);
    e = RankEvaluator.allLayers(dup, RankMethod.QR);
    int deficient = 0;
    for (int i = 0; i < 200; i++) {
      RankEvaluator.Result res = e.evaluate(box.sample(2, 0, i, m));
      if (res.ranks()[0] < res.sizes()[0]) {
        deficient++;
        assertTrue(e.layout().active(res.codeword(), 0, 0) && e.layout().active(res.codeword(), 0, 1));
      }
    }
    assertTrue(deficient > 0);
    assertTrue(e.factorisedCount() >= deficient);
    assertSameWithAndWithoutCertificate(dup, box, 200, "duplicate rows");

    // Low-rank tall W = B C (inner 3 < m = 7): every point with |J| > 3 falls back.
    double[] bm = TestMatrices.gaussian(r, 20 * 3);
    double[] cm = TestMatrices.gaussian(r, 3 * 7);
    double[] low = new double[20 * 7];
    for (int i = 0; i < 20; i++) {
      for (int j = 0; j < 7; j++) {
        for (int t = 0; t < 3; t++) {
          low[i * 7 + j] += bm[i * 3 + t] * cm[t * 7 + j];
        }
      }
    }
    Mlp lowNet = net(7, 20, low);
    assertSameWithAndWithoutCertificate(lowNet, box, 100, "low rank");
    e = RankEvaluator.allLayers(lowNet, RankMethod.SVD);
    for (int i = 0; i < 100; i++) {
      assertTrue(e.evaluate(box.sample(3, 0, i, 7)).ranks()[0] <= 3);
    }
  }
}
