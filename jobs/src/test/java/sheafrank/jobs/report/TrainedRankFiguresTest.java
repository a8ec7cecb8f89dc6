package sheafrank.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sheafrank.jobs.JobTestSupport;
import sheafrank.jobs.report.chart.Plot.Figure;
import sheafrank.jobs.report.chart.Plot.Panel;
import sheafrank.jobs.report.chart.Plot.Series;
import sheafrank.jobs.report.chart.Renderer;

/**
 * Fig 3A-C and Fig 4 from small rank-scan tables written here (the rank_hist, rank_layers and
 * rank_tests schema): the series each figure draws equal the tables' aggregates, computed
 * independently with Spark SQL, and the PNG and SVG are written.
 */
class TrainedRankFiguresTest {
  static final String R6 = "R6-mnist-quick-ranks-0a1b2c3d";
  static final String R7 = "R7-sphere-ranks-0a1b2c3d";
  static final String R8 = "R8-functions-ranks-0a1b2c3d";
  static final String R6_NO_CHECKPOINTS = "R6-mnist-quick-ranks-ffff0000";
  static SparkSession spark;
  static Tables t;
  static Path dir;

  static final StructType HIST = new StructType().add("model_id", DataTypes.StringType)
      .add("epoch", DataTypes.IntegerType).add("point_set", DataTypes.StringType).add("layer", DataTypes.IntegerType)
      .add("quantity", DataTypes.StringType).add("value", DataTypes.IntegerType).add("count", DataTypes.LongType);
  static final StructType LAYERS = new StructType().add("model_id", DataTypes.StringType)
      .add("epoch", DataTypes.IntegerType).add("point_set", DataTypes.StringType).add("layer", DataTypes.IntegerType)
      .add("layer_kind", DataTypes.StringType).add("width", DataTypes.IntegerType)
      .add("points", DataTypes.LongType).add("nonfinite", DataTypes.LongType)
      .add("mean_rank", DataTypes.DoubleType).add("min_rank", DataTypes.IntegerType)
      .add("max_rank", DataTypes.IntegerType).add("mean_size", DataTypes.DoubleType)
      .add("min_size", DataTypes.IntegerType).add("max_size", DataTypes.IntegerType)
      .add("test_loss", DataTypes.DoubleType).add("function", DataTypes.StringType)
      .add("target", DataTypes.StringType);
  static final StructType TESTS = new StructType().add("function", DataTypes.StringType)
      .add("target", DataTypes.StringType).add("point_set", DataTypes.StringType).add("layer", DataTypes.IntegerType)
      .add("p_bonferroni", DataTypes.DoubleType).add("significant", DataTypes.BooleanType);

  @BeforeAll
  static void setUp() throws Exception {
    spark = ReportFixture.session();
    dir = Files.createTempDirectory("sheafrank-trained-rank");
    // R6: one model, epochs 0..3, layers 1-2 ReLU and 3 the output map, test digits and noise
    List<Row> hist = new ArrayList<>();
    List<Row> layers = new ArrayList<>();
    for (int e = 0; e <= 3; e++) {
      for (String set : List.of("test", "noise")) {
        for (int layer = 1; layer <= 3; layer++) {
          long points = 0;
          double sum = 0;
          for (int v = 2; v <= 4 + e; v++) {
            long c = 1 + (v * 7L + e * 3L + layer + set.length()) % 5;
            hist.add(RowFactory.create("m0", e, set, layer, "rank", v + layer, c));
            hist.add(RowFactory.create("m0", e, set, layer, "size", v + layer + 10, 2 * c));
            points += c;
            sum += c * (v + layer);
          }
          layers.add(RowFactory.create("m0", e, set, layer, layer == 3 ? "output" : "relu", 20 / layer, points + 1, 1L,
              sum / points, 2 + layer, 4 + e + layer, 5.0, 3, 8, 2.0 / (1 + e), null, null));
        }
      }
    }
    write("rank_hist", R6, hist, HIST);
    write("rank_layers", R6, layers, LAYERS);
    // an R6 run of a network stored without checkpoints: epoch null
    write("rank_hist", R6_NO_CHECKPOINTS, List.of(RowFactory.create("m0", null, "test", 1, "rank", 3, 4L)), HIST);
    write("rank_layers", R6_NO_CHECKPOINTS, List.of(RowFactory.create("m0", null, "test", 1, "relu", 5, 4L, 0L, 3.0,
        3, 3, 2.0, 2, 2, null, null, null)), LAYERS);
    // R7 and R8: two models per target (different point counts so the pooled mean is weighted)
    List<Row> r7 = new ArrayList<>();
    List<Row> r8 = new ArrayList<>();
    List<Row> t7 = new ArrayList<>();
    List<Row> t8 = new ArrayList<>();
    List<String> targets = List.of("standardised", "f8", "f2", "above-mean");
    int k = 0;
    for (String target : targets) {
      for (String fn : List.of("sphere", "ackley", "schwefel")) {
        for (int m = 0; m < 2; m++) {
          for (int e : new int[] {0, 5 + m}) {
            for (int layer = 1; layer <= 3; layer++) {
              k++;
              double mean = 10 + (k * 37 % 23) / 3.0;
              Row row = RowFactory.create(fn + "-" + target + "-" + m, e, "test", layer, layer == 3 ? "output" : "relu",
                  40, 100L + 50L * m, (long) m, 3.0, 1, 4, mean, (int) mean - 1 - m, (int) mean + 2 + e % 3, 0.1, fn,
                  target);
              (fn.equals("sphere") ? r7 : r8).add(row);
            }
          }
        }
        for (int layer = 1; layer <= 2; layer++) {
          boolean sig = (target.length() + layer + fn.length()) % 2 == 0;
          (fn.equals("sphere") ? t7 : t8).add(RowFactory.create(fn, target, "test", layer, sig ? 1e-5 : 0.2, sig));
        }
      }
    }
    write("rank_layers", R7, r7, LAYERS);
    write("rank_tests", R7, t7, TESTS);
    write("rank_layers", R8, r8, LAYERS);
    write("rank_tests", R8, t8, TESTS);
    for (String table : List.of("rank_hist", "rank_layers", "rank_tests")) {
      spark.read().parquet(dir.resolve(table).toString()).createOrReplaceTempView(table);
    }
    t = new Tables(spark, OutputFolder.scan(dir));
  }

