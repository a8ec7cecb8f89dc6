package sheafrank.jobs.report.figures;

import static sheafrank.jobs.report.Cols.d;
import static sheafrank.jobs.report.Cols.s;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import sheafrank.jobs.report.Cols;
import sheafrank.jobs.report.FigureSpec.NoData;
import sheafrank.jobs.report.PaperValues;
import sheafrank.jobs.report.PaperValues.Table1Row;
import sheafrank.jobs.report.PaperValues.Table2Row;
import sheafrank.jobs.report.RunInfo;
import sheafrank.jobs.report.Tables;
import sheafrank.jobs.report.chart.Palette;
import sheafrank.jobs.report.chart.Plot.Axis;
import sheafrank.jobs.report.chart.Plot.Figure;
import sheafrank.jobs.report.chart.Plot.Marker;
import sheafrank.jobs.report.chart.Plot.PanelBuilder;
import sheafrank.jobs.report.chart.Plot.Series;
import sheafrank.jobs.report.chart.Plot.Shape;
import sheafrank.jobs.report.chart.Plot.Style;

/** Seed 001 Table 1 and Table 2 drawn with the paper's printed values beside ours. */
public final class PaperTableFigures {
  private PaperTableFigures() {}

  /** Table 1 (S7): test losses of both methods and their ratio, ours and printed, per task and depth. */
  public static Figure table1(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<String> cats = new ArrayList<>();
    List<double[]> sheaf = new ArrayList<>();
    List<double[]> gd = new ArrayList<>();
    List<double[]> pSheaf = new ArrayList<>();
    List<double[]> pGd = new ArrayList<>();
    List<double[]> ratio = new ArrayList<>();
    List<double[]> pRatio = new ArrayList<>();
    for (Table1Row p : PaperValues.TABLE1) {
      Row sh = test(t, run, p, "sheaf");
      Row g = test(t, run, p, "gd");
      if (sh == null || g == null) {
        continue;
      }
      double x = cats.size();
      cats.add(p.task() + " " + p.depth() + "H");
      sheaf.add(new double[] {x - 0.1, d(sh, "final_test_loss")});
      gd.add(new double[] {x + 0.1, d(g, "final_test_loss")});
      pSheaf.add(new double[] {x - 0.1, p.sheafTest()});
      pGd.add(new double[] {x + 0.1, p.sgdTest()});
      ratio.add(new double[] {x, d(sh, "final_test_loss") / d(g, "final_test_loss")});
      pRatio.add(new double[] {x, p.ratio()});
    }
    if (cats.isEmpty()) {
      throw new NoData("run " + run.runId() + " has none of Table 1's task/depth pairs for both methods");
    }
    PanelBuilder a = new PanelBuilder("(a) test loss (MSE or cross-entropy)", Axis.categories("task, hidden layers", cats),
        Axis.log("final test loss (log)"))
        .add(Series.of("sheaf, ours", sheaf, Style.POINTS, Palette.BLUE).shape(Shape.CIRCLE))
        .add(Series.of("sheaf, paper", pSheaf, Style.POINTS, Palette.BLUE).shape(Shape.CROSS))
        .add(Series.of("GD, ours", gd, Style.POINTS, Palette.ORANGE).shape(Shape.SQUARE))
        .add(Series.of("GD (\"SGD\"), paper", pGd, Style.POINTS, Palette.ORANGE).shape(Shape.CROSS));
    PanelBuilder b = new PanelBuilder("(b) ratio sheaf / GD test loss", Axis.categories("task, hidden layers", cats),
        Axis.log("test-loss ratio sheaf / GD (log)"))
        .add(Series.of("ours", ratio, Style.POINTS, Palette.GREEN).shape(Shape.DIAMOND))
        .add(Series.of("paper (printed ratio)", pRatio, Style.POINTS, Palette.BLACK).shape(Shape.CROSS))
        .mark(Marker.yLine(1, "equal loss", Palette.GREY));
    return new Figure(id, "Table 1 — sheaf training vs gradient descent, ours and the paper's (" + run.experiment() + ")",
        "Final test loss of each method per task and depth (table trials: final_test_loss), beside the paper's printed "
            + "values (crosses, " + PaperValues.TABLE1_SOURCE + "), and the ratio sheaf / GD.",
        1, List.of(a.build(), b.build()), List.of(run.runId()));
  }

  private static Row test(Tables t, RunInfo run, Table1Row p, String method) {
    for (Row r : t.rows("trials", run)) {
      if (s(r, "task").equals(p.task()) && s(r, "method").equals(method)
          && Cols.ints(r, "widths").length == p.depth() + 2 && Double.isFinite(d(r, "final_test_loss"))) {
        return r;
      }
    }
    return null;
  }

  /** Table 2 (S11): λ1 per init seed, our median over seeds, the paper's median ± std. */
  public static Figure table2(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<String> cats = new ArrayList<>();
    List<double[]> seeds = new ArrayList<>();
    List<double[]> medians = new ArrayList<>();
    double[][] paper = new double[4][PaperValues.TABLE2.size()];
    int n = 0;
    for (Table2Row p : PaperValues.TABLE2) {
      List<Row> per = Cols.where(t.rows("spectrum_summary", run), r -> Cols.widths(r, "architecture").equals(p.architecture()));
      if (per.isEmpty()) {
        continue;
      }
      double x = cats.size();
      cats.add(p.architecture());
      double[] v = Cols.column(per, "lambda1_median");
      for (double m : v) {
        seeds.add(new double[] {x - 0.12, m});
      }
      java.util.Arrays.sort(v);
      double med = v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
      medians.add(new double[] {x - 0.12, med});
      paper[0][n] = x + 0.12;
      paper[1][n] = p.median();
      paper[2][n] = p.median() - p.std();
      paper[3][n] = p.median() + p.std();
      n++;
    }
    if (cats.isEmpty()) {
      throw new NoData("run " + run.runId() + " has none of Table 2's architectures");
    }
    PanelBuilder a = new PanelBuilder("λ1 of L[Ω,Ω] at initialisation vs depth", Axis.categories("architecture", cats),
        Axis.log("λ1, median over inputs (log)"))
        .add(Series.of("one init seed (median over its inputs)", seeds, Style.POINTS, Palette.GREY).alpha(0.6f))
        .add(Series.of("ours: median over seeds", medians, Style.POINTS, Palette.BLUE).shape(Shape.DIAMOND))
        .add(Series.errorBars("paper: median ± std", java.util.Arrays.copyOf(paper[0], n),
            java.util.Arrays.copyOf(paper[1], n), java.util.Arrays.copyOf(paper[2], n),
            java.util.Arrays.copyOf(paper[3], n), Palette.RED).shape(Shape.SQUARE));
    return new Figure(id, "Table 2 — spectral gap λ1 vs depth, ours and the paper's (" + run.experiment() + ")",
        "Per-seed medians of λ1 over the inputs (spectrum_summary.lambda1_median, grey), their median (blue), and the "
            + "paper's one network, median ± std (red, " + PaperValues.TABLE2_SOURCE + ").",
        1, List.of(a.build()), List.of(run.runId()));
  }
}
