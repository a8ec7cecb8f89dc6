package sheafrank.jobs.rankscan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;
import sheafrank.jobs.rankscan.ScanUnits.Hist;
import sheafrank.jobs.rankscan.ScanUnits.Result;

/**
 * Ranks of trained networks on their data and on noise (seed 003 §4, Fig 3A-C, Fig 4, App 7.3;
 * R6-R8): for every selected checkpoint of every model of an mlp-train models table (or one
 * network of the network keys) and every point set, the rank of Phi^K and the codeword size |J_K| at
 * every point and layer (rank engine: DeepRankNetwork.classifier, hidden layers ReLU, the last layer
 * the plain affine output map). Work units (network, point set, block) run on the executors; their
 * exact histograms are merged by Spark (reduceByKey); only the merged histograms of the epoch-0 and
 * last checkpoints come to the driver, for the Mann-Whitney tests.
 */
public final class RankScanJob implements Job {
  /** Per-point rows are refused above this many. */
  static final long MAX_POINT_ROWS = 10_000_000L;

  @Override
  public String name() {
    return "rank-scan";
  }

  @Override
  public String description() {
    return "Ranks of trained networks (seed 003 §4, Fig 3A-C, Fig 4; R6-R8): rank of Phi^K and codeword size per "
        + "layer at every test/train/noise/table point of every checkpoint of an mlp-train models table (or one "
        + "network), as histograms and per-layer summaries, and Mann-Whitney tests of codeword size before vs "
        + "after training with Bonferroni correction.";
  }

  @Override
  public List<Param> params() {
    List<Param> p = new ArrayList<>(NetworkParams.params("[784, 2000, 1000, 500, 100, 10]", "softmax"));
    p.add(Param.of("models.table", Type.STRING, "\"\"",
        "an mlp-train models table (OUT/models or one run's folder): scan all its models; else the network keys"));
    p.add(Param.of("models.ids", Type.STRING_LIST, "[]", "model ids to scan ([] = all of models.table)"));
    p.add(Param.of("checkpoints", Type.STRING_LIST, "[all]", "checkpoints per model: all, last and/or epoch numbers"));
    p.add(Param.of("trials.table", Type.STRING, "\"\"",
        "the mlp_trials table with the models' data (\"\" = mlp_trials next to the models table)"));
    p.add(Param.of("points", Type.STRING_LIST, "[test, noise]",
        "point sets: test / train (the trial's own data), noise (uniform in the data box)"));
    p.add(Param.of("points.table", Type.STRING, "\"\"",
        "also a CSV (header row) or Parquet table of points, every column a coordinate (point set 'table')"));
    p.add(Param.of("points.count", Type.LONG, "10000",
        "noise points per network; cap on the test, train and table points (their first rows)").positive()
        .atMost(Integer.MAX_VALUE, "points are indexed by int within a set"));
    p.add(Param.of("points.block", Type.INT, "250", "points per work unit").positive()
        .atMost(100_000, "a unit's points and results are held in memory"));
    p.add(Param.of("points.rows", Type.BOOL, "false",
        "also write rank_points (one row per point; at most " + MAX_POINT_ROWS + ")"));
    p.add(Param.of("noise.low", Type.DOUBLE, "0.0", "noise cube [low, high]^m for networks without trial data"));
    p.add(Param.of("noise.high", Type.DOUBLE, "1.0", "upper end of that cube"));
    return p;
  }

  @Override
  public List<String> tables() {
    return List.of("rank_hist: " + String.join(", ", ScanTables.HIST.fieldNames()),
        "rank_layers: " + String.join(", ", ScanTables.LAYERS.fieldNames()),
        "rank_points (points.rows only): " + String.join(", ", ScanTables.POINTS.fieldNames()),
        "rank_tests: " + String.join(", ", ScanTables.TESTS.fieldNames()));
  }

  @Override
  public Spec resolve(Spec spec) {
    return spec.getString("models.table").isEmpty() ? NetworkParams.resolve(spec) : spec;
  }

  @Override
  public void validate(Spec spec) {
    if (spec.getString("models.table").isEmpty()) {
      NetworkParams.validate(spec);
    }
    plan(spec);
  }

