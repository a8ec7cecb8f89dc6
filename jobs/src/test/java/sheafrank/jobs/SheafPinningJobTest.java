package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.jobs.JobTestSupport.Result;

class SheafPinningJobTest {
  @BeforeAll
  static void shareSpark() {
    JobTestSupport.shareSession("local[2]");
  }

  @AfterAll
  static void stopSpark() {
    JobTestSupport.endSharedSession();
  }

  static String[] run(String conf, Path out, String... sets) {
    String[] a = {"run", JobTestSupport.conf(conf).toString(), "--out", out.toString()};
    for (String s : sets) {
      a = JobTestSupport.concat(a, "--set", s);
    }
    return a;
  }

  /** S6 config (hard hidden pin, soft output pin, gamma sweep, Euler, details): 1 vs 3 partitions. */
  @Test
  void tablesDoNotDependOnPartitioning(@TempDir Path dir) {
    String[] small = {"inputs.count=9", "details.count=2", "gamma.sweep=[0.01, 1.0, 100.0]", "euler.max_steps=20000"};
    Result a = JobTestSupport.launch(run("S6-pinning.conf", dir.resolve("a"), JobTestSupport.concat(small, "partitions=1")));
    assertEquals(0, a.code(), a.err());
    Result b = JobTestSupport.launch(run("S6-pinning.conf", dir.resolve("b"), JobTestSupport.concat(small, "partitions=3")));
    assertEquals(0, b.code(), b.err());
    for (String t : List.of("pinning_equilibria", "pinning_discord", "pinning_discord_summary", "pinning_values",
        "pinning_spectrum", "pinning_updates", "pinning_gamma_sweep")) {
      List<String> x = JobTestSupport.rows(dir.resolve("a"), t);
      assertFalse(x.isEmpty(), t);
      assertEquals(x, JobTestSupport.rows(dir.resolve("b"), t), t);
    }
    assertEquals(9, JobTestSupport.rows(dir.resolve("a"), "pinning_equilibria").size());
    assertEquals(27, JobTestSupport.rows(dir.resolve("a"), "pinning_gamma_sweep").size());
  }

  /**
   * D1: the worked example of seed 002 §13.6 through the job, with the true values of
   * docs/worked-example.md (not the chapter's printed ones).
   */
  @Test
  void workedExampleThroughTheJob(@TempDir Path dir) throws Exception {
    assertArrayEquals(WorkedExampleWeights.bytes(), Files.readAllBytes(JobTestSupport.conf("weights/worked-example.safetensors")),
        "the committed weight file is what WorkedExampleWeights writes");
    Path out = dir.resolve("out");
    Result r = JobTestSupport.launch(run("D1-worked-example.conf", out,
        "network.weights=" + JobTestSupport.conf("weights/worked-example.safetensors")));
    assertEquals(0, r.code(), r.err());
    SparkSession spark = SparkSession.builder().getOrCreate();
    Row eq = spark.read().parquet(out.resolve("pinning_equilibria").toString()).first();
    assertEquals(1.0 / 6, eq.<Double>getAs("energy"), 1e-14, "R = 1/6 (printed 0.056)");
    assertEquals(1.0 / 3, eq.<Double>getAs("discord_total"), 1e-14, "sum d_e = 1/3 = 2R (printed 0.22)");
    assertEquals("converged", eq.getAs("status"));
    assertFalse(eq.<Boolean>getAs("is_global_section"));
    assertEquals(0, eq.<Integer>getAs("changed_count"), "sigma stays (1, 1)");
    assertEquals(8.0 / 3, eq.<scala.collection.Seq<Double>>getAs("output").apply(0), 1e-14, "z2 = 8/3");
    assertEquals(2.0, eq.<scala.collection.Seq<Double>>getAs("forward_output").apply(0), 1e-15);
    assertTrue(eq.<Double>getAs("exact_vs_euler") < 1e-8, "Euler agrees");

    Map<String, Double> d = new HashMap<>();
    for (Row row : spark.read().parquet(out.resolve("pinning_discord").toString()).collectAsList()) {
      d.put(row.getAs("edge"), row.getAs("discord"));
    }
    assertEquals(4, d.size(), d.toString());
    assertEquals(1.0 / 18, d.get("W1"), 1e-14, "d(e1 aff)");
    assertEquals(1.0 / 18, d.get("R1"), 1e-14, "d(e1 act) (printed 0.050)");
    assertEquals(1.0 / 9, d.get("W2"), 1e-14, "d(e2 aff) (printed 0)");
    assertEquals(1.0 / 9, d.get("out"), 1e-14, "d(out)");

    Map<String, Double> c = new HashMap<>();
    for (Row row : spark.read().parquet(out.resolve("pinning_values").toString()).collectAsList()) {
      c.put(row.getAs("coordinate"), row.getAs("value"));
    }
    double[] expect = {1, 2, 7.0 / 6, 7.0 / 6, 4.0 / 3, 4.0 / 3, 8.0 / 3, 3};
    String[] names = {"x[0]", "x[1]", "z1[0]", "z1[1]", "a1[0]", "a1[1]", "z2[0]", "y[0]"};
    for (int i = 0; i < names.length; i++) {
      assertEquals(expect[i], c.get(names[i]), 1e-14, names[i]);
    }

    Row sp = spark.read().parquet(out.resolve("pinning_spectrum").toString()).first();
    double s5 = Math.sqrt(5);
    double[] ev = {(3 - s5) / 2, 0.5, 2, (3 + s5) / 2, 3};
    scala.collection.Seq<Double> got = sp.getAs("eigenvalues");
    assertEquals(5, got.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(ev[i], got.apply(i), 1e-13, "eigenvalue " + i + " (printed 0.47, 1.00, 2.00, 3.00, 5.53)");
    }

    Map<String, Double> u = new HashMap<>();
    for (Row row : spark.read().parquet(out.resolve("pinning_updates").toString()).collectAsList()) {
      u.put(row.getAs("edge") + " " + row.getAs("parameter") + " " + row.getAs("row") + "," + row.getAs("col"),
          row.getAs("delta"));
    }
    assertEquals(1.0 / 6, u.get("W1 weight 0,0"), 1e-14);
    assertEquals(1.0 / 3, u.get("W1 weight 0,1"), 1e-14);
    assertEquals(1.0 / 6, u.get("W1 weight 1,0"), 1e-14);
    assertEquals(1.0 / 3, u.get("W1 weight 1,1"), 1e-14);
    assertEquals(1.0 / 6, u.get("W1 bias 0,null"), 1e-14);
    assertEquals(4.0 / 9, u.get("W2 weight 0,0"), 1e-14, "Delta W2 (printed 0)");
    assertEquals(4.0 / 9, u.get("W2 weight 0,1"), 1e-14, "Delta W2 (printed 0)");
    assertEquals(1.0 / 3, u.get("W2 bias 0,null"), 1e-14);
  }

