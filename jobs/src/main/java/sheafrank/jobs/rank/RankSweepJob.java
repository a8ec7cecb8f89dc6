package sheafrank.jobs.rank;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Limits;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;
import sheafrank.jobs.core.UnitRows;
import sheafrank.jobs.rank.RankUnits.Partial;
import sheafrank.jobs.rank.RankUnits.Plan;
import sheafrank.jobs.rank.SweepGrid.Setting;
import sheafrank.rank.PointSampler;
import sheafrank.rank.RankMethod;

/**
 * R1-R5, R10: rank decompositions of random ReLU networks over a grid of settings (seed 003 §2.1,
 * §3, Fig 2). Work units (setting, net id, point block) come from {@code spark.range}; each builds
 * its network from (seed, net id), generates its points on the executor from (seed, net id, point
 * index), evaluates them with one {@code RankEvaluator} and returns a mergeable {@code RankStats}
 * partial; partials are merged per network ({@code reduceByKey}) when a network's points span
 * several blocks. No point passes through the driver.
 */
public final class RankSweepJob implements Job {
  /** Per-point rows are refused above this many (settings x networks x points). */
  static final long MAX_RECORDED_POINTS = 1_000_000;
  /** Work units are numbered in an int-sized range (see {@link RankUnits#unitAt}). */
  static final long MAX_UNITS = Integer.MAX_VALUE;
  /** Rank evaluations of one run at most (at ~5e5 per core-second: about 23 core-days). */
  static final long MAX_EVALUATIONS = 1_000_000_000_000L;

  @Override
  public String name() {
    return "rank-sweep";
  }

  @Override
  public String description() {
    return "Rank decomposition sweeps (seed 003 §2.1, §3, Fig 2; R1-R5, R10): per network of every "
        + "setting of a grid (input dim m x width n1 x depth, weight-init specs with swept k or mu), "
        + "min/max/mean rank of Phi^K per layer over sampled points, rank and codeword-size "
        + "histograms, distinct codewords hit, destructive vs preserving points, against the "
        + "rank-selection bound min{k, n1-k, m} and the counting bound sum_{k<m} C(n,k) of 2^n.";
  }

  @Override
  public List<Param> params() {
    List<Param> p = new ArrayList<>();
    p.add(Param.of("network.m", Type.INT_LIST, "[]", "input dimensions m of the grid"));
    p.add(Param.of("network.n1", Type.INT_LIST, "[]", "layer widths n1 of the grid (every layer has width n1)"));
    p.add(Param.of("network.depth", Type.INT, "1", "ReLU layers of the m x n1 grid: widths [m, n1, ..., n1]"));
    p.add(Param.of("network.widths", Type.INT_LIST_LIST, "[]",
        "explicit architectures [[m, n1, ..., nL], ...] instead of network.m x network.n1"));
    p.add(Param.of("init", Type.STRING_LIST, "[kaiming]",
        "weight-init specs (kaiming, normal(mu,sigma), uniform(lo,hi), abs(s), rankselect(k[,s]), "
            + "dale(k,ratio[,s])), zero biases; {k} and {mu} are replaced by init.k and init.mu; "
            + "quote specs with commas: [\"normal({mu}, 0.1)\"]"));
    p.add(Param.of("init.k", Type.STRING_LIST, "[]",
        "values of {k}: integers, m, n1, ranges a..b or a..b step s (per architecture), e.g. [0..n1]"));
    p.add(Param.of("init.mu", Type.DOUBLE_LIST, "[]", "values of {mu}"));
    p.add(Param.of("networks", Type.INT, "100", "networks per setting (net ids 0..networks-1)").positive());
    p.add(Param.of("points", Type.LONG, "1000", "points per network").positive());
    p.add(Param.of("points.sampler", Type.STRING, "box",
        "box: uniform in [points.low, points.high)^m; positive: uniform in (0, points.high]^m")
        .oneOf("box", "positive"));
    p.add(Param.of("points.low", Type.DOUBLE, "-5.0", "lower end of the box (box sampler)"));
    p.add(Param.of("points.high", Type.DOUBLE, "5.0", "upper end of the box / of the positive cube"));
    p.add(Param.of("points.block", Type.INT, "1000",
        "points per work unit; a network with more points is split over units and merged").positive()
        .atMost(Limits.MAX_UNIT_ROWS, "a unit's recorded points are held in memory"));
    p.add(Param.of("points.record", Type.BOOL, "false",
        "also write rank_points: every point's codewords and ranks (small runs only, at most "
            + MAX_RECORDED_POINTS + " rows)"));
    p.add(Param.of("rank.method", Type.STRING, "svd", "rank by singular values (svd, NumPy's "
        + "matrix_rank) or column-pivoted QR (qr)").oneOf("svd", "qr"));
    return p;
  }

