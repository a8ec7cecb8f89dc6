package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.jobs.JobTestSupport.Result;

/**
 * The homology job (R9): partition independence, the Fig 1D construction and the paper's identities
 * through the job's own tables, bad input, the committed configs and weights.
 */
class HomologyJobTest {
  static final String TORUS = String.join("\n",
      "job = homology",
      "experiment = test-homology",
      "seed = 5",
      "manifold = torus",
      "manifold.resolution = [[24, 16], [9, 7]]",
      "manifold.radius = 2",
      "manifold.tube_radius = 1",
      "network.weights = [" + JobTestSupport.conf("weights/" + GluingNetworkWeights.TORUS) + "]",
      "network.widths = [[3, 3], [3, 4, 4]]",
      "init = [kaiming, \"normal({mu}, 0.1)\"]",
      "init.mu = [0.2]",
      "networks = 3",
      "network.bias_sd = 0.3",
      "omega.regions = [zero, below_dim, below_embedding]",
      "quotient.cone_check = true",
      "vertices.record = true",
      "");

  @BeforeAll
  static void shareSpark() {
    JobTestSupport.shareSession("local[2]");
  }

  @AfterAll
  static void stopSpark() {
    JobTestSupport.endSharedSession();
  }

  static Result run(Path conf, Path out, String... sets) {
    return JobTestSupport.launch(JobTestSupport.concat(
        new String[] {"run", conf.toString(), "--out", out.toString()}, sets));
  }

  static int[] ints(Row r, String col) {
    scala.collection.Seq<Integer> s = r.getAs(col);
    int[] a = new int[s.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = s.apply(i);
    }
    return a;
  }

  /**
   * One partition against three: identical tables. Then, from the first run: the torus's Betti
   * numbers; the cap network's layers (outer loop compressed, (1, 1, 1); two outer loops, (1, 2, 2));
   * in every row the cone agrees with the relative chain complex, H̃(M/Ω) = H(M, Ω), χ(M) = χ(Ω) +
   * χ(M, Ω), Z/2 = Q (subcomplexes of an orientable surface are torsion-free), and changed_q says
   * whether the quotient's Betti numbers differ from the torus's; the settings summary counts rows.
   */
  @Test
  void tablesDoNotDependOnPartitioningAndCarryThePapersIdentities(@TempDir Path dir) throws IOException {
    Path conf = JobTestSupport.write(dir, "torus.conf", TORUS);
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Result ra = run(conf, a, "--set", "partitions=1");
    assertEquals(0, ra.code(), ra.err());
    Result rb = run(conf, b, "--set", "partitions=3");
    assertEquals(0, rb.code(), rb.err());
    for (String t : List.of("homology_manifolds", "homology_layers", "homology_settings", "homology_vertices")) {
      List<String> x = JobTestSupport.rows(a, t);
      assertFalse(x.isEmpty(), t);
      assertEquals(x, JobTestSupport.rows(b, t), t);
    }
    List<Row> manifolds = JobTestSupport.table(a, "homology_manifolds");
    assertEquals(2, manifolds.size());
    for (Row m : manifolds) {
      assertArrayEquals(new int[] {1, 2, 1}, ints(m, "betti_q"));
      assertArrayEquals(new int[] {1, 2, 1}, ints(m, "betti_z2"));
      assertEquals(0L, (long) m.getAs("euler_characteristic"));
    }
    List<Row> layers = JobTestSupport.table(a, "homology_layers");
    // 2 resolutions x 3 regions x (network, layer): [3,3] settings 1 layer, [3,4,4] 2, the caps 2
    int settings = 2 * 2; // 2 architectures x (kaiming, normal(0.2, 0.1))
    assertEquals(2 * (settings / 2 * 3 * 1 + settings / 2 * 3 * 2 + 2) * 3, layers.size());
    int caps = 0;
    for (Row r : layers) {
      assertEquals("ok", r.getAs("status"));
      assertTrue((boolean) r.getAs("cone_agrees"), r.toString());
      int[] rel = ints(r, "betti_relative_q");
      int[] quo = ints(r, "betti_quotient_q");
      int[] omega = ints(r, "betti_omega_q");
      boolean empty = (long) r.getAs("omega_vertices") == 0;
      assertEquals(rel[0] + (empty ? 0 : 1), quo[0]);
      assertEquals(rel[1], quo[1]);
      assertEquals(rel[2], quo[2]);
      assertEquals(0, (omega[0] - omega[1] + omega[2]) + (rel[0] - rel[1] + rel[2]));
      assertArrayEquals(quo, ints(r, "betti_quotient_z2"));
      assertArrayEquals(omega, ints(r, "betti_omega_z2"));
      boolean changed = !java.util.Arrays.equals(quo, new int[] {1, 2, 1});
      assertEquals(changed, (boolean) r.getAs("changed_q"));
      assertArrayEquals(new int[] {quo[0] - 1, quo[1] - 2, quo[2] - 1}, ints(r, "betti_change_q"));
      if ("weights".equals(r.getAs("source")) && (int) r.getAs("vertices") == 24 * 16
          && !"below_embedding".equals(r.getAs("region"))) {
        int layer = r.getAs("layer");
        assertArrayEquals(layer == 1 ? new int[] {1, 1, 1} : new int[] {1, 2, 2}, quo, r.toString());
        caps++;
      }
    }
    assertEquals(4, caps);
    List<Row> summary = JobTestSupport.table(a, "homology_settings");
    assertEquals(2 * (2 * 1 + 2 * 2) * 3, summary.size()); // resolutions x (setting, layer) x regions
    long changed = 0;
    for (Row s : summary) {
      assertEquals(3L, (long) s.getAs("networks"));
      changed += (long) s.getAs("networks_changed_q");
    }
    long rowsChanged = layers.stream().filter(r -> r.getAs("setting_id") != null && (boolean) r.getAs("changed_q"))
        .count();
    assertEquals(rowsChanged, changed);
    assertEquals((settings * 3 + 1) * (24 * 16 + 9 * 7), JobTestSupport.table(a, "homology_vertices").size());
  }

