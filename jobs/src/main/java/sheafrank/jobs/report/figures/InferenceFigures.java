package sheafrank.jobs.report.figures;

import static sheafrank.jobs.report.Cols.d;
import static sheafrank.jobs.report.Cols.doubles;
import static sheafrank.jobs.report.Cols.i;
import static sheafrank.jobs.report.Cols.l;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import sheafrank.jobs.report.Cols;
import sheafrank.jobs.report.FigureSpec.NoData;
import sheafrank.jobs.report.RunInfo;
import sheafrank.jobs.report.Tables;
import sheafrank.jobs.report.chart.Palette;
import sheafrank.jobs.report.chart.Plot.Axis;
import sheafrank.jobs.report.chart.Plot.Figure;
import sheafrank.jobs.report.chart.Plot.Panel;
import sheafrank.jobs.report.chart.Plot.PanelBuilder;
import sheafrank.jobs.report.chart.Plot.Series;
import sheafrank.jobs.report.chart.Plot.Style;

/** Seed 001 Fig 6 and 12: sheaf diffusion converging to the forward pass (sheaf-inference traces). */
public final class InferenceFigures {
  private InferenceFigures() {}

  static final String TOTAL = "total discord ‖δω‖² (sum of squared edge residuals)";

  /** Fig 6 (S2): total discord and output stalk per traced sample. */
  public static Figure fig6(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    Map<Long, List<Row>> traces = traces(t, run);
    Panel a = totalDiscord("(a) total discord, every traced sample", traces, run);
    Panel b = outputStalk("(b) output stalk → forward pass (dashed)", traces, forward(t, run), 0, run);
    return new Figure(id, "Fig 6 — heat-equation inference, " + run.configValue("widths", "?") + ", "
        + run.configValue("output", "identity") + " output (" + run.experiment() + ")",
        "Sheaf diffusion from random stalks (α = " + run.configValue("alpha", "?") + ", dt = " + dt(run)
            + "): (a) the total discord falls monotonically, on a log scale, to machine precision; (b) the output "
            + "stalk of each traced input converges to the forward-pass prediction (black dashed). Tables "
            + "inference_trace (total_discord, output) and inference_samples (forward_output).",
        2, List.of(a, b), List.of(run.runId()));
  }

  /** Fig 12 (S3): total discord, by edge type, by layer, output stalk. */
  public static Figure fig12(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    Map<Long, List<Row>> traces = traces(t, run);
    long first = traces.keySet().iterator().next();
    List<Row> s0 = traces.get(first);
    PanelBuilder kinds = new PanelBuilder("(b) discord by edge type, input " + first, iterations(run),
        Axis.log("discord (sum of squared residuals)"));
    String[][] k = {{"weight_discord", "weight edges W"}, {"activation_discord", "ReLU edges R"},
        {"output_discord", "output activation edge"}};
    for (int j = 0; j < k.length; j++) {
      kinds.add(Series.of(k[j][1], Cols.points(s0, "step", k[j][0]), Style.LINE, Palette.tab10(j)));
    }
    Panel layers = layerDiscord(t, run, first);
    int outputs = doubles(s0.get(0), "output").length;
    Panel out = outputs == 1
        ? outputStalk("(d) output stalk φ(z) → forward pass (dashed)", traces, forward(t, run), 0, run)
        : softmaxStalk(traces.get(first), forward(t, run).get(first), run, first);
    // the output settles within the first thousand of tens of thousands of steps: log iterations
    out = new PanelBuilder(out.title(), Axis.log("iteration (forward-Euler step, dt = " + dt(run) + ", log)"), out.y())
        .addAll(out.series()).build();
    return new Figure(id, "Fig 12 — " + run.configValue("output", "?") + " output, "
        + run.configValue("widths", "?") + " (" + run.experiment() + ")",
        "Diffusion with a nonlinear output activation from random stalks (dt = " + dt(run) + "): total discord "
            + "(log scale) to machine precision, its split by edge type (the output activation edge separately) "
            + "and by layer for the first traced input, and the output stalk converging to φ of the forward pass. "
            + "Tables inference_trace, inference_trace_edges, inference_samples.",
        2, List.of(totalDiscord("(a) total discord, every traced sample", traces, run), kinds.build(), layers, out),
        List.of(run.runId()));
  }

  static Map<Long, List<Row>> traces(Tables t, RunInfo run) {
    Map<Long, List<Row>> m = Cols.group(t.rows("inference_trace", run), r -> l(r, "sample_id"));
    if (m.isEmpty()) {
      throw new NoData("run " + run.runId() + " traced no sample (traces.count = 0)");
    }
    m.values().forEach(rows -> rows.sort((a, b) -> Long.compare(l(a, "step"), l(b, "step"))));
    return m;
  }