  static ScanPlan plan(Spec spec) {
    ScanPlan plan = ScanSources.plan(spec);
    for (ScanPlan.Net n : plan.nets()) {
      if (n.widths().length < 3) {
        throw new ConfigException("model '" + n.modelId() + "' has widths " + java.util.Arrays.toString(n.widths())
            + ": the scan needs at least one hidden (ReLU) layer before the output map");
      }
    }
    if (plan.rows() && plan.totalPoints() > MAX_POINT_ROWS) {
      throw new ConfigException("config key 'points.rows': would write " + plan.totalPoints() + " per-point rows, more"
          + " than " + MAX_POINT_ROWS + "; record a smaller scan");
    }
    return plan;
  }

  @Override
  public long run(JobContext ctx, Spec spec) {
    ScanPlan plan = plan(spec);
    long units = plan.units();
    int parts = ctx.partitionsFor(units);
    System.out.printf(Locale.ROOT, "rank-scan: %d networks x %d point sets, %d points in %d work units, %d partitions%n",
        plan.nets().size(), plan.setCount(), plan.totalPoints(), units, parts);
    long t0 = System.nanoTime();
    LongAccumulator cpu = ctx.spark().sparkContext().longAccumulator("rank-scan evaluation cpu ns");
    // Contiguous ranges of units per partition (spark.range): a partition meets few networks.
    JavaPairRDD<Integer, Result> results = ctx.spark().range(0, units, 1, parts).javaRDD()
        .mapPartitionsToPair((PairFlatMapFunction<Iterator<Long>, Integer, Result>) it ->
            ScanUnits.partition(plan, it, cpu));
    if (plan.rows()) {
      results = results.persist(StorageLevel.MEMORY_AND_DISK());
    }
    JavaPairRDD<Integer, Hist> merged = results.mapValues(Result::hist).reduceByKey(Hist::merge, parts)
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<org.apache.spark.sql.Row> hist = merged.flatMap(
        (FlatMapFunction<Tuple2<Integer, Hist>, org.apache.spark.sql.Row>) kv ->
            ScanTables.histRows(plan, kv._1(), kv._2()).iterator());
    ctx.write("rank_hist", ctx.spark().createDataFrame(hist, ScanTables.HIST));
    double sec = (System.nanoTime() - t0) * 1e-9;
    double cpuSec = cpu.value() * 1e-9;
    System.out.printf(Locale.ROOT, "rank-scan: %d points in %.1f s wall (%.1f points/s); evaluation CPU %.1f s on the"
        + " task threads (%.4f CPU-s/point)%n", plan.totalPoints(), sec, plan.totalPoints() / sec, cpuSec,
        cpuSec / Math.max(1, plan.totalPoints()));
    JavaRDD<org.apache.spark.sql.Row> layers = merged.flatMap(
        (FlatMapFunction<Tuple2<Integer, Hist>, org.apache.spark.sql.Row>) kv ->
            ScanTables.layerRows(plan, kv._1(), kv._2()).iterator());
    ctx.write("rank_layers", ctx.spark().createDataFrame(layers, ScanTables.LAYERS).coalesce(1));
    if (plan.rows()) {
      JavaRDD<org.apache.spark.sql.Row> rows = results.values().flatMap(r -> r.rows().iterator());
      ctx.write("rank_points", ctx.spark().createDataFrame(rows, ScanTables.POINTS));
    }
    // Only the epoch-0 and last checkpoints' merged histograms come to the driver (per network,
    // point set and layer: at most widths + 1 counts).
    Map<Integer, Hist> needed = new HashMap<>(merged.filter(kv -> BeforeAfter.needed(plan, kv._1() / plan.setCount()))
        .collectAsMap());
    List<org.apache.spark.sql.Row> tests = BeforeAfter.rows(plan, needed);
    ctx.write("rank_tests", ctx.spark().createDataFrame(tests, ScanTables.TESTS).coalesce(1));
    long nonfinite = merged.map(kv -> kv._2().nonfinite[kv._2().nonfinite.length - 1]).fold(0L, Long::sum);
    if (nonfinite > 0) {
      System.out.println("rank-scan: " + nonfinite + " points have non-finite pre-activations (status nonfinite)");
    }
    merged.unpersist(false);
    results.unpersist(false);
    return nonfinite;
  }
}
