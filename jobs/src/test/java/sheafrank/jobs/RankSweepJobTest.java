package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.jobs.JobTestSupport.Result;

/**
 * The rank-sweep job (R1-R5, R10): partition independence, bad input, and the paper's claims
 * (seed 003 §3) on small grids, checked through the job's own tables.
 */
class RankSweepJobTest {
  /**
   * Narrow and wide Kaiming layers, rank selection, all-negative uniform[-1,0] weights, Dale
   * networks with every input inhibitory (k = 0) or two excitatory ones; box points.
   */
  static final String BOX = String.join("\n",
      "job = rank-sweep",
      "experiment = test-box",
      "seed = 12",
      "network.widths = [[3, 2], [3, 48], [4, 20], [2, 5]]",
      "init = [kaiming, \"rankselect({k})\", \"uniform(-1, 0)\", \"dale(0, 4)\", \"dale(2, 4)\"]",
      "init.k = [0..n1 step 8, n1]",
      "networks = 6",
      "points = 300",
      "points.low = -5",
      "points.high = 5",
      "points.record = true",
      "");

  /** k = 0..n1 step 8 plus n1, for n1 = 2, 48, 20, 5. */
  static final int RANKSELECT_SETTINGS = 2 + 7 + 4 + 2;
  static final int SETTINGS = RANKSELECT_SETTINGS + 4 * 4;

  static Result run(Path conf, Path out, String... sets) {
    return JobTestSupport.launch(JobTestSupport.concat(
        new String[] {"run", conf.toString(), "--out", out.toString(), "--master", "local[2]"}, sets));
  }

  /**
   * One work unit per network without a shuffle (1 partition) vs networks split into blocks of 37
   * points merged by reduceByKey (4 partitions): every table is identical. The first run's tables
   * then carry the paper's claims (seed 003 §3-3.2) on this small grid.
   */
  @Test
  void tablesDoNotDependOnPartitioningAndShowThePapersClaims(@TempDir Path dir) throws IOException {
    Path conf = JobTestSupport.write(dir, "box.conf", BOX);
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Result ra = run(conf, a, "--set", "partitions=1");
    assertEquals(0, ra.code(), ra.err());
    Result rb = run(conf, b, "--set", "partitions=4", "--set", "points.block=37");
    assertEquals(0, rb.code(), rb.err());
    for (String t : List.of("rank_networks", "rank_settings", "rank_points")) {
      List<String> x = JobTestSupport.rows(a, t);
      assertFalse(x.isEmpty(), t);
      assertEquals(x, JobTestSupport.rows(b, t), t);
    }
    List<Row> settings = JobTestSupport.table(a, "rank_settings");
    assertEquals(SETTINGS, settings.size());
    checkClaims(settings);
    checkNetworksAgainstPoints(JobTestSupport.table(a, "rank_networks"), JobTestSupport.table(a, "rank_points"));
  }

  static void checkClaims(List<Row> settings) {
    int rankSelect = 0;
    for (Row s : settings) {
      int m = s.getAs("m");
      int n1 = s.getAs("n1");
      long nets = s.getAs("networks");
      assertEquals(6L, nets);
      assertEquals(0L, (long) s.getAs("failed_networks"));
      String init = s.getAs("init");
      Integer bound = s.getAs("rank_bound");
      if (bound != null) {
        // R4 and §3.2: min rank <= min{k, n1 - k, m} on every network for rankselect; rank 0 for
        // uniform[-1,0] (positive orthant) and Dale with every input inhibitory (k = 0) or every
        // input excitatory (k = m, negative orthant); 300 points of the box reach both orthants.
        assertEquals(0L, (long) s.getAs("networks_above_bound"), s.toString());
      }
      if (init.startsWith("rankselect")) {
        int k = s.getAs("init_k");
        assertEquals(Math.min(Math.min(k, n1 - k), m), bound);
        rankSelect++;
      }
      if (init.startsWith("uniform") || init.startsWith("dale(0,") || init.startsWith("dale(2,") && m == 2) {
        assertEquals(0, bound, init);
        assertEquals(0, (int) s.getAs("min_rank_max"), s.toString());
      }
      if (init.equals("kaiming")) {
        // m > n1: the rank is at most n1 < m everywhere, destructive regions are certain.
        if (m > n1) {
          assertEquals(nets, (long) s.getAs("networks_destructive"), s.toString());
        }
        // n1 = 16 m: every network preserves rank m somewhere and the minimum reaches m on
        // (almost) every network.
        if (n1 >= 16 * m) {
          assertEquals(nets, (long) s.getAs("networks_preserving"), s.toString());
          assertTrue((double) s.getAs("min_rank_mean") >= m - 0.2, s.toString());
        }
        // R10: one zero-bias layer cuts R^m into 2 sum_{i<m} C(n1-1, i) regions; for m = 2,
        // n1 = 5 (10 sectors) 300 points of the box find all of them on most networks.
        if (m == 2) {
          assertEquals(10.0, (double) s.getAs("arrangement_regions"));
          assertTrue((long) s.getAs("networks_all_regions") >= 4, s.toString());
        }
      }
      // regions hit never exceed the regions of a central arrangement
      assertTrue((long) s.getAs("distinct_codewords_max") <= (double) s.getAs("arrangement_regions"),
          s.toString());
      // the counting bound of §3 as columns: sum_{k<m} C(n1, k) of 2^n1
      double d = 0;
      double c = 1;
      for (int k = 0; k < m; k++) {
        d += c;
        c = c * (n1 - k) / (k + 1);
      }
      assertEquals(d, (double) s.getAs("destructive_bound"), 1e-9 * d);
      assertEquals(Math.pow(2, n1), (double) s.getAs("total_codewords"));
    }
    assertEquals(RANKSELECT_SETTINGS, rankSelect);
  }

