package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.statistics.inference.ContinuityCorrection;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.PValueMethod;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.jobs.JobTestSupport.Result;
import sheafrank.jobs.core.ModelTable;
import sheafrank.jobs.mlp.MlpData;
import sheafrank.net.Mlp;
import sheafrank.rank.DeepRankEvaluator;
import sheafrank.rank.DeepRankNetwork;

/**
 * rank-scan end to end on a tiny mlp-train run (20-16-8-1 on two sphere targets, 2 seeds, 2 epochs):
 * the histograms are those of the rank engine on the trials' own test points, ranks obey the bounds
 * of eq. 3, the tables do not depend on the partitioning, the tests are the library's Mann-Whitney
 * on the per-point sizes, and bad input stops before Spark.
 */
class RankScanJobTest {
  @TempDir
  static Path dir;

  static Path trained;

  static final String SCAN = "job = rank-scan\nexperiment = scan-test\ncheckpoints = [all]\n"
      + "points = [test, noise]\npoints.count = 45\npoints.block = 17\npoints.rows = true\n";

  @BeforeAll
  static void train() throws Exception {
    JobTestSupport.shareSession("local[2]");
    trained = dir.resolve("trained");
    Path conf = NetworkSourcesTest.config(dir, "train.conf", "job = mlp-train\nexperiment = scan-train\n"
        + "functions = [sphere]\ntargets = [3, standardised]\nfunction.d = 20\nn_train = 80\nn_test = 40\n"
        + "widths = [[20, 16, 8, 1]]\nseeds = [0, 1]\nepochs = 2\nbatch_size = 16\nprogress.every = 0\n");
    Result r = JobTestSupport.launch("run", conf.toString(), "--out", trained.toString());
    assertEquals(0, r.code(), r.err());
  }

  @AfterAll
  static void end() {
    JobTestSupport.endSharedSession();
  }

  private static Path shared;

  /** The scan with 3 partitions, run once and read by several tests. */
  static synchronized Path shared() throws Exception {
    if (shared == null) {
      Path out = dir.resolve("scan-3");
      Result r = scan(out, "partitions=3");
      assertEquals(0, r.code(), r.err());
      shared = out;
    }
    return shared;
  }

  static Result scan(Path out, String... sets) throws Exception {
    Path conf = NetworkSourcesTest.config(dir, "scan.conf", SCAN + "models.table = " + trained.resolve("models") + "\n");
    String[] args = {"run", conf.toString(), "--out", out.toString()};
    for (String s : sets) {
      args = JobTestSupport.concat(args, "--set", s);
    }
    return JobTestSupport.launch(args);
  }

