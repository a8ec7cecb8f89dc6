package sheafrank.linalg;

/**
 * General matrix product {@code C = op(A) op(B)} or {@code C += op(A) op(B)} on row-major
 * {@code double[]} with offsets and leading dimensions, whose result is the same bit for bit on
 * every machine, with or without the Vector API and never touching native BLAS.
 *
 * <p><b>The order (the contract).</b> Every output element is ONE sequential chain of fused
 * multiply-adds over the inner index in increasing order:
 *
 * <pre>
 *   t = accumulate ? C[i][j] : 0.0
 *   for p = 0 .. k-1:  t = fma(op(A)[i][p], op(B)[p][j], t)
 *   C[i][j] = t
 * </pre>
 *
 * Fused multiply-add is correctly rounded (IEEE 754), so {@code C[i][j]} is a function of the
 * inputs alone. The implementations below only reorganise <i>which outputs</i> are computed
 * together: vectors hold independent outputs (columns j), never partial sums of one output, and
 * when the inner index is cut into blocks the partial sum is stored in C exactly and resumed from
 * there, so neither the vector length, the blocking nor the packing can change a bit. With
 * {@code k = 0} the result is 0 (or C unchanged when accumulating).
 *
 * <p><b>Two implementations of that order.</b> With {@code jdk.incubator.vector} resolved and a CPU
 * with vectors of at least 256 bits (the switch {@link BatchReductions#vectorised()} also uses,
 * {@code -Dsheafrank.simd=off} turns both off), a register-blocked kernel keeps an 8 x (2 vectors)
 * tile of C in registers, broadcasts one element of A per row and fused-multiply-adds a row of B
 * into each accumulator ({@code VectorGemm}); otherwise a scalar kernel with {@link Math#fma} runs
 * the same chains. Tests assert identical bits for every shape class, offset and transpose.
 *
 * <p>Layouts: {@code A} is {@code m x k} ({@code transA == false}: element (i,p) at
 * {@code a[aOff + i*lda + p]}) or stored transposed as {@code k x m} ({@code transA}: at
 * {@code a[aOff + p*lda + i]}); {@code B} is {@code k x n} ({@code b[bOff + p*ldb + j]}) or stored
 * as {@code n x k} ({@code transB}: {@code b[bOff + j*ldb + p]}); {@code C} is {@code m x n} at
 * {@code c[cOff + i*ldc + j]}. C must not overlap A or B.
 */
public final class Gemm {
  private Gemm() {}

  /** Whether the Vector API kernel is in use (same switch as {@link BatchReductions}). */
  public static boolean vectorised() {
    return BatchReductions.vectorised();
  }

  /**
   * {@code C = op(A) op(B)} ({@code accumulate == false}) or {@code C += op(A) op(B)}, each element
   * one fused-multiply-add chain over p = 0..k-1 in order (class documentation).
   *
   * @throws IllegalArgumentException for negative sizes, leading dimensions too small for the
   *     shapes or arrays too short for the offsets and shapes
   */
  public static void multiply(boolean transA, boolean transB, int m, int n, int k, double[] a,
      int aOff, int lda, double[] b, int bOff, int ldb, boolean accumulate, double[] c, int cOff,
      int ldc) {
    check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (vectorised()) {
      VectorGemm.multiply(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff,
          ldc);
    } else {
      scalar(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
    }
  }

  /** The scalar implementation of {@link #multiply} (public for the equality tests). */
  public static void scalarMultiply(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, boolean accumulate, double[] c,
      int cOff, int ldc) {
    check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    scalar(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
  }

  /** The vector implementation of {@link #multiply}; throws if it is not available. */
  public static void vectorMultiply(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, boolean accumulate, double[] c,
      int cOff, int ldc) {
    if (!vectorised()) {
      throw new IllegalStateException("jdk.incubator.vector is not in use");
    }
    check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    VectorGemm.multiply(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff,
        ldc);
  }

  private static void check(boolean transA, boolean transB, int m, int n, int k, double[] a,
      int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException(
          "gemm sizes must be >= 0, got m=" + m + " n=" + n + " k=" + k);
    }
    operand("A", a, aOff, lda, transA ? k : m, transA ? m : k);
    operand("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
    operand("C", c, cOff, ldc, m, n);
  }

  /** A stored {@code rows x cols} row-major with leading dimension ld from offset off. */
  private static void operand(String name, double[] v, int off, int ld, int rows, int cols) {
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException("gemm: leading dimension of " + name + " is " + ld
          + ", must be >= max(1, " + cols + ") for its " + rows + " x " + cols + " storage");
    }
    if (rows == 0 || cols == 0) {
      return;
    }
    long last = off + (long) (rows - 1) * ld + cols;
    if (off < 0 || last > v.length) {
      throw new IllegalArgumentException("gemm: " + name + " (" + rows + " x " + cols + ", ld "
          + ld + ", offset " + off + ") needs " + last + " values, its array has " + v.length);
    }
  }

  /**
   * The scalar kernel: blocks of 4 x 4 outputs, sixteen independent chains advanced together over
   * p (enough of them to fill the fused-multiply-add pipeline), then the leftover rows and columns
   * one chain at a time. The order of each chain is the contract's.
   */
  private static void scalar(boolean transA, boolean transB, int m, int n, int k, double[] a,
      int aOff, int lda, double[] b, int bOff, int ldb, boolean accumulate, double[] c, int cOff,
      int ldc) {
    int rsA = transA ? 1 : lda;
    int csA = transA ? lda : 1;
    int rsB = transB ? 1 : ldb;
    int csB = transB ? ldb : 1;
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      int j = 0;
      for (; j + 4 <= n; j += 4) {
        scalarTile(k, a, aOff + i * rsA, rsA, csA, b, bOff + j * csB, rsB, csB, accumulate, c,
            cOff + i * ldc + j, ldc);
      }
      for (; j < n; j++) {
        for (int r = 0; r < 4; r++) {
          scalarChain(k, a, aOff + (i + r) * rsA, csA, b, bOff + j * csB, rsB, accumulate, c,
              cOff + (i + r) * ldc + j);
        }
      }
    }
    for (; i < m; i++) {
      for (int j = 0; j < n; j++) {
        scalarChain(k, a, aOff + i * rsA, csA, b, bOff + j * csB, rsB, accumulate, c,
            cOff + i * ldc + j);
      }
    }
  }