  /** rank_networks against the recorded points: histograms, min ranks and codeword counts agree. */
  static void checkNetworksAgainstPoints(List<Row> nets, List<Row> points) {
    Map<String, List<Row>> byNet = new HashMap<>();
    for (Row p : points) {
      byNet.computeIfAbsent(p.getAs("setting_id") + "/" + p.getAs("net_id"), x -> new ArrayList<>()).add(p);
    }
    assertEquals(SETTINGS * 6, byNet.size());
    assertEquals(SETTINGS * 6, nets.size()); // one layer each
    for (Row r : nets) {
      assertEquals("ok", r.getAs("status"));
      int m = r.getAs("m");
      List<Row> pts = byNet.get(r.getAs("setting_id") + "/" + r.getAs("net_id"));
      assertEquals(300, pts.size());
      long[] hist = new long[m + 1];
      Set<String> codewords = new HashSet<>();
      for (Row p : pts) {
        hist[p.<scala.collection.Seq<Integer>>getAs("ranks").apply(0)]++;
        codewords.add(p.<scala.collection.Seq<String>>getAs("codewords").apply(0));
      }
      assertArrayEquals(hist, histogram(r), r.toString());
      assertEquals(300 - hist[m], (long) r.getAs("destructive_points"));
      assertEquals(codewords.size(), (long) r.getAs("distinct_codewords"));
      int min = 0;
      while (hist[min] == 0) {
        min++;
      }
      assertEquals(min, (int) r.getAs("min_rank"));
    }
  }

  static long[] histogram(Row r) {
    scala.collection.Seq<Long> s = r.getAs("rank_histogram");
    long[] h = new long[s.size()];
    for (int i = 0; i < h.length; i++) {
      h[i] = s.apply(i);
    }
    return h;
  }

  @Test
  void badInputFailsBeforeAnyWork(@TempDir Path dir) throws IOException {
    Path conf = JobTestSupport.write(dir, "box.conf", BOX);
    Path out = dir.resolve("out");
    String[][] cases = {
      {"init=[foo]", "'init'"},
      {"init=[\"rankselect({k})\"]", "'init.k'", "init.k=[0..n1, 21]"},
      {"init=[\"rankselect({k})\"]", "'init.k'", "init.k=[-1]"},
      {"init=[\"dale({k}, 4)\"]", "'init.k'", "init.k=[0..n1]"},
      {"init=[\"normal(0, -1)\"]", "'init'", "init.k=[]"},
      {"init=[\"normal({mu}, 0.1)\"]", "'init.mu'", "init.k=[]"},
      {"points.low=5", "'points.low'"},
      {"points.high=-6", "'points.low'"},
      {"points.sampler=positive", "'points.high'", "points.high=0"},
      {"points=0", "'points'"},
      {"networks=0", "'networks'"},
      {"network.widths=[[5]]", "'network.widths'"},
      {"network.widths=[[3, 0, 2]]", "'network.widths'"},
      {"network.m=[3]", "'network.widths'"},
      {"rank.method=lu", "'rank.method'"},
      {"points.record=true", "'points.record'", "points=10000"},
      {"nonsense=1", "'nonsense'"},
    };
    JobTestSupport.assertRejected(sets -> run(conf, out, sets), out, cases);
  }

  /** The committed configs validate (no Spark): they name their keys and values correctly. */
  @Test
  void everyRankConfigValidates(@TempDir Path dir) {
    for (String c : List.of("R1-decomposition", "R2-width-sweep", "R3-mean-sweep",
        "R4-rank-selection", "R5-dale", "R10-region-counting")) {
      Main.Prepared p = Main.prepare(Main.parseRun(new String[] {
          "run", JobTestSupport.conf(c + ".conf").toString(), "--out", dir.toString()}));
      assertEquals("rank-sweep", p.job().name(), c);
      assertEquals(c.substring(0, c.indexOf('-')), p.spec().getString("experiment"), c);
    }
  }

  @Test
  void helpListsTheJobAndItsTables() {
    Result h = JobTestSupport.launch("help", "rank-sweep");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("init.k") && h.out().contains("rank_networks")
        && h.out().contains("rank_settings"), h.out());
    assertTrue(JobTestSupport.launch("jobs").out().contains("rank-sweep"));
  }
}
