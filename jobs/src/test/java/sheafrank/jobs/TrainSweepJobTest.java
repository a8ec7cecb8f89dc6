package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.io.MlpSafeTensors;
import sheafrank.io.SafeTensors;
import sheafrank.jobs.JobTestSupport.Result;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;

class TrainSweepJobTest {
  static final String S7 = JobTestSupport.conf("S7-table1.conf").toString();

  /** Columns that measure time, not results. */
  static final List<String> TIMING = List.of("train_seconds", "wall_seconds", "steps_per_s", "cpu_seconds",
      "steps_per_cpu_s", "gflops", "seconds");

  static SparkSession reader() {
    return SparkSession.builder().master("local[1]").appName("read")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
  }

  /** Rows of OUT/table as sorted strings, without run_id and timing columns. */
  static List<String> rows(Path out, String table) {
    var df = reader().read().parquet(out.resolve(table).toString()).drop("run_id");
    for (String c : TIMING) {
      df = df.drop(c);
    }
    List<String> s = new ArrayList<>();
    for (Row r : df.collectAsList()) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        sb.append(v instanceof scala.collection.Seq<?> q ? q.mkString("[", ",", "]") : String.valueOf(v)).append('|');
      }
      s.add(sb.toString());
    }
    s.sort(null);
    return s;
  }

  static List<Row> query(Path out, String table, String where) {
    return reader().read().parquet(out.resolve(table).toString()).where(where).collectAsList();
  }

  static Result run(Path out, String... sets) {
    String[] args = {"run", S7, "--out", out.toString(), "--master", "local[2]",
        "--set", "progress.seconds=1000"};
    for (String s : sets) {
      args = JobTestSupport.concat(args, "--set", s);
    }
    return JobTestSupport.launch(args);
  }

  /**
   * Training within a trial is single-threaded and seeded, and data come from the data seed: the
   * tables (timing aside) are the same for one partition and for three, diagnostics included.
   */
  @Test
  void tablesDoNotDependOnPartitioning(@TempDir Path dir) {
    String[] small = {"tasks=[paraboloid, blobs]", "hidden_layers=[1]", "steps=[200]", "curve.every=100",
        "grid.size=4", "diagnostics.spectra=true", "diagnostics.discord=true", "diagnostics.every=100",
        "diagnostics.stages=[0, 200]", "diagnostics.inputs=4", "models.snapshots=true", "n_train=[40]", "n_test=20"};
    Result a = run(dir.resolve("a"), JobTestSupport.concat(small, "partitions=1"));
    assertEquals(0, a.code(), a.err());
    Result b = run(dir.resolve("b"), JobTestSupport.concat(small, "partitions=3"));
    assertEquals(0, b.code(), b.err());
    for (String t : List.of("trials", "loss_curves", "models", "grid", "spectra_during_training", "spectra_samples",
        "pinned_discord", "pinned_discord_summary", "pinned_residuals")) {
      List<String> x = rows(dir.resolve("a"), t);
      assertFalse(x.isEmpty(), t);
      assertEquals(x, rows(dir.resolve("b"), t), t);
    }
    assertEquals(4, rows(dir.resolve("a"), "trials").size());
    // 3 curve points per trial (0, 100, 200); spectra at 0, 100, 200 (every 100)
    assertEquals(12, rows(dir.resolve("a"), "loss_curves").size());
    assertEquals(12, rows(dir.resolve("a"), "spectra_during_training").size());
    // final weights and the two stage snapshots of each trial, one row per layer
    assertEquals(4 * 3 * 2, rows(dir.resolve("a"), "models").size());
    assertEquals(4 * 16, rows(dir.resolve("a"), "grid").size());
    // Table 3 layout: per stage W1, R1, W2, out, total and total_internal for every trial
    assertEquals(4 * 2 * 6, rows(dir.resolve("a"), "pinned_discord_summary").size());
  }

  @Test
  void badInputFailsBeforeAnyWork(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Path csv = dir.resolve("data.csv");
    Files.writeString(csv, "u,v,t\n0.1,0.2,1.0\n0.3,-0.4,2.0\n");
    String[][] cases = {
      {"tasks=[moons]"},
      {"losses=[l3]"},
      {"tasks=[circular]", "losses=[l1]"},
      {"beta=[0.01, 0]"},
      {"beta=[-1]"},
      {"widths=[[3, 30, 1]]"},
      {"tasks=[blobs]", "widths=[[2, 30, 1]]"},
      {"n_train=[0]"},
      {"tasks=[file]"},
      {"tasks=[file]", "data.train_file=" + dir.resolve("missing.csv"), "data.inputs=[u, v]", "data.targets=[t]",
          "widths=[[2, 4, 1]]"},
      {"tasks=[file]", "data.train_file=" + csv, "data.inputs=[u, w]", "data.targets=[t]", "widths=[[2, 4, 1]]"},
      {"tasks=[file]", "data.train_file=" + csv, "data.inputs=[u, v]", "data.targets=[t]", "widths=[[2, 4, 1]]",
          "n_train=[5]"},
      {"init.weights=" + dir.resolve("none.safetensors")},
      {"methods=[sgdx]"},
      {"diagnostics.discord=true"},
      {"regularisation=[lambda=0.1]"},
    };
    String[] expect = {"tasks", "losses", "losses", "beta", "beta", "widths", "widths", "n_train",
        "data.train_file", "data.train_file", "data.train_file", "n_train", "init.weights", "methods",
        "diagnostics.stages", "regularisation"};
    for (int i = 0; i < cases.length; i++) {
      Result r = run(out, cases[i]);
      assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", cases[i]) + ": " + r.err());
      assertTrue(r.err().contains("'" + expect[i] + "'"), String.join(" ", cases[i]) + ": " + r.err());
      assertTrue(r.err().contains("missing.csv") || i != 9, r.err());
      assertFalse(Files.exists(out.resolve("trials")), "no partial output");
    }
  }

  /**
   * A trial whose weight rate is far too large diverges: its row carries the status and the step,
   * the other trials of the sweep complete, the run exits with 3 and writes every table.
   */
  @Test
  void divergingTrialIsAStatus(@TempDir Path dir) {
    Result r = run(dir, "tasks=[paraboloid]", "hidden_layers=[1]", "methods=[sheaf]", "beta=[500, 0.0033]",
        "steps=[400]", "n_train=[60]", "curve.every=100");
    assertEquals(Main.EXIT_FAILED_UNITS, r.code(), r.err());
    List<Row> div = query(dir, "trials", "status = 'diverged'");
    assertEquals(1, div.size());
    Row d = div.get(0);
    assertEquals(500.0, d.getDouble(d.fieldIndex("beta")));
    assertNotNull(d.get(d.fieldIndex("diverged_at_step")));
    assertTrue(d.getLong(d.fieldIndex("diverged_at_step")) <= 400);
    assertFalse(d.getString(d.fieldIndex("message")).isEmpty());
    assertEquals(1, query(dir, "trials", "status = 'converged'").size());
    // the diverged trial's weights are not offered for analysis
    assertEquals(2, query(dir, "models", "true").size());
    assertEquals(1, query(dir, "runs", "status = 'completed_with_failures' and failed_units = 1").size());
  }

  /** A tiny Table 1: every task, both methods reduce the training loss. */
  @Test
  void tinyTable1BothMethodsLearn(@TempDir Path dir) {
    Result r = run(dir, "hidden_layers=[1]", "steps=[600]", "curve.every=200", "n_train=[100]", "n_test=40");
    assertEquals(0, r.code(), r.err());
    List<Row> rows = query(dir, "trials", "true");
    assertEquals(8, rows.size());
    for (Row t : rows) {
      String id = t.getString(t.fieldIndex("trial_id"));
      assertEquals("converged", t.getString(t.fieldIndex("status")), id);
      assertTrue(t.getDouble(t.fieldIndex("final_train_loss")) < 0.9 * t.getDouble(t.fieldIndex("initial_train_loss")), id);
    }
    assertEquals(8 * 4, query(dir, "loss_curves", "true").size());
    // the trained weights are analysed by the spectral/discord job straight from the models table
    Result spectrum = JobTestSupport.launch("run", JobTestSupport.conf("S14-discord.conf").toString(),
        "--out", dir.resolve("analysis").toString(), "--master", "local[2]", "--set", "architectures=[]",
        "--set", "network.seeds=[]",
        "--set", "network.model_table=" + dir.resolve("models"),
        "--set", "network.model_id=t000-paraboloid-2x30x1-sheaf-s42", "--set", "inputs.count=6",
        "--set", "discord.count=6", "--set", "cosine.inputs=3");
    assertEquals(0, spectrum.code(), spectrum.err());
  }

  /** The user's CSV data with initial weights from a safetensors file. */
  @Test
  void userDataAndInitialWeights(@TempDir Path dir) throws Exception {
    StringBuilder sb = new StringBuilder("a,b,target\n");
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
    for (int i = 0; i < 60; i++) {
      double a = rnd.nextDouble(-1, 1);
      double b = rnd.nextDouble(-1, 1);
      sb.append(a).append(',').append(b).append(',').append(a * a + b).append('\n');
    }
    Path csv = dir.resolve("train.csv");
    Files.writeString(csv, sb.toString());
    Mlp init = Mlp.heNormal(new int[] {2, 6, 1}, OutputActivation.IDENTITY, 5L);
    Path w = dir.resolve("init.safetensors");
    MlpSafeTensors.write(init, SafeTensors.DType.F64, w);
    Path out = dir.resolve("out");
    Result r = run(out, "tasks=[file]", "data.train_file=" + csv, "data.inputs=[a, b]", "data.targets=[target]",
        "widths=[[2, 6, 1]]", "init.weights=" + w, "steps=[0, 200]", "curve.every=100", "seeds=[1, 2]",
        "methods=[sheaf, gd, adam]");
    assertEquals(0, r.code(), r.err());
    List<Row> t = query(out, "trials", "true");
    assertEquals(12, t.size()); // 3 methods x 2 budgets x 2 seeds
    assertEquals(4, query(out, "trials", "method = 'adam' and status <> 'failed' and lr = 0.001").size());
    // with the same initial weights, the 0-step trials report the same loss whatever the seed
    List<Row> zero = query(out, "trials", "steps = 0 and method = 'gd'");
    assertEquals(zero.get(0).getDouble(zero.get(0).fieldIndex("final_train_loss")),
        zero.get(1).getDouble(zero.get(1).fieldIndex("final_train_loss")));
    Row layer1 = query(out, "models", "model_id like 't000-%' and layer = 1").get(0);
    List<Double> got = layer1.getList(layer1.fieldIndex("weights"));
    assertEquals(init.weights(0)[0], got.get(0), 0.0);
    assertEquals(60, t.get(0).getInt(t.get(0).fieldIndex("n_train")));

    // the same table as Parquet (a folder of part files, as Spark writes it) trains identically
    Path parquet = dir.resolve("train.parquet");
    reader().read().option("header", "true").option("inferSchema", "true").csv(csv.toString())
        .write().parquet(parquet.toString());
    Path out2 = dir.resolve("out2");
    Result p = run(out2, "tasks=[file]", "data.train_file=" + parquet, "data.inputs=[a, b]",
        "data.targets=[target]", "widths=[[2, 6, 1]]", "init.weights=" + w, "steps=[200]", "curve.every=100",
        "seeds=[1]", "methods=[gd]");
    assertEquals(0, p.code(), p.err());
    Row fromCsv = query(out, "trials", "method = 'gd' and steps = 200 and seed = 1").get(0);
    Row fromParquet = query(out2, "trials", "true").get(0);
    assertEquals(fromCsv.getDouble(fromCsv.fieldIndex("final_train_loss")),
        fromParquet.getDouble(fromParquet.fieldIndex("final_train_loss")));
  }
}
