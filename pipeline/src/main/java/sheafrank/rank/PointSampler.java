package sheafrank.rank;

import java.io.Serializable;
import java.util.Locale;
import java.util.SplittableRandom;
import sheafrank.util.Rng;

/**
 * Input points for rank scans, generated where they are used: point {@code index} of network
 * {@code netId} under experiment seed {@code seed} is a pure function of those three numbers (its
 * own stream {@code Rng.stream(seed, STREAM_KEY, netId, index)}), so any partitioning of the
 * indices, on any number of executors, sees the same points.
 *
 * <p>Specs ({@link #parse}): {@code box(lo, hi)}, uniform on the cube [lo, hi)^m (seed 003 §3.1:
 * box(-5, 5)); {@code positive(hi)}, uniform on (0, hi]^m, every coordinate strictly positive
 * (§3.2, Fig 2C-D).
 */
public sealed interface PointSampler extends Serializable
    permits PointSampler.Box, PointSampler.Positive {

  /** Key of the point streams under (seed, key, net id, point index). */
  long STREAM_KEY = 0x504f494e54L; // "POINT"

  /** The canonical spec; {@code parse(spec())} equals this sampler. */
  String spec();

  /** Writes point {@code index} of net {@code netId} into {@code out[off .. off+dim)}. */
  void sample(long seed, long netId, long index, double[] out, int off, int dim);

  /** Point {@code index} of net {@code netId}, of dimension {@code dim}. */
  default double[] sample(long seed, long netId, long index, int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("point dimension must be >= 1, got " + dim);
    }
    double[] x = new double[dim];
    sample(seed, netId, index, x, 0, dim);
    return x;
  }

  /** Uniform on [lo, hi)^m, lo &lt; hi. */
  record Box(double lo, double hi) implements PointSampler {
    public Box {
      if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
        throw new IllegalArgumentException(
            "box: need finite lo < hi, got lo=" + lo + " hi=" + hi);
      }
      if (!Double.isFinite(hi - lo)) {
        throw new IllegalArgumentException("box: the width hi - lo of [" + lo + ", " + hi
            + "] overflows float64, so every point would collapse to one value");
      }
      representable("lo", lo);
      representable("hi", hi);
      lo = lo + 0.0;
      hi = hi + 0.0;
    }

    @Override
    public String spec() {
      return "box(" + lo + "," + hi + ")";
    }

    @Override
    public void sample(long seed, long netId, long index, double[] out, int off, int dim) {
      SplittableRandom r = Rng.stream(seed, STREAM_KEY, netId, index);
      double span = hi - lo;
      for (int i = 0; i < dim; i++) {
        double v = lo + span * r.nextDouble();
        out[off + i] = v < hi ? v : Math.nextDown(hi);
      }
    }
  }

  /** Uniform on (0, hi]^m, hi &gt; 0: every coordinate strictly positive. */
  record Positive(double hi) implements PointSampler {
    public Positive {
      if (!Double.isFinite(hi) || !(hi > 0)) {
        throw new IllegalArgumentException("positive: need finite hi > 0, got hi=" + hi);
      }
      representable("hi", hi);
    }

    @Override
    public String spec() {
      return "positive(" + hi + ")";
    }

    @Override
    public void sample(long seed, long netId, long index, double[] out, int off, int dim) {
      SplittableRandom r = Rng.stream(seed, STREAM_KEY, netId, index);
      for (int i = 0; i < dim; i++) {
        // 1 - u is in (0, 1]; hi * (1 - u) > 0 (no underflow: 1 - u >= 2^-53).
        out[off + i] = hi * (1.0 - r.nextDouble());
      }
    }
  }

  /**
   * Rejects a subnormal bound (nonzero, below 2^-1022 in magnitude): points near it would carry a
   * few bits of precision, and their pre-activations underflow.
   */
  private static void representable(String name, double v) {
    if (v != 0 && Math.abs(v) < Double.MIN_NORMAL) {
      throw new IllegalArgumentException(name + " = " + v + " is subnormal in float64 (below "
          + Double.MIN_NORMAL + " in magnitude): points near it cannot be represented to full precision");
    }
  }

  /**
   * Parses {@code box(lo,hi)} or {@code positive(hi)} (case-insensitive, spaces ignored).
   *
   * @throws IllegalArgumentException naming the unknown sampler or the bad value
   */
  static PointSampler parse(String spec) {
    if (spec == null) {
      throw new IllegalArgumentException("empty point-sampler spec");
    }
    String s = spec.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    int open = s.indexOf('(');
    if (open < 0 || !s.endsWith(")")) {
      throw new IllegalArgumentException(
          "point-sampler spec '" + spec + "': expected box(lo,hi) or positive(hi)");
    }
    String name = s.substring(0, open);
    String[] parts = s.substring(open + 1, s.length() - 1).split(",", -1);
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        v[i] = Double.parseDouble(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "point-sampler spec '" + spec + "': '" + parts[i] + "' is not a number");
      }
    }
    try {
      switch (name) {
        case "box":
          if (v.length == 2) {
            return new Box(v[0], v[1]);
          }
          break;
        case "positive":
          if (v.length == 1) {
            return new Positive(v[0]);
          }
          break;
        default:
          throw new IllegalArgumentException(
              "unknown sampler '" + name + "' (expected box(lo,hi) or positive(hi))");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("point-sampler spec '" + spec + "': " + e.getMessage());
    }
    throw new IllegalArgumentException(
        "point-sampler spec '" + spec + "': " + name + " takes "
            + (name.equals("box") ? "2 parameters (lo,hi)" : "1 parameter (hi)") + ", got "
            + v.length);
  }
}