  /**
   * Per (model, epoch, set, layer, quantity) the counts sum to the points; every histogram is the
   * engine's on the trial's test points (rebuilt from mlp_trials) read at that checkpoint; every
   * point's ranks obey rank_K <= min(width_K, rank_{K-1}, m) and rank_K <= |J_K| (ReLU layers).
   */
  @Test
  void histogramsAreTheEnginesAndRanksObeyTheBounds() throws Exception {
    Path out = shared();
    List<Row> layers = JobTestSupport.table(out, "rank_layers");
    assertEquals(4 * 3 * 2 * 3, layers.size()); // 4 trials x epochs {0,1,2} x 2 sets x 3 layers
    Map<String, Long> sums = new HashMap<>();
    Map<String, Long> hist = new TreeMap<>();
    for (Row h : JobTestSupport.table(out, "rank_hist")) {
      String k = h.getAs("model_id") + "|" + h.getAs("epoch") + "|" + h.getAs("point_set") + "|" + h.getAs("layer");
      sums.merge(k + "|" + h.getAs("quantity"), h.<Long>getAs("count"), Long::sum);
      hist.put(k + "|" + h.getAs("quantity") + "|" + h.getAs("value"), h.getAs("count"));
    }
    for (Row l : layers) {
      String k = l.getAs("model_id") + "|" + l.getAs("epoch") + "|" + l.getAs("point_set") + "|" + l.getAs("layer");
      long expect = l.<Long>getAs("points") - l.<Long>getAs("nonfinite");
      assertEquals(expect, sums.get(k + "|rank"), k);
      assertEquals(expect, sums.get(k + "|size"), k);
      assertEquals(l.<String>getAs("point_set").equals("test") ? 40L : 45L, l.<Long>getAs("points"));
      assertTrue(l.getAs("test_loss") != null && l.getAs("dataset") != null, k);
    }
    // the engine on the recorded test points of one trial at its last checkpoint
    Row trial = JobTestSupport.table(trained, "mlp_trials").get(0);
    String id = trial.getAs("trial_id");
    Mlp net = ModelTable.read(trained.resolve("models").toString(), id, 2);
    double[] x = MlpData.fromTrialRow(trial).testInputs();
    DeepRankNetwork dn = DeepRankNetwork.classifier(net);
    DeepRankEvaluator.Batch b = new DeepRankEvaluator.Batch(dn, 40);
    new DeepRankEvaluator(dn).evaluate(x, 0, 40, b);
    Map<String, Long> direct = new TreeMap<>();
    for (int p = 0; p < 40; p++) {
      for (int l = 0; l < 3; l++) {
        direct.merge(id + "|2|test|" + (l + 1) + "|rank|" + b.rank(p, l), 1L, Long::sum);
        direct.merge(id + "|2|test|" + (l + 1) + "|size|" + b.size(p, l), 1L, Long::sum);
      }
    }
    Map<String, Long> scanned = new TreeMap<>(hist);
    scanned.keySet().removeIf(k -> !k.startsWith(id + "|2|test|"));
    assertEquals(direct, scanned);
    int[] widths = {20, 16, 8, 1};
    for (Row p : JobTestSupport.table(out, "rank_points")) {
      List<Integer> ranks = p.getList(p.fieldIndex("ranks"));
      List<Integer> sizes = p.getList(p.fieldIndex("sizes"));
      int prev = widths[0];
      for (int l = 0; l < 3; l++) {
        int rk = ranks.get(l);
        assertTrue(rk >= 0 && rk <= Math.min(widths[l + 1], prev), "rank bound at " + p);
        if (l < 2) {
          assertTrue(rk <= sizes.get(l), "rank <= |J_K| at " + p);
        }
        prev = rk;
      }
    }
  }

  /** One partition or three: the same rows in every table. */
  @Test
  void tablesDoNotDependOnPartitioning() throws Exception {
    Path a = dir.resolve("part-1");
    assertEquals(0, scan(a, "partitions=1").code());
    Path b = shared();
    for (String t : List.of("rank_hist", "rank_layers", "rank_points", "rank_tests")) {
      List<String> x = JobTestSupport.rows(a, t);
      assertFalse(x.isEmpty(), t);
      assertEquals(x, JobTestSupport.rows(b, t), t);
    }
  }

