package sheafrank.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchReductionsTest {
  private static double[] gaussian(SplittableRandom r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian() * Math.exp(4 * r.nextGaussian());
    }
    return v;
  }

  @Test
  void vectorAndScalarGiveIdenticalBits() {
    assumeTrue(BatchReductions.vectorised(), "jdk.incubator.vector not in use in this JVM");
    SplittableRandom r = new SplittableRandom(7);
    for (int n = 0; n <= 41; n++) {
      for (int[] shape : new int[][] {{1, 1}, {1, 31}, {30, 3}, {3, 2}, {5, 4}, {2, 9}, {4, 7}}) {
        check(r, shape[0], shape[1], n);
      }
    }
    check(r, 30, 3, 300);
    check(r, 1, 31, 300);
    check(r, 7, 11, 1003);
  }

  private static void check(SplittableRandom r, int nout, int np, int n) {
    double[][] a = new double[nout][];
    double[][] b = new double[np][];
    for (int i = 0; i < nout; i++) {
      a[i] = gaussian(r, n + 3); // longer rows: only the first n samples count
    }
    for (int j = 0; j < np; j++) {
      b[j] = gaussian(r, n + 3);
    }
    double[] gv = new double[nout * np];
    double[] gs = new double[nout * np];
    BatchReductions.vectorGram(a, nout, b, np, n, gv);
    BatchReductions.scalarGram(a, nout, b, np, n, gs);
    for (int k = 0; k < gv.length; k++) {
      assertEquals(Double.doubleToRawLongBits(gs[k]), Double.doubleToRawLongBits(gv[k]),
          "gram entry " + k + " of " + nout + "x" + np + ", n = " + n);
    }
    assertEquals(Double.doubleToRawLongBits(BatchReductions.scalarDot(a[0], b[0], n)),
        Double.doubleToRawLongBits(BatchReductions.vectorDot(a[0], b[0], n)), "dot, n = " + n);
  }

  /** The canonical order, spelled out on a case small enough to follow by hand. */
  @Test
  void orderIsTheDocumentedOne() {
    SplittableRandom r = new SplittableRandom(3);
    int n = 19;
    double[] a = gaussian(r, n);
    double[] b = gaussian(r, n);
    double[] l = new double[8];
    for (int s = 0; s < 16; s++) {
      l[s % 8] = Math.fma(a[s], b[s], l[s % 8]);
    }
    double t = ((l[0] + l[4]) + (l[1] + l[5])) + ((l[2] + l[6]) + (l[3] + l[7]));
    for (int s = 16; s < n; s++) {
      t = Math.fma(a[s], b[s], t);
    }
    assertEquals(t, BatchReductions.dot(a, b, n), 0.0);
    assertEquals(t, BatchReductions.scalarDot(a, b, n), 0.0);
  }

  /** Forward error of a sum of n products: at most about n eps sum |a_s b_s| (Higham, ch. 3). */
  @Test
  void accurateAgainstExactArithmetic() {
    SplittableRandom r = new SplittableRandom(11);
    for (int n : new int[] {1, 7, 8, 9, 64, 300, 1001}) {
      double[] a = gaussian(r, n);
      double[] b = gaussian(r, n);
      BigDecimal exact = BigDecimal.ZERO;
      double abs = 0;
      for (int s = 0; s < n; s++) {
        exact = exact.add(new BigDecimal(a[s]).multiply(new BigDecimal(b[s])));
        abs += Math.abs(a[s] * b[s]);
      }
      double err = Math.abs(BatchReductions.dot(a, b, n) - exact.round(MathContext.DECIMAL128).doubleValue());
      assertTrue(err <= (n + 2) * 0x1p-53 * abs, "n = " + n + ": error " + err + " vs bound " + (n * 0x1p-53 * abs));
    }
  }
}
