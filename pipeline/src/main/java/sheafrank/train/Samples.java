package sheafrank.train;

/**
 * A set of (input, target) pairs, row-major: sample {@code s} has input
 * {@code x[s*inDim .. (s+1)*inDim)} and target {@code y[s*outDim .. (s+1)*outDim)}. The arrays are
 * not copied; nothing in this package mutates them.
 */
public record Samples(double[] x, double[] y, int n, int inDim, int outDim) {
  public Samples {
    if (n < 1) {
      throw new IllegalArgumentException("a sample set needs at least one sample, got n = " + n);
    }
    if (inDim < 1 || outDim < 1) {
      throw new IllegalArgumentException(
          "input and target dimensions must be positive, got " + inDim + " and " + outDim);
    }
    if (x.length != n * inDim || y.length != n * outDim) {
      throw new IllegalArgumentException(
          "sample arrays have " + x.length + " and " + y.length + " values; " + n + " samples of "
              + inDim + " inputs and " + outDim + " targets need " + n * inDim + " and "
              + n * outDim);
    }
    checkFinite(x, inDim, "input");
    checkFinite(y, outDim, "target");
  }

  private static void checkFinite(double[] v, int d, String what) {
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalArgumentException(
            what + " " + (i % d) + " of sample " + (i / d) + " is not finite: " + v[i]);
      }
    }
  }

  /** Input k of sample s. */
  public double x(int s, int k) {
    return x[s * inDim + k];
  }

  /** Target k of sample s. */
  public double y(int s, int k) {
    return y[s * outDim + k];
  }

  /** The inputs as rows over the samples ("structure of arrays"): {@code out[k*n + s]}. */
  public double[] xRows() {
    return transpose(x, n, inDim);
  }

  /** The targets as rows over the samples: {@code out[k*n + s]}. */
  public double[] yRows() {
    return transpose(y, n, outDim);
  }

  static double[] transpose(double[] v, int rows, int cols) {
    double[] t = new double[v.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = v[r * cols + c];
      }
    }
    return t;
  }
}
