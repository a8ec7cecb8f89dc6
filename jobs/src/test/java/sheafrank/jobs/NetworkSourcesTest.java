package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.io.MlpSafeTensors;
import sheafrank.io.SafeTensors;
import sheafrank.jobs.JobTestSupport.Result;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.ModelTable;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;

/** Networks from elsewhere: safetensors files and the models table, round trips and bad files. */
class NetworkSourcesTest {
  static final int[] WIDTHS = {2, 6, 5, 1};

  @BeforeAll
  static void shareSpark() {
    JobTestSupport.shareSession("local[2]");
  }

  @AfterAll
  static void stopSpark() {
    JobTestSupport.endSharedSession();
  }

  static Mlp net() {
    return NetworkParams.heInit(WIDTHS, OutputActivation.IDENTITY, 9, 0.2);
  }

  static void assertSameNetwork(Mlp a, Mlp b) {
    assertArrayEquals(a.widths(), b.widths());
    assertEquals(a.output(), b.output());
    for (int l = 0; l < a.depth(); l++) {
      assertArrayEquals(a.weights(l), b.weights(l), 0.0, "weights of layer " + (l + 1));
      assertArrayEquals(a.bias(l), b.bias(l), 0.0, "bias of layer " + (l + 1));
    }
  }

  static Path config(Path dir, String name, String text) throws Exception {
    Path c = dir.resolve(name);
    Files.writeString(c, text);
    return c;
  }

  static final String PINNING = "job = sheaf-pinning\nexperiment = roundtrip\npins = \"x = input; y = target\"\n"
      + "targets.offset = [0.5]\ninputs.count = 6\ndetails.count = 1\n";

  /**
   * One network through a safetensors file, through the model-import job and through the
   * ModelTable helper: the same weights come back, and sheaf-pinning gives the same tables from the
   * file and from the models table.
   */
  @Test
  void roundTripsThroughSafetensorsAndTheModelTable(@TempDir Path dir) throws Exception {
    Mlp net = net();
    Path file = dir.resolve("net.safetensors");
    MlpSafeTensors.write(net, SafeTensors.DType.F64, file);
    assertSameNetwork(net, MlpSafeTensors.read(file, OutputActivation.IDENTITY));

    // safetensors -> models table with the model-import job, read back without Spark
    Path models = dir.resolve("models-out");
    Path importConf = config(dir, "import.conf", "job = model-import\nexperiment = import\nmodel_id = paraboloid/net-a\n");
    Result imp = JobTestSupport.launch("run", importConf.toString(), "--out", models.toString(),
        "--set", "network.weights=" + file);
    assertEquals(0, imp.code(), imp.err());
    Path table = models.resolve("models");
    assertSameNetwork(net, ModelTable.read(table.toString(), "paraboloid/net-a"));
    assertEquals(List.of("paraboloid/net-a"), ModelTable.modelIds(table.toString()));

    // the same job from the file and from the models table: identical tables
    Path pin = config(dir, "pin.conf", PINNING);
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Result ra = JobTestSupport.launch("run", pin.toString(), "--out", a.toString(), "--set",
        "network.weights=" + file);
    assertEquals(0, ra.code(), ra.err());
    Result rb = JobTestSupport.launch("run", pin.toString(), "--out", b.toString(), "--set",
        "network.model_table=" + table, "--set", "network.model_id=paraboloid/net-a");
    assertEquals(0, rb.code(), rb.err());
    for (String t : List.of("pinning_equilibria", "pinning_discord", "pinning_values")) {
      List<String> x = JobTestSupport.rows(a, t);
      assertFalse(x.isEmpty(), t);
      assertEquals(x, JobTestSupport.rows(b, t), t);
    }
    // the runs table records the loaded network's widths and hash
    String cfg = JobTestSupport.rows(b, "runs").get(0);
    assertTrue(cfg.contains("widths = [2, 6, 5, 1]"), cfg);
    assertTrue(cfg.contains("network.sha256 = " + NetworkParams.sha256(net)), cfg);

    // the helper, two networks in one run (one of them sigmoid)
    Mlp other = NetworkParams.heInit(new int[] {3, 4, 1}, OutputActivation.SIGMOID, 3, 0.1);
    Path helperOut = dir.resolve("helper-out");
    SparkSession spark = SparkSession.builder().getOrCreate(); // the shared session
    Map<String, Mlp> two = new LinkedHashMap<>();
    two.put("a", net);
    two.put("b", other);
    JobContext ctx = new JobContext(spark, helperOut.toString(), "helper-run", 1);
    ModelTable.write(ctx, two);
    ctx.commit();
    assertSameNetwork(net, ModelTable.read(helperOut.resolve("models").toString(), "a"));
    assertSameNetwork(other, ModelTable.read(helperOut.resolve("models/run_id=helper-run").toString(), "b"));

    // a models table with a NaN weight (written as raw rows): rejected naming table, model, layer
    List<Row> bad = new ArrayList<>(ModelTable.rows("nan-net", net));
    double[] w = net.weights(1).clone();
    w[7] = Double.NaN;
    Object[] layer2 = ModelTable.values("nan-net", net, 1, null);
    layer2[4] = w;
    bad.set(1, RowFactory.create(layer2));
    JobContext ctx2 = new JobContext(spark, dir.resolve("bad-models").toString(), "bad-run", 1);
    ctx2.write("models", spark.createDataFrame(bad, ModelTable.SCHEMA).coalesce(1));
    ctx2.commit();

    Path out = dir.resolve("bad-out");
    Result nan = JobTestSupport.launch("run", pin.toString(), "--out", out.toString(),
        "--set", "network.model_table=" + dir.resolve("bad-models/models"), "--set", "network.model_id=nan-net");
    assertEquals(Main.EXIT_BAD_INPUT, nan.code(), nan.err());
    assertTrue(nan.err().contains("model 'nan-net'") && nan.err().contains("layer 2 weights hold NaN at index 7"), nan.err());
    Result missing = JobTestSupport.launch("run", pin.toString(), "--out", out.toString(),
        "--set", "network.model_table=" + table, "--set", "network.model_id=nope");
    assertEquals(Main.EXIT_BAD_INPUT, missing.code());
    assertTrue(missing.err().contains("no model 'nope'") && missing.err().contains("paraboloid/net-a"), missing.err());
    assertFalse(Files.exists(out.resolve("pinning_equilibria")) || Files.exists(out.resolve("runs")), "no partial output");
  }

