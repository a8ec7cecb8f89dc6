package sheafrank.jobs.mlp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The order in which work units are handed to Spark: longest first. With one unit per partition
 * (the default) Spark's scheduler starts partitions in index order on whichever executor core is
 * free, which is list scheduling longest-first. With fewer partitions than units, units are packed
 * greedily (longest first, into the partition with the least work that still has room) into the
 * contiguous slices {@code JavaSparkContext.parallelize} cuts. Only the speed depends on this: every
 * unit's rows depend on the unit alone.
 */
final class LongestFirst {
  private LongestFirst() {}

  /** Unit indices arranged for {@code parallelize(order, partitions)}. */
  static List<Integer> order(double[] cost, int partitions) {
    int n = cost.length;
    List<Integer> byCost = IntStream.range(0, n).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -cost[i]).thenComparingInt(i -> i)).toList();
    if (partitions >= n) {
      return byCost;
    }
    List<List<Integer>> slices = new ArrayList<>();
    int[] room = new int[partitions];
    double[] load = new double[partitions];
    for (int p = 0; p < partitions; p++) {
      room[p] = (int) ((long) (p + 1) * n / partitions - (long) p * n / partitions); // parallelize's slice sizes
      slices.add(new ArrayList<>());
    }
    for (int u : byCost) {
      int best = -1;
      for (int p = 0; p < partitions; p++) {
        if (slices.get(p).size() < room[p] && (best < 0 || load[p] < load[best])) {
          best = p;
        }
      }
      slices.get(best).add(u);
      load[best] += cost[u];
    }
    List<Integer> out = new ArrayList<>();
    slices.forEach(out::addAll);
    return out;
  }
}
