package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.data.CsvTable;
import sheafrank.data.Dataset;
import sheafrank.data.Task;
import sheafrank.io.SafeTensors;
import sheafrank.jobs.JobTestSupport.Result;
import sheafrank.sheaf.SheafLayout;
import sheafrank.train.CochainInit;
import sheafrank.train.JointDynamics;
import sheafrank.train.Method;
import sheafrank.train.SheafTrainer;
import sheafrank.train.TaskKind;
import sheafrank.train.TrainSpec;
import sheafrank.train.Trainer;

/** train-sweep from a given starting cochain ('init.cochain'). */
class TrainSweepInitialCochainTest {
  static final int[] WIDTHS = {2, 6, 1};
  static final int N = 40;
  static final String[] SWEEP = {"tasks=[paraboloid, circular]", "widths=[[2, 6, 1]]", "methods=[sheaf]",
      "n_train=[40]", "n_test=20", "steps=[2500]", "curve.every=500", "cochain_init=random"};

  @BeforeAll
  static void shareSpark() {
    JobTestSupport.shareSession("local[2]");
  }

  @AfterAll
  static void stopSpark() {
    JobTestSupport.endSharedSession();
  }

  /**
   * The cochain the random initialisation of seed 42 draws for n_train = 40 on [2, 6, 1], as the
   * documented CSV: header z1[0..6), a1[0..6), z2[0], one row per training sample. (The draws depend
   * on the seed, the architecture and n_train only, not on the data or the weights.)
   */
  static String randomCochainCsv() {
    Dataset data = Task.parse("paraboloid").generate(N, 20, 42);
    TrainSpec spec = TrainSpec.builder(Method.SHEAF, WIDTHS, 0).seed(42).init(CochainInit.RANDOM).build();
    JointDynamics jd = ((SheafTrainer) Trainer.create(spec, TaskKind.REGRESSION, data.train(), null)).dynamics();
    SheafLayout layout = jd.layout();
    double[] c = jd.cochainSampleMajor();
    StringBuilder sb = new StringBuilder(String.join(",", CochainInit.freeCoordinates(WIDTHS))).append('\n');
    for (int s = 0; s < N; s++) {
      for (int k = layout.inputDim(); k < layout.yOffset(); k++) {
        sb.append(k == layout.inputDim() ? "" : ",").append(c[s * layout.dim() + k]);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static String runId(Path out) throws Exception {
    try (Stream<Path> s = Files.list(out.resolve("trials"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("run_id=")).findFirst().orElseThrow();
    }
  }

  /**
   * Both trials (regression with warm start, binary classification re-initialised at the epoch
   * boundaries) started from a file holding exactly the random cochain give the tables of the
   * random-init run, bit for bit; the run id records the file. Another cochain (as safetensors)
   * changes both trials.
   */
  @Test
  void theRandomCochainFromAFileGivesTheRandomRun(@TempDir Path dir) throws Exception {
    Path csv = JobTestSupport.write(dir, "cochain.csv", randomCochainCsv());
    Result a = TrainSweepJobTest.run(dir.resolve("a"), SWEEP);
    assertEquals(0, a.code(), a.err());
    Result b = TrainSweepJobTest.run(dir.resolve("b"), JobTestSupport.concat(SWEEP, "init.cochain=" + csv));
    assertEquals(0, b.code(), b.err());
    for (String t : List.of("trials", "loss_curves", "models")) {
      List<String> x = TrainSweepJobTest.rows(dir.resolve("a"), t);
      assertFalse(x.isEmpty(), t);
      assertEquals(x, TrainSweepJobTest.rows(dir.resolve("b"), t), t);
    }
    assertEquals(2, TrainSweepJobTest.rows(dir.resolve("a"), "trials").size());
    assertNotEquals(runId(dir.resolve("a")), runId(dir.resolve("b")));
    // the same file as safetensors with every value doubled: the trials start elsewhere
    CsvTable.Numeric t = CsvTable.readAll(csv);
    double[] twice = t.values().clone();
    for (int i = 0; i < twice.length; i++) {
      twice[i] *= 2;
    }
    Path st = dir.resolve("twice.safetensors");
    Files.write(st, SafeTensors.write(List.of(new SafeTensors.Tensor("cochain", SafeTensors.DType.F64,
        new long[] {N, t.columns().size()}, twice)), Map.of("widths", "[2, 6, 1]")));
    Result c = TrainSweepJobTest.run(dir.resolve("c"), JobTestSupport.concat(SWEEP, "init.cochain=" + st));
    assertEquals(0, c.code(), c.err());
    List<String> ta = TrainSweepJobTest.rows(dir.resolve("a"), "trials");
    List<String> tc = TrainSweepJobTest.rows(dir.resolve("c"), "trials");
    for (int i = 0; i < 2; i++) {
      assertNotEquals(ta.get(i), tc.get(i));
    }
  }

  /** Each case: the setting, the expected message (key, file, what is wrong), more settings. */
  @Test
  void wrongFilesAreRejectedBeforeAnyWork(@TempDir Path dir) throws Exception {
    String good = randomCochainCsv();
    Path csv = JobTestSupport.write(dir, "good.csv", good);
    Path short1 = JobTestSupport.write(dir, "short.csv", good.substring(0, good.lastIndexOf('\n', good.length() - 2) + 1));
    Path extra = JobTestSupport.write(dir, "extra.csv", good.replaceFirst("\n", ",sample\n").replaceAll("(?m)^(-?[0-9].*)$", "$1,0"));
    Path nan = JobTestSupport.write(dir, "nan.csv", good.replaceFirst("\n[^,]*,", "\nNaN,"));
    Path st = dir.resolve("wrong.safetensors");
    Files.write(st, SafeTensors.write(List.of(new SafeTensors.Tensor("cochain", SafeTensors.DType.F64,
        new long[] {N, 12}, new double[N * 12])), Map.of()));
    Path stNan = dir.resolve("nan.safetensors");
    double[] v = new double[N * 13];
    v[5 * 13 + 2] = Double.POSITIVE_INFINITY;
    Files.write(stNan, SafeTensors.write(List.of(new SafeTensors.Tensor("cochain", SafeTensors.DType.F64,
        new long[] {N, 13}, v)), Map.of()));
    String key = "config key 'init.cochain': ";
    String ok = "init.cochain=" + csv;
    String[][] cases = {
      {"init.cochain=" + dir.resolve("none.csv"), key + dir.resolve("none.csv") + ": the file does not exist"},
      {"init.cochain=" + short1, key + short1 + ": 39 rows, but trial t000-paraboloid-2x6x1-sheaf-s42 trains on n_train = 40"},
      {"init.cochain=" + extra, key + extra + ": the header has 14 columns but widths [2, 6, 1] have 13 free coordinates"},
      {"init.cochain=" + nan, key + nan + ", line 2, column 'z1[0]': 'NaN' is not a finite number"},
      {"init.cochain=" + st, key + st + ": tensor 'cochain' has 12 columns but widths [2, 6, 1] have 13"},
      {"init.cochain=" + stNan, key + stNan + ": tensor 'cochain' holds Infinity at row 5, column 2"},
      {ok, key + csv + ": the header has 13 columns but widths [2, 7, 1]", "widths=[[2, 7, 1]]"},
      {ok, key + csv + ": method gd has no cochain", "methods=[sheaf, gd]"},
      {ok, key + csv + ": method sheaf_equilibrium holds the cochain", "methods=[sheaf_equilibrium]"},
      {ok, key + csv + ": one starting cochain serves one architecture and one n_train", "n_train=[40, 30]"},
      {ok, key + csv + ": one starting cochain serves one architecture", "widths=[[2, 6, 1], [2, 3, 3, 1]]"},
      {ok, key + csv + ": regularisation 'lambda=0.1;mu=0.0;anchor=initial' anchors the cochain",
          "regularisation=[lambda=0.1;mu=0;anchor=initial]"},
      {ok, "config key 'init.cochain.sha256' = 00ff but " + csv + " has hash", "init.cochain.sha256=00ff"},
    };
    Path out = dir.resolve("out");
    for (String[] c : cases) {
      String[] sets = JobTestSupport.concat(SWEEP, c[0]);
      for (int i = 2; i < c.length; i++) {
        sets = JobTestSupport.concat(sets, c[i]);
      }
      Result r = TrainSweepJobTest.run(out, sets);
      assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", c) + ": " + r.err());
      assertTrue(r.err().contains(c[1]), c[1] + " in: " + r.err());
      assertFalse(Files.exists(out), "no output");
    }
  }
}
