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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.diagnostics.Spectrum;
import sheafrank.jobs.JobTestSupport.Result;

class SheafSpectrumJobTest {
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

  static final String[] SMALL = {"architectures=[[2, 30, 1], [2, 12, 8, 6, 1]]", "network.seeds=[0, 1]",
    "inputs.count=12", "discord.count=3", "cosine.inputs=4"};

  /**
   * The S14 config on a small grid (2 architectures x 2 seeds x 12 inputs, discord for 3): every
   * table identical for 1 and 3 partitions; the summaries agree with the per-input rows; the free
   * run is a global section and in the pinned run the inactive coordinates of the hidden weight
   * edges carry no weight-edge residual (seed 001 §6.3).
   */
  @Test
  void tablesDoNotDependOnPartitioningAndAgreeWithEachOther(@TempDir Path dir) {
    Result a = JobTestSupport.launch(run("S14-discord.conf", dir.resolve("a"), JobTestSupport.concat(SMALL, "partitions=1")));
    assertEquals(0, a.code(), a.err());
    Result b = JobTestSupport.launch(run("S14-discord.conf", dir.resolve("b"), JobTestSupport.concat(SMALL, "partitions=3")));
    assertEquals(0, b.code(), b.err());
    for (String t : List.of("spectrum_samples", "spectrum_block_energy", "spectrum_cosine", "spectrum_summary",
        "spectrum_architectures", "coordinate_discord")) {
      List<String> x = JobTestSupport.rows(dir.resolve("a"), t);
      assertFalse(x.isEmpty(), t);
      assertEquals(x, JobTestSupport.rows(dir.resolve("b"), t), t);
    }
    SparkSession spark = SparkSession.builder().getOrCreate();
    Path out = dir.resolve("a");
    List<Row> samples = spark.read().parquet(out.resolve("spectrum_samples").toString()).collectAsList();
    assertEquals(48, samples.size());
    Map<Integer, List<Double>> l1 = new HashMap<>();
    for (Row r : samples) {
      assertEquals("ok", r.getAs("status"));
      l1.computeIfAbsent(r.<Integer>getAs("network_id"), k -> new ArrayList<>()).add(r.getAs("lambda_1"));
      assertTrue(r.<Double>getAs("lambda_1") > 0, "L[Omega,Omega] positive definite");
    }
    for (Row r : spark.read().parquet(out.resolve("spectrum_summary").toString()).collectAsList()) {
      double[] v = l1.get(r.<Integer>getAs("network_id")).stream().mapToDouble(Double::doubleValue).toArray();
      Spectrum.Stats st = Spectrum.stats(v);
      assertEquals(12L, r.<Long>getAs("inputs"));
      assertEquals(st.median(), r.<Double>getAs("lambda1_median"), 1e-15);
      assertEquals(st.std(), r.<Double>getAs("lambda1_std"), 1e-15);
    }
    List<Row> archs = spark.read().parquet(out.resolve("spectrum_architectures").toString()).orderBy("lambda1_median")
        .collectAsList();
    assertEquals(2, archs.size());
    assertEquals(2L, archs.get(0).<Long>getAs("networks"));
    assertEquals(5, archs.get(0).<scala.collection.Seq<Integer>>getAs("architecture").size(), "the deeper net has the smaller gap");
    // block energies of a unit eigenvector sum to 1
    for (Row r : spark.sql("SELECT network_id, sample_id, eigenvector, sum(energy) AS s FROM parquet.`"
        + out.resolve("spectrum_block_energy") + "` GROUP BY 1, 2, 3").collectAsList()) {
      assertEquals(1.0, r.<Double>getAs("s"), 1e-12);
    }
    // S14: 3 inputs x 4 networks x {free, pinned}
    List<Row> disc = spark.read().parquet(out.resolve("coordinate_discord").toString()).collectAsList();
    int inactive = 0;
    for (Row r : disc) {
      double res = Math.abs(r.<Double>getAs("residual"));
      if (r.getAs("run").equals("free")) {
        assertTrue(res < 1e-9, "free run is the forward pass: " + r);
      } else if (r.getAs("kind").equals("weight") && !r.<Boolean>getAs("active")) {
        int depth = r.<Integer>getAs("network_id") < 2 ? 2 : 4; // [2,30,1] x 2 seeds, then [2,12,8,6,1]
        if (r.<Integer>getAs("layer") < depth) {
          assertTrue(res < 1e-9, "inactive coordinate on a hidden weight edge: " + r);
          inactive++;
        }
      }
    }
    assertTrue(inactive > 20, "inactive coordinates checked: " + inactive);
    assertTrue(disc.stream().anyMatch(r -> r.getAs("run").equals("pinned") && Math.abs(r.<Double>getAs("residual")) > 1e-3),
        "the pinned run is not a global section");
  }

  @Test
  void badInputFailsBeforeAnyWork(@TempDir Path dir) {
    Path out = dir.resolve("out");
    String[][] cases = {
      {"architectures=[[2, 0, 1]]"},
      {"architectures=[[2, 30, 1]]", "widths=[2, 4, 1]"},
      {"cosine.inputs=500"},
      {"mode=exact"},
      {"pins=\"x = input; a1[30] = 1\""},
      {"targets.function=constant", "targets.value=[1, 2]"},
      {"targets.function=paraboloid", "architectures=[[3, 4, 1]]"},
      {"discord.count=51"},
    };
    String[] expect = {"architectures", "widths", "cosine.inputs", "mode", "a1[30]", "targets.value", "paraboloid",
      "discord.count"};
    for (int i = 0; i < cases.length; i++) {
      Result r = JobTestSupport.launch(run("S14-discord.conf", out, cases[i]));
      assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", cases[i]) + ": " + r.err());
      assertTrue(r.err().contains(expect[i]), "expected '" + expect[i] + "' in: " + r.err());
      assertFalse(Files.exists(out.resolve("spectrum_samples")) || Files.exists(out.resolve("runs")), "no partial output");
    }
  }
}
