package sheafrank.jobs.report.figures;

import static sheafrank.jobs.report.Cols.d;
import static sheafrank.jobs.report.Cols.s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import sheafrank.data.Task;
import sheafrank.jobs.report.Cols;
import sheafrank.jobs.report.FigureSpec.NoData;
import sheafrank.jobs.report.RunInfo;
import sheafrank.jobs.report.Tables;
import sheafrank.jobs.report.chart.Palette;
import sheafrank.jobs.report.chart.Plot.Axis;
import sheafrank.jobs.report.chart.Plot.Figure;
import sheafrank.jobs.report.chart.Plot.Heat;
import sheafrank.jobs.report.chart.Plot.Panel;
import sheafrank.jobs.report.chart.Plot.PanelBuilder;
import sheafrank.jobs.report.chart.Plot.Series;
import sheafrank.jobs.report.chart.Plot.Style;
import sheafrank.train.Samples;

/**
 * Seed 001 Fig 14 (S8): per task, the target (or the training data) and the sheaf- and GD-trained
 * one-hidden-layer outputs on the {@code grid} table; regression rows share one colour scale,
 * classification rows show the predicted class as shaded regions under the training data (which
 * the report regenerates from the run's data.seed: the tables do not store it).
 */
public final class SurfaceFigure {
  private SurfaceFigure() {}

  static final int LEVELS = 14;

  public static Figure fig14(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Panel> panels = new ArrayList<>();
    char tag = 'a';
    for (String task : List.of("paraboloid", "saddle", "circular", "blobs")) {
      String[] tags = {"(" + tag++ + ")", "(" + tag++ + ")", "(" + tag++ + ")"};
      if (grid(t, run, task).isEmpty()) {
        continue;
      }
      panels.addAll(task.equals("paraboloid") || task.equals("saddle") ? regressionRow(t, run, task, tags)
          : classificationRow(t, run, task, tags));
    }
    if (panels.isEmpty()) {
      throw new NoData("run " + run.runId() + " has no grid rows (grid.size = 0?)");
    }
    return new Figure(id, "Fig 14 — learned outputs, one hidden layer, sheaf vs gradient descent (" + run.experiment()
        + ")",
        "Each row: target function or training data (left), sheaf-trained (centre), GD-trained (right). Regression: "
            + "filled contours (" + LEVELS + " levels) with one colour scale per row. Classification: predicted class "
            + "on the grid as shaded regions under the training data coloured by label (regenerated from the run's "
            + "data.seed). Table grid (output, predicted_class, target).",
        3, panels, List.of(run.runId()));
  }

  static List<Row> grid(Tables t, RunInfo run, String task) {
    return Cols.where(t.rows("grid", run), r -> s(r, "task").equals(task) && Cols.ints(r, "widths").length == 3);
  }

  /** Target, sheaf and GD surfaces of a regression task with one shared colour scale. */
  static List<Panel> regressionRow(Tables t, RunInfo run, String task, String[] tags) {
    List<Row> g = grid(t, run, task);
    if (g.isEmpty()) {
      throw new NoData("run " + run.runId() + " has no grid rows for " + task);
    }
    double[][] target = field(g, "sheaf", r -> d(r, "target"));
    double[][] sheaf = field(g, "sheaf", r -> Cols.doubles(r, "output")[0]);
    double[][] gd = field(g, "gd", r -> Cols.doubles(r, "output")[0]);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[][] f : new double[][][] {target, sheaf, gd}) {
      for (double[] row : f) {
        for (double v : row) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    double[] xs = axis(g, "x1");
    double[] ys = axis(g, "x2");
    List<Panel> row = new ArrayList<>();
    String[] names = {"target f(x)", "sheaf-trained", "GD-trained"};
    double[][][] fields = {target, sheaf, gd};
    for (int k = 0; k < 3; k++) {
      row.add(new PanelBuilder(tags[k] + " " + task + ": " + names[k], Axis.linear("x1 (input)"),
          Axis.linear("x2 (input)")).heat(new Heat(xs, ys, fields[k], lo, hi, "output", LEVELS, 0)).build());
    }
    return row;
  }

  private static List<Panel> classificationRow(Tables t, RunInfo run, String task, String[] tags) {
    List<Row> g = grid(t, run, task);
    int nTrain = Cols.i(g.get(0), "n_train");
    Samples train = Task.parse(task).generate(nTrain, Integer.parseInt(run.configValue("n_test", "100")),
        Long.parseLong(run.configValue("data.seed", "42"))).train();
    int classes = task.equals("circular") ? 2 : train.outDim();
    List<List<double[]>> byClass = new ArrayList<>();
    for (int k = 0; k < classes; k++) {
      byClass.add(new ArrayList<>());
    }
    for (int s = 0; s < train.n(); s++) {
      byClass.get(label(train, s)).add(new double[] {train.x(s, 0), train.x(s, 1)});
    }
    double[] xs = axis(g, "x1");
    double[] ys = axis(g, "x2");
    List<Panel> row = new ArrayList<>();
    String[] names = {"training data", "sheaf-trained", "GD-trained"};
    String[] methods = {null, "sheaf", "gd"};
    for (int k = 0; k < 3; k++) {
      PanelBuilder p = new PanelBuilder(tags[k] + " " + task + ": " + names[k], Axis.linear("x1 (input)"),
          Axis.linear("x2 (input)")).x(Axis.linear("x1 (input)").range(xs[0], xs[xs.length - 1]))
          .y(Axis.linear("x2 (input)").range(ys[0], ys[ys.length - 1]));
      if (methods[k] != null) {
        p.heat(new Heat(xs, ys, field(g, methods[k], r -> Cols.i(r, "predicted_class")), 0, classes - 1,
            "predicted class", 0, classes));
      }
      for (int c = 0; c < classes; c++) {
        p.add(Series.of("class " + c, byClass.get(c), Style.POINTS, Palette.tab10(c)));
      }
      row.add(p.build());
    }
    return row;
  }

  private static int label(Samples s, int i) {
    if (s.outDim() == 1) {
      return s.y(i, 0) >= 0.5 ? 1 : 0;
    }
    int best = 0;
    for (int k = 1; k < s.outDim(); k++) {
      if (s.y(i, k) > s.y(i, best)) {
        best = k;
      }
    }
    return best;
  }

  static double[] axis(List<Row> g, String c) {
    TreeSet<Double> v = new TreeSet<>();
    for (Row r : g) {
      v.add(d(r, c));
    }
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The grid values of one method's trial as z[i][j] at (x1[i], x2[j]). */
  static double[][] field(List<Row> g, String method, java.util.function.ToDoubleFunction<Row> value) {
    List<Row> rows = Cols.where(g, r -> s(r, "method").equals(method));
    if (rows.isEmpty()) {
      throw new NoData("no " + method + " trial in the grid table");
    }
    double[] xs = axis(rows, "x1");
    double[] ys = axis(rows, "x2");
    Map<Double, Integer> xi = index(xs);
    Map<Double, Integer> yi = index(ys);
    double[][] z = new double[xs.length][ys.length];
    for (double[] row : z) {
      java.util.Arrays.fill(row, Double.NaN);
    }
    for (Row r : rows) {
      z[xi.get(d(r, "x1"))][yi.get(d(r, "x2"))] = value.applyAsDouble(r);
    }
    return z;
  }

  private static Map<Double, Integer> index(double[] v) {
    Map<Double, Integer> m = new TreeMap<>();
    for (int k = 0; k < v.length; k++) {
      m.put(v[k], k);
    }
    return m;
  }
}