  /**
   * rank_tests is the library's two-sided asymptotic Mann-Whitney (tie and continuity corrected) of
   * the per-point codeword sizes at epoch 0 vs the last epoch, pooled over the seeds; Bonferroni
   * over the run's tests.
   */
  @Test
  void testsAreMannWhitneyOnThePooledPointSizes() throws Exception {
    Path out = shared();
    Map<String, List<Double>> sizes = new HashMap<>();
    for (Row p : JobTestSupport.table(out, "rank_points")) {
      int e = p.getAs("epoch");
      if (e == 1) {
        continue;
      }
      String task = p.<String>getAs("model_id").split("/")[0];
      List<Integer> s = p.getList(p.fieldIndex("sizes"));
      for (int l = 0; l < 2; l++) {
        sizes.computeIfAbsent(task + "|" + p.getAs("point_set") + "|" + (l + 1) + "|" + e, k -> new ArrayList<>())
            .add((double) s.get(l));
      }
    }
    List<Row> tests = JobTestSupport.table(out, "rank_tests");
    assertEquals(2 * 2 * 2, tests.size()); // 2 targets x 2 sets x 2 ReLU layers
    MannWhitneyUTest lib = MannWhitneyUTest.withDefaults().with(PValueMethod.ASYMPTOTIC)
        .with(ContinuityCorrection.ENABLED);
    for (Row t : tests) {
      String k = t.getAs("dataset") + "|" + t.getAs("point_set") + "|" + t.getAs("layer");
      double[] before = sizes.get(k + "|0").stream().mapToDouble(Double::doubleValue).toArray();
      double[] after = sizes.get(k + "|2").stream().mapToDouble(Double::doubleValue).toArray();
      assertEquals(2, t.<Integer>getAs("trials"));
      assertEquals(before.length, t.<Long>getAs("n_before"));
      MannWhitneyUTest.Result r = lib.test(before, after);
      assertEquals(r.getStatistic(), t.<Double>getAs("u"), 1e-9, k);
      assertEquals(r.getPValue(), t.<Double>getAs("p"), 1e-12, k);
      assertEquals(Math.min(1, 8 * r.getPValue()), t.<Double>getAs("p_bonferroni"), 1e-12, k);
      assertEquals(8, t.<Integer>getAs("tests"));
    }
  }

  /** Bad input: exit 2 before Spark, the key or file named, nothing written. */
  @Test
  void badInputIsRejectedBeforeAnyWork() throws Exception {
    Path nan = JobTestSupport.write(dir, "nan.csv", header(20) + row(20, "0.5") + "0.5,".repeat(19) + "NaN\n");
    Path narrow = JobTestSupport.write(dir, "narrow.csv", header(3) + row(3, "0.1"));
    Path out = dir.resolve("bad");
    Path conf = NetworkSourcesTest.config(dir, "bad.conf", SCAN + "models.table = " + trained.resolve("models") + "\n");
    JobTestSupport.assertRejected(sets -> JobTestSupport.launch(
        JobTestSupport.concat(new String[] {"run", conf.toString(), "--out", out.toString()}, sets)), out, new String[][] {
        {"points.table=" + nan, "nan.csv, line 3, column 'x19'"},
        {"points.table=" + narrow, "narrow.csv"},
        {"points=[test, digits]", "'points'"},
        {"checkpoints=[7]", "'checkpoints'"},
        {"models.ids=[nope]", "'models.ids'"},
        {"models.table=" + dir.resolve("missing"), "'models.table'"},
        {"points.count=0", "'points.count'"},
    });
    // one network without trial data: test points are refused, noise and table points work
    Path single = NetworkSourcesTest.config(dir, "single.conf", "job = rank-scan\nexperiment = single\n"
        + "widths = [3, 6, 2]\noutput = identity\npoints = [test]\n");
    Result bad = JobTestSupport.launch("run", single.toString(), "--out", out.toString());
    assertEquals(Main.EXIT_BAD_INPUT, bad.code(), bad.err());
    assertTrue(bad.err().contains("'points'"), bad.err());
    assertFalse(Files.exists(out));
    Result ok = JobTestSupport.launch("run", single.toString(), "--out", out.toString(), "--set", "points=[noise]",
        "--set", "points.table=" + narrow, "--set", "points.count=30");
    assertEquals(0, ok.code(), ok.err());
    assertEquals(2 * 2, JobTestSupport.table(out, "rank_layers").size());
  }

  static String header(int d) {
    List<String> c = new ArrayList<>();
    for (int i = 0; i < d; i++) {
      c.add("x" + i);
    }
    return String.join(",", c) + "\n";
  }

  static String row(int d, String v) {
    return (v + ",").repeat(d - 1) + v + "\n";
  }
}