  /** Bad weight files stop every sheaf job before Spark starts, naming the file and the tensor. */
  @Test
  void badWeightFilesAreRejectedBeforeAnyWork(@TempDir Path dir) throws Exception {
    Mlp net = net();
    // NaN in a weight tensor
    List<SafeTensors.Tensor> ts = new ArrayList<>(MlpSafeTensors.toTensors(net, SafeTensors.DType.F32));
    double[] w = ts.get(2).data().clone();
    w[3] = Double.NaN;
    ts.set(2, new SafeTensors.Tensor("2.weight", SafeTensors.DType.F32, ts.get(2).shape(), w));
    Path nan = dir.resolve("nan.safetensors");
    Files.write(nan, SafeTensors.write(ts, Map.of()));
    // shapes that do not chain: layer 2 expects 7 inputs but layer 1 gives 6
    List<SafeTensors.Tensor> chain = List.of(
        new SafeTensors.Tensor("fc1.weight", SafeTensors.DType.F64, new long[] {6, 2}, new double[12]),
        new SafeTensors.Tensor("fc1.bias", SafeTensors.DType.F64, new long[] {6}, new double[6]),
        new SafeTensors.Tensor("fc2.weight", SafeTensors.DType.F64, new long[] {1, 7}, new double[7]),
        new SafeTensors.Tensor("fc2.bias", SafeTensors.DType.F64, new long[] {1}, new double[1]));
    Path bad = dir.resolve("chain.safetensors");
    Files.write(bad, SafeTensors.write(chain, Map.of()));
    Path good = dir.resolve("good.safetensors");
    MlpSafeTensors.write(net, SafeTensors.DType.F64, good);
    Path junk = dir.resolve("junk.safetensors");
    Files.writeString(junk, "not a safetensors file");

    Path pin = config(dir, "pin.conf", PINNING);
    Path spectrum = config(dir, "spec.conf", "job = sheaf-spectrum\ninputs.count = 4\n");
    Path out = dir.resolve("out");
    Object[][] cases = {
      {pin, new String[] {"network.weights=" + nan}, new String[] {"nan.safetensors", "'2.weight'", "NaN"}},
      {pin, new String[] {"network.weights=" + bad}, new String[] {"chain.safetensors", "'fc2.weight'", "do not chain"}},
      {spectrum, new String[] {"network.weights=" + bad}, new String[] {"chain.safetensors", "do not chain"}},
      {JobTestSupport.conf("S2-heat-inference.conf"), new String[] {"network.weights=" + nan},
          new String[] {"nan.safetensors", "NaN"}},
      {pin, new String[] {"network.weights=" + dir.resolve("missing.safetensors")},
          new String[] {"network.weights", "missing.safetensors", "does not exist"}},
      {pin, new String[] {"network.weights=" + junk}, new String[] {"junk.safetensors", "not valid safetensors"}},
      {pin, new String[] {"network.weights=" + good, "widths=[2, 30, 1]"},
          new String[] {"'widths' = [2, 30, 1]", "good.safetensors", "[2, 6, 5, 1]"}},
      {pin, new String[] {"network.weights=" + good, "output=sigmoid"}, new String[] {"'output'", "identity"}},
      {pin, new String[] {"network.model_id=x"}, new String[] {"network.model_id", "network.model_table"}},
      {pin, new String[] {"network.model_table=" + dir.resolve("no-table")}, new String[] {"no-table", "does not exist"}},
      {spectrum, new String[] {"network.weights=" + good, "architectures=[[2, 3, 1]]"},
          new String[] {"architectures", "network.weights"}},
    };
    for (Object[] c : cases) {
      List<String> args = new ArrayList<>(List.of("run", c[0].toString(), "--out", out.toString()));
      for (String s : (String[]) c[1]) {
        args.add("--set");
        args.add(s);
      }
      Result r = JobTestSupport.launch(args.toArray(new String[0]));
      assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", args) + "\n" + r.err());
      for (String expect : (String[]) c[2]) {
        assertTrue(r.err().contains(expect), "expected '" + expect + "' in: " + r.err());
      }
      if (Files.exists(out)) {
        try (var files = Files.list(out)) {
          assertEquals(0, files.count(), "no output for " + String.join(" ", args));
        }
      }
    }
  }
}
