package sheafrank.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BatchReductions}' canonical order on the Vector API: lanes 0-3 in one 256-bit register,
 * lanes 4-7 in another. Loaded only when the module is resolved.
 */
final class VectorReductions {
  private VectorReductions() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

  static boolean supported() {
    return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  }

  /** {@code ((l0 + l4) + (l1 + l5)) + ((l2 + l6) + (l3 + l7))}. */
  private static double combine(DoubleVector lo, DoubleVector hi) {
    DoubleVector v = lo.add(hi);
    return (v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3));
  }

  private static double tail(double t, double[] a, double[] b, int from, int n) {
    for (int s = from; s < n; s++) {
      t = Math.fma(a[s], b[s], t);
    }
    return t;
  }

  static double dot(double[] a, double[] b, int n) {
    DoubleVector lo = DoubleVector.zero(S);
    DoubleVector hi = DoubleVector.zero(S);
    int s = 0;
    for (; s + 8 <= n; s += 8) {
      lo = DoubleVector.fromArray(S, a, s).fma(DoubleVector.fromArray(S, b, s), lo);
      hi = DoubleVector.fromArray(S, a, s + 4).fma(DoubleVector.fromArray(S, b, s + 4), hi);
    }
    return tail(combine(lo, hi), a, b, s, n);
  }

  static void gram(double[][] r, int nout, double[][] p, int np, int n, double[] g, int off) {
    int full = n & ~7;
    for (int i = 0; i < nout; i++) {
      double[] ri = r[i];
      int gi = off + i * np;
      int j = 0;
      for (; j + 4 <= np; j += 4) {
        four(ri, p[j], p[j + 1], p[j + 2], p[j + 3], full, n, g, gi + j);
      }
      switch (np - j) {
        case 3 -> three(ri, p[j], p[j + 1], p[j + 2], full, n, g, gi + j);
        case 2 -> two(ri, p[j], p[j + 1], full, n, g, gi + j);
        case 1 -> g[gi + j] = dot(ri, p[j], n);
        default -> { }
      }
    }
  }

  private static void four(double[] r, double[] p0, double[] p1, double[] p2, double[] p3,
      int full, int n, double[] g, int at) {
    DoubleVector a0 = DoubleVector.zero(S);
    DoubleVector b0 = a0;
    DoubleVector a1 = a0;
    DoubleVector b1 = a0;
    DoubleVector a2 = a0;
    DoubleVector b2 = a0;
    DoubleVector a3 = a0;
    DoubleVector b3 = a0;
    for (int s = 0; s < full; s += 8) {
      DoubleVector rl = DoubleVector.fromArray(S, r, s);
      DoubleVector rh = DoubleVector.fromArray(S, r, s + 4);
      a0 = rl.fma(DoubleVector.fromArray(S, p0, s), a0);
      b0 = rh.fma(DoubleVector.fromArray(S, p0, s + 4), b0);
      a1 = rl.fma(DoubleVector.fromArray(S, p1, s), a1);
      b1 = rh.fma(DoubleVector.fromArray(S, p1, s + 4), b1);
      a2 = rl.fma(DoubleVector.fromArray(S, p2, s), a2);
      b2 = rh.fma(DoubleVector.fromArray(S, p2, s + 4), b2);
      a3 = rl.fma(DoubleVector.fromArray(S, p3, s), a3);
      b3 = rh.fma(DoubleVector.fromArray(S, p3, s + 4), b3);
    }
    g[at] = tail(combine(a0, b0), r, p0, full, n);
    g[at + 1] = tail(combine(a1, b1), r, p1, full, n);
    g[at + 2] = tail(combine(a2, b2), r, p2, full, n);
    g[at + 3] = tail(combine(a3, b3), r, p3, full, n);
  }

  private static void three(double[] r, double[] p0, double[] p1, double[] p2, int full, int n,
      double[] g, int at) {
    DoubleVector a0 = DoubleVector.zero(S);
    DoubleVector b0 = a0;
    DoubleVector a1 = a0;
    DoubleVector b1 = a0;
    DoubleVector a2 = a0;
    DoubleVector b2 = a0;
    for (int s = 0; s < full; s += 8) {
      DoubleVector rl = DoubleVector.fromArray(S, r, s);
      DoubleVector rh = DoubleVector.fromArray(S, r, s + 4);
      a0 = rl.fma(DoubleVector.fromArray(S, p0, s), a0);
      b0 = rh.fma(DoubleVector.fromArray(S, p0, s + 4), b0);
      a1 = rl.fma(DoubleVector.fromArray(S, p1, s), a1);
      b1 = rh.fma(DoubleVector.fromArray(S, p1, s + 4), b1);
      a2 = rl.fma(DoubleVector.fromArray(S, p2, s), a2);
      b2 = rh.fma(DoubleVector.fromArray(S, p2, s + 4), b2);
    }
    g[at] = tail(combine(a0, b0), r, p0, full, n);
    g[at + 1] = tail(combine(a1, b1), r, p1, full, n);
    g[at + 2] = tail(combine(a2, b2), r, p2, full, n);
  }

  private static void two(double[] r, double[] p0, double[] p1, int full, int n, double[] g,
      int at) {
    DoubleVector a0 = DoubleVector.zero(S);
    DoubleVector b0 = a0;
    DoubleVector a1 = a0;
    DoubleVector b1 = a0;
    for (int s = 0; s < full; s += 8) {
      DoubleVector rl = DoubleVector.fromArray(S, r, s);
      DoubleVector rh = DoubleVector.fromArray(S, r, s + 4);
      a0 = rl.fma(DoubleVector.fromArray(S, p0, s), a0);
      b0 = rh.fma(DoubleVector.fromArray(S, p0, s + 4), b0);
      a1 = rl.fma(DoubleVector.fromArray(S, p1, s), a1);
      b1 = rh.fma(DoubleVector.fromArray(S, p1, s + 4), b1);
    }
    g[at] = tail(combine(a0, b0), r, p0, full, n);
    g[at + 1] = tail(combine(a1, b1), r, p1, full, n);
  }
}
