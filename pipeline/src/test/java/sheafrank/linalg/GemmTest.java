package sheafrank.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GemmTest {
  /** Entries spread over many binades, with exact zeros and negative zeros mixed in. */
  private static double[] values(SplittableRandom r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(20);
      v[i] = kind == 0 ? 0.0 : kind == 1 ? -0.0 : r.nextGaussian() * Math.exp(3 * r.nextGaussian());
    }
    return v;
  }

  /** The contract, literally: one fused-multiply-add chain per output, p = 0..k-1 in order. */
  private static void reference(boolean ta, boolean tb, int m, int n, int k, double[] a, int aOff,
      int lda, double[] b, int bOff, int ldb, boolean acc, double[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double t = acc ? c[cOff + i * ldc + j] : 0.0;
        for (int p = 0; p < k; p++) {
          double x = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          double y = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          t = Math.fma(x, y, t);
        }
        c[cOff + i * ldc + j] = t;
      }
    }
  }

  private interface Impl {
    void run(boolean ta, boolean tb, int m, int n, int k, double[] a, int aOff, int lda,
        double[] b, int bOff, int ldb, boolean acc, double[] c, int cOff, int ldc);
  }

  /**
   * Runs the reference and every given implementation on one case (with offsets and padded
   * leading dimensions) and asserts identical bits everywhere in C, padding included.
   */
  private static void check(SplittableRandom r, boolean ta, boolean tb, int m, int n, int k,
      boolean acc, Impl... impls) {
    int aRows = ta ? k : m;
    int aCols = ta ? m : k;
    int bRows = tb ? n : k;
    int bCols = tb ? k : n;
    int lda = aCols + r.nextInt(3);
    int ldb = bCols + r.nextInt(3);
    int ldc = n + r.nextInt(3);
    lda = Math.max(1, lda);
    ldb = Math.max(1, ldb);
    ldc = Math.max(1, ldc);
    int aOff = r.nextInt(4);
    int bOff = r.nextInt(4);
    int cOff = r.nextInt(4);
    double[] a = values(r, aOff + aRows * lda + 2);
    double[] b = values(r, bOff + bRows * ldb + 2);
    double[] c0 = values(r, cOff + m * ldc + 2);
    double[] want = c0.clone();
    reference(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, acc, want, cOff, ldc);
    for (Impl im : impls) {
      double[] got = c0.clone();
      im.run(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, acc, got, cOff, ldc);
      for (int q = 0; q < got.length; q++) {
        assertEquals(Double.doubleToRawLongBits(want[q]), Double.doubleToRawLongBits(got[q]),
            () -> "C entry " + "of m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb
                + " acc=" + acc);
      }
    }
  }

  private static final int[] SIZES = {0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 23, 31, 33};

  @Test
  void scalarKernelFollowsTheDocumentedOrder() {
    SplittableRandom r = new SplittableRandom(5);
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (int m : SIZES) {
          for (int n : new int[] {0, 1, 3, 4, 5, 9, 17}) {
            for (int k : new int[] {0, 1, 2, 7, 30}) {
              check(r, ta, tb, m, n, k, r.nextBoolean(), Gemm::scalarMultiply);
            }
          }
        }
      }
    }
  }

  @Test
  void vectorKernelGivesTheScalarBits() {
    assumeTrue(Gemm.vectorised(), "jdk.incubator.vector not in use in this JVM");
    SplittableRandom r = new SplittableRandom(7);
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (int m : SIZES) {
          for (int n : SIZES) {
            for (int k : new int[] {0, 1, 2, 5, 19}) {
              check(r, ta, tb, m, n, k, r.nextBoolean(), Gemm::vectorMultiply,
                  Gemm::scalarMultiply, Gemm::multiply);
            }
          }
        }
        // across the cache blocks of the inner index and of the columns, odd remainders
        check(r, ta, tb, 21, 37, VectorGemm.KC + 3, false, Gemm::vectorMultiply);
        check(r, ta, tb, 13, 2 * VectorGemm.NC + 35, 9, true, Gemm::vectorMultiply);
        check(r, ta, tb, 70, 64, 2 * VectorGemm.KC + 1, true, Gemm::vectorMultiply);
        check(r, ta, tb, 2 * VectorGemm.MC + 13, 20, 40, false, Gemm::vectorMultiply);
      }
    }
  }

  @Test
  void emptyInnerDimensionGivesZeroOrLeavesC() {
    double[] c = {1.5, -2.0, 3.0, 4.0};
    Gemm.multiply(false, false, 2, 2, 0, new double[0], 0, 1, new double[0], 0, 2, true, c, 0, 2);
    assertEquals(1.5, c[0]);
    assertEquals(4.0, c[3]);
    Gemm.multiply(false, false, 2, 2, 0, new double[0], 0, 1, new double[0], 0, 2, false, c, 0, 2);
    for (double v : c) {
      assertEquals(0L, Double.doubleToRawLongBits(v));
    }
  }

  /**
   * Forward error of a chain of k fused multiply-adds: |C - exact| <= gamma_k (|C0| + sum |a b|)
   * with gamma_k = k u / (1 - k u), u = 2^-53 (Higham, Accuracy and Stability, §3.1; each fma
   * rounds once). The exact value is computed with BigDecimal.
   */
  @Test
  void accurateAgainstExactArithmetic() {
    SplittableRandom r = new SplittableRandom(11);
    double u = Math.ulp(1.0) / 2;
    for (int k : new int[] {1, 8, 63, 130}) {
      int m = 5;
      int n = 19;
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          double[] a = values(r, m * k);
          double[] b = values(r, k * n);
          double[] c = values(r, m * n);
          double[] c0 = c.clone();
          Gemm.multiply(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, true, c, 0, n);
          double gamma = k * u / (1 - k * u);
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              BigDecimal exact = new BigDecimal(c0[i * n + j]);
              double mag = Math.abs(c0[i * n + j]);
              for (int p = 0; p < k; p++) {
                double x = ta ? a[p * m + i] : a[i * k + p];
                double y = tb ? b[j * k + p] : b[p * n + j];
                exact = exact.add(new BigDecimal(x).multiply(new BigDecimal(y)));
                mag += Math.abs(x * y);
              }
              double err = new BigDecimal(c[i * n + j]).subtract(exact).abs()
                  .round(MathContext.DECIMAL64).doubleValue();
              assertTrue(err <= gamma * mag * (1 + 1e-12),
                  "k=" + k + " entry (" + i + "," + j + "): error " + err + " > bound "
                      + gamma * mag);
            }
          }
        }
      }
    }
  }

  @Test
  void rejectsBadShapes() {
    double[] a = new double[6];
    double[] b = new double[6];
    double[] c = new double[4];
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.multiply(false, false, -1, 2, 3, a, 0, 3, b, 0, 2, false, c, 0, 2));
    // A is 2 x 3 but lda = 2
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.multiply(false, false, 2, 2, 3, a, 0, 2, b, 0, 2, false, c, 0, 2));
    // C too short for the offset
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.multiply(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, false, c, 1, 2));
    // B stored transposed is 2 x 3: ldb 3 fits, ldb 2 does not
    Gemm.multiply(false, true, 2, 2, 3, a, 0, 3, b, 0, 3, false, c, 0, 2);
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.multiply(false, true, 2, 2, 3, a, 0, 3, b, 0, 2, false, c, 0, 2));
  }
}
