package sheafrank.jobs.report.figures;

import static sheafrank.jobs.report.Cols.d;
import static sheafrank.jobs.report.Cols.i;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import sheafrank.jobs.report.Cols;
import sheafrank.jobs.report.FigureSpec.NoData;
import sheafrank.jobs.report.PaperValues;
import sheafrank.jobs.report.RunInfo;
import sheafrank.jobs.report.Tables;
import sheafrank.jobs.report.chart.Palette;
import sheafrank.jobs.report.chart.Plot.Axis;
import sheafrank.jobs.report.chart.Plot.Figure;
import sheafrank.jobs.report.chart.Plot.Marker;
import sheafrank.jobs.report.chart.Plot.PanelBuilder;
import sheafrank.jobs.report.chart.Plot.Series;
import sheafrank.jobs.report.chart.Plot.Style;

/** Seed 003 Fig 2A-D: minimum (and maximum) rank of random one-layer ReLU maps (rank_settings). */
public final class RankFigures {
  private RankFigures() {}

  static final String MIN_RANK = "mean minimum rank over networks (dimensions)";

  /** Layer-1 rows of rank_settings. */
  static List<Row> settings(Tables t, RunInfo run) {
    List<Row> r = Cols.where(t.rows("rank_settings", run), x -> i(x, "layer") == 1 && !Cols.isNull(x, "min_rank_mean"));
    if (r.isEmpty()) {
      throw new NoData("run " + run.runId() + " has no layer-1 rank summary");
    }
    return r;
  }

  /** Layer-1 rows of a sweep over {@code column} (init_k or init_mu). */
  static List<Row> swept(Tables t, RunInfo run, String column) {
    List<Row> rows = Cols.where(settings(t, run), r -> !Cols.isNull(r, column));
    if (rows.isEmpty()) {
      throw new NoData("run " + run.runId() + " does not sweep " + column.replace('_', '.'));
    }
    return rows;
  }

  /** Fig 2A (R2): mean minimum rank vs n1 per m, with m dashed; and the same divided by m. */
  public static Figure fig2a(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    Map<Integer, List<Row>> byM = Cols.group(settings(t, run), r -> i(r, "m"));
    PanelBuilder abs = new PanelBuilder("(A) minimum rank vs width", Axis.log("output width n1 (neurons, log)"),
        Axis.linear(MIN_RANK));
    PanelBuilder rel = new PanelBuilder("(A′) the same divided by m", Axis.log("output width n1 (neurons, log)"),
        Axis.linear("mean minimum rank / m (fraction of full rank)").range(0, 1.08));
    int c = 0;
    for (Map.Entry<Integer, List<Row>> e : byM.entrySet()) {
      List<double[]> p = Cols.points(e.getValue(), "n1", "min_rank_mean");
      Series s = Series.of("m = " + e.getKey(), p, Style.LINE_POINTS, Palette.tab20(c));
      abs.add(s);
      double[] x = s.x();
      abs.add(Series.of(c == 0 ? "dashed: y = m (full rank)" : null, new double[] {x[0], x[x.length - 1]},
          new double[] {e.getKey(), e.getKey()}, Style.DASHED, Palette.tab20(c)));
      double[] y = s.y().clone();
      for (int k = 0; k < y.length; k++) {
        y[k] /= e.getKey();
      }
      rel.add(Series.of("m = " + e.getKey(), x, y, Style.LINE_POINTS, Palette.tab20(c)));
      c++;
    }
    rel.mark(Marker.yLine(1, "full rank m", Palette.BLACK));
    return new Figure(id, "Fig 2A — minimum rank of random one-layer ReLU maps vs width (" + run.experiment() + ")",
        "Mean over the Kaiming-initialised networks of each network's minimum rank over its sampled points "
            + "(rank_settings.min_rank_mean, layer 1), per input dimension m (paper colours), with y = m dashed "
            + "(the paper's saturation level: below it a network has topologically destructive regions).",
        2, List.of(abs.build(), rel.build()), List.of(run.runId()));
  }

  /** Fig 2B (R3): mean minimum rank vs weight mean μ per n1, m fixed (black line). */
  public static Figure fig2b(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> rows = swept(t, run, "init_mu");
    PanelBuilder p = new PanelBuilder("(B) minimum rank vs weight mean", Axis.linear("weight mean μ (normal, σ = 0.1)"),
        Axis.linear(MIN_RANK));
    int c = 0;
    int m = i(rows.get(0), "m");
    for (Map.Entry<Integer, List<Row>> e : Cols.group(rows, r -> i(r, "n1")).entrySet()) {
      p.add(Series.of("n1 = " + e.getKey(), Cols.points(e.getValue(), "init_mu", "min_rank_mean"), Style.LINE_POINTS,
          Palette.tab20(c++)));
    }
    p.mark(Marker.yLine(m, "input dimension m = " + m, Palette.BLACK));
    return new Figure(id, "Fig 2B — minimum rank vs the mean of the weight distribution (" + run.experiment() + ")",
        "rank_settings.min_rank_mean against init_mu for each output width n1 (m = " + m + ", the black line).",
        1, List.of(p.build()), List.of(run.runId()));
  }

