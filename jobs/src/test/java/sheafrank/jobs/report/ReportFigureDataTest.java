package sheafrank.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sheafrank.jobs.JobTestSupport;
import sheafrank.jobs.report.chart.Plot.Figure;
import sheafrank.jobs.report.chart.Plot.Heat;
import sheafrank.jobs.report.chart.Plot.Panel;
import sheafrank.jobs.report.chart.Plot.Series;
import sheafrank.jobs.report.figures.SwitchingFigure;
import sheafrank.net.Mlp;

/**
 * The data each figure draws equals the aggregates of its tables, computed here independently with
 * Spark SQL over the fixture's runs; where a figure shows a theorem or a paper's formula, the data
 * is checked against it too.
 */
class ReportFigureDataTest {
  static Tables t;
  static SparkSession spark;

  @BeforeAll
  static void setUp() throws Exception {
    t = ReportFixture.tables();
    spark = ReportFixture.session();
    File[] tables = ReportFixture.folder().toFile().listFiles(File::isDirectory);
    for (File f : tables) {
      spark.read().parquet(f.getPath()).createOrReplaceTempView(f.getName());
    }
  }

  @AfterAll
  static void tearDown() {
    JobTestSupport.endSharedSession();
  }

  static RunInfo run(String experiment) {
    return t.runsOf(experiment).get(0);
  }

  static Figure draw(String id, String experiment) {
    FigureSpec s = Figures.ALL.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow();
    List<RunInfo> runs = s.combineRuns() ? t.runsOf(experiment) : List.of(run(experiment));
    return s.drawer().draw(t, runs, id);
  }

