package sheafrank.jobs.core;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Summary statistics that do not depend on the partitioning: Spark's avg/stddev add in partition
 * order, so the last bits of a mean change with the number of partitions. Here the values of each
 * group are collected and sorted first ({@code array_sort(collect_list(v))}), then summed in that
 * order, so tables are bit-identical for any partitioning (tested). Medians and quantiles use
 * Spark's exact {@code percentile} (order independent).
 */
public final class SortedStats {
  private SortedStats() {}

  /**
   * Per group of {@code keys}: for every value column {@code v} in {@code values}, columns
   * {@code <prefix>count}, {@code <prefix>mean}, {@code <prefix>std} (sample std; null for one
   * value), {@code <prefix>min}, {@code <prefix>max}, {@code <prefix>median}, {@code <prefix>q25},
   * {@code <prefix>q75} (Spark's percentile, linear interpolation) with prefix
   * {@code names[i]} (may be empty for a single value column). Null values are ignored.
   */
  public static Dataset<Row> summarise(Dataset<Row> d, String[] keys, String[] values, String[] names) {
    List<Column> aggs = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      aggs.add(expr("array_sort(collect_list(" + values[i] + "))").as("_v" + i));
      aggs.add(expr("percentile(" + values[i] + ", 0.5)").as(names[i] + "median"));
      aggs.add(expr("percentile(" + values[i] + ", 0.25)").as(names[i] + "q25"));
      aggs.add(expr("percentile(" + values[i] + ", 0.75)").as(names[i] + "q75"));
    }
    Column[] k = new Column[keys.length];
    for (int i = 0; i < keys.length; i++) {
      k[i] = col(keys[i]);
    }
    Dataset<Row> g = d.groupBy(k).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));
    for (int i = 0; i < values.length; i++) {
      String v = "_v" + i;
      String n = names[i];
      g = g.withColumn(n + "count", expr("CAST(size(" + v + ") AS BIGINT)"))
          .withColumn(n + "mean", expr("aggregate(" + v + ", CAST(0 AS DOUBLE), (a, x) -> a + x) / size(" + v + ")"))
          .withColumn(n + "std", expr("CASE WHEN size(" + v + ") > 1 THEN sqrt(aggregate(" + v
              + ", CAST(0 AS DOUBLE), (a, x) -> a + (x - `" + n + "mean`) * (x - `" + n + "mean`)) / (size(" + v
              + ") - 1)) END"))
          .withColumn(n + "min", expr("element_at(" + v + ", 1)"))
          .withColumn(n + "max", expr("element_at(" + v + ", -1)"))
          .drop(v);
    }
    return g;
  }
}