  /** Fig 2C (R4): mean minimum rank vs k per m, with the bound min{k, n1 − k, m}. */
  public static Figure fig2c(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> rows = swept(t, run, "init_k");
    PanelBuilder p = new PanelBuilder("(C) rank selection R(k, n1)·W", Axis.linear("k (index of the rank selection matrix)"),
        Axis.linear(MIN_RANK));
    java.awt.Color[] colours = {Palette.CYAN, Palette.ORANGE, Palette.GREEN, Palette.PURPLE};
    int c = 0;
    for (Map.Entry<Integer, List<Row>> e : Cols.group(rows, r -> i(r, "m")).entrySet()) {
      List<double[]> pts = Cols.points(e.getValue(), "init_k", "min_rank_mean");
      int n1 = i(e.getValue().get(0), "n1");
      p.add(Series.of("m = " + e.getKey(), pts, Style.LINE_POINTS, colours[c % colours.length]));
      List<double[]> bound = new ArrayList<>();
      for (double[] q : pts) {
        bound.add(new double[] {q[0], PaperValues.rankSelectionBound((int) q[0], n1, e.getKey())});
      }
      p.add(Series.of("bound min{k, n1 − k, m}, m = " + e.getKey(), bound, Style.DASHED, Palette.BLACK));
      c++;
    }
    return new Figure(id, "Fig 2C — minimum rank under rank selection, strictly positive weights (" + run.experiment()
        + ")",
        "rank_settings.min_rank_mean against init_k per input dimension m, and the paper's bound min{k, n1 − k, m} "
            + "(black dashed; the table's rank_bound column is the same bound and networks_above_bound counts "
            + "violations).",
        1, List.of(p.build()), List.of(run.runId()));
  }

  /** Fig 2D (R5): min and max rank vs k (Dale), the window with both kinds of region shaded. */
  public static Figure fig2d(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> rows = swept(t, run, "init_k");
    rows.sort((a, b) -> Double.compare(d(a, "init_k"), d(b, "init_k")));
    double[] k = Cols.column(rows, "init_k");
    int m = i(rows.get(0), "m");
    PanelBuilder p = new PanelBuilder("(D) Dale's principle, inhibition " + "4× excitation",
        Axis.linear("k (excitatory inputs out of m = " + m + ")"), Axis.linear("rank (dimensions)"));
    p.add(Series.band("minimum rank (mean; band min–max over networks)", k, Cols.column(rows, "min_rank_mean"),
        Cols.column(rows, "min_rank_min"), Cols.column(rows, "min_rank_max"), Palette.BLUE));
    p.add(Series.band("maximum rank (mean; band min–max)", k, Cols.column(rows, "max_rank_mean"),
        Cols.column(rows, "max_rank_min"), Cols.column(rows, "max_rank_max"), Palette.RED));
    double[] window = mixedWindow(rows);
    if (window != null) {
      p.mark(Marker.xInterval(window[0] - 0.5, window[1] + 0.5, "both destructive and preserving regions",
          Palette.PURPLE));
    }
    p.mark(Marker.yLine(m, "m = " + m, Palette.BLACK));
    return new Figure(id, "Fig 2D — Dale's principle: minimum and maximum rank (" + run.experiment() + ")",
        "rank_settings min_rank_* and max_rank_* against init_k (number of excitatory input columns) over strictly "
            + "positive points; shaded: the k where some network has both destructive (rank < m) and preserving "
            + "(rank = m) regions (networks_mixed > 0).",
        1, List.of(p.build()), List.of(run.runId()));
  }

  /** First and last k with networks_mixed &gt; 0, or null. */
  public static double[] mixedWindow(List<Row> rows) {
    double lo = Double.NaN;
    double hi = Double.NaN;
    for (Row r : rows) {
      if (Cols.l(r, "networks_mixed") > 0) {
        lo = Double.isNaN(lo) ? d(r, "init_k") : Math.min(lo, d(r, "init_k"));
        hi = Double.isNaN(hi) ? d(r, "init_k") : Math.max(hi, d(r, "init_k"));
      }
    }
    return Double.isNaN(lo) ? null : new double[] {lo, hi};
  }
}