  /** One double column of a query, in its order. */
  static double[] col(String sql) {
    List<Row> rows = spark.sql(sql).collectAsList();
    double[] v = new double[rows.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Number) rows.get(i).get(0)).doubleValue();
    }
    return v;
  }

  static String where(String experiment) {
    return " run_id = '" + run(experiment).runId() + "' ";
  }

  @Test
  void fig6SeriesAreTheTracesAndTheDiscordNeverGrows() {
    Figure f = draw("fig06", "S2");
    for (long k = 0; k < 2; k++) {
      Series s = f.panel(0).series("input " + k);
      assertArrayEquals(col("SELECT total_discord FROM inference_trace WHERE" + where("S2") + "AND sample_id = " + k
          + " ORDER BY step"), s.y(), 0);
      for (int i = 1; i < s.size(); i++) { // the heat flow is a gradient flow of the discord
        assertTrue(s.y()[i] <= s.y()[i - 1] * (1 + 1e-12), "discord grows at step " + s.x()[i]);
      }
    }
    double[] fwd = col("SELECT forward_output[0] FROM inference_samples WHERE" + where("S2") + "AND sample_id < 2 ORDER BY sample_id");
    assertEquals(fwd[0], f.panel(1).series("forward pass").y()[0], 0);
  }

  @Test
  void fig12LayerAndEdgeTypeSplitsAddUpToTheTables() {
    Figure f = draw("fig12", "S3");
    Panel layers = f.panel(2);
    double[] layer1 = col("SELECT sum(discord) FROM inference_trace_edges WHERE" + where("S3")
        + "AND sample_id = 0 AND layer = 1 GROUP BY step ORDER BY step");
    assertArrayEquals(layer1, layers.series().get(0).y(), 1e-15);
    Panel kinds = f.panel(1);
    double[] total = col("SELECT total_discord FROM inference_trace WHERE" + where("S3") + "AND sample_id = 0 ORDER BY step");
    for (int i = 0; i < total.length; i++) {
      double sum = 0;
      for (Series s : kinds.series()) {
        sum += s.y()[i];
      }
      assertEquals(total[i], sum, 1e-12 * total[i]);
    }
  }

  @Test
  void fig13CountsEveryCrossingAndRebuildsTheRunsNetwork() {
    Figure f = draw("fig13", "S4");
    List<RunInfo> runs = t.runsOf("S4");
    assertEquals(2 * runs.size(), f.panels().size());
    double bars = 0;
    for (int r = 0; r < runs.size(); r++) {
      for (double v : f.panel(runs.size() + r).series().get(0).y()) {
        bars += v;
      }
    }
    assertEquals(col("SELECT count(*) FROM relu_crossings WHERE run_id LIKE 'S4-%'")[0], bars, 0);
    for (RunInfo run : runs) {
      Mlp net = SwitchingFigure.network(run);
      assertNotNull(net, "network of " + run.runId() + " rebuilt from its recorded config");
      for (Row r : t.rows("inference_samples", run)) {
        assertArrayEquals(Cols.doubles(r, "forward_output"), net.forward(Cols.doubles(r, "input")).output(), 0);
      }
    }
  }

  @Test
  void fig7And14DrawTheGridTheTargetIsTheParaboloid() {
    Figure f = draw("fig07", "S8");
    Heat target = f.panel(0).heat();
    for (int i = 0; i < target.xs().length; i++) {
      for (int j = 0; j < target.ys().length; j++) {
        double x = target.xs()[i];
        double y = target.ys()[j];
        assertEquals(x * x + y * y - 2.0 / 3, target.z()[i][j], 1e-12);
      }
    }
    double[] out = col("SELECT output[0] FROM grid WHERE" + where("S8") + "AND task = 'paraboloid' AND method = 'gd' "
        + "ORDER BY x1, x2");
    double[][] gd = f.panel(2).heat().z();
    assertEquals(out[0], gd[0][0], 0);
    assertEquals(out[out.length - 1], gd[gd.length - 1][gd[0].length - 1], 0);
    assertArrayEquals(col("SELECT test_loss FROM loss_curves WHERE" + where("S8") + "AND task = 'paraboloid' AND "
        + "method = 'sheaf' ORDER BY step"), f.panel(4).series("sheaf (joint dynamics)").y(), 0);
    Figure g = draw("fig14", "S8");
    Panel circular = g.panel(4);
    assertEquals(col("SELECT max(predicted_class) FROM grid WHERE" + where("S8") + "AND task = 'circular' AND method = "
        + "'sheaf' AND x1 = (SELECT min(x1) FROM grid) AND x2 = (SELECT min(x2) FROM grid)")[0],
        circular.heat().z()[0][0], 0);
    int points = circular.series().stream().mapToInt(Series::size).sum();
    assertEquals(40, points, "every regenerated training point is drawn (n_train = 40)");
  }

  @Test
  void fig8MeansOverSeeds() {
    Figure a = draw("fig08a", "S9");
    double[] mean = col("SELECT avg(final_test_loss) FROM trials WHERE" + where("S9") + "AND n_train = 20 "
        + "GROUP BY beta_m ORDER BY beta_m");
    assertArrayEquals(mean, a.panel(0).series("M = 20").y(), 1e-15);
    Figure b = draw("fig08b", "S10");
    double[] t2 = col("SELECT avg(final_test_loss) FROM trials WHERE" + where("S10") + "AND size(widths) = 4 AND dt = "
        + "(SELECT max(dt) FROM trials WHERE" + where("S10") + "AND size(widths) = 4) GROUP BY integration_time "
        + "ORDER BY integration_time");
    assertArrayEquals(t2, b.panel(0).series("[2, 10, 8, 1], dt 0.01").y(), 1e-15);
  }

  @Test
  void discordFiguresDrawEveryResidualOnce() {
    Figure f9 = draw("fig09", "S16");
    assertEquals(col("SELECT count(*) FROM pinned_residuals WHERE" + where("S16") + "AND method = 'sheaf' AND edge = "
        + "'W1' AND step = 300")[0], f9.panel(0).series().stream().mapToInt(Series::size).sum());
    Figure f20 = draw("fig20", "S16");
    Figure f21 = draw("fig21", "S16");
    assertEquals(6, f20.panels().size());
    assertEquals(f20.panel(1).y().hi(), f21.panel(1).y().hi(), 0, "Fig 20 and 21 share their y range");
    assertEquals(col("SELECT count(*) FROM pinned_residuals WHERE" + where("S16") + "AND method = 'gd' AND edge = 'R1' "
        + "AND step = 100 AND active")[0], f21.panel(1).series("active (z ≥ 0)").size());
    Figure f19 = draw("fig19", "S14");
    assertEquals(7, f19.panels().size(), "[2,12,8,6,1]: four weight edges, three ReLU edges");
    assertEquals(col("SELECT count(*) FROM coordinate_discord WHERE" + where("S14") + "AND run = 'pinned' AND edge = "
        + "'W4'")[0], f19.panel(3).series().stream().mapToInt(Series::size).sum());
  }

  @Test
  void spectrumFiguresAreTheTablesAggregates() {
    Figure f15 = draw("fig15", "S12");
    double[] energy = col("SELECT avg(e.energy) FROM spectrum_block_energy e JOIN spectrum_summary s ON e.run_id = "
        + "s.run_id AND e.network_id = s.network_id WHERE e." + where("S12").trim() + " AND size(s.architecture) = 3 "
        + "AND e.eigenvector = 'fiedler' GROUP BY e.block ORDER BY CASE e.block WHEN 'z1' THEN 0 WHEN 'a1' THEN 1 ELSE 2 END");
    assertArrayEquals(energy, f15.panel(0).series().get(0).y(), 1e-12); // stalks in cochain order z1, a1, z2
    double[] sd = col("SELECT stddev_samp(e.energy) FROM spectrum_block_energy e JOIN spectrum_summary s ON e.run_id = "
        + "s.run_id AND e.network_id = s.network_id WHERE e." + where("S12").trim() + " AND size(s.architecture) = 3 "
        + "AND e.eigenvector = 'fiedler' AND e.block = 'z2'");
    Series bars = f15.panel(0).series().get(0);
    assertEquals(bars.y()[2] + sd[0], bars.hi()[2], 1e-12);
    Figure f17 = draw("fig17", "S13");
    assertArrayEquals(col("SELECT condition_q75 FROM spectra_during_training WHERE" + where("S13") + "AND method = 'gd' "
        + "ORDER BY step"), f17.panel(2).series("gradient descent").hi(), 0);
    Figure f18 = draw("fig18", "S13");
    for (Series s : f18.panel(0).series()) {
      double n = 0;
      for (double v : s.y()) {
        n += v;
      }
      assertEquals(6, n, 0, "every diagnostic input in one bin: " + s.name());
    }
  }

  @Test
  void rankFiguresAreTheSummaryAndTheBoundIsThePapersFormula() {
    Figure a = draw("fig02a", "R2");
    assertArrayEquals(col("SELECT min_rank_mean FROM rank_settings WHERE" + where("R2") + "AND m = 5 AND layer = 1 "
        + "ORDER BY n1"), a.panel(0).series("m = 5").y(), 0);
    Figure c = draw("fig02c", "R4");
    double[] bound = col("SELECT rank_bound FROM rank_settings WHERE" + where("R4") + "AND layer = 1 ORDER BY init_k");
    Series drawn = c.panel(0).series("bound min{k, n1 − k, m}, m = 4");
    assertArrayEquals(bound, drawn.y(), 0, "the job's rank_bound is min{k, n1 - k, m}");
    Series mean = c.panel(0).series("m = 4");
    for (int i = 0; i < mean.size(); i++) {
      assertTrue(mean.y()[i] <= drawn.y()[i], "mean minimum rank above the bound at k = " + mean.x()[i]);
    }
    List<Row> r5 = Cols.where(t.rows("rank_settings", run("R5")), r -> Cols.i(r, "layer") == 1);
    double[] w = sheafrank.jobs.report.figures.RankFigures.mixedWindow(new ArrayList<>(r5));
    double[] mixed = col("SELECT init_k FROM rank_settings WHERE" + where("R5") + "AND layer = 1 AND networks_mixed > 0 "
        + "ORDER BY init_k");
    if (mixed.length == 0) {
      assertEquals(null, w);
    } else {
      assertArrayEquals(new double[] {mixed[0], mixed[mixed.length - 1]}, w, 0);
    }
  }

  @Test
  void paperTableFiguresPutOursBesideThePrintedValues() {
    Figure f = draw("table1", "S7");
    double[] ours = col("SELECT final_test_loss FROM trials WHERE" + where("S7") + "AND method = 'sheaf' AND task = "
        + "'paraboloid' AND size(widths) = 3");
    assertEquals(ours[0], f.panel(0).series("sheaf, ours").y()[0], 0);
    assertEquals(0.0884, f.panel(0).series("sheaf, paper").y()[0], 0);
    Figure g = draw("table2", "S11");
    assertEquals(0.2248, g.panel(0).series("paper: median ± std").y()[0], 0);
    double[] seeds = col("SELECT lambda1_median FROM spectrum_summary WHERE" + where("S11") + "AND size(architecture) = 3 "
        + "ORDER BY lambda1_median");
    assertEquals(seeds[1], g.panel(0).series("ours: median over seeds").y()[0], 0, "median of three seeds");
  }
}
