package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.jobs.JobTestSupport.Result;

class SheafInferenceJobTest {
  static final String[] SMALL = {
    "--set", "inputs.count=40", "--set", "traces.count=2", "--set", "traces.steps=3000",
    "--set", "checks.networks=4", "--set", "checks.max_width=12", "--master", "local[2]"};

  /** Same config, different partitioning: identical tables (draws derive from (seed, index)). */
  @Test
  void tablesDoNotDependOnPartitioning(@TempDir Path dir) {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    String conf = JobTestSupport.conf("S2-heat-inference.conf").toString();
    Result ra = JobTestSupport.launch(JobTestSupport.concat(new String[] {"run", conf, "--out", a.toString()},
        JobTestSupport.concat(SMALL, "--set", "partitions=1")));
    assertEquals(0, ra.code(), ra.err());
    Result rb = JobTestSupport.launch(JobTestSupport.concat(new String[] {"run", conf, "--out", b.toString()},
        JobTestSupport.concat(SMALL, "--set", "partitions=5")));
    assertEquals(0, rb.code(), rb.err());
    for (String t : List.of("inference_samples", "inference_trace", "inference_trace_edges",
        "relu_crossings", "construction_checks")) {
      List<String> x = JobTestSupport.rows(a, t);
      assertFalse(x.isEmpty(), t);
      assertEquals(x, JobTestSupport.rows(b, t), t);
    }
    // every sample converged to the exact harmonic extension within tolerance
    for (String row : JobTestSupport.rows(a, "inference_samples")) {
      assertTrue(row.endsWith("|converged|"), row);
    }
    // construction checks: unit determinant, unitriangular, positive definite
    for (String row : JobTestSupport.rows(a, "construction_checks")) {
      assertTrue(row.contains("|true|true|"), row);
    }
    // re-running the same config replaces the run's rows instead of duplicating them
    Result again = JobTestSupport.launch(JobTestSupport.concat(new String[] {"run", conf, "--out", a.toString()},
        JobTestSupport.concat(SMALL, "--set", "partitions=1")));
    assertEquals(0, again.code(), again.err());
    assertEquals(40, JobTestSupport.rows(a, "inference_samples").size());
    assertEquals(1, JobTestSupport.rows(a, "runs").size());
  }

  /** A step beyond the stability limit diverges: reported per sample, exit code 3, tables written. */
  @Test
  void divergenceIsAStatusNotACrash(@TempDir Path dir) {
    String conf = JobTestSupport.conf("S2-heat-inference.conf").toString();
    Result r = JobTestSupport.launch("run", conf, "--out", dir.toString(), "--set", "dt=5",
        "--set", "inputs.count=10", "--set", "traces.count=0", "--set", "max_steps=2000", "--master", "local[1]");
    assertEquals(Main.EXIT_FAILED_UNITS, r.code(), r.err());
    List<String> rows = JobTestSupport.rows(dir, "inference_samples");
    assertEquals(10, rows.size());
    assertTrue(rows.stream().allMatch(s -> s.endsWith("|diverged|")), rows.toString());
  }

  @Test
  void badInputFailsBeforeAnyWork(@TempDir Path dir) throws Exception {
    String conf = JobTestSupport.conf("S2-heat-inference.conf").toString();
    Path out = dir.resolve("out");
    String[][] cases = {
      {"--set", "nonsense=1"},
      {"--set", "widths=[2, 0, 1]"},
      {"--set", "dt=-0.01"},
      {"--set", "dt=0"},
      {"--set", "output=tanh"},
      {"--set", "inputs.low=3"},
      {"--set", "widths=[2, x, 1]"},
    };
    String[] expect = {"nonsense", "widths", "dt", "dt", "output", "inputs.low", "widths"};
    for (int i = 0; i < cases.length; i++) {
      Result r = JobTestSupport.launch(JobTestSupport.concat(new String[] {"run", conf, "--out", out.toString()}, cases[i]));
      assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", cases[i]));
      assertTrue(r.err().contains(expect[i]), r.err());
      assertFalse(Files.exists(out.resolve("inference_samples")), "no partial output");
    }
    Path file = dir.resolve("not-a-folder");
    Files.writeString(file, "x");
    Result r = JobTestSupport.launch("run", conf, "--out", file.resolve("sub").toString());
    assertEquals(Main.EXIT_BAD_INPUT, r.code());
    assertTrue(r.err().contains("not writable"), r.err());
    Result missing = JobTestSupport.launch("run", dir.resolve("missing.conf").toString());
    assertEquals(Main.EXIT_BAD_INPUT, missing.code());
    assertTrue(missing.err().contains("missing.conf"), missing.err());
  }

  @Test
  void helpListsJobsAndKeys() {
    Result r = JobTestSupport.launch("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("sheaf-inference"));
    Result h = JobTestSupport.launch("help", "sheaf-inference");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("tolerance") && h.out().contains("inference_samples"), h.out());
    Result h2 = JobTestSupport.launch("sheaf-inference", "--help");
    assertEquals(h.out(), h2.out());
  }
}
