package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.jobs.JobTestSupport.Result;

/**
 * The rank-sweep job (R1-R5, R10): partition independence, bad input, and the paper's claims
 * (seed 003 §3) on small grids, checked through the job's own tables.
 */
class RankSweepJobTest {
  /** Positive inputs: uniform[-1,0] weights, Dale networks, Kaiming; one and two layers. */
  static final String POSITIVE = String.join("\n",
      "job = rank-sweep",
      "experiment = test-positive",
      "seed = 11",
      "network.widths = [[5, 10], [4, 8, 6]]",
      "init = [\"uniform(-1, 0)\", \"dale({k}, 4)\", kaiming]",
      "init.k = [0, 3, m]",
      "networks = 6",
      "points = 200",
      "points.sampler = positive",
      "points.high = 5",
      "points.record = true",
      "");

  /** Box points: narrow and wide Kaiming layers, rank selection, region counting. */
  static final String BOX = String.join("\n",
      "job = rank-sweep",
      "experiment = test-box",
      "seed = 12",
      "network.widths = [[3, 2], [3, 48], [4, 20], [2, 5]]",
      "init = [kaiming, \"rankselect({k})\"]",
      "init.k = [0..n1 step 5, n1]",
      "networks = 10",
      "points = 1000",
      "points.low = -5",
      "points.high = 5",
      "");

  static Path write(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  static Result run(Path conf, Path out, String... sets) {
    return JobTestSupport.launch(JobTestSupport.concat(
        new String[] {"run", conf.toString(), "--out", out.toString(), "--master", "local[2]"}, sets));
  }

  static List<Row> table(Path out, String table) {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("read")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    return spark.read().parquet(out.resolve(table).toString()).collectAsList();
  }

  static long count(List<Row> rows, java.util.function.Predicate<Row> p) {
    return rows.stream().filter(p).count();
  }

  /**
   * One work unit per network without a shuffle (1 partition) vs networks split into blocks of 37
   * points merged by reduceByKey (4 partitions): every table is identical.
   */
  @Test
  void tablesDoNotDependOnPartitioning(@TempDir Path dir) throws IOException {
    Path conf = write(dir, "positive.conf", POSITIVE);
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
    // 2 architectures x (uniform + 3 Dale k + Kaiming) x 6 networks, one row per layer
    assertEquals(5 * 6 * 1 + 5 * 6 * 2, JobTestSupport.rows(a, "rank_networks").size());
    assertEquals(2 * 5 * 6 * 200, JobTestSupport.rows(a, "rank_points").size());

    List<Row> nets = table(a, "rank_networks");
    for (Row r : nets) {
      String init = r.getAs("init");
      int m = r.getAs("m");
      int width = r.getAs("width");
      int minRank = r.getAs("min_rank");
      int maxRank = r.getAs("max_rank");
      assertEquals("ok", r.getAs("status"));
      // §3.2: uniform[-1,0] weights and zero bias switch every unit off at a positive point: the
      // whole positive orthant is a rank-0 region.
      if (init.startsWith("uniform")) {
        assertEquals(0, maxRank, r.toString());
      }
      // Dale, all inputs excitatory (k = m): every unit is on at a positive point, full rank;
      // all inhibitory (k = 0): every unit off, rank 0.
      if (init.startsWith("dale(" + m + ",") && (int) r.getAs("layer") == 1) {
        assertEquals(Math.min(m, width), minRank, r.toString());
      }
      if (init.startsWith("dale(0,")) {
        assertEquals(0, maxRank, r.toString());
      }
      long[] hist = histogram(r);
      assertEquals(m + 1, hist.length);
      assertEquals(200, java.util.Arrays.stream(hist).sum());
      long destructive = r.getAs("destructive_points");
      assertEquals(200 - hist[m], destructive);
    }
    // rank_points agrees with rank_networks: per-point ranks give the same min rank per network
    List<Row> pts = table(a, "rank_points");
    for (Row r : nets) {
      int layer = r.getAs("layer");
      long net = r.getAs("net_id");
      int setting = r.getAs("setting_id");
      int min = pts.stream()
          .filter(p -> (int) p.getAs("setting_id") == setting && (long) p.getAs("net_id") == net)
          .mapToInt(p -> p.<scala.collection.Seq<Integer>>getAs("ranks").apply(layer - 1))
          .min().orElseThrow();
      assertEquals((int) r.getAs("min_rank"), min, r.toString());
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

  /** Seed 003 §3-3.2 on small grids, read from rank_settings and rank_networks. */
  @Test
  void paperClaimsHoldOnSmallGrids(@TempDir Path dir) throws IOException {
    Path conf = write(dir, "box.conf", BOX);
    Path out = dir.resolve("out");
    Result r = run(conf, out);
    assertEquals(0, r.code(), r.err());
    List<Row> settings = table(out, "rank_settings");
    int checkedBound = 0;
    for (Row s : settings) {
      int m = s.getAs("m");
      int n1 = s.getAs("n1");
      long nets = s.getAs("networks");
      assertEquals(10L, nets);
      String init = s.getAs("init");
      if (init.equals("kaiming")) {
        // m >= n1: the rank is at most n1 < m everywhere, destructive regions are certain.
        if (m > n1) {
          assertEquals(nets, (long) s.getAs("networks_destructive"), s.toString());
        }
        // n1 = 16 m: the minimum rank reaches m on (almost) every network.
        if (n1 >= 16 * m) {
          assertTrue((long) s.getAs("networks_preserving") == nets
              && count(List.of(s), x -> (double) x.getAs("min_rank_mean") >= m - 0.1) == 1, s.toString());
        }
        // R10: one zero-bias layer cuts R^m into 2 sum_{i<m} C(n1-1, i) regions; for m = 2,
        // n1 = 5 (10 sectors) 1000 points of the box find all of them on most networks.
        assertTrue((long) s.getAs("distinct_codewords_max") <= (double) s.getAs("arrangement_regions"));
        if (m == 2) {
          assertEquals(10.0, (double) s.getAs("arrangement_regions"));
          assertTrue((long) s.getAs("networks_all_regions") >= 8, s.toString());
        }
      } else {
        // R4: min rank <= min{k, n1 - k, m} on every network (the sampler hits both orthants).
        int k = s.getAs("init_k");
        assertEquals(Math.min(Math.min(k, n1 - k), m), (int) s.getAs("rank_bound"));
        assertEquals(0L, (long) s.getAs("networks_above_bound"), s.toString());
        checkedBound++;
      }
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
    // k = 0..n1 step 5 plus n1 for n1 = 2, 48, 20, 5
    assertEquals(2 + 11 + 5 + 2, checkedBound);
    assertEquals(4 + checkedBound, settings.size());
    assertFalse(Files.exists(out.resolve("rank_points")), "points are recorded only on request");
  }

  @Test
  void badInputFailsBeforeAnyWork(@TempDir Path dir) throws IOException {
    Path conf = write(dir, "box.conf", BOX);
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
      {"points.record=true", "'points.record'", "points=1000000"},
      {"nonsense=1", "'nonsense'"},
    };
    for (String[] c : cases) {
      String[] sets = Stream.of(c).filter(s -> s.contains("=")).flatMap(s -> Stream.of("--set", s))
          .toArray(String[]::new);
      Result r = run(conf, out, sets);
      assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", c) + ": " + r.err() + r.out());
      assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
      assertFalse(Files.exists(out) && Files.list(out).findAny().isPresent(), "no output: " + c[0]);
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
