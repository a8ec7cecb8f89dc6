package sheafrank.linalg;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm}'s order on the Vector API; loaded only when the module is resolved.
 *
 * <p>The micro-kernels keep a tile of {@code mr} rows x {@code nv} vectors of C in registers (8 x 2
 * in the bulk: 16 accumulators), and per step p broadcast {@code A[i][p]} of each row and
 * fused-multiply-add it with the vectors of B's row p, so every lane is one output's chain over p
 * (the vector length, 4 or 8 doubles, only decides which outputs share a register). A plain A is
 * read in place through its row stride; a transposed A is packed, MC x KC at a time and read row
 * by row (which the hardware prefetches), into strips the kernels read contiguously. B's rows must
 * be contiguous, so a transposed B is copied once into a thread-local {@code k x n} buffer.
 *
 * <p>Cache blocking: the inner index is cut into blocks of {@link #KC} (between blocks every
 * partial sum waits in C, stored exactly), the rows into blocks of {@link #MC}, the columns into
 * blocks of {@link #NC}; inside, each 8-row strip of A meets every column tile of the block. A C
 * that does not accumulate is zeroed strip by strip just before its first block. Leftover rows use
 * the 4- and 1-row kernels, leftover columns a 1-vector kernel and then scalar chains. The block
 * sizes can be tuned ({@code -Dsheafrank.gemm.kc|mc|nc}) without changing a bit of any result.
 */
final class VectorGemm {
  private VectorGemm() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Block of the inner index (an 8-row strip of A, 8 KC doubles, stays in L1). */
  static final int KC = Math.max(8, Integer.getInteger("sheafrank.gemm.kc", 256));

  /** Block of the rows (a packed transposed A of MC x KC doubles stays in L2). */
  static final int MC = Math.max(8, Integer.getInteger("sheafrank.gemm.mc", 256) / 8 * 8);

  /** Block of the columns, a multiple of two vectors (a KC x NC block of B stays in L2). */
  static final int NC =
      Math.max(2 * L, Integer.getInteger("sheafrank.gemm.nc", 512) / (2 * L) * (2 * L));

  private static final ThreadLocal<double[]> PACK = ThreadLocal.withInitial(() -> new double[0]);
  private static final ThreadLocal<double[]> PACK_A =
      ThreadLocal.withInitial(() -> new double[MC * KC]);

  static void multiply(boolean transA, boolean transB, int m, int n, int k, double[] a, int aOff,
      int lda, double[] b, int bOff, int ldb, boolean accumulate, double[] c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      if (!accumulate) {
        zero(c, cOff, ldc, 0, m, 0, n);
      }
      return;
    }
    if (transB) {
      double[] t = PACK.get();
      if (t.length < k * n) {
        t = new double[k * n];
        PACK.set(t);
      }
      for (int j = 0; j < n; j++) {
        int src = bOff + j * ldb;
        for (int p = 0; p < k; p++) {
          t[p * n + j] = b[src + p];
        }
      }
      b = t;
      bOff = 0;
      ldb = n;
    }
    double[] ap = transA ? PACK_A.get() : null;
    int rsA = transA ? 1 : lda;
    int csA = transA ? lda : 1;
    for (int p0 = 0; p0 < k; p0 += KC) {
      int kb = Math.min(KC, k - p0);
      int ia = aOff + p0 * csA;
      int ib = bOff + p0 * ldb;
      // chains that start from 0 start from a zeroed C, zeroed strip by strip while it is hot
      boolean fresh = !accumulate && p0 == 0;
      for (int i0 = 0; i0 < m; i0 += MC) {
        int i1 = Math.min(m, i0 + MC);
        if (transA) {
          packA(a, ia + i0, lda, kb, i1 - i0, ap);
        }
        for (int j0 = 0; j0 < n; j0 += NC) {
          int j1 = Math.min(n, j0 + NC);
          for (int i = i0; i < i1; ) {
            int mr = height(i1 - i);
            if (fresh) {
              zero(c, cOff, ldc, i, i + mr, j0, j1);
            }
            if (transA) {
              strip(mr, kb, ap, (i - i0) * kb, 1, mr, b, ib, ldb, c, cOff + i * ldc, ldc, j0, j1);
            } else {
              strip(mr, kb, a, ia + i * rsA, rsA, csA, b, ib, ldb, c, cOff + i * ldc, ldc, j0, j1);
            }
            i += mr;
          }
        }
      }
    }
  }

  /** Height of the next strip when {@code left} rows remain: 8, then 4, then 1. */
  private static int height(int left) {
    return left >= 8 ? 8 : left >= 4 ? 4 : 1;
  }

  /**
   * Copies the kb x mb block of a transposed A (rows p at {@code ia + p * lda}, mb contiguous
   * values each, read row by row so the hardware prefetches them) into strips: the strip of
   * height mr starting at row r0 holds element (r0 + r, p) at {@code ap[r0 * kb + p * mr + r]}.
   */
  private static void packA(double[] a, int ia, int lda, int kb, int mb, double[] ap) {
    for (int p = 0; p < kb; p++) {
      int src = ia + p * lda;
      for (int r0 = 0; r0 < mb; ) {
        int mr = height(mb - r0);
        int dst = r0 * kb + p * mr;
        for (int r = 0; r < mr; r++) {
          ap[dst + r] = a[src + r0 + r];
        }
        r0 += mr;
      }
    }
  }

  private static void zero(double[] c, int cOff, int ldc, int i0, int i1, int j0, int j1) {
    for (int i = i0; i < i1; i++) {
      Arrays.fill(c, cOff + i * ldc + j0, cOff + i * ldc + j1, 0.0);
    }
  }

  /** Rows [0, mr) of the strip at ia / ic, columns [j0, j1), inner steps [0, kb). */
  private static void strip(int mr, int kb, double[] a, int ia, int rsA, int csA, double[] b,
      int ib, int ldb, double[] c, int ic, int ldc, int j0, int j1) {
    int j = j0;
    for (; j + 2 * L <= j1; j += 2 * L) {
      switch (mr) {
        case 8 -> k8x2(kb, a, ia, rsA, csA, b, ib + j, ldb, c, ic + j, ldc);
        case 4 -> k4x2(kb, a, ia, rsA, csA, b, ib + j, ldb, c, ic + j, ldc);
        default -> k1x2(kb, a, ia, rsA, csA, b, ib + j, ldb, c, ic + j, ldc);
      }
    }
    if (j + L <= j1) {
      switch (mr) {
        case 8 -> k8x1(kb, a, ia, rsA, csA, b, ib + j, ldb, c, ic + j, ldc);
        case 4 -> k4x1(kb, a, ia, rsA, csA, b, ib + j, ldb, c, ic + j, ldc);
        default -> k1x1(kb, a, ia, rsA, csA, b, ib + j, ldb, c, ic + j, ldc);
      }
      j += L;
    }
    for (; j < j1; j++) {
      for (int r = 0; r < mr; r++) {
        int ir = ia + r * rsA;
        int at = ic + r * ldc + j;
        double t = c[at];
        for (int p = 0; p < kb; p++) {
          t = Math.fma(a[ir + p * csA], b[ib + p * ldb + j], t);
        }
        c[at] = t;
      }
    }
  }

  /** C[8 rows][2 vector(s)] at ic += sum over kb steps of A column times B row. */
  private static void k8x2(int kb, double[] a, int ia, int rsA, int csA, double[] b, int ib,
      int ldb, double[] c, int ic, int ldc) {
    int r0 = ic;
    int r1 = ic + ldc;
    int r2 = ic + 2 * ldc;
    int r3 = ic + 3 * ldc;
    int r4 = ic + 4 * ldc;
    int r5 = ic + 5 * ldc;
    int r6 = ic + 6 * ldc;
    int r7 = ic + 7 * ldc;
    DoubleVector c00 = DoubleVector.fromArray(S, c, r0);
    DoubleVector c01 = DoubleVector.fromArray(S, c, r0 + L);
    DoubleVector c10 = DoubleVector.fromArray(S, c, r1);
    DoubleVector c11 = DoubleVector.fromArray(S, c, r1 + L);
    DoubleVector c20 = DoubleVector.fromArray(S, c, r2);
    DoubleVector c21 = DoubleVector.fromArray(S, c, r2 + L);
    DoubleVector c30 = DoubleVector.fromArray(S, c, r3);
    DoubleVector c31 = DoubleVector.fromArray(S, c, r3 + L);
    DoubleVector c40 = DoubleVector.fromArray(S, c, r4);
    DoubleVector c41 = DoubleVector.fromArray(S, c, r4 + L);
    DoubleVector c50 = DoubleVector.fromArray(S, c, r5);
    DoubleVector c51 = DoubleVector.fromArray(S, c, r5 + L);
    DoubleVector c60 = DoubleVector.fromArray(S, c, r6);
    DoubleVector c61 = DoubleVector.fromArray(S, c, r6 + L);
    DoubleVector c70 = DoubleVector.fromArray(S, c, r7);
    DoubleVector c71 = DoubleVector.fromArray(S, c, r7 + L);
    for (int p = 0; p < kb; p++, ia += csA, ib += ldb) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, ib);
      DoubleVector b1 = DoubleVector.fromArray(S, b, ib + L);
      DoubleVector x0 = DoubleVector.broadcast(S, a[ia]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      DoubleVector x1 = DoubleVector.broadcast(S, a[ia + rsA]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      DoubleVector x2 = DoubleVector.broadcast(S, a[ia + 2 * rsA]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      DoubleVector x3 = DoubleVector.broadcast(S, a[ia + 3 * rsA]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      DoubleVector x4 = DoubleVector.broadcast(S, a[ia + 4 * rsA]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      DoubleVector x5 = DoubleVector.broadcast(S, a[ia + 5 * rsA]);
      c50 = x5.fma(b0, c50);
      c51 = x5.fma(b1, c51);
      DoubleVector x6 = DoubleVector.broadcast(S, a[ia + 6 * rsA]);
      c60 = x6.fma(b0, c60);
      c61 = x6.fma(b1, c61);
      DoubleVector x7 = DoubleVector.broadcast(S, a[ia + 7 * rsA]);
      c70 = x7.fma(b0, c70);
      c71 = x7.fma(b1, c71);
    }
    c00.intoArray(c, r0);
    c01.intoArray(c, r0 + L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c30.intoArray(c, r3);
    c31.intoArray(c, r3 + L);
    c40.intoArray(c, r4);
    c41.intoArray(c, r4 + L);
    c50.intoArray(c, r5);
    c51.intoArray(c, r5 + L);
    c60.intoArray(c, r6);
    c61.intoArray(c, r6 + L);
    c70.intoArray(c, r7);
    c71.intoArray(c, r7 + L);
  }

  /** C[8 rows][1 vector(s)] at ic += sum over kb steps of A column times B row. */
  private static void k8x1(int kb, double[] a, int ia, int rsA, int csA, double[] b, int ib,
      int ldb, double[] c, int ic, int ldc) {
    int r0 = ic;
    int r1 = ic + ldc;
    int r2 = ic + 2 * ldc;
    int r3 = ic + 3 * ldc;
    int r4 = ic + 4 * ldc;
    int r5 = ic + 5 * ldc;
    int r6 = ic + 6 * ldc;
    int r7 = ic + 7 * ldc;
    DoubleVector c00 = DoubleVector.fromArray(S, c, r0);
    DoubleVector c10 = DoubleVector.fromArray(S, c, r1);
    DoubleVector c20 = DoubleVector.fromArray(S, c, r2);
    DoubleVector c30 = DoubleVector.fromArray(S, c, r3);
    DoubleVector c40 = DoubleVector.fromArray(S, c, r4);
    DoubleVector c50 = DoubleVector.fromArray(S, c, r5);
    DoubleVector c60 = DoubleVector.fromArray(S, c, r6);
    DoubleVector c70 = DoubleVector.fromArray(S, c, r7);
    for (int p = 0; p < kb; p++, ia += csA, ib += ldb) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, ib);
      DoubleVector x0 = DoubleVector.broadcast(S, a[ia]);
      c00 = x0.fma(b0, c00);
      DoubleVector x1 = DoubleVector.broadcast(S, a[ia + rsA]);
      c10 = x1.fma(b0, c10);
      DoubleVector x2 = DoubleVector.broadcast(S, a[ia + 2 * rsA]);
      c20 = x2.fma(b0, c20);
      DoubleVector x3 = DoubleVector.broadcast(S, a[ia + 3 * rsA]);
      c30 = x3.fma(b0, c30);
      DoubleVector x4 = DoubleVector.broadcast(S, a[ia + 4 * rsA]);
      c40 = x4.fma(b0, c40);
      DoubleVector x5 = DoubleVector.broadcast(S, a[ia + 5 * rsA]);
      c50 = x5.fma(b0, c50);
      DoubleVector x6 = DoubleVector.broadcast(S, a[ia + 6 * rsA]);
      c60 = x6.fma(b0, c60);
      DoubleVector x7 = DoubleVector.broadcast(S, a[ia + 7 * rsA]);
      c70 = x7.fma(b0, c70);
    }
    c00.intoArray(c, r0);
    c10.intoArray(c, r1);
    c20.intoArray(c, r2);
    c30.intoArray(c, r3);
    c40.intoArray(c, r4);
    c50.intoArray(c, r5);
    c60.intoArray(c, r6);
    c70.intoArray(c, r7);
  }

  /** C[4 rows][2 vector(s)] at ic += sum over kb steps of A column times B row. */
  private static void k4x2(int kb, double[] a, int ia, int rsA, int csA, double[] b, int ib,
      int ldb, double[] c, int ic, int ldc) {
    int r0 = ic;
    int r1 = ic + ldc;
    int r2 = ic + 2 * ldc;
    int r3 = ic + 3 * ldc;
    DoubleVector c00 = DoubleVector.fromArray(S, c, r0);
    DoubleVector c01 = DoubleVector.fromArray(S, c, r0 + L);
    DoubleVector c10 = DoubleVector.fromArray(S, c, r1);
    DoubleVector c11 = DoubleVector.fromArray(S, c, r1 + L);
    DoubleVector c20 = DoubleVector.fromArray(S, c, r2);
    DoubleVector c21 = DoubleVector.fromArray(S, c, r2 + L);
    DoubleVector c30 = DoubleVector.fromArray(S, c, r3);
    DoubleVector c31 = DoubleVector.fromArray(S, c, r3 + L);
    for (int p = 0; p < kb; p++, ia += csA, ib += ldb) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, ib);
      DoubleVector b1 = DoubleVector.fromArray(S, b, ib + L);
      DoubleVector x0 = DoubleVector.broadcast(S, a[ia]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      DoubleVector x1 = DoubleVector.broadcast(S, a[ia + rsA]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      DoubleVector x2 = DoubleVector.broadcast(S, a[ia + 2 * rsA]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      DoubleVector x3 = DoubleVector.broadcast(S, a[ia + 3 * rsA]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
    }
    c00.intoArray(c, r0);
    c01.intoArray(c, r0 + L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c30.intoArray(c, r3);
    c31.intoArray(c, r3 + L);
  }

  /** C[4 rows][1 vector(s)] at ic += sum over kb steps of A column times B row. */
  private static void k4x1(int kb, double[] a, int ia, int rsA, int csA, double[] b, int ib,
      int ldb, double[] c, int ic, int ldc) {
    int r0 = ic;
    int r1 = ic + ldc;
    int r2 = ic + 2 * ldc;
    int r3 = ic + 3 * ldc;
    DoubleVector c00 = DoubleVector.fromArray(S, c, r0);
    DoubleVector c10 = DoubleVector.fromArray(S, c, r1);
    DoubleVector c20 = DoubleVector.fromArray(S, c, r2);
    DoubleVector c30 = DoubleVector.fromArray(S, c, r3);
    for (int p = 0; p < kb; p++, ia += csA, ib += ldb) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, ib);
      DoubleVector x0 = DoubleVector.broadcast(S, a[ia]);
      c00 = x0.fma(b0, c00);
      DoubleVector x1 = DoubleVector.broadcast(S, a[ia + rsA]);
      c10 = x1.fma(b0, c10);
      DoubleVector x2 = DoubleVector.broadcast(S, a[ia + 2 * rsA]);
      c20 = x2.fma(b0, c20);
      DoubleVector x3 = DoubleVector.broadcast(S, a[ia + 3 * rsA]);
      c30 = x3.fma(b0, c30);
    }
    c00.intoArray(c, r0);
    c10.intoArray(c, r1);
    c20.intoArray(c, r2);
    c30.intoArray(c, r3);
  }

  /** C[1 rows][2 vector(s)] at ic += sum over kb steps of A column times B row. */
  private static void k1x2(int kb, double[] a, int ia, int rsA, int csA, double[] b, int ib,
      int ldb, double[] c, int ic, int ldc) {
    int r0 = ic;
    DoubleVector c00 = DoubleVector.fromArray(S, c, r0);
    DoubleVector c01 = DoubleVector.fromArray(S, c, r0 + L);
    for (int p = 0; p < kb; p++, ia += csA, ib += ldb) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, ib);
      DoubleVector b1 = DoubleVector.fromArray(S, b, ib + L);
      DoubleVector x0 = DoubleVector.broadcast(S, a[ia]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
    }
    c00.intoArray(c, r0);
    c01.intoArray(c, r0 + L);
  }

  /** C[1 rows][1 vector(s)] at ic += sum over kb steps of A column times B row. */
  private static void k1x1(int kb, double[] a, int ia, int rsA, int csA, double[] b, int ib,
      int ldb, double[] c, int ic, int ldc) {
    int r0 = ic;
    DoubleVector c00 = DoubleVector.fromArray(S, c, r0);
    for (int p = 0; p < kb; p++, ia += csA, ib += ldb) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, ib);
      DoubleVector x0 = DoubleVector.broadcast(S, a[ia]);
      c00 = x0.fma(b0, c00);
    }
    c00.intoArray(c, r0);
  }
}
