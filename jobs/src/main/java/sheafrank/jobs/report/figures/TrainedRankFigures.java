package sheafrank.jobs.report.figures;

import static sheafrank.jobs.report.Cols.d;
import static sheafrank.jobs.report.Cols.i;
import static sheafrank.jobs.report.Cols.l;
import static sheafrank.jobs.report.Cols.s;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.spark.sql.Row;
import sheafrank.jobs.report.Cols;
import sheafrank.jobs.report.FigureSpec.NoData;
import sheafrank.jobs.report.RunInfo;
import sheafrank.jobs.report.Tables;
import sheafrank.jobs.report.chart.Palette;
import sheafrank.jobs.report.chart.Plot.Axis;
import sheafrank.jobs.report.chart.Plot.Figure;
import sheafrank.jobs.report.chart.Plot.Marker;
import sheafrank.jobs.report.chart.Plot.Panel;
import sheafrank.jobs.report.chart.Plot.PanelBuilder;
import sheafrank.jobs.report.chart.Plot.Series;
import sheafrank.jobs.report.chart.Plot.Shape;
import sheafrank.jobs.report.chart.Plot.Style;

/**
 * Seed 003 Fig 3A-C and Fig 4: ranks and codeword sizes of trained networks, from a rank-scan run's
 * rank_hist, rank_layers and rank_tests. Pooling over the models of a run (seeds): histogram counts
 * are summed; a mean is the mean of the models' means weighted by their finite points; min and max
 * are the extremes over the models. "Last epoch" is each model's own last checkpoint in the table.
 */
public final class TrainedRankFigures {
  private TrainedRankFigures() {}

  /** MNIST's estimated intrinsic dimension, the paper's reference band in Fig 3B. */
  public static final double[] MNIST_INTRINSIC = {7, 13};

  static final List<String> SET_ORDER = List.of("test", "train", "noise", "table");

  // ---- data extraction ----

  /** Histogram of one quantity: value to summed count. */
  public record Hist(double[] values, double[] counts) {}

  /** Pooled summary of one group of rank_layers rows (one x position of Fig 3C / 4). */
  public record Summary(double mean, double min, double max, long points) {}

  /** The epoch of a row; -1 when the network has no checkpoints (null epoch). */
  static int epoch(Row r) {
    return Cols.isNull(r, "epoch") ? -1 : i(r, "epoch");
  }

  /** Each model's last epoch in rank_layers. */
  static Map<String, Integer> lastEpochs(List<Row> layers) {
    Map<String, Integer> last = new TreeMap<>();
    for (Row r : layers) {
      last.merge(s(r, "model_id"), epoch(r), Math::max);
    }
    return last;
  }

  /** Whether a row is at epoch 0 ({@code last} false) or its model's last epoch ({@code last} true). */
  static Predicate<Row> stage(Map<String, Integer> lastEpochs, boolean last) {
    return r -> last ? epoch(r) == lastEpochs.get(s(r, "model_id")) && epoch(r) > 0 : epoch(r) == 0;
  }

  /** The ReLU layers of rank_layers, sorted. */
  static List<Integer> reluLayers(List<Row> layers) {
    return Cols.group(Cols.where(layers, r -> "relu".equals(s(r, "layer_kind"))), r -> i(r, "layer")).keySet()
        .stream().toList();
  }

  /** The point sets present, in the order test, train, noise, table. */
  static List<String> pointSets(List<Row> rows) {
    return rows.stream().map(r -> s(r, "point_set")).distinct()
        .sorted(Comparator.comparingInt((String p) -> SET_ORDER.indexOf(p))).toList();
  }

  /** The set the summaries are drawn on: {@code test} when scanned, else the first. */
  static String mainSet(List<Row> rows) {
    return pointSets(rows).get(0);
  }

  /** Summed rank_hist counts of the rows matching {@code p}, by value. */
  public static Hist hist(List<Row> histRows, Predicate<Row> p) {
    Map<Integer, Long> m = new TreeMap<>();
    for (Row r : histRows) {
      if (p.test(r)) {
        m.merge(i(r, "value"), l(r, "count"), Long::sum);
      }
    }
    double[] v = new double[m.size()];
    double[] c = new double[m.size()];
    int k = 0;
    for (Map.Entry<Integer, Long> e : m.entrySet()) {
      v[k] = e.getKey();
      c[k++] = e.getValue();
    }
    return new Hist(v, c);
  }

