package sheafrank.jobs.core;

import java.util.Arrays;

/**
 * The bounds every job checks before Spark starts, so that a count or width that cannot be run
 * (or would only exhaust memory, overflow an index or run for years) stops with exit 2 and a
 * message naming the key, instead of hanging in a driver's garbage collector. Each bound is far
 * beyond the experiments (EXPERIMENTS.md) and within what one Spark task and one table can hold;
 * {@code docs/usage.md} lists them for users.
 *
 * <ul>
 *   <li>{@link #MAX_PARTITIONS}: Spark tasks per stage (the common key {@code partitions}); jobs
 *       also use no more partitions than they have work units ({@link JobContext#partitionsFor}).
 *   <li>{@link #MAX_ROWS}: rows one run writes to one table (and work units of one stage).
 *   <li>{@link #MAX_UNIT_ROWS}: rows one work unit returns at once (a trace, a trial's curve):
 *       they are held in the task's memory.
 *   <li>{@link #MAX_STEPS}: step and iteration budgets.
 *   <li>{@link #MAX_TASK_DOUBLES}: the float64 values of the largest structures one task allocates
 *       for one network (weights and their copies, Laplacian blocks, dense matrices): 512 MiB,
 *       within Spark's default 1 GiB executor.
 * </ul>
 */
public final class Limits {
  private Limits() {}

  public static final int MAX_PARTITIONS = 10_000;
  public static final long MAX_ROWS = 2_000_000_000L;
  public static final long MAX_UNIT_ROWS = 10_000_000L;
  public static final long MAX_STEPS = 1_000_000_000L;
  public static final long MAX_TASK_DOUBLES = 1L << 26;
  /** Side of the largest dense symmetric eigenproblem (pure-Java LAPACK, O(n^3) per sample). */
  public static final int MAX_DENSE_DIM = 2048;

  /** a * b * ..., or Long.MAX_VALUE when the product overflows (every factor >= 0). */
  public static long product(long... factors) {
    long p = 1;
    for (long f : factors) {
      try {
        p = Math.multiplyExact(p, f);
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }
    return p;
  }

  /** Rejects a table of more than {@link #MAX_ROWS} rows; {@code keys} are the keys that set its size. */
  public static void rows(String keys, String table, long rows) {
    if (rows > MAX_ROWS) {
      throw new ConfigException(keyWord(keys) + ": table " + table + " would get " + count(rows) + " rows, more than "
          + count(MAX_ROWS) + " (the most one run writes to one table); split the run, e.g. over seeds or experiments");
    }
  }

  /** Rejects more than {@link #MAX_UNIT_ROWS} rows from one work unit (held in a task's memory). */
  public static void unitRows(String keys, String what, long rows) {
    if (rows > MAX_UNIT_ROWS) {
      throw new ConfigException(keyWord(keys) + ": " + what + " would hold " + count(rows) + " rows, more than "
          + count(MAX_UNIT_ROWS) + " (one work unit's rows are held in memory)");
    }
  }

  /** Rejects a structure of more than {@link #MAX_TASK_DOUBLES} values in one task. */
  public static void memory(String keys, String what, long doubles) {
    if (doubles > MAX_TASK_DOUBLES) {
      throw new ConfigException(keyWord(keys) + ": " + what + " needs " + count(doubles) + " float64 values ("
          + mib(doubles) + " MiB) in one task, more than " + count(MAX_TASK_DOUBLES) + " (" + mib(MAX_TASK_DOUBLES)
          + " MiB)");
    }
  }

  /**
   * The networks of the sheaf jobs: the block-tridiagonal solvers keep, per layer, blocks of n_l^2
   * and n_l x n_{l-1} values for the z and a stalks; with {@code dense} the job also forms the
   * dense restricted Laplacian of the free stalks, whose side is bounded by {@link #MAX_DENSE_DIM}.
   */
  public static void sheafNetwork(String key, int[] widths, boolean dense) {
    long blocks = 0;
    long dim = 0;
    for (int l = 1; l < widths.length; l++) {
      long n = widths[l];
      blocks = saturatedAdd(blocks, product(6, n, n));
      blocks = saturatedAdd(blocks, product(3, n, widths[l - 1]));
      dim += 2 * n;
    }
    memory(key, "the sheaf of widths " + Arrays.toString(widths) + " (Laplacian blocks)", blocks);
    if (dense && dim > MAX_DENSE_DIM) {
      throw new ConfigException(keyWord(key) + ": the sheaf of widths " + Arrays.toString(widths) + " has about " + dim
          + " free stalk coordinates; its dense Laplacian spectrum is limited to " + MAX_DENSE_DIM + " (O(n^3) per sample)");
    }
  }

  /** Every layer of a network: at most {@code perLayer} weights. */
  public static void layerWeights(String key, int[] widths, long perLayer, String why) {
    for (int l = 1; l < widths.length; l++) {
      long w = (long) widths[l] * widths[l - 1];
      if (w > perLayer) {
        throw new ConfigException(keyWord(key) + ": layer " + l + " of widths " + Arrays.toString(widths) + " has "
            + count(w) + " weights, more than " + count(perLayer) + " (" + why + ")");
      }
    }
  }

  private static long saturatedAdd(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }

  private static String keyWord(String keys) {
    return keys.contains("'") ? keys : "config key" + (keys.contains(",") ? "s " : " ") + quoteAll(keys);
  }

  private static String quoteAll(String keys) {
    StringBuilder sb = new StringBuilder();
    for (String k : keys.split(",")) {
      sb.append(sb.length() == 0 ? "" : ", ").append('\'').append(k.trim()).append('\'');
    }
    return sb.toString();
  }

  /** A count for messages: plain below 10^7, else like 2e9 or 6.71e7. */
  public static String count(long v) {
    if (v < 10_000_000) {
      return Long.toString(v);
    }
    int e = (int) Math.floor(Math.log10(v));
    String m = new java.math.BigDecimal(v / Math.pow(10, e)).round(new java.math.MathContext(3))
        .stripTrailingZeros().toPlainString();
    return m + "e" + e;
  }

  private static long mib(long doubles) {
    return doubles == Long.MAX_VALUE ? Long.MAX_VALUE : doubles * 8 / (1 << 20);
  }
}