  static void write(String table, String run, List<Row> rows, StructType schema) {
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(dir.resolve(table).resolve("run_id=" + run)
        .toString());
  }

  @AfterAll
  static void tearDown() {
    JobTestSupport.endSharedSession();
  }

  static Figure draw(String id, String runId) throws Exception {
    FigureSpec s = Figures.ALL.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow();
    RunInfo run = t.runs().stream().filter(r -> r.runId().equals(runId)).findFirst().orElseThrow();
    assertTrue(s.experiments().contains(run.experiment()), id + " is drawn from " + run.experiment());
    Figure f = s.drawer().draw(t, List.of(run), id);
    Renderer.write(f, dir);
    assertTrue(Files.size(dir.resolve(id + ".png")) > 1000, id + ".png written");
    assertTrue(Files.readString(dir.resolve(id + ".svg")).contains("<svg"), id + ".svg written");
    return f;
  }

  static double[] col(String sql) {
    return spark.sql(sql).collectAsList().stream().mapToDouble(r -> ((Number) r.get(0)).doubleValue()).toArray();
  }

  @Test
  void fig3aBarsAreTheRankHistogramCountsOfTheReluLayers() throws Exception {
    Figure f = draw("fig03a", R6);
    assertEquals(4, f.panels().size(), "per ReLU layer (the output map excluded), before and after");
    for (int layer = 1; layer <= 2; layer++) {
      for (int e : new int[] {0, 3}) {
        Panel p = f.panel(layer - 1 + (e == 0 ? 0 : 2));
        assertTrue(p.title().contains(e == 0 ? "epoch 0" : "after training (epoch 3)"), p.title());
        for (String set : List.of("test", "noise")) {
          Series s = p.series(set);
          assertNotNull(s, set + " epoch " + e);
          String q = " FROM rank_hist WHERE run_id = '" + R6 + "' AND quantity = 'rank' AND point_set = '" + set
              + "' AND layer = " + layer + " AND epoch = " + e + " ORDER BY value";
          assertArrayEquals(col("SELECT value" + q), s.x(), 0);
          assertArrayEquals(col("SELECT count" + q), s.y(), 0);
        }
      }
    }
  }

  @Test
  void fig3bIsTheMeanRankByEpochAndTheTestLoss() throws Exception {
    Figure f = draw("fig03b", R6);
    for (int layer = 1; layer <= 2; layer++) {
      Series s = f.panel(0).series("layer " + layer + (layer == 2 ? " (last hidden)" : ""));
      String q = " FROM rank_layers WHERE run_id = '" + R6 + "' AND point_set = 'test' AND layer = " + layer
          + " ORDER BY epoch";
      assertArrayEquals(col("SELECT epoch" + q), s.x(), 0);
      assertArrayEquals(col("SELECT mean_rank" + q), s.y(), 1e-12);
    }
    assertNull(f.panel(0).series("layer 3"), "the output map is not a ReLU layer");
    assertEquals(7, f.panel(0).markers().get(0).lo(), 0);
    assertEquals(13, f.panel(0).markers().get(0).hi(), 0);
    assertArrayEquals(col("SELECT test_loss FROM rank_layers WHERE run_id = '" + R6 + "' AND point_set = 'test' "
        + "AND layer = 2 ORDER BY epoch"), f.panel(1).series("test loss").y(), 0);
  }

  @Test
  void fig3aAndBWithoutCheckpointsAreMissingNotDrawn() {
    FigureSpec s = Figures.ALL.stream().filter(f -> f.id().equals("fig03a")).findFirst().orElseThrow();
    RunInfo run = t.runs().stream().filter(r -> r.runId().equals(R6_NO_CHECKPOINTS)).findFirst().orElseThrow();
    assertThrows(FigureSpec.NoData.class, () -> s.drawer().draw(t, List.of(run), "x"));
  }

