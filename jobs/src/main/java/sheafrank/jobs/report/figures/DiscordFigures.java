package sheafrank.jobs.report.figures;

import static sheafrank.jobs.report.Cols.b;
import static sheafrank.jobs.report.Cols.d;
import static sheafrank.jobs.report.Cols.i;
import static sheafrank.jobs.report.Cols.l;
import static sheafrank.jobs.report.Cols.s;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
import sheafrank.jobs.report.chart.Plot.Style;

/**
 * Per-coordinate discord residuals against the pre-activation z, active (z &ge; 0, orange) and
 * inactive (purple): seed 001 Fig 9 and 20-21 (pinned_residuals of train-sweep), Fig 19
 * (coordinate_discord of sheaf-spectrum).
 */
public final class DiscordFigures {
  private DiscordFigures() {}

  /** Fig 9 (S16): the trained sheaf net at its last stage, W1 and R1 edges. */
  public static Figure fig9(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> res = Cols.where(t.rows("pinned_residuals", run), r -> s(r, "method").equals("sheaf"));
    if (res.isEmpty()) {
      throw new NoData("run " + run.runId() + " has no residuals of a sheaf-trained network");
    }
    long last = res.stream().mapToLong(r -> l(r, "step")).max().orElseThrow();
    List<Row> at = Cols.where(res, r -> l(r, "step") == last);
    return new Figure(id, "Fig 9 — per-coordinate discord, sheaf-trained " + Cols.widths(at.get(0), "widths")
        + " after " + last + " steps, output pinned (" + run.experiment() + ")",
        "Residuals at the exact output-pinned equilibrium over the diagnostic test inputs (table pinned_residuals): "
            + "(a) weight edge (W1 a0 + b1)_j − z_j, (b) ReLU edge relu(z_j) − a_j, against z_j; inactive "
            + "coordinates purple, active orange.",
        2, List.of(scatter("(a) weight edge W1", Cols.where(at, r -> s(r, "edge").equals("W1")), null),
            scatter("(b) ReLU edge R1", Cols.where(at, r -> s(r, "edge").equals("R1")), null)),
        List.of(run.runId()));
  }

  /** Fig 19 (S14) and Fig 9 at initialisation: every edge of one sheaf-spectrum network, pinned run. */
  public static Figure coordinateDiscord(Tables t, RunInfo run, String id, boolean deepest) {
    Map<Integer, String> arch = new java.util.TreeMap<>();
    for (Row r : t.rows("spectrum_summary", run)) {
      arch.put(i(r, "network_id"), Cols.widths(r, "architecture"));
    }
    List<Row> all = t.rows("coordinate_discord", run);
    TreeSet<Integer> nets = new TreeSet<>();
    all.forEach(r -> nets.add(i(r, "network_id")));
    if (nets.isEmpty()) {
      throw new NoData("run " + run.runId() + " has no coordinate discord (discord.count = 0)");
    }
    Comparator<Integer> byDepth = Comparator.comparingInt(n -> arch.getOrDefault(n, "").split(",").length);
    int net = deepest ? nets.stream().max(byDepth).orElseThrow() : nets.stream().min(byDepth).orElseThrow();
    String run2 = all.stream().anyMatch(r -> s(r, "run").equals("pinned")) ? "pinned" : "free";
    List<Row> rows = Cols.where(all, r -> i(r, "network_id") == net && s(r, "run").equals(run2));
    Map<String, List<Row>> byEdge = Cols.group(rows, r -> s(r, "edge"));
    List<String> edges = new ArrayList<>(byEdge.keySet());
    edges.sort(Comparator.comparing((String e) -> e.startsWith("W") ? 0 : 1)
        .thenComparingInt(e -> i(byEdge.get(e).get(0), "layer")));
    List<Panel> panels = new ArrayList<>();
    char tag = 'a';
    for (String e : edges) {
      panels.add(scatter("(" + tag++ + ") " + (e.startsWith("W") ? "weight edge " : "ReLU edge ") + e, byEdge.get(e),
          null));
    }
    String a = arch.getOrDefault(net, "?");
    return new Figure(id, (deepest ? "Fig 19" : "Fig 9 at initialisation") + " — per-coordinate discord, " + a
        + ", He initialisation, " + run2 + " run (" + run.experiment() + ")",
        "Residual of every weight edge ((W a + b)_j − z_j) and ReLU edge (relu(z_j) − a_j) against z_j at the "
            + (run2.equals("pinned") ? "input- and output-pinned equilibrium" : "free equilibrium")
            + " of network " + net + " over the discord inputs (table coordinate_discord). The paper shows a trained "
            + "network; this run is at initialisation (a trained one: network.model_table/model_id).",
        deepest ? 4 : 2, panels, List.of(run.runId()));
  }

