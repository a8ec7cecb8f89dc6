package sheafrank.data;

import java.util.Arrays;

/**
 * The discretisation f_n of a function by its percentiles over a training sample (seed 003 §4):
 * {@code f_n(x) = k/n} where {@code P_{k/n} <= f(x) < P_{(k+1)/n}}, k = 0..n-1.
 *
 * <p>Percentiles, exactly: with the N training values sorted, {@code s_0 <= ... <= s_{N-1}},
 * {@code P_q = s_j} with {@code j = ceil(q N)} (0-based), i.e. the smallest training value with at
 * least qN training values below it; no interpolation. The outer ends are {@code P_0 = -infinity} and
 * {@code P_1 = +infinity}: the bottom bin holds everything below {@code P_{1/n}} and the top bin
 * everything from {@code P_{(n-1)/n}} on (test values outside the training range included). A value
 * equal to a threshold goes to the upper bin.
 *
 * <p>Consequence: with distinct training values, bin k holds exactly
 * {@code ceil((k+1)N/n) - ceil(kN/n)} training points, which is floor(N/n) or ceil(N/n); with ties at
 * a threshold the tied points all go up. n must satisfy {@code 2 <= n <= N}.
 */
public final class PercentileBins {
  private final int n;
  private final double[] thresholds; // P_{1/n} .. P_{(n-1)/n}

  private PercentileBins(int n, double[] thresholds) {
    this.n = n;
    this.thresholds = thresholds;
  }

  /** Fits the thresholds to the training values {@code f} (not modified). */
  public static PercentileBins fit(double[] f, int n) {
    if (n < 2) {
      throw new IllegalArgumentException("a discretisation needs n >= 2 levels, got " + n);
    }
    if (f.length < n) {
      throw new IllegalArgumentException(
          n + " percentile bins need at least " + n + " training values, got " + f.length);
    }
    double[] s = f.clone();
    for (double v : s) {
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException("a training value is NaN");
      }
    }
    Arrays.sort(s);
    long big = s.length;
    double[] t = new double[n - 1];
    for (int k = 1; k < n; k++) {
      int j = (int) ((k * big + n - 1) / n); // ceil(k N / n)
      t[k - 1] = s[j];
    }
    return new PercentileBins(n, t);
  }

  /** The number of levels n. */
  public int levels() {
    return n;
  }

  /** The thresholds {@code P_{1/n} .. P_{(n-1)/n}} (a copy). */
  public double[] thresholds() {
    return thresholds.clone();
  }

  /** The bin k in 0..n-1 of a value: how many thresholds are {@code <= f}. */
  public int bin(double f) {
    if (Double.isNaN(f)) {
      throw new IllegalArgumentException("cannot discretise NaN");
    }
    int lo = 0;
    int hi = thresholds.length; // answer in [lo, hi]
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (thresholds[mid] <= f) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** {@code f_n = k/n} for the bin k of f. */
  public double level(double f) {
    return (double) bin(f) / n;
  }
}