  /** A user's points: 60 samples of a circle, Rips scale 0.25, through the circle cap network. */
  @Test
  void pointsManifoldRunsThroughTheCircleCaps(@TempDir Path dir) throws IOException {
    StringBuilder pts = new StringBuilder("# x, y\n");
    for (int i = 0; i < 60; i++) {
      double t = 2 * Math.PI * i / 60;
      pts.append(Math.cos(t)).append(", ").append(Math.sin(t)).append('\n');
    }
    Path file = JobTestSupport.write(dir, "circle.csv", pts.toString());
    Path conf = JobTestSupport.write(dir, "points.conf", String.join("\n", "job = homology", "experiment = test-points",
        "manifold = points", "manifold.points = " + file, "manifold.rips_scale = 0.25",
        "network.weights = [" + JobTestSupport.conf("weights/" + GluingNetworkWeights.CIRCLE) + "]",
        "omega.regions = [zero]", ""));
    Path out = dir.resolve("out");
    Result r = run(conf, out);
    assertEquals(0, r.code(), r.err());
    Row m = JobTestSupport.table(out, "homology_manifolds").get(0);
    assertArrayEquals(new int[] {1, 1, 0}, ints(m, "betti_q"));
    for (Row l : JobTestSupport.table(out, "homology_layers")) {
      int layer = l.getAs("layer");
      assertArrayEquals(layer == 1 ? new int[] {1, 1, 0} : new int[] {1, 2, 0}, ints(l, "betti_quotient_q"));
    }
  }

  @Test
  void badInputFailsBeforeAnyWork(@TempDir Path dir) throws IOException {
    Path conf = JobTestSupport.write(dir, "torus.conf", TORUS);
    Path out = dir.resolve("out");
    String circle = JobTestSupport.conf("weights/" + GluingNetworkWeights.CIRCLE).toString();
    String[][] cases = {
      {"manifold=klein", "'manifold'"},
      {"manifold.resolution=[[2, 5]]", "'manifold.resolution'"},
      {"manifold.resolution=[[24]]", "'manifold.resolution'"},
      {"manifold.resolution=[]", "'manifold.resolution'"},
      {"manifold.tube_radius=2", "'manifold.tube_radius'"},
      {"manifold.ambient_dim=2", "'manifold.ambient_dim'"},
      {"manifold.center=[1, 2]", "'manifold.center'"},
      {"network.widths=[[2, 3]]", "'network.widths'"},
      {"network.weights=[" + circle + "]", "'network.weights'"},
      {"network.weights=[nowhere.safetensors]", "'network.weights'"},
      {"network.layers=3", "'network.layers'"},
      {"network.sha256=[abc]", "'network.sha256'"},
      {"omega.regions=[low]", "'omega.regions'"},
      {"omega.rule=any", "'omega.rule'"},
      {"init.mu=[]", "'init.mu'"},
      {"manifold=points", "'manifold.points'"},
      {"manifold.radius=0", "'manifold.radius'"},
      {"nonsense=1", "'nonsense'"},
    };
    JobTestSupport.assertRejected(sets -> run(conf, out, sets), out, cases);
  }

  @Test
  void committedConfigsValidateAndWeightsAreTheConstruction(@TempDir Path dir) throws IOException {
    assertArrayEquals(GluingNetworkWeights.circle(),
        Files.readAllBytes(JobTestSupport.conf("weights/" + GluingNetworkWeights.CIRCLE)));
    assertArrayEquals(GluingNetworkWeights.torus(),
        Files.readAllBytes(JobTestSupport.conf("weights/" + GluingNetworkWeights.TORUS)));
    Path cwd = java.nio.file.Paths.get("").toAbsolutePath();
    for (String c : List.of("R9-fig1c-circle", "R9-fig1d-torus", "R9-width-sweep-circle", "R9-width-sweep-torus")) {
      // the configs name their weight files relative to the repository root
      String text = Files.readString(JobTestSupport.conf(c + ".conf")).replace("conf/weights/",
          cwd.getParent().resolve("conf/weights/").toString() + "/");
      Path p = JobTestSupport.write(dir, c + ".conf", text);
      Main.Prepared prep = Main.prepare(Main.parseRun(new String[] {"run", p.toString(), "--out", dir.toString()}));
      assertEquals("homology", prep.job().name(), c);
      assertEquals("R9", prep.spec().getString("experiment"), c);
    }
  }

  @Test
  void helpListsTheJobAndItsTables() {
    Result h = JobTestSupport.launch("help", "homology");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("omega.regions") && h.out().contains("homology_layers"), h.out());
    assertTrue(JobTestSupport.launch("jobs").out().contains("homology"));
  }
}
