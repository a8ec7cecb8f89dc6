package sheafrank.rank;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FixedOrderKernels#mulAdd} on the Vector API: a register block of 8 (or 4) rows x 2 vectors of
 * outputs, each lane one output's fma chain over k in order (k split into blocks of {@link #KC}
 * that continue from the stored value, which changes no operation). Loaded only when the module is
 * resolved.
 */
final class FixedOrderVector {
  private FixedOrderVector() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** k per block: keeps a block of B rows in the L2 cache while the rows of A sweep over it. */
  static final int KC = 192;

  static void mulAdd(int p, int k, int q, double[] a, int aOff, int lda, double[] b, int bOff,
      int ldb, double[] c, int cOff, int ldc) {
    int w2 = 2 * L;
    for (int k0 = 0; k0 < k; k0 += KC) {
      int k1 = Math.min(k, k0 + KC);
      int i = 0;
      for (; i + 8 <= p; i += 8) {
        int ai = aOff + i * lda;
        int ci = cOff + i * ldc;
        int j = 0;
        for (; j + w2 <= q; j += w2) {
          block8x2(k0, k1, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc);
        }
        for (; j + L <= q; j += L) {
          block4x1(k0, k1, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc);
          block4x1(k0, k1, a, ai + 4 * lda, lda, b, bOff + j, ldb, c, ci + 4 * ldc + j, ldc);
        }
        if (j < q) {
          scalar(8, k0, k1, j, q, a, ai, lda, b, bOff, ldb, c, ci, ldc);
        }
      }
      for (; i + 4 <= p; i += 4) {
        int ai = aOff + i * lda;
        int ci = cOff + i * ldc;
        int j = 0;
        for (; j + w2 <= q; j += w2) {
          block4x2(k0, k1, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc);
        }
        for (; j + L <= q; j += L) {
          block4x1(k0, k1, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc);
        }
        if (j < q) {
          scalar(4, k0, k1, j, q, a, ai, lda, b, bOff, ldb, c, ci, ldc);
        }
      }
      for (; i < p; i++) {
        int ai = aOff + i * lda;
        int ci = cOff + i * ldc;
        int j = 0;
        for (; j + L <= q; j += L) {
          DoubleVector acc = DoubleVector.fromArray(S, c, ci + j);
          for (int t = k0; t < k1; t++) {
            acc = DoubleVector.fromArray(S, b, bOff + t * ldb + j)
                .fma(DoubleVector.broadcast(S, a[ai + t]), acc);
          }
          acc.intoArray(c, ci + j);
        }
        if (j < q) {
          scalar(1, k0, k1, j, q, a, ai, lda, b, bOff, ldb, c, ci, ldc);
        }
      }
    }
  }

  private static void scalar(int rows, int k0, int k1, int j0, int q, double[] a, int ai, int lda,
      double[] b, int bOff, int ldb, double[] c, int ci, int ldc) {
    for (int r = 0; r < rows; r++) {
      for (int j = j0; j < q; j++) {
        double s = c[ci + r * ldc + j];
        for (int t = k0; t < k1; t++) {
          s = Math.fma(a[ai + r * lda + t], b[bOff + t * ldb + j], s);
        }
        c[ci + r * ldc + j] = s;
      }
    }
  }

