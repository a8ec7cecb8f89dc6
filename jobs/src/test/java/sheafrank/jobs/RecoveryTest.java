package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.jobs.JobTestSupport.Result;
import sheafrank.jobs.core.Staging;

/**
 * What a run does with the leftovers and the numerics it cannot trust, on one shared local Spark:
 * stale staging of an ended run is removed; pre-activations float64 cannot represent become a
 * per-network status (exit 3); sql reports a bad query as bad input; a training sweep prints a
 * summary instead of lines per trial.
 */
class RecoveryTest {
  static final String R2 = JobTestSupport.conf("R2-width-sweep.conf").toString();

  @BeforeAll
  static void share() {
    JobTestSupport.shareSession("local[2]");
  }

  @AfterAll
  static void end() {
    JobTestSupport.endSharedSession();
  }

  @Test
  void staleStagingIsRemovedAndOverflowIsAStatus(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Path stale = Files.createDirectories(out.resolve(Staging.FOLDER).resolve("R2-x-1-" + p.pid() + "@"
        + java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.\\-]", "_")).resolve("rank_networks"));
    Files.writeString(stale.resolve("part-0.parquet"), "left by a killed driver");
    // [100, 10] with points up to 8e307: sums of 100 products overflow float64
    Result r = JobTestSupport.launch("run", R2, "--out", out.toString(), "--set", "network.m=[]", "--set", "network.n1=[]",
        "--set", "network.widths=[[100, 10]]", "--set", "networks=3", "--set", "points=200",
        "--set", "points.low=-8e307", "--set", "points.high=8e307");
    assertEquals(Main.EXIT_FAILED_UNITS, r.code(), r.err());
    assertTrue(r.out().contains("removed the staging folder of an ended run"), r.out());
    assertFalse(Files.exists(out.resolve(Staging.FOLDER)), "no staging left behind");
    List<String> rows = JobTestSupport.rows(out, "rank_networks");
    assertEquals(3, rows.size());
    // every network meets a point whose pre-activation overflows: a status, not a wrong codeword
    assertEquals(3, rows.stream().filter(s -> s.contains("|non_finite|") && s.contains("float64 overflow")).count(),
        rows.toString());
    assertTrue(JobTestSupport.rows(out, "runs").get(0).contains("completed_with_failures"));

    // sql over these tables: a stray folder is skipped, bad queries are bad input
    Files.createDirectories(out.resolve("stray"));
    Result q = JobTestSupport.launch("sql", "SELECT status, count(*) AS n FROM rank_networks GROUP BY status ORDER BY status",
        "--out", out.toString());
    assertEquals(0, q.code(), q.err());
    assertTrue(q.err().contains("skipping folder"), q.err());
    assertTrue(q.out().contains("non_finite"), "out: " + q.out() + "\nerr: " + q.err());
    for (String bad : List.of("SELEC 1", "SELECT * FROM nope", "SELECT nope FROM runs")) {
      Result b = JobTestSupport.launch("sql", bad, "--out", out.toString());
      assertEquals(Main.EXIT_BAD_INPUT, b.code(), bad + ": " + b.err());
      assertTrue(b.err().contains("error: sql: ") && b.err().contains("tables: rank_networks"), b.err());
      assertFalse(b.err().contains("\tat "), b.err());
    }
  }

  @Test
  void aSweepPrintsASummaryNotLinesPerTrial(@TempDir Path dir) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Result r;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      r = JobTestSupport.launch("run", JobTestSupport.conf("S7-table1.conf").toString(), "--out", dir.toString(),
          "--set", "tasks=[paraboloid]", "--set", "hidden_layers=[1]", "--set", "seeds=[1, 2, 3]",
          "--set", "steps=[200]", "--set", "n_train=[20]", "--set", "curve.every=100", "--set", "models.write=false");
    } finally {
      System.setOut(saved);
    }
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, r.code(), r.err());
    assertTrue(printed.contains("train-sweep: 6/6 trials done ("), printed);
    assertFalse(printed.contains("[train-sweep]"), "no per-trial lines for short trials:\n" + printed);
    assertTrue(printed.lines().filter(l -> l.startsWith("train-sweep:")).count() <= 6, printed);
  }
}
