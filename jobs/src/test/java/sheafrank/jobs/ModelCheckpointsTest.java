package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.jobs.JobTestSupport.Result;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.ModelTable;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Params;
import sheafrank.jobs.core.Spec;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;

/**
 * Checkpoints in the models table: a model stored at several epochs is read at any of them (the
 * last by default) by ModelTable and by every job that takes a network; an absent epoch is bad input
 * listing the stored ones; tables without the checkpoint columns (written before they existed) and
 * models stored without epochs still read as before.
 */
class ModelCheckpointsTest {
  static final int[] WIDTHS = {2, 6, 5, 1};
  static final int[] EPOCHS = {0, 2, 5};

  @BeforeAll
  static void share() {
    JobTestSupport.shareSession("local[2]");
  }

  @AfterAll
  static void end() {
    JobTestSupport.endSharedSession();
  }

  static Mlp net(int e) {
    return NetworkParams.heInit(WIDTHS, OutputActivation.IDENTITY, 100 + e, 0.1);
  }

  /** Model "trained" at epochs 0, 2, 5 (different networks) and model "imported" without epochs. */
  static Path table(Path dir) {
    SparkSession spark = SparkSession.builder().getOrCreate();
    List<Row> rows = new ArrayList<>();
    for (int e : EPOCHS) {
      rows.addAll(ModelTable.rows("trained", net(e), new ModelTable.Checkpoint(e, 1.0 / (e + 1), 2.0 / (e + 1), null, null)));
    }
    rows.addAll(ModelTable.rows("imported", net(9)));
    JobContext ctx = new JobContext(spark, dir.toString(), "ckpt-run", 1);
    ctx.write("models", spark.createDataFrame(rows, ModelTable.SCHEMA).coalesce(2));
    ctx.commit();
    return dir.resolve("models");
  }

  /** A table as written before the checkpoint columns existed: the first six columns only. */
  static Path legacyTable(Path dir) {
    SparkSession spark = SparkSession.builder().getOrCreate();
    StructType legacy = new StructType(java.util.Arrays.copyOf(ModelTable.SCHEMA.fields(), 6, StructField[].class));
    List<Row> rows = new ArrayList<>();
    for (Row r : ModelTable.rows("old", net(7))) {
      Object[] v = new Object[6];
      for (int i = 0; i < 6; i++) {
        v[i] = r.get(i);
      }
      rows.add(RowFactory.create(v));
    }
    JobContext ctx = new JobContext(spark, dir.toString(), "legacy-run", 1);
    ctx.write("models", spark.createDataFrame(rows, legacy).coalesce(1));
    ctx.commit();
    return dir.resolve("models");
  }

  @Test
  void modelTableReadsEveryCheckpointAndOldTables(@TempDir Path dir) {
    String t = table(dir.resolve("new")).toString();
    assertEquals(List.of(0, 2, 5), ModelTable.checkpoints(t, "trained"));
    for (int e : EPOCHS) {
      NetworkSourcesTest.assertSameNetwork(net(e), ModelTable.read(t, "trained", e));
    }
    NetworkSourcesTest.assertSameNetwork(net(5), ModelTable.read(t, "trained")); // last
    assertEquals(List.of(), ModelTable.checkpoints(t, "imported"));
    NetworkSourcesTest.assertSameNetwork(net(9), ModelTable.read(t, "imported"));
    IllegalArgumentException absent = assertThrows(IllegalArgumentException.class, () -> ModelTable.read(t, "trained", 3));
    assertTrue(absent.getMessage().contains("no checkpoint at epoch 3 (checkpoints: [0, 2, 5])"), absent.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ModelTable.read(t, "imported", 0));
    assertTrue(none.getMessage().contains("has no checkpoints"), none.getMessage());
    assertEquals(List.of("imported", "trained"), ModelTable.modelIds(t));

    String old = legacyTable(dir.resolve("old")).toString();
    NetworkSourcesTest.assertSameNetwork(net(7), ModelTable.read(old, "old"));
    assertEquals(List.of(), ModelTable.checkpoints(old, "old"));
    assertEquals(List.of("old"), ModelTable.modelIds(old));
  }