  @Override
  public List<String> tables() {
    String setting = "setting_id, m, n1, depth, widths, init, init_template, init_k, init_mu";
    String bounds = "rank_bound, destructive_bound, log2_destructive_bound, total_codewords, "
        + "log2_total_codewords, arrangement_regions";
    return List.of(
        "rank_networks: " + setting + ", net_id, layer, width, status, message, points, min_rank, "
            + "max_rank, mean_rank, rank_sum, rank_histogram, min_codeword_size, max_codeword_size, "
            + "mean_codeword_size, codeword_size_histogram, distinct_codewords, "
            + "distinct_small_codewords, distinct_global_codewords, destructive_points, "
            + "preserving_points, small_codeword_points, " + bounds,
        "rank_settings: " + setting + ", layer, width, networks, failed_networks, "
            + "points_per_network, min_rank_mean, min_rank_std, min_rank_min, min_rank_max, "
            + "max_rank_mean, max_rank_min, max_rank_max, mean_rank, networks_destructive, "
            + "networks_preserving, networks_mixed, destructive_point_fraction, "
            + "distinct_codewords_mean, distinct_codewords_max, distinct_small_codewords_mean, "
            + "rank_bound, networks_above_bound, destructive_bound, log2_destructive_bound, "
            + "total_codewords, log2_total_codewords, arrangement_regions, networks_all_regions",
        "rank_points (points.record only): setting_id, m, n1, depth, widths, init, net_id, point_id, "
            + "x, ranks, codeword_sizes, codewords, global_codeword");
  }