  /** Pooled summary of {@code quantity} (rank or size) over rank_layers rows. */
  public static Summary summary(List<Row> rows, String quantity) {
    double sum = 0;
    long n = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Row r : rows) {
      long finite = l(r, "points") - l(r, "nonfinite");
      if (finite <= 0) {
        continue;
      }
      sum += d(r, "mean_" + quantity) * finite;
      n += finite;
      min = Math.min(min, d(r, "min_" + quantity));
      max = Math.max(max, d(r, "max_" + quantity));
    }
    return n == 0 ? new Summary(Double.NaN, Double.NaN, Double.NaN, 0) : new Summary(sum / n, min, max, n);
  }

  /** Pooled mean of {@code quantity} per epoch (epochs ascending) of rank_layers rows: {epochs, means}. */
  public static double[][] meanByEpoch(List<Row> rows, String quantity) {
    Map<Integer, List<Row>> byEpoch = Cols.group(Cols.where(rows, r -> epoch(r) >= 0), TrainedRankFigures::epoch);
    double[][] out = new double[2][byEpoch.size()];
    int k = 0;
    for (Map.Entry<Integer, List<Row>> e : byEpoch.entrySet()) {
      out[0][k] = e.getKey();
      out[1][k++] = summary(e.getValue(), quantity).mean();
    }
    return out;
  }

  /** Mean over models of a per-checkpoint column (test_loss) per epoch; epochs with none stored skipped. */
  public static double[][] checkpointMeanByEpoch(List<Row> rows, String column) {
    Map<Integer, List<Row>> byEpoch = Cols.group(Cols.where(rows, r -> epoch(r) >= 0 && !Cols.isNull(r, column)),
        TrainedRankFigures::epoch);
    double[][] out = new double[2][byEpoch.size()];
    int k = 0;
    for (Map.Entry<Integer, List<Row>> e : byEpoch.entrySet()) {
      Map<String, Double> perModel = new TreeMap<>(); // one value per model (the layers repeat it)
      e.getValue().forEach(r -> perModel.put(s(r, "model_id"), d(r, column)));
      out[0][k] = e.getKey();
      out[1][k++] = perModel.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
    return out;
  }

  static List<Row> rows(Tables t, RunInfo run, String table) {
    List<Row> r = t.rows(table, run);
    if (r.isEmpty()) {
      throw new NoData("run " + run.runId() + " has an empty " + table);
    }
    return r;
  }

  // ---- Fig 3A ----

  /** Fig 3A (R6): per ReLU layer, rank histograms of each point set at epoch 0 and at the last epoch. */
  public static Figure fig3a(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> layers = rows(t, run, "rank_layers");
    List<Row> hist = Cols.where(rows(t, run, "rank_hist"), r -> "rank".equals(s(r, "quantity")));
    Map<String, Integer> last = lastEpochs(layers);
    if (last.values().stream().noneMatch(e -> e > 0)) {
      throw new NoData("run " + run.runId() + " has no checkpoint after epoch 0 (Fig 3A compares before and after)");
    }
    int lastShown = last.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    List<Panel> panels = new ArrayList<>();
    List<String> sets = pointSets(hist);
    List<Integer> relu = reluLayers(layers);
    for (boolean after : new boolean[] {false, true}) { // rows: before, after; columns: layers
      Predicate<Row> st = stage(last, after);
      for (int layer : relu) {
        PanelBuilder p = new PanelBuilder("layer " + layer + " (width " + width(layers, layer) + "), "
            + (after ? "after training (epoch " + lastShown + ")" : "epoch 0"),
            Axis.linear("rank of Φ^K at the point (dimensions)"), Axis.linear("points"));
        double top = 0;
        for (int c = 0; c < sets.size(); c++) {
          String set = sets.get(c);
          Hist h = hist(hist, r -> i(r, "layer") == layer && set.equals(s(r, "point_set")) && st.test(r));
          if (h.values().length > 0) {
            p.add(bars(set, h, Palette.tab10(c)));
            top = Math.max(top, java.util.Arrays.stream(h.counts()).max().orElse(0));
          }
        }
        panels.add(p.y(Axis.linear("points").range(0, Math.max(1, top) * 1.08)).build());
      }
    }
    return new Figure(id, "Fig 3A — rank histograms per ReLU layer, before and after training (" + run.experiment()
        + ")",
        "rank_hist (quantity rank) summed over the run's models: how many points of each set have rank Φ^K = value at "
            + "layer K; top row at epoch 0, bottom row at each model's last checkpoint (epoch " + lastShown + ").",
        relu.size(), panels, List.of(run.runId()));
  }

  static Series bars(String name, Hist h, Color c) {
    double[] lo = new double[h.values().length];
    double[] hi = new double[lo.length];
    for (int k = 0; k < lo.length; k++) {
      lo[k] = h.values()[k] - 0.5;
      hi[k] = h.values()[k] + 0.5;
    }
    return Series.bars(name, lo, hi, h.counts(), null, null, c, 0.55f);
  }

  static int width(List<Row> layers, int layer) {
    return i(Cols.where(layers, r -> i(r, "layer") == layer).get(0), "width");
  }

  // ---- Fig 3B ----

  /** Fig 3B (R6): mean rank per layer against epoch (last hidden layer bold), test loss against epoch. */
  public static Figure fig3b(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> all = rows(t, run, "rank_layers");
    String set = mainSet(all);
    List<Row> layers = Cols.where(all, r -> set.equals(s(r, "point_set")));
    List<Integer> relu = reluLayers(layers);
    if (relu.isEmpty() || meanByEpoch(layers, "rank")[0].length < 2) {
      throw new NoData("run " + run.runId() + " has fewer than two checkpoints of a ReLU layer (Fig 3B is against "
          + "epoch)");
    }
    int top = relu.get(relu.size() - 1);
    PanelBuilder ranks = new PanelBuilder("mean rank on the " + set + " points", Axis.linear("epoch"),
        Axis.log("mean rank of Φ^K (dimensions, log scale)"));
    double lo = MNIST_INTRINSIC[0];
    double hi = MNIST_INTRINSIC[1];
    for (int layer : relu) {
      double[][] m = meanByEpoch(Cols.where(layers, r -> i(r, "layer") == layer), "rank");
      for (double v : m[1]) {
        lo = Double.isNaN(v) ? lo : Math.min(lo, v);
        hi = Double.isNaN(v) ? hi : Math.max(hi, v);
      }
      boolean bold = layer == top;
      ranks.add(Series.of("layer " + layer + (bold ? " (last hidden)" : ""), m[0], m[1],
          bold ? Style.LINE_POINTS : Style.LINE, bold ? Palette.BLUE : Palette.lighter(Palette.tab10(layer), 0.5)));
    }
    // log scale: the first layers (hundreds of dimensions) and the last hidden layer near the band both read
    ranks.y(Axis.log("mean rank of Φ^K (dimensions, log scale)").range(Math.max(1, 0.8 * lo), 1.25 * hi));
    ranks.mark(new Marker(false, MNIST_INTRINSIC[0], MNIST_INTRINSIC[1],
        "MNIST intrinsic dimension estimate 7–13", Palette.GREEN));
    PanelBuilder loss = new PanelBuilder("test loss", Axis.linear("epoch"), Axis.linear("test loss (cross-entropy)"));
    double[][] l = checkpointMeanByEpoch(Cols.where(layers, r -> i(r, "layer") == top), "test_loss");
    List<Panel> panels = new ArrayList<>(List.of(ranks.build()));
    if (l[0].length > 0) {
      loss.add(Series.of("test loss", l[0], l[1], Style.LINE_POINTS, Palette.RED));
      panels.add(loss.build());
    }
    return new Figure(id, "Fig 3B — mean rank and test loss during training (" + run.experiment() + ")",
        "rank_layers.mean_rank on the " + set + " points against epoch (pooled over models, weighted by finite "
            + "points, log scale), the last hidden layer (" + top + ") bold, the other ReLU layers light; shaded: "
            + "7–13, the estimated intrinsic dimension of MNIST the paper compares with. Right: rank_layers.test_loss"
            + (l[0].length > 0 ? "." : " (not stored in this run: panel omitted)."),
        2, panels, List.of(run.runId()));
  }

  // ---- Fig 3C and Fig 4 ----

  /** Order of discretisation targets: f2, f3, ... by n, then the others (standardised = f∞). */
  static final Comparator<String> TARGETS = Comparator.comparingInt(TrainedRankFigures::levels)
      .thenComparing(Comparator.naturalOrder());

  static int levels(String target) {
    return target.matches("f\\d+") ? Integer.parseInt(target.substring(1)) : Integer.MAX_VALUE;
  }

  /**
   * One panel per ReLU layer: codeword size before (epoch 0) and after (last epoch) per category
   * ({@code column} value), mean with min–max whiskers, significant tests starred above.
   */
  static List<Panel> codewordPanels(List<Row> layerRows, List<Row> testRows, String column, List<String> categories,
      String axisLabel, String title) {
    String set = mainSet(layerRows);
    List<Row> layers = Cols.where(layerRows, r -> set.equals(s(r, "point_set")));
    Map<String, Integer> last = lastEpochs(layers);
    List<Panel> panels = new ArrayList<>();
    for (int layer : reluLayers(layers)) {
      PanelBuilder p = new PanelBuilder(title + "layer " + layer + " (" + set + " points)",
          Axis.categories(axisLabel, categories), Axis.linear("codeword size |J_K| (active units)"));
      double top = 0;
      for (boolean after : new boolean[] {false, true}) {
        double[][] v = new double[4][categories.size()];
        for (int c = 0; c < categories.size(); c++) {
          String cat = categories.get(c);
          Summary sm = pooled(layers, last, layer, column, cat, after, "size");
          v[0][c] = c + (after ? 0.15 : -0.15);
          v[1][c] = sm.mean();
          v[2][c] = sm.min();
          v[3][c] = sm.max();
          top = Math.max(top, Double.isNaN(sm.max()) ? 0 : sm.max());
        }
        p.add(Series.errorBars(after ? "after training (last epoch; mean, min–max)" : "before training (epoch 0)",
            v[0], v[1], v[2], v[3], after ? Palette.RED : Palette.BLUE).shape(after ? Shape.SQUARE : Shape.CIRCLE));
      }
      List<double[]> stars = new ArrayList<>();
      for (int c = 0; c < categories.size(); c++) {
        String cat = categories.get(c);
        if (testRows.stream().anyMatch(r -> i(r, "layer") == layer && set.equals(s(r, "point_set"))
            && cat.equals(s(r, column)) && Cols.b(r, "significant"))) {
          stars.add(new double[] {c, top * 1.06 + 0.5});
        }
      }
      p.add(Series.of("Bonferroni-significant (p_bonferroni < 0.001)", stars, Style.POINTS, Palette.BLACK)
          .shape(Shape.STAR));
      panels.add(p.build());
    }
    if (panels.isEmpty()) {
      throw new NoData("no ReLU layer in rank_layers");
    }
    return panels;
  }

  /** Fig 3C (R7): codeword size before/after training per discretisation target of the sphere. */
  public static Figure fig3c(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> layers = Cols.where(rows(t, run, "rank_layers"), r -> !Cols.isNull(r, "target"));
    List<String> targets = layers.stream().map(r -> s(r, "target")).distinct().sorted(TARGETS).toList();
    if (targets.isEmpty()) {
      throw new NoData("run " + run.runId() + " has no trained networks with a target");
    }
    List<String> names = targets.stream().map(x -> x.equals("standardised") ? "f∞ (standardised)" : x).toList();
    List<Panel> panels = new ArrayList<>(codewordPanels(layers, rows(t, run, "rank_tests"), "target", targets,
        "discretisation target f_n", ""));
    panels.add(meanRankPanel(layers, "target", targets, "discretisation target f_n"));
    return new Figure(id, "Fig 3C — codeword size and rank before and after training, sphere discretisations ("
        + run.experiment() + ")",
        "rank_layers mean_size (pooled over the models of each target, weighted by finite points) with whiskers "
            + "from min_size to max_size, at epoch 0 (blue) and each model's last checkpoint (red); stars: "
            + "rank_tests rows with significant = true (Mann–Whitney, Bonferroni over the run's tests, "
            + "p_bonferroni < 0.001). Last panel: the paper's quantity, mean rank of Φ^K per ReLU layer after "
            + "training (solid) and before (light), pooled the same way. Targets: " + String.join(", ", names) + ".",
        2, relabel(panels, targets, names), List.of(run.runId()));
  }

  /** Pooled summary of {@code quantity} of one ReLU layer and category, before (epoch 0) or after (last epoch). */
  static Summary pooled(List<Row> layers, Map<String, Integer> last, int layer, String column, String category,
      boolean after, String quantity) {
    return summary(Cols.where(layers, r -> i(r, "layer") == layer && category.equals(s(r, column))
        && stage(last, after).test(r)), quantity);
  }

  /** Mean rank of Φ^K per ReLU layer and category ({@code column} value), after training (solid), before (light). */
  static Panel meanRankPanel(List<Row> layerRows, String column, List<String> categories, String axisLabel) {
    String set = mainSet(layerRows);
    List<Row> layers = Cols.where(layerRows, r -> set.equals(s(r, "point_set")));
    Map<String, Integer> last = lastEpochs(layers);
    PanelBuilder p = new PanelBuilder("mean rank of Φ^K by " + column + " (" + set + " points)",
        Axis.categories(axisLabel, categories), Axis.linear("mean rank of Φ^K (dimensions)"));
    double[] x = new double[categories.size()];
    for (int c = 0; c < x.length; c++) {
      x[c] = c;
    }
    for (int layer : reluLayers(layers)) {
      for (boolean after : new boolean[] {true, false}) {
        double[] y = new double[categories.size()];
        for (int c = 0; c < y.length; c++) {
          y[c] = pooled(layers, last, layer, column, categories.get(c), after, "rank").mean();
        }
        Color color = Palette.tab10(layer);
        p.add(Series.of("layer " + layer + (after ? ", after training" : ", before"), x, y,
            after ? Style.LINE_POINTS : Style.LINE, after ? color : Palette.lighter(color, 0.6)));
      }
    }
    return p.build();
  }

  /** Fig 4 (R8): codeword size before/after per function, regression and classification side by side. */
  public static Figure fig4(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> all = Cols.where(rows(t, run, "rank_layers"), r -> !Cols.isNull(r, "function"));
    List<Row> tests = rows(t, run, "rank_tests");
    List<List<Panel>> sides = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    for (String[] kind : new String[][] {{"standardised", "regression"}, {"above-mean", "classification"}}) {
      List<Row> layers = Cols.where(all, r -> kind[0].equals(s(r, "target")));
      if (layers.isEmpty()) {
        continue;
      }
      List<String> functions = layers.stream().map(r -> s(r, "function")).distinct().sorted().toList();
      sides.add(codewordPanels(layers, Cols.where(tests, r -> kind[0].equals(s(r, "target"))), "function",
          functions, "test function (d = 20)", kind[1] + ", "));
      kinds.add(kind[1] + " (" + kind[0] + ")");
    }
    if (sides.isEmpty()) {
      throw new NoData("run " + run.runId() + " has no function trained on the standardised or above-mean target");
    }
    List<Panel> panels = new ArrayList<>();
    int rows = sides.stream().mapToInt(List::size).max().orElseThrow();
    for (int k = 0; k < rows; k++) { // layer k: regression beside classification
      for (List<Panel> side : sides) {
        if (k < side.size()) {
          panels.add(side.get(k));
        }
      }
    }
    return new Figure(id, "Fig 4 — codeword size before and after training on test functions (" + run.experiment()
        + ")",
        "As Fig 3C, per test function: " + String.join(" beside ", kinds) + "; rank_layers mean_size with min–max "
            + "whiskers at epoch 0 (blue) and the last checkpoint (red); stars: significant rank_tests rows.",
        sides.size(), panels, List.of(run.runId()));
  }

  /** The panels with their category axis labels replaced by display names. */
  private static List<Panel> relabel(List<Panel> panels, List<String> targets, List<String> names) {
    if (Objects.equals(targets, names)) {
      return panels;
    }
    return panels.stream().map(p -> new Panel(p.title(), Axis.categories(p.x().label(), names), p.y(), p.series(),
        p.markers(), p.heat())).toList();
  }
}