  /**
   * Every job that takes a network accepts network.checkpoint: resolving its spec loads the chosen
   * epoch's network (its hash) and records the epoch that "last" stands for.
   */
  @Test
  void everyNetworkJobResolvesACheckpoint(@TempDir Path dir) {
    String t = table(dir).toString();
    int jobs = 0;
    for (Job job : Jobs.all()) {
      if (Params.all(job).stream().noneMatch(p -> p.name().equals(NetworkParams.CHECKPOINT))) {
        continue;
      }
      jobs++;
      for (String cp : List.of("2", "last")) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("job", job.name());
        raw.put(NetworkParams.MODEL_TABLE, t);
        raw.put(NetworkParams.MODEL_ID, "trained");
        raw.put(NetworkParams.CHECKPOINT, cp);
        if (job.name().equals("model-import")) {
          raw.put("model_id", "copy");
        }
        Spec s = job.resolve(Spec.validate(job.name(), Params.all(job), raw));
        int e = cp.equals("last") ? 5 : 2;
        assertEquals(NetworkParams.sha256(net(e)), s.getString(NetworkParams.SHA), job.name() + " " + cp);
        assertEquals(String.valueOf(e), s.getString(NetworkParams.CHECKPOINT));
      }
      Map<String, Object> bad = new LinkedHashMap<>();
      bad.put(NetworkParams.MODEL_TABLE, t);
      bad.put(NetworkParams.MODEL_ID, "trained");
      bad.put(NetworkParams.CHECKPOINT, "3");
      if (job.name().equals("model-import")) {
        bad.put("model_id", "copy");
      }
      ConfigException ex = assertThrows(ConfigException.class,
          () -> job.resolve(Spec.validate(job.name(), Params.all(job), bad)));
      assertTrue(ex.getMessage().contains("'network.checkpoint' = 3") && ex.getMessage().contains("[0, 2, 5]"),
          ex.getMessage());
    }
    assertEquals(6, jobs); // sheaf-inference, sheaf-pinning, sheaf-spectrum, model-import, bench, rank-scan
  }

  /** End to end: model-import copies a chosen checkpoint; bad checkpoint keys stop before any output. */
  @Test
  void importOfACheckpointAndBadKeys(@TempDir Path dir) throws Exception {
    String t = table(dir.resolve("in")).toString();
    Path conf = dir.resolve("import.conf");
    Files.writeString(conf, "job = model-import\nexperiment = ck\nmodel_id = copy\n");
    Path out = dir.resolve("out");
    Result r = JobTestSupport.launch("run", conf.toString(), "--out", out.toString(), "--set", "network.model_table=" + t,
        "--set", "network.model_id=trained", "--set", "network.checkpoint=2");
    assertEquals(0, r.code(), r.err());
    NetworkSourcesTest.assertSameNetwork(net(2), ModelTable.read(out.resolve("models").toString(), "copy"));
    assertTrue(JobTestSupport.rows(out, "runs").get(0).contains("network.checkpoint = 2"));

    Path none = dir.resolve("none");
    String[][] bad = {
      {"network.model_table=" + t, "network.model_id=trained", "network.checkpoint=7"},
      {"network.model_table=" + t, "network.model_id=trained", "network.checkpoint=latest"},
      {"network.checkpoint=2"},
    };
    String[] expect = {"has no checkpoint at epoch 7 (checkpoints: [0, 2, 5])", "must be an epoch number",
        "selects a checkpoint in 'network.model_table'"};
    for (int i = 0; i < bad.length; i++) {
      List<String> args = new ArrayList<>(List.of("run", conf.toString(), "--out", none.toString()));
      for (String s : bad[i]) {
        args.add("--set");
        args.add(s);
      }
      Result b = JobTestSupport.launch(args.toArray(new String[0]));
      assertEquals(Main.EXIT_BAD_INPUT, b.code(), b.err());
      assertTrue(b.err().contains(expect[i]), b.err());
      assertFalse(Files.exists(none));
    }
  }
}
