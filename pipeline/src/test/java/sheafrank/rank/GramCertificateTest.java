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
    assertTrue(GramCertificate.choleskyShifted(lower(a, 2), 2, 0.9e-3, GramCertificate.workspace(2)));
    assertFalse(GramCertificate.choleskyShifted(lower(a, 2), 2, 1.1e-3, GramCertificate.workspace(2)));
    assertFalse(GramCertificate.choleskyShifted(new double[][] {{0}}, 1, 0, GramCertificate.workspace(1)));
    assertTrue(GramCertificate.choleskyPivoted(square(a, 2), 2, 2, 0.9e-3, GramCertificate.workspace(2)));
    assertFalse(GramCertificate.choleskyPivoted(square(a, 2), 2, 2, 1.1e-3, GramCertificate.workspace(2)));
    // One pivot only: lambda_max = 1 > 0.5 >= the largest diagonal entry's Schur-free value.
    assertTrue(GramCertificate.choleskyPivoted(square(a, 2), 2, 1, 0.5, GramCertificate.workspace(2)));
  }

  /** The lower triangle of the row-major k x k matrix a, one array per row (row i: i + 1). */
  private static double[][] lower(double[] a, int k) {
    double[][] t = GramCertificate.lowerTriangle(k);
    for (int i = 0; i < k; i++) {
      System.arraycopy(a, i * k, t[i], 0, i + 1);
    }
    return t;
  }

  /** The row-major k x k matrix a, one array per row. */
  private static double[][] square(double[] a, int k) {
    double[][] t = new double[k][k];
    for (int i = 0; i < k; i++) {
      System.arraycopy(a, i * k, t[i], 0, k);
    }
    return t;
  }

  /** Q diag(lambda) Q^T (row-major, exactly symmetric) for a random orthogonal Q. */
  private static double[] withEigenvalues(SplittableRandom r, double[] lambda) {
    int k = lambda.length;
    double[] q = TestMatrices.orthogonal(r, k); // column t = eigenvector t
    double[] a = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int t = 0; t < k; t++) {
          s += q[t * k + i] * lambda[t] * q[t * k + j];
        }
        a[i * k + j] = s;
        a[j * k + i] = s;
      }
    }
    return a;
  }

  /** B B^T for a random k x r B (row-major): PSD of rank r, trace about k r. */
  private static double[] lowRankGram(SplittableRandom r, int k, int rank) {
    double[] b = TestMatrices.gaussian(r, k * rank);
    double[] a = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double s = NumericalRank.dot(b, i * rank, b, j * rank, rank);
        a[i * k + j] = s;
        a[j * k + i] = s;
      }
    }
    return a;
  }

  /** The textbook right-looking Cholesky of A - delta I in reverse pivot order, unblocked. */
  private static boolean reverseCholeskyReference(double[][] a, int k, double delta) {
    for (int i = 0; i < k; i++) {
      a[i][i] -= delta;
    }
    double[] u = new double[k];
    for (int p = k - 1; p >= 0; p--) {
      double d = a[p][p];
      if (!(d > 0)) {
        return false;
      }
      double inv = 1.0 / Math.sqrt(d);
      for (int t = 0; t < p; t++) {
        u[t] = a[p][t] * inv;
      }
      for (int i = 0; i < p; i++) {
        for (int t = 0; t <= i; t++) {
          a[i][t] -= u[i] * u[t];
        }
      }
    }
    return true;
  }

  @Test
  void blockedEliminationIsBitForBitTheUnblockedOne() {
    SplittableRandom r = new SplittableRandom(8);
    for (int k = 1; k <= 53; k += (k < 12 ? 1 : 7)) {
      double[] a = lowRankGram(r, k, k + 3); // PD
      for (double delta : new double[] {0, 1e-3}) {
        double[][] blocked = lower(a, k);
        double[][] plain = lower(a, k);
        assertTrue(GramCertificate.choleskyShifted(blocked, k, delta, GramCertificate.workspace(k)));
        assertTrue(reverseCholeskyReference(plain, k, delta));
        for (int i = 0; i < k; i++) {
          assertArrayEquals(plain[i], blocked[i], 0.0, "k=" + k + " row " + i);
        }
      }
      // Deficient (rank k - 1): both refuse.
      if (k > 1) {
        double[] d = lowRankGram(r, k, k - 1);
        double delta = 1e-10 * k * k;
        assertFalse(GramCertificate.choleskyShifted(lower(d, k), k, delta, GramCertificate.workspace(k)));
        assertFalse(reverseCholeskyReference(lower(d, k), k, delta));
      }
    }
  }

  @Test
  void reverseAndPivotedCholeskyDecideExactlyByTheSmallestEigenvalue() {
    SplittableRandom r = new SplittableRandom(5);
    for (int k : new int[] {1, 2, 3, 7, 20, 50, 70}) {
      for (int rep = 0; rep < 3; rep++) {
        double lmin = 0.05;
        double[] lambda = new double[k];
        for (int t = 0; t < k; t++) {
          lambda[t] = lmin + (1 - lmin) * r.nextDouble();
        }
        lambda[r.nextInt(k)] = lmin;
        double[] a = withEigenvalues(r, lambda);
        String what = "k=" + k + " rep " + rep;
        // A - delta I is PD iff delta < lambda_min; rounding (~1e-14) cannot cross a 5% margin.
        assertTrue(GramCertificate.choleskyShifted(lower(a, k), k, 0.95 * lmin, GramCertificate.workspace(k)), what);
        assertFalse(GramCertificate.choleskyShifted(lower(a, k), k, 1.05 * lmin, GramCertificate.workspace(k)), what);
        assertTrue(GramCertificate.choleskyPivoted(square(a, k), k, k, 0.95 * lmin, GramCertificate.workspace(k)), what);
        assertFalse(GramCertificate.choleskyPivoted(square(a, k), k, k, 1.05 * lmin, GramCertificate.workspace(k)), what);
        // Indefinite: one eigenvalue -1e-3, no shift.
        if (k > 1) {
          double[] neg = lambda.clone();
          neg[0] = -1e-3;
          double[] b = withEigenvalues(r, neg);
          assertFalse(GramCertificate.choleskyShifted(lower(b, k), k, 0, GramCertificate.workspace(k)), what);
          assertFalse(GramCertificate.choleskyPivoted(square(b, k), k, k, 0, GramCertificate.workspace(k)), what);
          // One pivot does succeed: trace > 0, so the largest diagonal entry is positive.
          assertTrue(GramCertificate.choleskyPivoted(square(b, k), k, 1, 0, GramCertificate.workspace(k)), what);
        }
      }
    }
  }

  @Test
  void rankDeficientGramMatricesAreRefusedAndThePivotedFormFindsTheirRank() {
    SplittableRandom r = new SplittableRandom(6);
    for (int[] kr : new int[][] {{3, 1}, {8, 5}, {30, 20}, {60, 49}}) {
      int k = kr[0];
      int rank = kr[1];
      double[] a = lowRankGram(r, k, rank);
      double trace = 0;
      for (int i = 0; i < k; i++) {
        trace += a[i * k + i];
      }
      double delta = GramCertificate.CERT * trace;
      String what = k + "x" + k + " rank " + rank;
      assertFalse(GramCertificate.choleskyShifted(lower(a, k), k, delta, GramCertificate.workspace(k)), what);
      assertFalse(GramCertificate.choleskyPivoted(square(a, k), k, k, delta, GramCertificate.workspace(k)), what);
      assertFalse(GramCertificate.choleskyPivoted(square(a, k), k, rank + 1, delta, GramCertificate.workspace(k)),
          what);
      // Generic B: some rank rows of B are independent and well conditioned; pivoting finds them.
      assertTrue(GramCertificate.choleskyPivoted(square(a, k), k, rank, delta, GramCertificate.workspace(k)), what);
    }
  }

  @Test
  void pivotedAttemptCertifiesWhenTheFirstMActiveRowsAreDeficient() {
    // n1 = m + 3 units, all active (bias 100 on a box of radius 1): |J| > m at every point. Row 1
    // equals row 0, so the first m active rows are rank m - 1 and their Gram fails; the whole W
    // has rank m and the pivoted attempt certifies it.
    SplittableRandom r = new SplittableRandom(21);
    int m = 9;
    int n1 = m + 3;
    double[] w = TestMatrices.gaussian(r, n1 * m);
    System.arraycopy(w, 0, w, m, m);
    double[] bias = new double[n1];
    java.util.Arrays.fill(bias, 100);
    Mlp full = new Mlp(new int[] {m, n1}, new double[][] {w}, new double[][] {bias},
        OutputActivation.IDENTITY);
    PointSampler box = new PointSampler.Box(-1, 1);
    RankEvaluator e = new RankEvaluator(full, 1, RankMethod.SVD, true, NumericalRank.Backend.JAVA);
    for (int i = 0; i < 20; i++) {
      RankEvaluator.Result res = e.evaluate(box.sample(4, 0, i, m));
      assertEquals(n1, res.sizes()[0]);
      assertEquals(m, res.ranks()[0]);
    }
    assertArrayEquals(new long[] {20, 20}, e.pivotedCounts());
    assertEquals(0, e.factorisedCount());
    assertSameWithAndWithoutCertificate(full, box, 20, "duplicate first rows");

    // W = B C with inner dimension m - 1, so every row subset has rank <= m - 1: the pivoted
    // attempt runs at every point and must refuse; the ranks come from the SVD.
    double[] bm = TestMatrices.gaussian(r, n1 * (m - 1));
    double[] cm = TestMatrices.gaussian(r, (m - 1) * m);
    double[] low = new double[n1 * m];
    for (int i = 0; i < n1; i++) {
      for (int j = 0; j < m; j++) {
        for (int t = 0; t < m - 1; t++) {
          low[i * m + j] += bm[i * (m - 1) + t] * cm[t * m + j];
        }
      }
    }
    Mlp deficient = new Mlp(new int[] {m, n1}, new double[][] {low}, new double[][] {bias},
        OutputActivation.IDENTITY);
    e = new RankEvaluator(deficient, 1, RankMethod.SVD, true, NumericalRank.Backend.JAVA);
    for (int i = 0; i < 20; i++) {
      assertEquals(m - 1, e.evaluate(box.sample(4, 0, i, m)).ranks()[0]);
    }
    assertArrayEquals(new long[] {20, 0}, e.pivotedCounts());
    assertEquals(20, e.factorisedCount());
    assertSameWithAndWithoutCertificate(deficient, box, 20, "rank m - 1");
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
    int[][] shapes = {{10, 5}, {10, 10}, {10, 25}, {5, 40}, {25, 25}, {12, 30}};
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