  private static void block8x2(int k0, int k1, double[] a, int ai, int lda, double[] b, int bj,
      int ldb, double[] c, int cj, int ldc) {
    DoubleVector x00 = DoubleVector.fromArray(S, c, cj + 0 * ldc);
    DoubleVector x01 = DoubleVector.fromArray(S, c, cj + 0 * ldc + L);
    DoubleVector x10 = DoubleVector.fromArray(S, c, cj + 1 * ldc);
    DoubleVector x11 = DoubleVector.fromArray(S, c, cj + 1 * ldc + L);
    DoubleVector x20 = DoubleVector.fromArray(S, c, cj + 2 * ldc);
    DoubleVector x21 = DoubleVector.fromArray(S, c, cj + 2 * ldc + L);
    DoubleVector x30 = DoubleVector.fromArray(S, c, cj + 3 * ldc);
    DoubleVector x31 = DoubleVector.fromArray(S, c, cj + 3 * ldc + L);
    DoubleVector x40 = DoubleVector.fromArray(S, c, cj + 4 * ldc);
    DoubleVector x41 = DoubleVector.fromArray(S, c, cj + 4 * ldc + L);
    DoubleVector x50 = DoubleVector.fromArray(S, c, cj + 5 * ldc);
    DoubleVector x51 = DoubleVector.fromArray(S, c, cj + 5 * ldc + L);
    DoubleVector x60 = DoubleVector.fromArray(S, c, cj + 6 * ldc);
    DoubleVector x61 = DoubleVector.fromArray(S, c, cj + 6 * ldc + L);
    DoubleVector x70 = DoubleVector.fromArray(S, c, cj + 7 * ldc);
    DoubleVector x71 = DoubleVector.fromArray(S, c, cj + 7 * ldc + L);
    for (int t = k0; t < k1; t++) {
      int bt = bj + t * ldb;
      DoubleVector b0 = DoubleVector.fromArray(S, b, bt);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bt + L);
      DoubleVector v;
      v = DoubleVector.broadcast(S, a[ai + 0 * lda + t]);
      x00 = b0.fma(v, x00);
      x01 = b1.fma(v, x01);
      v = DoubleVector.broadcast(S, a[ai + 1 * lda + t]);
      x10 = b0.fma(v, x10);
      x11 = b1.fma(v, x11);
      v = DoubleVector.broadcast(S, a[ai + 2 * lda + t]);
      x20 = b0.fma(v, x20);
      x21 = b1.fma(v, x21);
      v = DoubleVector.broadcast(S, a[ai + 3 * lda + t]);
      x30 = b0.fma(v, x30);
      x31 = b1.fma(v, x31);
      v = DoubleVector.broadcast(S, a[ai + 4 * lda + t]);
      x40 = b0.fma(v, x40);
      x41 = b1.fma(v, x41);
      v = DoubleVector.broadcast(S, a[ai + 5 * lda + t]);
      x50 = b0.fma(v, x50);
      x51 = b1.fma(v, x51);
      v = DoubleVector.broadcast(S, a[ai + 6 * lda + t]);
      x60 = b0.fma(v, x60);
      x61 = b1.fma(v, x61);
      v = DoubleVector.broadcast(S, a[ai + 7 * lda + t]);
      x70 = b0.fma(v, x70);
      x71 = b1.fma(v, x71);
    }
    x00.intoArray(c, cj + 0 * ldc);
    x01.intoArray(c, cj + 0 * ldc + L);
    x10.intoArray(c, cj + 1 * ldc);
    x11.intoArray(c, cj + 1 * ldc + L);
    x20.intoArray(c, cj + 2 * ldc);
    x21.intoArray(c, cj + 2 * ldc + L);
    x30.intoArray(c, cj + 3 * ldc);
    x31.intoArray(c, cj + 3 * ldc + L);
    x40.intoArray(c, cj + 4 * ldc);
    x41.intoArray(c, cj + 4 * ldc + L);
    x50.intoArray(c, cj + 5 * ldc);
    x51.intoArray(c, cj + 5 * ldc + L);
    x60.intoArray(c, cj + 6 * ldc);
    x61.intoArray(c, cj + 6 * ldc + L);
    x70.intoArray(c, cj + 7 * ldc);
    x71.intoArray(c, cj + 7 * ldc + L);
  }

  private static void block4x2(int k0, int k1, double[] a, int ai, int lda, double[] b, int bj,
      int ldb, double[] c, int cj, int ldc) {
    int c1 = cj + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    DoubleVector x00 = DoubleVector.fromArray(S, c, cj);
    DoubleVector x01 = DoubleVector.fromArray(S, c, cj + L);
    DoubleVector x10 = DoubleVector.fromArray(S, c, c1);
    DoubleVector x11 = DoubleVector.fromArray(S, c, c1 + L);
    DoubleVector x20 = DoubleVector.fromArray(S, c, c2);
    DoubleVector x21 = DoubleVector.fromArray(S, c, c2 + L);
    DoubleVector x30 = DoubleVector.fromArray(S, c, c3);
    DoubleVector x31 = DoubleVector.fromArray(S, c, c3 + L);
    int a1 = ai + lda;
    int a2 = a1 + lda;
    int a3 = a2 + lda;
    for (int t = k0; t < k1; t++) {
      int bt = bj + t * ldb;
      DoubleVector b0 = DoubleVector.fromArray(S, b, bt);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bt + L);
      DoubleVector v = DoubleVector.broadcast(S, a[ai + t]);
      x00 = b0.fma(v, x00);
      x01 = b1.fma(v, x01);
      v = DoubleVector.broadcast(S, a[a1 + t]);
      x10 = b0.fma(v, x10);
      x11 = b1.fma(v, x11);
      v = DoubleVector.broadcast(S, a[a2 + t]);
      x20 = b0.fma(v, x20);
      x21 = b1.fma(v, x21);
      v = DoubleVector.broadcast(S, a[a3 + t]);
      x30 = b0.fma(v, x30);
      x31 = b1.fma(v, x31);
    }
    x00.intoArray(c, cj);
    x01.intoArray(c, cj + L);
    x10.intoArray(c, c1);
    x11.intoArray(c, c1 + L);
    x20.intoArray(c, c2);
    x21.intoArray(c, c2 + L);
    x30.intoArray(c, c3);
    x31.intoArray(c, c3 + L);
  }

  private static void block4x1(int k0, int k1, double[] a, int ai, int lda, double[] b, int bj,
      int ldb, double[] c, int cj, int ldc) {
    int c1 = cj + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    DoubleVector x0 = DoubleVector.fromArray(S, c, cj);
    DoubleVector x1 = DoubleVector.fromArray(S, c, c1);
    DoubleVector x2 = DoubleVector.fromArray(S, c, c2);
    DoubleVector x3 = DoubleVector.fromArray(S, c, c3);
    int a1 = ai + lda;
    int a2 = a1 + lda;
    int a3 = a2 + lda;
    for (int t = k0; t < k1; t++) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, bj + t * ldb);
      x0 = b0.fma(DoubleVector.broadcast(S, a[ai + t]), x0);
      x1 = b0.fma(DoubleVector.broadcast(S, a[a1 + t]), x1);
      x2 = b0.fma(DoubleVector.broadcast(S, a[a2 + t]), x2);
      x3 = b0.fma(DoubleVector.broadcast(S, a[a3 + t]), x3);
    }
    x0.intoArray(c, cj);
    x1.intoArray(c, c1);
    x2.intoArray(c, c2);
    x3.intoArray(c, c3);
  }
}
