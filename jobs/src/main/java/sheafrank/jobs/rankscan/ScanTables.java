package sheafrank.jobs.rankscan;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.jobs.core.ModelTable;
import sheafrank.jobs.rankscan.ScanPlan.Net;
import sheafrank.jobs.rankscan.ScanPlan.Trial;
import sheafrank.jobs.rankscan.ScanUnits.Hist;

/** The schemas of the scan's tables and their rows from the merged histograms (docs/rank-scan.md). */
final class ScanTables {
  private ScanTables() {}

  private static final DataType INTS = DataTypes.createArrayType(DataTypes.IntegerType, false);

  private static StructType key() {
    return new StructType().add("model_id", DataTypes.StringType, false).add("epoch", DataTypes.IntegerType, true)
        .add("point_set", DataTypes.StringType, false);
  }

  static final StructType HIST = key().add("layer", DataTypes.IntegerType, false)
      .add("quantity", DataTypes.StringType, false).add("value", DataTypes.IntegerType, false)
      .add("count", DataTypes.LongType, false);

  static final StructType LAYERS = key().add("layer", DataTypes.IntegerType, false)
      .add("layer_kind", DataTypes.StringType, false).add("width", DataTypes.IntegerType, false)
      .add("input_dim", DataTypes.IntegerType, false).add("points", DataTypes.LongType, false)
      .add("nonfinite", DataTypes.LongType, false)
      .add("mean_rank", DataTypes.DoubleType, true).add("median_rank", DataTypes.DoubleType, true)
      .add("min_rank", DataTypes.IntegerType, true).add("max_rank", DataTypes.IntegerType, true)
      .add("mean_size", DataTypes.DoubleType, true).add("median_size", DataTypes.DoubleType, true)
      .add("min_size", DataTypes.IntegerType, true).add("max_size", DataTypes.IntegerType, true)
      .add("train_loss", DataTypes.DoubleType, true).add("test_loss", DataTypes.DoubleType, true)
      .add("train_accuracy", DataTypes.DoubleType, true).add("test_accuracy", DataTypes.DoubleType, true)
      .add("dataset", DataTypes.StringType, true).add("function", DataTypes.StringType, true)
      .add("target", DataTypes.StringType, true).add("widths", INTS, false).add("seed", DataTypes.LongType, true)
      .add("optimizer", DataTypes.StringType, true);

  static final StructType POINTS = key().add("point_index", DataTypes.LongType, false)
      .add("status", DataTypes.StringType, false).add("failed_layer", DataTypes.IntegerType, true)
      .add("ranks", INTS, false).add("sizes", INTS, false)
      .add("codewords", DataTypes.createArrayType(DataTypes.StringType, false), false);

  static final StructType TESTS = new StructType().add("dataset", DataTypes.StringType, true)
      .add("function", DataTypes.StringType, true).add("target", DataTypes.StringType, true)
      .add("widths", INTS, false).add("optimizer", DataTypes.StringType, true)
      .add("point_set", DataTypes.StringType, false).add("layer", DataTypes.IntegerType, false)
      .add("trials", DataTypes.IntegerType, false).add("epoch_before", DataTypes.IntegerType, false)
      .add("epoch_after", DataTypes.IntegerType, false).add("n_before", DataTypes.LongType, false)
      .add("n_after", DataTypes.LongType, false).add("mean_before", DataTypes.DoubleType, true)
      .add("mean_after", DataTypes.DoubleType, true).add("median_before", DataTypes.DoubleType, true)
      .add("median_after", DataTypes.DoubleType, true).add("u", DataTypes.DoubleType, false)
      .add("z", DataTypes.DoubleType, false).add("p", DataTypes.DoubleType, false)
      .add("direction", DataTypes.StringType, false).add("tests", DataTypes.IntegerType, false)
      .add("p_bonferroni", DataTypes.DoubleType, false).add("significant", DataTypes.BooleanType, false);

  /** The rank_hist rows of one (network, point set) pair: nonzero counts only. */
  static List<Row> histRows(ScanPlan plan, int pair, Hist h) {
    Net n = plan.nets().get(pair / plan.setCount());
    String set = plan.sets().get(pair % plan.setCount());
    List<Row> out = new ArrayList<>();
    for (int l = 0; l < h.rank.length; l++) {
      for (int q = 0; q < 2; q++) {
        long[] c = q == 0 ? h.rank[l] : h.size[l];
        for (int v = 0; v < c.length; v++) {
          if (c[v] > 0) {
            out.add(RowFactory.create(n.modelId(), n.epoch(), set, l + 1, q == 0 ? "rank" : "size", v, c[v]));
          }
        }
      }
    }
    return out;
  }

  /** The rank_layers rows of one (network, point set) pair. */
  static List<Row> layerRows(ScanPlan plan, int pair, Hist h) {
    Net n = plan.nets().get(pair / plan.setCount());
    String set = plan.sets().get(pair % plan.setCount());
    Trial t = plan.trialOf(n);
    ModelTable.Checkpoint c = n.metrics();
    int[] w = n.widths();
    List<Row> out = new ArrayList<>();
    for (int l = 0; l < h.rank.length; l++) {
      Stats r = Stats.of(h.rank[l]);
      Stats s = Stats.of(h.size[l]);
      out.add(RowFactory.create(n.modelId(), n.epoch(), set, l + 1, l == h.rank.length - 1 ? "output" : "relu",
          w[l + 1], w[0], h.points, h.nonfinite[l], r.mean(), r.median(), r.min(), r.max(), s.mean(), s.median(),
          s.min(), s.max(), c == null ? null : c.trainLoss(), c == null ? null : c.testLoss(),
          c == null ? null : c.trainAccuracy(), c == null ? null : c.testAccuracy(),
          t == null ? null : t.data().dataset(), t == null ? null : t.data().function(),
          t == null ? null : t.data().target(), w, t == null ? null : t.seed(), t == null ? null : t.optimizer()));
    }
    return out;
  }

  /**
   * Mean, median (of an even count: the mean of the two middle values), min and max of the values
   * counted by a histogram ({@code counts[v]} = how many have value v); all null when it is empty.
   */
  record Stats(Double mean, Double median, Integer min, Integer max) {
    static Stats of(long[] counts) {
      long n = 0;
      long sum = 0;
      int min = -1;
      int max = -1;
      for (int v = 0; v < counts.length; v++) {
        if (counts[v] > 0) {
          n += counts[v];
          sum += counts[v] * v;
          min = min < 0 ? v : min;
          max = v;
        }
      }
      if (n == 0) {
        return new Stats(null, null, null, null);
      }
      return new Stats((double) sum / n, (nth(counts, (n - 1) / 2) + nth(counts, n / 2)) / 2.0, min, max);
    }

    /** The value of rank k (0-based) in sorted order. */
    static int nth(long[] counts, long k) {
      long seen = 0;
      for (int v = 0; v < counts.length; v++) {
        seen += counts[v];
        if (seen > k) {
          return v;
        }
      }
      throw new IllegalArgumentException("rank " + k + " beyond " + seen + " values");
    }
  }
}