  private static void scalarChain(int k, double[] a, int ia, int csA, double[] b, int ib, int rsB,
      boolean accumulate, double[] c, int ic) {
    double t = accumulate ? c[ic] : 0.0;
    for (int p = 0; p < k; p++) {
      t = Math.fma(a[ia + p * csA], b[ib + p * rsB], t);
    }
    c[ic] = t;
  }

  private static void scalarTile(int k, double[] a, int ia, int rsA, int csA, double[] b, int ib,
      int rsB, int csB, boolean accumulate, double[] c, int ic, int ldc) {
    double c00 = 0;
    double c01 = 0;
    double c02 = 0;
    double c03 = 0;
    double c10 = 0;
    double c11 = 0;
    double c12 = 0;
    double c13 = 0;
    double c20 = 0;
    double c21 = 0;
    double c22 = 0;
    double c23 = 0;
    double c30 = 0;
    double c31 = 0;
    double c32 = 0;
    double c33 = 0;
    if (accumulate) {
      c00 = c[ic];
      c01 = c[ic + 1];
      c02 = c[ic + 2];
      c03 = c[ic + 3];
      c10 = c[ic + ldc];
      c11 = c[ic + ldc + 1];
      c12 = c[ic + ldc + 2];
      c13 = c[ic + ldc + 3];
      c20 = c[ic + 2 * ldc];
      c21 = c[ic + 2 * ldc + 1];
      c22 = c[ic + 2 * ldc + 2];
      c23 = c[ic + 2 * ldc + 3];
      c30 = c[ic + 3 * ldc];
      c31 = c[ic + 3 * ldc + 1];
      c32 = c[ic + 3 * ldc + 2];
      c33 = c[ic + 3 * ldc + 3];
    }
    for (int p = 0; p < k; p++) {
      int pa = ia + p * csA;
      int pb = ib + p * rsB;
      double b0 = b[pb];
      double b1 = b[pb + csB];
      double b2 = b[pb + 2 * csB];
      double b3 = b[pb + 3 * csB];
      double x = a[pa];
      c00 = Math.fma(x, b0, c00);
      c01 = Math.fma(x, b1, c01);
      c02 = Math.fma(x, b2, c02);
      c03 = Math.fma(x, b3, c03);
      x = a[pa + rsA];
      c10 = Math.fma(x, b0, c10);
      c11 = Math.fma(x, b1, c11);
      c12 = Math.fma(x, b2, c12);
      c13 = Math.fma(x, b3, c13);
      x = a[pa + 2 * rsA];
      c20 = Math.fma(x, b0, c20);
      c21 = Math.fma(x, b1, c21);
      c22 = Math.fma(x, b2, c22);
      c23 = Math.fma(x, b3, c23);
      x = a[pa + 3 * rsA];
      c30 = Math.fma(x, b0, c30);
      c31 = Math.fma(x, b1, c31);
      c32 = Math.fma(x, b2, c32);
      c33 = Math.fma(x, b3, c33);
    }
    c[ic] = c00;
    c[ic + 1] = c01;
    c[ic + 2] = c02;
    c[ic + 3] = c03;
    c[ic + ldc] = c10;
    c[ic + ldc + 1] = c11;
    c[ic + ldc + 2] = c12;
    c[ic + ldc + 3] = c13;
    c[ic + 2 * ldc] = c20;
    c[ic + 2 * ldc + 1] = c21;
    c[ic + 2 * ldc + 2] = c22;
    c[ic + 2 * ldc + 3] = c23;
    c[ic + 3 * ldc] = c30;
    c[ic + 3 * ldc + 1] = c31;
    c[ic + 3 * ldc + 2] = c32;
    c[ic + 3 * ldc + 3] = c33;
  }
}