  /** Checks every layer panel of Fig 3C / 4 against pooled SQL aggregates and the significant tests. */
  static void checkCodewordPanels(List<Panel> panels, String run, String column, List<String> categories,
      String where) {
    assertEquals(2, panels.size(), "one panel per ReLU layer");
    // pooled over models: mean weighted by finite points, extremes of min/max; after = each model's last epoch
    java.util.Map<String, double[]> agg = new java.util.HashMap<>();
    for (Row r : spark.sql("SELECT layer, " + column + ", epoch > 0 AS after, "
        + "sum(mean_size * (points - nonfinite)) / sum(points - nonfinite), min(min_size), max(max_size) "
        + "FROM rank_layers JOIN (SELECT model_id, max(epoch) AS last FROM rank_layers WHERE run_id = '" + run
        + "' GROUP BY model_id) USING (model_id) WHERE run_id = '" + run + "' AND (epoch = 0 OR epoch = last) AND "
        + where + " GROUP BY layer, " + column + ", epoch > 0").collectAsList()) {
      agg.put(r.get(0) + "/" + r.get(1) + "/" + r.get(2), new double[] {((Number) r.get(3)).doubleValue(),
          ((Number) r.get(4)).doubleValue(), ((Number) r.get(5)).doubleValue()});
    }
    for (int layer = 1; layer <= 2; layer++) {
      Panel p = panels.get(layer - 1);
      for (boolean after : new boolean[] {false, true}) {
        Series s = p.series().get(after ? 1 : 0);
        for (int c = 0; c < categories.size(); c++) {
          double[] v = agg.get(layer + "/" + categories.get(c) + "/" + after);
          assertEquals(v[0], s.y()[c], 1e-12);
          assertEquals(v[1], s.lo()[c], 0);
          assertEquals(v[2], s.hi()[c], 0);
        }
      }
      Series stars = p.series("Bonferroni-significant (p_bonferroni < 0.001)");
      double[] sig = col("SELECT pos FROM (SELECT significant, CASE " + caseOf(column, categories)
          + " END AS pos FROM rank_tests WHERE run_id = '" + run + "' AND layer = " + layer + " AND " + where
          + ") WHERE significant ORDER BY pos");
      assertArrayEquals(sig, stars.x(), 0);
      double top = 0;
      for (Series s : p.series().subList(0, 2)) {
        for (double h : s.hi()) {
          top = Math.max(top, h);
        }
      }
      for (double y : stars.y()) {
        assertTrue(y > top, "stars above the whiskers");
      }
    }
  }

  static String caseOf(String column, List<String> categories) {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < categories.size(); c++) {
      b.append(" WHEN ").append(column).append(" = '").append(categories.get(c)).append("' THEN ").append(c);
    }
    return b.toString();
  }

  @Test
  void fig3cIsTheCodewordSizeBeforeAndAfterPerTargetPooledOverModels() throws Exception {
    Figure f = draw("fig03c", R7);
    List<String> order = List.of("f2", "f8", "above-mean", "standardised");
    assertEquals(List.of("f2", "f8", "above-mean", "f∞ (standardised)"), f.panel(0).x().categories());
    checkCodewordPanels(f.panels().subList(0, 2), R7, "target", order, "true");
    // the last panel: mean rank per layer and target, after (each model's last epoch) and before (epoch 0)
    assertEquals(3, f.panels().size());
    Panel ranks = f.panel(2);
    for (int layer = 1; layer <= 2; layer++) {
      for (boolean after : new boolean[] {false, true}) {
        Series s = ranks.series("layer " + layer + (after ? ", after training" : ", before"));
        for (int c = 0; c < order.size(); c++) {
          double expected = col("SELECT sum(mean_rank * (points - nonfinite)) / sum(points - nonfinite) "
              + "FROM rank_layers JOIN (SELECT model_id, max(epoch) AS last FROM rank_layers WHERE run_id = '" + R7
              + "' GROUP BY model_id) USING (model_id) WHERE run_id = '" + R7 + "' AND point_set = 'test' AND layer = "
              + layer + " AND target = '" + order.get(c) + "' AND epoch = " + (after ? "last" : "0"))[0];
          assertEquals(expected, s.y()[c], 1e-12, "layer " + layer + " " + order.get(c) + " after " + after);
        }
      }
    }
    assertNull(ranks.series("layer 3, after training"), "the output map is not a ReLU layer");
  }

  @Test
  void fig4PutsRegressionBesideClassificationPerFunction() throws Exception {
    Figure f = draw("fig04", R8);
    assertEquals(4, f.panels().size());
    List<Panel> regression = List.of(f.panel(0), f.panel(2));
    List<Panel> classification = List.of(f.panel(1), f.panel(3));
    assertTrue(regression.get(0).title().startsWith("regression"));
    assertTrue(classification.get(0).title().startsWith("classification"));
    checkCodewordPanels(regression, R8, "function", List.of("ackley", "schwefel"), "target = 'standardised'");
    checkCodewordPanels(classification, R8, "function", List.of("ackley", "schwefel"), "target = 'above-mean'");
  }
}
