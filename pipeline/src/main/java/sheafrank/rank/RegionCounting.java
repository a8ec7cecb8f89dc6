package sheafrank.rank;

import java.math.BigInteger;

/**
 * The counting argument of seed 003 §3: of the 2^n binary codewords of a layer of width n, those
 * with fewer than m active units can only give a rank below the input dimension m (rank Phi^K at a
 * point is at most the codeword size), so at most
 *
 * <pre>
 *   D(n, m) = sum_{k=0}^{m-1} C(n, k)   of   2^n = sum_{k=0}^{n} C(n, k)
 * </pre>
 *
 * codewords are topologically destructive by size alone. Exact in {@link BigInteger} (n in the
 * thousands is fine), with log2 forms for tables, since the fraction D / 2^n underflows a double
 * for wide layers (n = 2000, m = 100 gives about 2^-1430).
 */
public final class RegionCounting {
  private RegionCounting() {}

  private static void check(int n, int m) {
    if (n < 0 || m < 0) {
      throw new IllegalArgumentException(
          "layer width n and input dimension m must be >= 0, got n=" + n + " m=" + m);
    }
  }

  /** C(n, k), exact; 0 when k &lt; 0 or k &gt; n. */
  public static BigInteger binomial(int n, int k) {
    check(n, 0);
    if (k < 0 || k > n) {
      return BigInteger.ZERO;
    }
    k = Math.min(k, n - k);
    BigInteger c = BigInteger.ONE;
    for (int i = 0; i < k; i++) {
      c = c.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
    }
    return c;
  }

  /** D(n, m) = sum_{k &lt; m} C(n, k): codewords with fewer than m active units. */
  public static BigInteger destructiveBound(int n, int m) {
    check(n, m);
    BigInteger sum = BigInteger.ZERO;
    BigInteger c = BigInteger.ONE; // C(n, 0)
    for (int k = 0; k < m && k <= n; k++) {
      sum = sum.add(c);
      c = c.multiply(BigInteger.valueOf(n - k)).divide(BigInteger.valueOf(k + 1));
    }
    return sum;
  }

  /** 2^n, all codewords of a layer of width n. */
  public static BigInteger totalCodewords(int n) {
    check(n, 0);
    return BigInteger.ONE.shiftLeft(n);
  }

  /** 2^n - D(n, m): codewords with at least m active units. */
  public static BigInteger preservingBound(int n, int m) {
    return totalCodewords(n).subtract(destructiveBound(n, m));
  }

  /** log2 of a positive integer to double precision; -infinity for 0. */
  public static double log2(BigInteger x) {
    if (x.signum() < 0) {
      throw new IllegalArgumentException("log2 of a negative number " + x);
    }
    if (x.signum() == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    int shift = Math.max(0, x.bitLength() - 62);
    return Math.log(x.shiftRight(shift).doubleValue()) / Math.log(2) + shift;
  }

  /** log2 D(n, m); -infinity when m = 0. */
  public static double log2DestructiveBound(int n, int m) {
    return log2(destructiveBound(n, m));
  }

  /** log2 (D(n, m) / 2^n), finite even when the fraction underflows a double. */
  public static double log2DestructiveFraction(int n, int m) {
    return log2DestructiveBound(n, m) - n;
  }

  /** D(n, m) / 2^n as a double (0 when it underflows; see {@link #log2DestructiveFraction}). */
  public static double destructiveFraction(int n, int m) {
    BigInteger d = destructiveBound(n, m);
    int shift = Math.max(0, d.bitLength() - 63);
    return Math.scalb(d.shiftRight(shift).doubleValue(), shift - n);
  }
}