  /** Fig 20 (sheaf) / 21 (GD) (S16): stages as rows, W1 and R1 as columns, shared y limits. */
  public static Figure stages(Tables t, RunInfo run, String id, String method) {
    List<Row> all = t.rows("pinned_residuals", run);
    List<Row> res = Cols.where(all, r -> s(r, "method").equals(method) && i(r, "layer") == 1);
    TreeSet<Long> steps = new TreeSet<>();
    res.forEach(r -> steps.add(l(r, "step")));
    if (steps.isEmpty()) {
      throw new NoData("run " + run.runId() + " has no residuals of the " + method + " network");
    }
    List<Long> st = new ArrayList<>(steps);
    long middle = st.get(st.size() / 2);
    List<Panel> panels = new ArrayList<>();
    char tag = 'a';
    for (long step : st) {
      for (String edge : List.of("W1", "R1")) {
        double lim = limit(Cols.where(all, r -> l(r, "step") == middle && s(r, "edge").equals(edge)));
        List<Row> rows = Cols.where(res, r -> l(r, "step") == step && s(r, "edge").equals(edge));
        long outside = rows.stream().filter(r -> Math.abs(d(r, "residual")) > lim).count();
        panels.add(scatter("(" + tag++ + ") step " + step + ", " + (edge.equals("W1") ? "weight edge W1" : "ReLU edge R1")
            + (outside > 0 ? " (" + outside + " points beyond the y range)" : ""), rows, lim));
      }
    }
    boolean sheaf = method.equals("sheaf");
    return new Figure(id, (sheaf ? "Fig 20" : "Fig 21") + " — discord residuals at the training stages, "
        + TrainingFigures.methodName(method) + " (" + run.experiment() + ")",
        "Rows: training stages; columns: weight edge (W1 a0 + b1)_j − z_j and ReLU edge relu(z_j) − a_j against z_j at "
            + "the output-pinned equilibrium (table pinned_residuals). The y range of each column is set by the "
            + "intermediate stage (step " + middle + ") and shared by Fig 20 and 21, as in the paper.",
        2, panels, List.of(run.runId()));
  }

  /** Symmetric y limit: 1.1 × the largest |residual| of the rows (both methods). */
  static double limit(List<Row> rows) {
    double m = 0;
    for (Row r : rows) {
      m = Math.max(m, Math.abs(d(r, "residual")));
    }
    return m > 0 ? 1.1 * m : 1e-12;
  }

  /** Residual vs z, split by activation state; fixed symmetric y range when {@code lim} is given. */
  static Panel scatter(String title, List<Row> rows, Double lim) {
    List<double[]> active = new ArrayList<>();
    List<double[]> inactive = new ArrayList<>();
    for (Row r : rows) {
      (b(r, "active") ? active : inactive).add(new double[] {d(r, "z"), d(r, "residual")});
    }
    Axis y = Axis.linear("residual (stalk units)");
    PanelBuilder p = new PanelBuilder(title, Axis.linear("pre-activation z_j"), lim == null ? y : y.range(-lim, lim));
    p.add(Series.of("inactive (z < 0)", inactive, Style.POINTS, Palette.INACTIVE).alpha(0.6f));
    p.add(Series.of("active (z ≥ 0)", active, Style.POINTS, Palette.ACTIVE).alpha(0.6f));
    p.mark(Marker.yLine(0, null, Palette.GREY));
    return p.build();
  }
}
