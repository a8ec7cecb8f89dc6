package sheafrank.util;

import java.util.SplittableRandom;

/**
 * Deterministic random streams keyed by (experiment seed, key, key, ...).
 *
 * <p>Every random draw in the project comes from a stream derived here from the experiment seed and
 * the identifiers of the thing being drawn (trial id, sample index, ...), never from a shared
 * generator. Results are therefore identical whatever the partitioning, the executor count or task
 * retries.
 */
public final class Rng {
  private Rng() {}

  /** The SplitMix64 finaliser: a bijective 64-bit mix with good avalanche. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A 64-bit seed for the stream named by {@code seed} and {@code keys}. */
  public static long derive(long seed, long... keys) {
    long h = mix(seed + 0x9e3779b97f4a7c15L);
    for (long k : keys) {
      h = mix(h ^ mix(k + 0x632be59bd9b4e019L));
    }
    return h;
  }

  /** A fresh generator for the stream named by {@code seed} and {@code keys}. */
  public static SplittableRandom stream(long seed, long... keys) {
    return new SplittableRandom(derive(seed, keys));
  }

  /** Fills {@code out} with independent N(mean, sd^2) draws. */
  public static void gaussian(SplittableRandom r, double mean, double sd, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = mean + sd * r.nextGaussian();
    }
  }

  /** Fills {@code out} with independent U[lo, hi) draws. */
  public static void uniform(SplittableRandom r, double lo, double hi, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = lo + (hi - lo) * r.nextDouble();
    }
  }
}