  /** The grid and everything the executors need, from a validated spec; throws ConfigException. */
  static Plan plan(Spec spec) {
    List<Setting> settings = SweepGrid.expand(new SweepGrid.Keys(spec.getIntList("network.m"),
        spec.getIntList("network.n1"), spec.getInt("network.depth"),
        spec.getIntListList("network.widths"), spec.getStringList("init"),
        spec.getStringList("init.k"), spec.getDoubleList("init.mu")));
    double lo = spec.getDouble("points.low");
    double hi = spec.getDouble("points.high");
    PointSampler sampler;
    boolean box = spec.getString("points.sampler").equals("box");
    if (box && !(lo < hi)) {
      throw new ConfigException("config keys 'points.low' and 'points.high': the box needs low < high, got "
          + lo + " and " + hi);
    }
    if (!box && !(hi > 0)) {
      throw new ConfigException("config key 'points.high': the positive sampler needs high > 0, got " + hi);
    }
    try {
      sampler = box ? new PointSampler.Box(lo, hi) : new PointSampler.Positive(hi);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key" + (box ? "s 'points.low' and 'points.high'" : " 'points.high'") + ": "
          + e.getMessage());
    }
    int networks = spec.getInt("networks");
    long points = spec.getLong("points");
    int block = spec.getInt("points.block");
    long evaluations = SweepGrid.evaluations(settings.size(), networks, points);
    if (evaluations > MAX_EVALUATIONS) {
      throw new ConfigException("config keys 'networks' and 'points': " + Limits.count(evaluations) + " rank evaluations"
          + " (settings x networks x points), more than " + Limits.count(MAX_EVALUATIONS) + " (weeks of CPU); split the run");
    }
    long units = Limits.product(settings.size(), networks, (points + block - 1) / block);
    if (units > MAX_UNITS) {
      throw new ConfigException("config key 'points.block': " + units + " work units (settings x "
          + "networks x ceil(points / block)) exceed " + MAX_UNITS + "; use larger blocks");
    }
    int depth = 0;
    for (Setting st : settings) {
      depth = Math.max(depth, st.depth());
    }
    Limits.rows("networks", "rank_networks", Limits.product(settings.size(), networks, depth));
    Plan plan = new Plan(List.copyOf(settings), networks, points, block, sampler,
        RankMethod.parse(spec.getString("rank.method")), spec.getLong("seed"));
    if (spec.getBool("points.record") && evaluations > MAX_RECORDED_POINTS) {
      throw new ConfigException("config key 'points.record': would write " + evaluations
          + " per-point rows (settings x networks x points), more than " + MAX_RECORDED_POINTS
          + "; record a smaller run");
    }
    return plan;
  }

  @Override
  public void validate(Spec spec) {
    plan(spec);
  }

  @Override
  public long run(JobContext ctx, Spec spec) {
    Plan plan = plan(spec);
    long units = plan.units();
    // Units vary in cost by orders of magnitude across a grid: several tasks per core balance them
    // dynamically, and the spread order mixes every setting into every task.
    int parts = spec.getInt("partitions") > 0 ? ctx.partitions() : 4 * ctx.partitions();
    parts = (int) Math.max(1, Math.min(parts, units));
    long stride = RankUnits.stride(units);
    long evaluations = (long) plan.settings().size() * plan.networks() * plan.points();
    System.out.printf(Locale.ROOT,
        "rank-sweep: %d settings x %d networks x %d points = %d evaluations in %d work units, %d partitions%n",
        plan.settings().size(), plan.networks(), plan.points(), evaluations, units, parts);
    long t0 = System.nanoTime();
    // CPU time of the evaluations on the executors' task threads (a benchmark figure that does not
    // depend on how loaded the machine is; task retries would count twice).
    LongAccumulator cpu = ctx.spark().sparkContext().longAccumulator("rank-sweep evaluation cpu ns");
    Dataset<Row> networks;
    if (plan.blocks() == 1) {
      // One unit per network: its partial is the network's statistics, no shuffle.
      networks = ctx.spark().range(0, units, 1, parts).mapPartitions(
          (MapPartitionsFunction<Long, Row>) it -> networkPartition(plan, stride, units, cpu, it),
          Encoders.row(RankTables.NETWORKS));
    } else {
      JavaRDD<Long> positions = ctx.spark().range(0, units, 1, parts).javaRDD();
      JavaPairRDD<Long, Partial> partials = positions.mapPartitionsToPair(
          (PairFlatMapFunction<Iterator<Long>, Long, Partial>) it ->
              partialPartition(plan, stride, units, cpu, it));
      JavaRDD<Row> rows = partials.reduceByKey(Partial::merge, parts)
          .flatMap((FlatMapFunction<Tuple2<Long, Partial>, Row>) kv ->
              RankUnits.networkRows(plan, kv._1(), kv._2()).iterator());
      networks = ctx.spark().createDataFrame(rows, RankTables.NETWORKS);
    }
    ctx.write("rank_networks", networks);
    double sec = (System.nanoTime() - t0) * 1e-9;
    double cpuSec = cpu.value() * 1e-9;
    System.out.printf(Locale.ROOT,
        "rank-sweep: %d evaluations in %.2f s: %.0f evaluations/s (evaluation CPU time on the task "
            + "threads %.2f s: %.0f evaluations per CPU-second)%n",
        evaluations, sec, evaluations / sec, cpuSec, evaluations / Math.max(cpuSec, 1e-9));

    // One row per (setting, layer): small by construction, so the summary comes to the driver once
    // (it also gives the failure count) and is written from there.
    String view = "rank_networks_" + ctx.runId().replaceAll("[^A-Za-z0-9]", "_");
    ctx.readStaged("rank_networks").createOrReplaceTempView(view);
    Dataset<Row> summary = ctx.spark().sql(RankTables.settingsSql(view));
    List<Row> settingRows = summary.collectAsList();
    ctx.spark().catalog().dropTempView(view);
    ctx.write("rank_settings", ctx.spark().createDataFrame(settingRows, summary.schema()).coalesce(1));
    long failed = 0;
    for (Row r : settingRows) {
      if (r.<Integer>getAs("layer") == 1) {
        failed += r.<Long>getAs("failed_networks");
      }
    }

    if (spec.getBool("points.record")) {
      Dataset<Row> points = ctx.spark().range(0, units, 1, parts).flatMap(
          (FlatMapFunction<Long, Row>) i ->
              RankUnits.pointRows(plan, RankUnits.unitAt(i, stride, units)).iterator(),
          Encoders.row(RankTables.POINTS));
      ctx.write("rank_points", points);
    }
    return failed;
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Evaluates a unit, adding the task thread's CPU time to {@code cpu}. */
  private static Partial timed(Plan plan, long u, LongAccumulator cpu) {
    long c0 = THREADS.getCurrentThreadCpuTime();
    Partial p = RankUnits.evaluate(plan, u);
    cpu.add(THREADS.getCurrentThreadCpuTime() - c0);
    return p;
  }

  private static Iterator<Row> networkPartition(Plan plan, long stride, long units,
      LongAccumulator cpu, Iterator<Long> it) {
    return UnitRows.of(it, i -> {
      long u = RankUnits.unitAt(i, stride, units);
      return RankUnits.networkRows(plan, plan.networkKey(u), timed(plan, u, cpu));
    });
  }

  private static Iterator<Tuple2<Long, Partial>> partialPartition(Plan plan, long stride, long units,
      LongAccumulator cpu, Iterator<Long> it) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Tuple2<Long, Partial> next() {
        long u = RankUnits.unitAt(it.next(), stride, units);
        return new Tuple2<>(plan.networkKey(u), timed(plan, u, cpu));
      }
    };
  }
}
