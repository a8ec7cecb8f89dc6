package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.jobs.JobTestSupport.Result;

/**
 * Inputs that used to hang, crash with a stack trace or run on silently: each now stops before
 * Spark starts with exit 2, a message naming the key, file or value, and nothing written (not even
 * the output folder). The whole class runs in seconds: none of these cases may start Spark.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
  static final String S2 = JobTestSupport.conf("S2-heat-inference.conf").toString();
  static final String S6 = JobTestSupport.conf("S6-pinning.conf").toString();
  static final String S11 = JobTestSupport.conf("S11-spectral-gap.conf").toString();
  static final String R2 = JobTestSupport.conf("R2-width-sweep.conf").toString();
  static final String S7 = JobTestSupport.conf("S7-table1.conf").toString();
  static final String BENCH = JobTestSupport.conf("bench-heat-euler.conf").toString();

  /** {config, expected text in the error, --set values...} */
  static final String[][] CASES = {
    // counts beyond what a run can hold, before Spark builds a billion partitions
    {S2, "'partitions'", "partitions=1000000000"},
    {S2, "'partitions'", "partitions=100000"},
    {S2, "'inputs.count'", "inputs.count=0"},
    {S2, "'inputs.count'", "inputs.count=1000000000000"},
    {S6, "'inputs.count'", "inputs.count=0"},
    {S11, "'inputs.count'", "inputs.count=0"},
    {S2, "'max_steps'", "max_steps=1000000000000"},
    {S2, "'traces.steps'", "traces.count=1", "traces.steps=100000000", "traces.every=1"},
    {S2, "'checks.max_depth' and 'checks.max_width'", "checks.networks=1", "checks.max_width=5000"},
    // networks too large for one task (was NegativeArraySizeException, 493 lines of stack)
    {S2, "'widths'", "widths=[2,1000000,1]"},
    {S6, "'widths'", "widths=[2,1000000,1]"},
    {S11, "'widths'", "architectures=[]", "widths=[2,3000,1]"},
    {S11, "'architectures'", "architectures=[[2,3000,1]]"},
    {BENCH, "'inputs.count', 'widths'", "inputs.count=100000000"},
    // rank sweeps: the region counts of a huge layer used to hang in validation
    {R2, "'network.widths'", "network.m=[]", "network.n1=[]", "network.widths=[[1000000,1000000]]"},
    {R2, "'network.m', 'network.n1'", "network.m=[100000]", "network.n1=[100000]"},
    {R2, "'networks' and 'points'", "networks=100000000"},
    {R2, "'points.block'", "points.block=100000000"},
    {R2, "'points.low' and 'points.high'", "points.low=-1e308", "points.high=1e308"},
    {R2, "'points.low' and 'points.high'", "points.low=-1e-310", "points.high=1e-310"},
    {R2, "'points.high'", "points.sampler=positive", "points.high=1e-320"},
    // training sweeps
    {S7, "'methods'", "methods=[sgd]"},
    {S7, "'methods'", "methods=[gradient_descent]"},
    {S7, "'n_train'", "n_train=[100000000]"},
    {S7, "'grid.size'", "grid.size=100000"},
    {S7, "'times' and 'dt'", "times=[1e9]", "dt=[0.001]"},
    {S7, "more than 100000 trials", "seeds=[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,"
        + "31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50]",
        "n_train=[10,20,30,40,50,60,70,80,90,100]", "dt=[0.001,0.002,0.003,0.004,0.005,0.006,0.007,0.008,0.009,0.01]",
        "steps=[10,20,30,40,50,60,70,80,90,100,110,120,130,140,150,160,170,180,190,200,210]"},
  };

  @Test
  void everyCaseExitsWithTwoNamingTheKeyAndWritesNothing(@TempDir Path dir) {
    Path out = dir.resolve("out");
    for (String[] c : CASES) {
      List<String> args = new ArrayList<>(List.of("run", c[0], "--out", out.toString()));
      for (int i = 2; i < c.length; i++) {
        args.add("--set");
        args.add(c[i]);
      }
      long t0 = System.nanoTime();
      Result r = JobTestSupport.launch(args.toArray(String[]::new));
      String what = String.join(" ", args);
      assertEquals(Main.EXIT_BAD_INPUT, r.code(), what + "\n" + r.err());
      assertTrue(r.err().contains(c[1]), what + ": expected " + c[1] + " in\n" + r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
      assertFalse(Files.exists(out), what + ": the output folder must not be created");
      assertTrue(System.nanoTime() - t0 < 10_000_000_000L, what + ": validation took over 10 s");
    }
  }

  @Test
  void badMastersAreRejectedBeforeSparkStarts(@TempDir Path dir) {
    Path out = dir.resolve("out");
    String[][] masters = {
      {"bogus://x", "unknown kind of master"},
      {"local[abc]", "'abc' must be a positive integer or *"},
      {"local[0]", "must be a positive integer"},
      {"local-cluster[2,1]", "local-cluster needs"},
      {"spark://127.0.0.1", "HOST:PORT"},
      {"spark://127.0.0.1:1", "no master answers"},
    };
    for (String[] m : masters) {
      long t0 = System.nanoTime();
      Result r = JobTestSupport.launch("run", S2, "--out", out.toString(), "--master", m[0]);
      assertEquals(Main.EXIT_BAD_INPUT, r.code(), m[0] + ": " + r.err());
      assertTrue(r.err().contains("--master " + m[0]) && r.err().contains(m[1]), r.err());
      assertFalse(Files.exists(out), m[0] + ": no output folder");
      assertTrue(System.nanoTime() - t0 < 10_000_000_000L, m[0] + " took over 10 s");
    }
  }

  @Test
  void filesWhereTheRunPutsFoldersAreBadInput(@TempDir Path dir) throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("_staging"), "not a folder");
    Result r = JobTestSupport.launch("run", S2, "--out", out.toString());
    assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.err());
    assertTrue(r.err().contains("_staging") && r.err().contains("is a file"), r.err());
    Files.delete(out.resolve("_staging"));
    Files.writeString(out.resolve("inference_samples"), "not a folder");
    r = JobTestSupport.launch("run", S2, "--out", out.toString());
    assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.err());
    assertTrue(r.err().contains("inference_samples"), r.err());
    try (var s = Files.list(out)) {
      assertEquals(1, s.count(), "nothing written besides the file");
    }
  }

  @Test
  void sqlArgumentErrorsNeedNoSpark(@TempDir Path dir) throws Exception {
    Result rows = JobTestSupport.launch("sql", "SELECT 1", "--out", dir.toString(), "--rows", "abc");
    assertEquals(Main.EXIT_BAD_INPUT, rows.code());
    assertTrue(rows.err().contains("--rows") && rows.err().contains("'abc'"), rows.err());
    Result missing = JobTestSupport.launch("sql", "SELECT 1", "--out", dir.resolve("nope").toString());
    assertEquals(Main.EXIT_BAD_INPUT, missing.code());
    assertTrue(missing.err().contains("does not exist"), missing.err());
    Files.createDirectories(dir.resolve("stray"));
    Result empty = JobTestSupport.launch("sql", "SELECT 1", "--out", dir.toString());
    assertEquals(Main.EXIT_BAD_INPUT, empty.code());
    assertTrue(empty.err().contains("skipping folder") && empty.err().contains("holds no tables"), empty.err());
  }

  @Test
  void helpCoversCommandsAndListsWholeSentences() {
    Result sql = JobTestSupport.launch("help", "sql");
    assertEquals(0, sql.code(), sql.err());
    assertTrue(sql.out().contains("--rows"), sql.out());
    assertEquals(sql.out(), JobTestSupport.launch("sql", "--help").out());
    assertTrue(JobTestSupport.launch("help", "run").out().contains("--master"));
    Result unknown = JobTestSupport.launch("help", "nope");
    assertEquals(Main.EXIT_BAD_INPUT, unknown.code());
    assertTrue(unknown.err().contains("commands: help, jobs, run, sql"), unknown.err());
    // the job list shows each job's first sentence whole: never cut at "eq." or "Fig." or inside (...)
    assertEquals("Inference by sheaf diffusion (forward Euler of the heat equation, eq. 18/22) from a random, "
            + "zero or forward-pass cochain, compared per sample with the exact harmonic extension "
            + "(block-tridiagonal solve) and the forward pass.",
        Help.firstSentence(new sheafrank.jobs.sheaf.SheafInferenceJob().description()));
    assertEquals("See Fig. 2 and eq. 3 (e.g. here. Not there).", Help.firstSentence(
        "See Fig. 2 and eq. 3 (e.g. here. Not there). Next"));
    assertEquals("One. ", Help.firstSentence("One. Two.") + " ");
    String jobs = JobTestSupport.launch("jobs").out();
    for (String line : jobs.split("\n")) {
      assertTrue(line.length() <= Help.WIDTH, "wrapped at " + Help.WIDTH + ": " + line);
    }
    for (var j : Jobs.all()) {
      String first = Help.firstSentence(j.description());
      assertTrue(first.endsWith(".") || first.equals(j.description()), j.name() + ": " + first);
      assertTrue(jobs.replaceAll("\\s+", " ").contains(first.replaceAll("\\s+", " ")), j.name() + " in\n" + jobs);
    }
  }
}
