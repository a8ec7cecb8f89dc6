package sheafrank.linalg;

/**
 * Sums over a batch, {@code sum_s a[s] b[s]}, in one fixed order of operations that a SIMD unit
 * executes well and that every machine reproduces bit for bit.
 *
 * <p><b>The order.</b> Eight lane sums {@code l_k} (k = 0..7) run over the samples
 * {@code s = 8q + k} of the full blocks of eight, each a chain of fused multiply-adds in increasing
 * s; they are combined as {@code ((l0 + l4) + (l1 + l5)) + ((l2 + l6) + (l3 + l7))}; the remaining
 * {@code n mod 8} samples are then added to that sum by further fused multiply-adds in increasing
 * s. Fused multiply-add and addition are correctly rounded (IEEE 754), so the result is a function
 * of the inputs alone.
 *
 * <p><b>Two implementations of that order.</b> With the JDK's {@code jdk.incubator.vector} module
 * resolved ({@code --add-modules jdk.incubator.vector}, which the launcher, the build and the
 * documented spark-submit line pass) and a CPU with at least 256-bit vectors, the lanes live in two
 * 256-bit registers ({@link VectorReductions}); otherwise a scalar loop keeps eight accumulators.
 * Both give identical bits (tested), so tables do not depend on which executors had the module.
 * Java 17's auto-vectoriser never vectorises reductions, which is why this class exists: batch
 * reductions (the weight gradients of training) were the largest cost of the training kernels.
 */
public final class BatchReductions {
  private BatchReductions() {}

  /** Lanes of the canonical order. */
  public static final int LANES = 8;

  private static final boolean VECTOR = detect();

  private static boolean detect() {
    if ("off".equals(System.getProperty("sheafrank.simd"))) {
      return false;
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return false;
    }
    try {
      return VectorReductions.supported();
    } catch (LinkageError e) {
      return false;
    }
  }

  /**
   * Whether the vector implementation is in use (module resolved, CPU vectors of 256 bits or
   * more, and not switched off by {@code -Dsheafrank.simd=off}).
   */
  public static boolean vectorised() {
    return VECTOR;
  }

  /** {@code sum_{s < n} a[s] b[s]} in the canonical order. */
  public static double dot(double[] a, double[] b, int n) {
    return VECTOR ? VectorReductions.dot(a, b, n) : scalarDot(a, b, n);
  }

  /**
   * {@code g[i * np + j] = sum_{s < n} r[i][s] p[j][s]} for i < nout, j < np, every entry in the
   * canonical order (the batch-summed outer products of training: pass a row of ones as the last p
   * row to get the row sums in the same sweep).
   */
  public static void gram(double[][] r, int nout, double[][] p, int np, int n, double[] g) {
    gram(r, nout, p, np, n, g, 0);
  }

  /** {@link #gram} into {@code g[off + i * np + j]}. */
  public static void gram(double[][] r, int nout, double[][] p, int np, int n, double[] g,
      int off) {
    if (VECTOR) {
      VectorReductions.gram(r, nout, p, np, n, g, off);
    } else {
      scalarGram(r, nout, p, np, n, g, off);
    }
  }

  /** The scalar implementation of {@link #dot} (public for the equality tests). */
  public static double scalarDot(double[] a, double[] b, int n) {
    double l0 = 0;
    double l1 = 0;
    double l2 = 0;
    double l3 = 0;
    double l4 = 0;
    double l5 = 0;
    double l6 = 0;
    double l7 = 0;
    int s = 0;
    for (; s + LANES <= n; s += LANES) {
      l0 = Math.fma(a[s], b[s], l0);
      l1 = Math.fma(a[s + 1], b[s + 1], l1);
      l2 = Math.fma(a[s + 2], b[s + 2], l2);
      l3 = Math.fma(a[s + 3], b[s + 3], l3);
      l4 = Math.fma(a[s + 4], b[s + 4], l4);
      l5 = Math.fma(a[s + 5], b[s + 5], l5);
      l6 = Math.fma(a[s + 6], b[s + 6], l6);
      l7 = Math.fma(a[s + 7], b[s + 7], l7);
    }
    double t = ((l0 + l4) + (l1 + l5)) + ((l2 + l6) + (l3 + l7));
    for (; s < n; s++) {
      t = Math.fma(a[s], b[s], t);
    }
    return t;
  }

  /** The scalar implementation of {@link #gram} (public for the equality tests). */
  public static void scalarGram(double[][] r, int nout, double[][] p, int np, int n, double[] g) {
    scalarGram(r, nout, p, np, n, g, 0);
  }

  private static void scalarGram(double[][] r, int nout, double[][] p, int np, int n, double[] g,
      int off) {
    for (int i = 0; i < nout; i++) {
      for (int j = 0; j < np; j++) {
        g[off + i * np + j] = scalarDot(r[i], p[j], n);
      }
    }
  }

  /** The vector implementation of {@link #gram}; throws if it is not available. */
  public static void vectorGram(double[][] r, int nout, double[][] p, int np, int n, double[] g) {
    if (!VECTOR) {
      throw new IllegalStateException("jdk.incubator.vector is not in use");
    }
    VectorReductions.gram(r, nout, p, np, n, g, 0);
  }

  /** The vector implementation of {@link #dot}; throws if it is not available. */
  public static double vectorDot(double[] a, double[] b, int n) {
    if (!VECTOR) {
      throw new IllegalStateException("jdk.incubator.vector is not in use");
    }
    return VectorReductions.dot(a, b, n);
  }
}
