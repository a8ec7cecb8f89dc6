package sheafrank.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import sheafrank.train.Samples;
import sheafrank.util.Rng;

/**
 * An axis-parallel box {@code [lower_k, upper_k]} in input space: the domain of a test function, the
 * pixel range [0,1]^784 of images, or the per-coordinate extent of a sample. Uniform points in the
 * box (test-function inputs, uniform-noise inputs) are derived from (seed, stream, index) alone, so
 * any subset or partitioning of the indices gives the same points.
 */
public record Box(double[] lower, double[] upper) {
  private static final long BOX_KEY = 0xB0C5L;

  /** The stream of training inputs. */
  public static final long TRAIN_STREAM = 0;

  /** The stream of test inputs. */
  public static final long TEST_STREAM = 1;

  /** The stream of uniform-noise inputs (rank histograms of noise). */
  public static final long NOISE_STREAM = 2;

  public Box {
    if (lower.length != upper.length || lower.length < 1) {
      throw new IllegalArgumentException(
          "a box needs as many lower as upper bounds (>= 1), got " + lower.length + " and " + upper.length);
    }
    for (int k = 0; k < lower.length; k++) {
      if (!(Double.isFinite(lower[k]) && Double.isFinite(upper[k]) && lower[k] <= upper[k])) {
        throw new IllegalArgumentException(
            "box coordinate " + k + ": bounds [" + lower[k] + ", " + upper[k] + "] are not finite and ordered");
      }
    }
  }

  /** The cube {@code [lo, hi]^d}. */
  public static Box cube(int d, double lo, double hi) {
    if (d < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + d);
    }
    double[] l = new double[d];
    double[] u = new double[d];
    Arrays.fill(l, lo);
    Arrays.fill(u, hi);
    return new Box(l, u);
  }

  /** The per-coordinate minimum and maximum of the inputs of {@code s}. */
  public static Box of(Samples s) {
    double[] l = new double[s.inDim()];
    double[] u = new double[s.inDim()];
    Arrays.fill(l, Double.POSITIVE_INFINITY);
    Arrays.fill(u, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < s.n(); i++) {
      for (int k = 0; k < l.length; k++) {
        double v = s.x(i, k);
        l[k] = Math.min(l[k], v);
        u[k] = Math.max(u[k], v);
      }
    }
    return new Box(l, u);
  }

  public int dim() {
    return lower.length;
  }

  /**
   * Writes point {@code index} of stream {@code stream} into {@code out[off .. off+dim)}: coordinate
   * k is {@code lower_k + (upper_k - lower_k) u_k} with u_k the k-th draw of
   * {@code Rng.stream(seed, BOX_KEY, stream, index)} (U[0,1)).
   */
  public void point(long seed, long stream, long index, double[] out, int off) {
    SplittableRandom r = Rng.stream(seed, BOX_KEY, stream, index);
    for (int k = 0; k < lower.length; k++) {
      out[off + k] = lower[k] + (upper[k] - lower[k]) * r.nextDouble();
    }
  }

  /** Points {@code from .. from+count-1} of a stream, row-major ({@code count * dim} values). */
  public double[] points(long seed, long stream, long from, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("point count must be >= 0, got " + count);
    }
    double[] x = new double[count * dim()];
    for (int i = 0; i < count; i++) {
      point(seed, stream, from + i, x, i * dim());
    }
    return x;
  }

  /** Whether every coordinate of row {@code i} of row-major {@code x} lies in the box. */
  public boolean contains(double[] x, int i) {
    for (int k = 0; k < lower.length; k++) {
      double v = x[i * lower.length + k];
      if (!(v >= lower[k] && v <= upper[k])) {
        return false;
      }
    }
    return true;
  }
}