  /** Forward Euler beyond its stability limit: a per-sample status, exit 3, every table written. */
  @Test
  void divergenceIsAStatusNotACrash(@TempDir Path dir) {
    Result r = JobTestSupport.launch(run("D1-two-sided.conf", dir, "inputs.count=4", "details.count=0",
        "euler.dt=5", "euler.max_steps=300"));
    assertEquals(Main.EXIT_FAILED_UNITS, r.code(), r.err());
    List<String> rows = JobTestSupport.rows(dir, "pinning_equilibria");
    assertEquals(4, rows.size());
    assertTrue(rows.stream().allMatch(s -> s.contains("|diverged|") && s.contains("|euler_diverged|")), rows.toString());
    assertTrue(JobTestSupport.rows(dir, "runs").get(0).contains("completed_with_failures"));
  }

  @Test
  void badInputFailsBeforeAnyWork(@TempDir Path dir) {
    Path out = dir.resolve("out");
    String[][] cases = {
      {"pins=\"x = input; a1[40] = 1\""}, // coordinate does not exist
      {"pins=\"x = input; a3[0] = 1\""}, // stalk does not exist in [2, 10, 8, 1]
      {"pins=\"x = 1, 2, 3\""}, // wrong dimension
      {"pins=\"x = input; a1 = 1, 2\""}, // wrong dimension of a whole stalk
      {"pins=\"x = input; y ~ target @ 0\""}, // gamma <= 0
      {"pins=\"x = input; y ~ target @ -2\""},
      {"gamma.sweep=[1.0, 0.0]"},
      {"gamma.sweep=[10.0, 1.0]"},
      {"targets.function=constant"}, // no targets.value
      {"targets.function=constant", "targets.value=[1, 2]"},
      {"targets.offset=[1, 2]"},
      {"pins=\"x = input\"", "gamma.sweep=[1.0]"}, // sweep without soft pins
      {"pins=\"x[0] = input\"", "gamma.sweep=[]"}, // x[1] free, nothing downstream pinned
      {"details.count=5000"},
    };
    String[] expect = {
      "a1[40]", "a3", "3 values", "10 coordinates", "gamma", "gamma", "gamma.sweep", "gamma.sweep",
      "targets.value", "targets.value", "targets.offset", "gamma.sweep", "not determined", "details.count"};
    for (int i = 0; i < cases.length; i++) {
      Result r = JobTestSupport.launch(run("S6-pinning.conf", out, cases[i]));
      assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", cases[i]) + ": " + r.err());
      assertTrue(r.err().contains(expect[i]), "expected '" + expect[i] + "' in: " + r.err());
      assertFalse(Files.exists(out.resolve("pinning_equilibria")) || Files.exists(out.resolve("runs")), "no partial output");
    }
  }
}
