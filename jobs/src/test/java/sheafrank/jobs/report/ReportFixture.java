package sheafrank.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import sheafrank.jobs.JobTestSupport;

/**
 * One output folder of tiny runs of every experiment the report draws (seconds of Spark work in
 * all), made once per test JVM and shared by the report tests.
 */
final class ReportFixture {
  private ReportFixture() {}

  private static Path folder;

  /** {config, --set overrides...} of each tiny run. */
  static final String[][] RUNS = {
    {"S2-heat-inference.conf", "inputs.count=4", "traces.count=2", "traces.steps=300", "traces.every=10",
        "max_steps=20000", "tolerance=1e-6"},
    {"S3-sigmoid-output.conf", "inputs.count=3", "traces.count=1", "traces.steps=400", "traces.every=20",
        "max_steps=50000", "tolerance=1e-6"},
    {"S4-switching.conf", "inputs.count=3", "traces.count=2", "traces.steps=400", "max_steps=50000", "tolerance=1e-5"},
    {"S4-switching.conf", "inputs.count=3", "traces.count=2", "traces.steps=400", "max_steps=50000", "tolerance=1e-5",
        "widths=[2,4,1]"},
    {"S7-table1.conf", "tasks=[paraboloid, blobs]", "hidden_layers=[1]", "steps=[150]", "curve.every=50",
        "n_train=[40]", "n_test=20"},
    {"S8-surfaces.conf", "tasks=[paraboloid, circular]", "steps=[150]", "grid.size=7", "curve.every=50",
        "n_train=[40]", "n_test=20"},
    {"S9-beta-sweep.conf", "beta=[1e-3, 1e-2]", "n_train=[20, 40]", "seeds=[42, 43]", "steps=[100]", "n_test=20"},
    {"S10-integration-time.conf", "widths=[[2,30,1],[2,10,8,1]]", "times=[0.5, 1]", "dt_scale=[0.5, 1.0]",
        "n_train=[30]", "n_test=20"},
    {"S11-spectral-gap.conf", "architectures=[[2, 30, 1], [2, 10, 8, 1]]", "network.seeds=[0, 1, 2]",
        "inputs.count=5", "cosine.inputs=3"},
    {"S12-block-energy.conf", "network.seeds=[0]", "inputs.count=6", "cosine.inputs=3"},
    {"S13-spectra-training.conf", "steps=[300]", "diagnostics.every=100", "diagnostics.stages=[100, 200, 300]",
        "diagnostics.inputs=6", "n_train=[40]", "n_test=20"},
    {"S14-discord.conf", "inputs.count=4", "discord.count=3", "cosine.inputs=3"},
    {"S15-pinned-discord.conf", "steps=[200]", "diagnostics.stages=[200]", "diagnostics.inputs=4", "n_train=[40]",
        "n_test=20"},
    {"S16-discord-stages.conf", "steps=[300]", "diagnostics.stages=[100, 200, 300]", "diagnostics.inputs=4",
        "models.snapshots=false", "n_train=[40]", "n_test=20"},
    {"R2-width-sweep.conf", "network.m=[2, 5]", "network.n1=[2, 5, 10]", "networks=3", "points=60"},
    {"R3-mean-sweep.conf", "network.n1=[5, 10]", "init.mu=[-0.1, 0.0, 0.1]", "networks=3", "points=60"},
    {"R4-rank-selection.conf", "network.m=[4]", "network.n1=[10]", "networks=2", "points=50", "points.block=50"},
    {"R5-dale.conf", "network.m=[6]", "network.n1=[12]", "networks=3", "points=50", "points.block=50"},
    {"D1-worked-example.conf", "network.weights=" + JobTestSupport.conf("weights/worked-example.safetensors")},
  };

  /** The folder with every tiny run (made on first use, in the shared local session). */
  static synchronized Path folder() throws IOException {
    if (folder == null) {
      Path dir = Files.createTempDirectory("sheafrank-report-fixture");
      JobTestSupport.shareSession("local[2]");
      List<String> failures = new ArrayList<>();
      for (String[] run : RUNS) {
        List<String> args = new ArrayList<>(List.of("run", JobTestSupport.conf(run[0]).toString(), "--out",
            dir.toString(), "--set", "partitions=1"));
        for (int i = 1; i < run.length; i++) {
          args.add("--set");
          args.add(run[i]);
        }
        JobTestSupport.Result r = JobTestSupport.launch(args.toArray(new String[0]));
        if (r.code() != 0) {
          failures.add(run[0] + ": exit " + r.code() + "\n" + r.err());
        }
      }
      assertEquals(List.of(), failures, "every tiny run succeeds");
      folder = dir;
    }
    return folder;
  }

  /** The report's view of the fixture folder, on the current local session. */
  static Tables tables() throws IOException {
    Path dir = folder();
    return new Tables(session(), OutputFolder.scan(dir));
  }

  static SparkSession session() {
    return SparkSession.builder().master("local[2]").appName("report-test").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").getOrCreate();
  }
}
