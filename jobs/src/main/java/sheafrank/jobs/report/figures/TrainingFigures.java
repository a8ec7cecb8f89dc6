package sheafrank.jobs.report.figures;

import static sheafrank.jobs.report.Cols.d;
import static sheafrank.jobs.report.Cols.s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

/** Seed 001 Fig 7 (loss curves and surfaces) and Fig 8a-b (β·M and integration time), train-sweep. */
public final class TrainingFigures {
  private TrainingFigures() {}

  static final String STEP = "training step (sheaf: Euler step; GD: full-batch epoch)";

  /** Fig 7 (S8): paraboloid [2,30,1], sheaf vs GD: loss curves and learned surfaces. */
  public static Figure fig7(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> curves = Cols.where(t.rows("loss_curves", run),
        r -> s(r, "task").equals("paraboloid") && Cols.ints(r, "widths").length == 3);
    if (curves.isEmpty()) {
      throw new NoData("run " + run.runId() + " has no one-hidden-layer paraboloid trial");
    }
    PanelBuilder train = new PanelBuilder("(a) training loss", Axis.linear(STEP), Axis.log("training MSE (log)"));
    PanelBuilder test = new PanelBuilder("(b) test loss", Axis.linear(STEP), Axis.log("test MSE (log)"));
    for (Map.Entry<String, List<Row>> e : Cols.group(curves, r -> s(r, "method")).entrySet()) {
      java.awt.Color c = methodColour(e.getKey());
      train.add(Series.of(methodName(e.getKey()), Cols.points(e.getValue(), "step", "train_loss"), Style.LINE, c));
      test.add(Series.of(methodName(e.getKey()), Cols.points(e.getValue(), "step", "test_loss"), Style.LINE, c));
    }
    List<Panel> surfaces = SurfaceFigure.regressionRow(t, run, "paraboloid", new String[] {"(c)", "(d)", "(e)"});
    List<Panel> panels = new ArrayList<>(surfaces);
    panels.add(train.build());
    panels.add(test.build());
    return new Figure(id, "Fig 7 — sheaf training vs gradient descent, paraboloid, one hidden layer ("
        + run.experiment() + ")",
        "(c–e) the target x1² + x2² − 2/3 and the learned surfaces on [−2, 2]² with one colour scale; (a, b) training "
            + "and test MSE on a log scale. Tables grid (target, output) and loss_curves. The paper's SGD is the "
            + "full-batch gradient descent of its reference code.",
        3, panels, List.of(run.runId()));
  }

  /** Fig 8a (S9): final test loss vs β·M, one series per training-set size M, mean and range over seeds. */
  public static Figure fig8a(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> trials = finite(t.rows("trials", run));
    PanelBuilder p = new PanelBuilder("(a) final test loss vs β·M", Axis.log("β·M (rate × training-set size, dimensionless)"),
        Axis.log("final test MSE (mean over seeds; bars: min–max)"));
    int c = 0;
    for (Map.Entry<Integer, List<Row>> e : Cols.group(trials, r -> Cols.i(r, "n_train")).entrySet()) {
      double[][] m = meanRange(e.getValue(), "beta_m", "final_test_loss");
      p.add(Series.of("M = " + e.getKey(), m[0], m[1], Style.LINE_POINTS, Palette.tab10(c)));
      p.add(Series.errorBars(null, m[0], m[1], m[2], m[3], Palette.tab10(c)));
      c++;
    }
    p.mark(Marker.xLine(1, "default β = 1/n_train", Palette.BLACK));
    return new Figure(id, "Fig 8a — β scaling, paraboloid [2,30,1] (" + run.experiment() + ")",
        "Final test MSE after the sheaf training budget against β·M for each training-set size M (table trials: "
            + "beta_m, n_train, final_test_loss; mean over the seeds, bars from the lowest to the highest seed; "
            + "diverged trials left out). The curves collapse onto one function of β·M; the dashed line is the "
            + "default β = 1/n_train.",
        1, List.of(p.build()), List.of(run.runId()));
  }

  /** Fig 8b (S10): final test loss vs integration time T per architecture, each dt a marker shape. */
  public static Figure fig8b(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> trials = finite(t.rows("trials", run));
    PanelBuilder p = new PanelBuilder("(b) final test loss vs integration time",
        Axis.log("integration time T = dt × steps (time units of the heat equation)"), Axis.log("final test MSE (log)"));
    Shape[] shapes = {Shape.CIRCLE, Shape.SQUARE, Shape.DIAMOND, Shape.CROSS};
    int c = 0;
    for (Map.Entry<String, List<Row>> a : Cols.group(trials, r -> Cols.widths(r, "widths")).entrySet()) {
      int k = 0;
      Map<Double, List<Row>> byDt = Cols.group(a.getValue(), r -> d(r, "dt"));
      for (Map.Entry<Double, List<Row>> e : byDt.entrySet()) {
        double[][] m = meanRange(e.getValue(), "integration_time", "final_test_loss");
        p.add(Series.of(a.getKey() + ", dt " + e.getKey(), m[0], m[1],
            k == byDt.size() - 1 ? Style.LINE_POINTS : Style.POINTS, Palette.tab10(c)).shape(shapes[k % 4]));
        k++;
      }
      c++;
    }
    return new Figure(id, "Fig 8b — integration time and depth, paraboloid (" + run.experiment() + ")",
        "Final test MSE against the total integration time T = dt × steps for three depths (table trials: "
            + "integration_time, dt, widths, final_test_loss). The line is the default dt; the other marker shapes "
            + "are smaller dt at the same T (the fixed-T control): equal T gives equal loss.",
        1, List.of(p.build()), List.of(run.runId()));
  }

  static List<Row> finite(List<Row> trials) {
    List<Row> r = Cols.where(trials, x -> Double.isFinite(d(x, "final_test_loss")) && !s(x, "status").equals("diverged")
        && !s(x, "status").equals("failed"));
    if (r.isEmpty()) {
      throw new NoData("no trial finished with a finite test loss");
    }
    return r;
  }

  /** x values sorted, with mean, min and max of y over the rows sharing x: {x, mean, min, max}. */
  static double[][] meanRange(List<Row> rows, String x, String y) {
    Map<Double, List<Row>> g = Cols.group(rows, r -> d(r, x));
    double[][] out = new double[4][g.size()];
    int j = 0;
    for (Map.Entry<Double, List<Row>> e : g.entrySet()) {
      double[] v = Cols.column(e.getValue(), y);
      out[0][j] = e.getKey();
      out[1][j] = Cols.mean(v);
      out[2][j] = java.util.Arrays.stream(v).min().orElseThrow();
      out[3][j] = java.util.Arrays.stream(v).max().orElseThrow();
      j++;
    }
    return out;
  }

  static String methodName(String m) {
    return switch (m) {
      case "sheaf" -> "sheaf (joint dynamics)";
      case "gd" -> "gradient descent";
      case "adam" -> "Adam";
      default -> m;
    };
  }

  static java.awt.Color methodColour(String m) {
    return switch (m) {
      case "sheaf" -> Palette.BLUE;
      case "gd" -> Palette.ORANGE;
      default -> Palette.GREEN;
    };
  }
}