  /** Forward-pass output (φ applied) of every sample, by sample id. */
  static Map<Long, double[]> forward(Tables t, RunInfo run) {
    Map<Long, double[]> m = new TreeMap<>();
    for (Row r : t.rows("inference_samples", run)) {
      m.put(l(r, "sample_id"), doubles(r, "forward_output"));
    }
    return m;
  }

  static String dt(RunInfo run) {
    return run.configValue("dt", "?");
  }

  static Axis iterations(RunInfo run) {
    return Axis.linear("iteration (forward-Euler step, dt = " + dt(run) + ")");
  }

  static Panel totalDiscord(String title, Map<Long, List<Row>> traces, RunInfo run) {
    PanelBuilder p = new PanelBuilder(title, iterations(run), Axis.log(TOTAL));
    int c = 0;
    for (Map.Entry<Long, List<Row>> e : traces.entrySet()) {
      p.add(Series.of("input " + e.getKey(), Cols.points(e.getValue(), "step", "total_discord"), Style.LINE,
          Palette.tab10(c++)));
    }
    return p.build();
  }

  /** Output coordinate {@code k} of every traced sample, with its forward-pass value dashed. */
  static Panel outputStalk(String title, Map<Long, List<Row>> traces, Map<Long, double[]> fwd, int k, RunInfo run) {
    PanelBuilder p = new PanelBuilder(title, iterations(run), Axis.linear("output stalk y (network output units)"));
    int c = 0;
    for (Map.Entry<Long, List<Row>> e : traces.entrySet()) {
      List<Row> rows = e.getValue();
      double[] x = new double[rows.size()];
      double[] y = new double[rows.size()];
      for (int j = 0; j < x.length; j++) {
        x[j] = l(rows.get(j), "step");
        y[j] = doubles(rows.get(j), "output")[k];
      }
      p.add(Series.of("input " + e.getKey(), x, y, Style.LINE, Palette.tab10(c)));
      double f = fwd.get(e.getKey())[k];
      p.add(Series.of(c == 0 ? "forward pass" : null, new double[] {x[0], x[x.length - 1]}, new double[] {f, f},
          Style.DASHED, Palette.BLACK));
      c++;
    }
    return p.build();
  }

  private static Panel softmaxStalk(List<Row> rows, double[] fwd, RunInfo run, long sample) {
    PanelBuilder p = new PanelBuilder("(d) output stalk softmax(z), input " + sample + " → forward (dashed)",
        iterations(run), Axis.linear("output stalk y (class probability)"));
    for (int k = 0; k < fwd.length; k++) {
      double[] x = new double[rows.size()];
      double[] y = new double[rows.size()];
      for (int j = 0; j < x.length; j++) {
        x[j] = l(rows.get(j), "step");
        y[j] = doubles(rows.get(j), "output")[k];
      }
      p.add(Series.of("y[" + k + "]", x, y, Style.LINE, Palette.tab10(k)));
      p.add(Series.of(k == 0 ? "forward pass" : null, new double[] {x[0], x[x.length - 1]},
          new double[] {fwd[k], fwd[k]}, Style.DASHED, Palette.BLACK));
    }
    return p.build();
  }

  /** Discord per layer (sum over that layer's edges: W_l, R_l; the output edge on its own layer). */
  static Panel layerDiscord(Tables t, RunInfo run, long sample) {
    List<Row> edges = Cols.where(t.rows("inference_trace_edges", run), r -> l(r, "sample_id") == sample);
    Map<Integer, TreeMap<Long, Double>> byLayer = new TreeMap<>();
    Map<Integer, List<String>> names = new TreeMap<>();
    for (Row r : edges) {
      int layer = i(r, "layer");
      byLayer.computeIfAbsent(layer, x -> new TreeMap<>()).merge(l(r, "step"), d(r, "discord"), Double::sum);
      List<String> n = names.computeIfAbsent(layer, x -> new ArrayList<>());
      if (!n.contains(Cols.s(r, "edge"))) {
        n.add(Cols.s(r, "edge"));
      }
    }
    PanelBuilder p = new PanelBuilder("(c) discord by layer, input " + sample, iterations(run),
        Axis.log("discord (sum of squared residuals)"));
    int c = 0;
    for (Map.Entry<Integer, TreeMap<Long, Double>> e : byLayer.entrySet()) {
      List<double[]> pts = new ArrayList<>();
      e.getValue().forEach((s, v) -> pts.add(new double[] {s, v}));
      Color col = Palette.tab10(c++);
      p.add(Series.of("layer " + e.getKey() + " (" + String.join(", ", names.get(e.getKey())) + ")", pts,
          Style.LINE, col));
    }
    return p.build();
  }
}
