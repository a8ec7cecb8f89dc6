package sheafrank.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NumericalRankTest {
  private NumericalRank kernel = new NumericalRank(NumericalRank.Backend.JAVA);

  /** Ranks by both methods (each on its own copy), asserted equal; returns the common rank. */
  private int bothRanks(double[] a, int p, int q) {
    double rtol = NumericalRank.numpyRtol(p, q);
    int svd = kernel.rankSvd(a.clone(), p, q, rtol);
    int qr = kernel.rankQr(a.clone(), p, q, rtol);
    assertEquals(svd, qr, () -> "SVD and QR ranks differ for " + p + "x" + q);
    return svd;
  }

  /** Row-major literal to column-major. */
  private static double[] rows(int p, int q, double... rowMajor) {
    return TestMatrices.transpose(rowMajor, q, p);
  }

  @Test
  void handComputedSmallExamples() {
    assertEquals(0, bothRanks(rows(1, 1, 0.0), 1, 1));
    assertEquals(1, bothRanks(rows(1, 1, -3.0), 1, 1));
    assertEquals(0, bothRanks(new double[12], 3, 4));
    assertEquals(1, bothRanks(rows(2, 2, 1, 2, 2, 4), 2, 2));
    assertEquals(2, bothRanks(rows(2, 2, 1, 2, 3, 4), 2, 2));
    assertEquals(3, bothRanks(rows(3, 3, 1, 0, 0, 0, 1, 0, 0, 0, 1), 3, 3));
    // rows 1,2,3 / 4,5,6 / 7,8,9: row3 = 2 row2 - row1.
    assertEquals(2, bothRanks(rows(3, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9), 3, 3));
    // wide and tall: rank limited by the short side, or by dependence.
    assertEquals(2, bothRanks(rows(2, 4, 1, 0, 2, 0, 0, 1, 0, 3), 2, 4));
    assertEquals(1, bothRanks(rows(4, 2, 1, -1, 2, -2, -3, 3, 0, 0), 4, 2));
    // 1e-20 perturbation of a rank-1 matrix is below tolerance; 1e-8 is not.
    assertEquals(1, bothRanks(rows(2, 2, 1, 1, 1, 1 + 1e-20), 2, 2));
    assertEquals(2, bothRanks(rows(2, 2, 1, 1, 1, 1 + 1e-8), 2, 2));
    // A single row or column: rank 1 unless zero.
    assertEquals(1, bothRanks(rows(1, 5, 0, 0, 0, 1e-300, 0), 1, 5));
    assertEquals(0, bothRanks(new double[5], 5, 1));
  }

  @Test
  void zeroSizedMatricesHaveRankZero() {
    assertEquals(0, kernel.rankQr(new double[0], 0, 5, 1e-15));
    assertEquals(0, kernel.rankSvd(new double[0], 3, 0, 1e-15));
  }

  @Test
  void agreeWithLapackOnRandomMatrices() {
    SplittableRandom r = new SplittableRandom(1);
    int[] dims = {1, 2, 3, 5, 8, 13, 40};
    for (int p : dims) {
      for (int q : dims) {
        double[] a = TestMatrices.gaussian(r, p * q);
        int expected = TestMatrices.numpyRank(a, p, q);
        assertEquals(Math.min(p, q), expected);
        assertEquals(expected, bothRanks(a, p, q), p + "x" + q);
      }
    }
  }

  @Test
  void lowRankProductsHaveTheirInnerDimension() {
    SplittableRandom r = new SplittableRandom(2);
    int[][] shapes = {{10, 10}, {30, 12}, {12, 30}, {50, 50}, {7, 100}};
    for (int[] s : shapes) {
      int p = s[0];
      int q = s[1];
      for (int inner = 0; inner <= Math.min(p, q); inner += Math.max(1, Math.min(p, q) / 5)) {
        double[] b = TestMatrices.gaussian(r, p * inner);
        double[] c = TestMatrices.gaussian(r, inner * q);
        double[] a = TestMatrices.multiply(b, p, inner, c, q);
        assertEquals(inner, TestMatrices.numpyRank(a, p, q), "oracle");
        assertEquals(inner, bothRanks(a, p, q), p + "x" + q + " = B C with inner " + inner);
      }
    }
  }

  @Test
  void nearlyDeficientMatricesKeepOnlySingularValuesAboveTolerance() {
    SplittableRandom r = new SplittableRandom(3);
    // tolerance is sigma_max * 20 * 2.2e-16 ~ 4.4e-15: 1e-10 counts, 1e-18 and 1e-25 do not.
    double[] sigma = {1, 0.5, 1e-3, 1e-6, 1e-10, 1e-18, 1e-25, 0};
    for (int[] s : new int[][] {{20, 8}, {8, 20}, {12, 12}}) {
      double[] sv = Arrays.copyOf(sigma, Math.min(s[0], s[1]));
      double[] a = TestMatrices.withSingularValues(r, s[0], s[1], sv);
      assertEquals(5, TestMatrices.numpyRank(a, s[0], s[1]), "oracle");
      assertEquals(5, bothRanks(a, s[0], s[1]), s[0] + "x" + s[1]);
    }
    // Scale invariance, including magnitudes whose squares under/overflow.
    for (double scale : new double[] {1e-160, 1e-40, 1e40, 1e160}) {
      double[] a = TestMatrices.withSingularValues(r, 15, 9, Arrays.copyOf(sigma, 8));
      for (int i = 0; i < a.length; i++) {
        a[i] *= scale;
      }
      assertEquals(5, bothRanks(a, 15, 9), "scaled by " + scale);
    }
  }

  @Test
  void toleranceIsRelativeToTheLargestSingularValue() {
    SplittableRandom r = new SplittableRandom(4);
    double[] a = TestMatrices.withSingularValues(r, 6, 6, new double[] {1, 1, 1, 1, 1, 1e-9});
    assertEquals(6, kernel.rankSvd(a.clone(), 6, 6, 1e-10));
    assertEquals(5, kernel.rankSvd(a.clone(), 6, 6, 1e-8));
    assertEquals(6, kernel.rankQr(a.clone(), 6, 6, 1e-10));
    assertEquals(5, kernel.rankQr(a.clone(), 6, 6, 1e-8));
  }

  @Test
  void singularValuesMatchLapack() {
    SplittableRandom r = new SplittableRandom(5);
    for (int[] s : new int[][] {{9, 4}, {4, 9}, {16, 16}, {30, 7}}) {
      double[] a = TestMatrices.gaussian(r, s[0] * s[1]);
      double[] expected = TestMatrices.lapackSingularValues(a, s[0], s[1]);
      double[] got = kernel.singularValues(a.clone(), s[0], s[1]);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], got[i], 1e-13 * expected[0], "sigma_" + i);
      }
    }
  }

  @Test
  void qrStopsEarlyOnDeficientMatricesAndNeverExceedsTheShortSide() {
    SplittableRandom r = new SplittableRandom(6);
    for (int trial = 0; trial < 50; trial++) {
      int p = 1 + r.nextInt(12);
      int q = 1 + r.nextInt(12);
      int inner = r.nextInt(Math.min(p, q) + 1);
      double[] a = TestMatrices.multiply(TestMatrices.gaussian(r, p * inner), p, inner, TestMatrices.gaussian(r, inner * q), q);
      int rank = bothRanks(a, p, q);
      assertEquals(inner, rank);
      assertTrue(rank <= Math.min(p, q));
    }
  }

  @Test
  void lapackBackendGivesTheSameRanks() {
    // Whatever netlib picked here (native or its Java translation), same rules, same ranks.
    kernel = new NumericalRank(NumericalRank.Backend.LAPACK);
    agreeWithLapackOnRandomMatrices();
    lowRankProductsHaveTheirInnerDimension();
    nearlyDeficientMatricesKeepOnlySingularValuesAboveTolerance();
    handComputedSmallExamples();
    toleranceIsRelativeToTheLargestSingularValue();
  }

  @Test
  void defaultBackendIsTheMachineIndependentJavaOne() {
    NumericalRank dflt = new NumericalRank();
    assertEquals(NumericalRank.Backend.JAVA, dflt.backend());
    assertEquals(1, dflt.rankQr(rows(2, 2, 1, 2, 2, 4), 2, 2, 1e-15));
    assertEquals(
        NumericalRank.lapackIsNative(),
        NumericalRank.lapackImplementation().contains("JNI"));
  }

  @Test
  void rejectsShortBuffers() {
    assertThrows(IllegalArgumentException.class, () -> kernel.rankQr(new double[5], 2, 3, 1e-15));
    assertThrows(IllegalArgumentException.class, () -> kernel.rankSvd(new double[5], 3, 2, 1e-15));
  }
}
