package sheafrank.train;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused SIMD passes of backprop for the commonest training shape, one hidden layer on two inputs
 * and one output (Table 1's [2, 30, 1], [2, 25, 1]): per hidden unit one forward pass (activation
 * and the output's affine sum) and one backward pass (both layers' weight-gradient sums), where the
 * general code makes three to five passes and stores every delta row. Loaded only when
 * {@link sheafrank.linalg.BatchReductions#vectorised()}. (The sheaf step's fused pass,
 * {@code JointDynamics.sweepFused}, is plain Java: see {@code docs/notes-training.md}.)
 *
 * <p>Every value is computed with the same operations in the same order as {@link Backprop}'s
 * general passes, and every batch sum in {@link sheafrank.linalg.BatchReductions}' canonical order
 * (lanes 0-3 and 4-7 in two 256-bit registers, combined as
 * {@code ((l0+l4)+(l1+l5))+((l2+l6)+(l3+l7))}, then the n mod 8 remaining samples by fused
 * multiply-adds), so the results are identical bit for bit (tested).
 */
final class FusedKernels {
  private FusedKernels() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
  private static final double BIG = Kernels.BIG;

  private static double combine(DoubleVector lo, DoubleVector hi) {
    DoubleVector v = lo.add(hi);
    return (v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3));
  }

  private static DoubleVector load(double[] a, int s) {
    return DoubleVector.fromArray(S, a, s);
  }

  /**
   * {@code Math.max(z, 0.0)} lane by lane (z for z &gt; 0, +0.0 for z &lt;= 0 including -0.0, NaN
   * for NaN) by compare and blend: the Vector API's MAX is not compiled to vector instructions on
   * JDK 17.
   */
  private static DoubleVector relu(DoubleVector z) {
    return z.blend(0.0, z.compare(VectorOperators.LE, 0.0));
  }

  /**
   * {@code Math.min(a 2^600 2^600, 1.0)} for {@code a = relu(z)} (never -0.0): 1 for a &gt; 0, 0 for
   * a = 0, NaN for NaN.
   */
  private static DoubleVector positive(DoubleVector a) {
    return DoubleVector.broadcast(S, 1.0).blend(0.0, a.compare(VectorOperators.LE, 0.0))
        .blend(a, a.compare(VectorOperators.NE, a));
  }

  /**
   * Gradient descent's forward pass over hidden unit i of a first layer with two inputs:
   * {@code a = max((b + w0 x0) + w1 x1, 0)} (stored; z itself is not needed) and the one-unit
   * output's affine sum {@code acc = (first ? bOut : acc) + wOut a}.
   */
  static void forwardHiddenRow(double[] a, double[] x0, double[] x1, double w0, double w1,
      double bi, int n, double[] acc, boolean first, double bOut, double wOut) {
    if (first) {
      java.util.Arrays.fill(acc, 0, n, bOut);
    }
    int full = n & ~3;
    for (int s = 0; s < full; s += 4) {
      DoubleVector v = load(x0, s).mul(w0).add(bi).add(load(x1, s).mul(w1));
      v = relu(v);
      v.intoArray(a, s);
      load(acc, s).add(v.mul(wOut)).intoArray(acc, s);
    }
    for (int s = full; s < n; s++) {
      double v = Math.max((bi + w0 * x0[s]) + w1 * x1[s], 0.0);
      a[s] = v;
      acc[s] = acc[s] + wOut * v;
    }
  }

  /**
   * Gradient descent's backward pass over hidden unit j (first layer with two inputs, one-unit
   * output with error row d): {@code g2[j] = sum d a_j}; with {@code t = (w d) min(a_j 2^1200, 1)}
   * (backprop's delta of unit j), {@code g1[0..2] = sum t x0, sum t x1, sum t}.
   */
  static double backwardHiddenRow(double[] a, double[] d, double[] x0, double[] x1, double w,
      int n, double[] g1, int gAt) {
    int full = n & ~7;
    DoubleVector da = DoubleVector.zero(S);
    DoubleVector ea = da;
    DoubleVector p0 = da;
    DoubleVector q0 = da;
    DoubleVector p1 = da;
    DoubleVector q1 = da;
    DoubleVector p2 = da;
    DoubleVector q2 = da;
    for (int s = 0; s < full; s += 8) {
      DoubleVector a0 = load(a, s);
      DoubleVector d0 = load(d, s);
      DoubleVector t0 = d0.mul(w).mul(positive(a0));
      da = d0.fma(a0, da);
      p0 = t0.fma(load(x0, s), p0);
      p1 = t0.fma(load(x1, s), p1);
      p2 = t0.add(p2);
      DoubleVector a1 = load(a, s + 4);
      DoubleVector d1 = load(d, s + 4);
      DoubleVector t1 = d1.mul(w).mul(positive(a1));
      ea = d1.fma(a1, ea);
      q0 = t1.fma(load(x0, s + 4), q0);
      q1 = t1.fma(load(x1, s + 4), q1);
      q2 = t1.add(q2);
    }
    double g2 = combine(da, ea);
    double h0 = combine(p0, q0);
    double h1 = combine(p1, q1);
    double h2 = combine(p2, q2);
    for (int s = full; s < n; s++) {
      double t = (w * d[s]) * Math.min(a[s] * BIG * BIG, 1.0);
      g2 = Math.fma(d[s], a[s], g2);
      h0 = Math.fma(t, x0[s], h0);
      h1 = Math.fma(t, x1[s], h1);
      h2 = Math.fma(t, 1.0, h2);
    }
    g1[gAt] = h0;
    g1[gAt + 1] = h1;
    g1[gAt + 2] = h2;
    return g2;
  }
}
