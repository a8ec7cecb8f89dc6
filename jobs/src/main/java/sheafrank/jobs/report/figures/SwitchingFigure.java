package sheafrank.jobs.report.figures;

import static sheafrank.jobs.report.Cols.doubles;
import static sheafrank.jobs.report.Cols.i;
import static sheafrank.jobs.report.Cols.l;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import sheafrank.jobs.Jobs;
import sheafrank.jobs.core.ConfigFile;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Params;
import sheafrank.jobs.core.Spec;
import sheafrank.jobs.report.Cols;
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
import sheafrank.net.Mlp;

/**
 * Seed 001 Fig 13 (S4): phase planes of (z1[0], z1[1]) during diffusion, one column per run
 * (architecture), with the ReLU boundaries, every crossing of them, and the forward-pass fixed
 * point; below, when all crossings (every hidden coordinate) happen.
 */
public final class SwitchingFigure {
  private SwitchingFigure() {}

  /** Traced inputs drawn per phase plane. */
  static final int SAMPLES = 3;
  /** Segment ends (iterations) for the light-to-dark fade. */
  static final long[] FADE = {0, 10, 30, 100, 300, 1000, 3000, Long.MAX_VALUE};

  public static Figure fig13(Tables t, List<RunInfo> runs, String id) {
    List<RunInfo> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingInt((RunInfo r) -> r.configValue("widths", "").length())
        .thenComparing(RunInfo::runId));
    List<Panel> planes = new ArrayList<>();
    List<Panel> counts = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    StringBuilder converged = new StringBuilder();
    char tag = 'a';
    for (RunInfo run : sorted) {
      converged.append(converged.length() == 0 ? "" : "; ").append(run.configValue("widths", "?")).append(": ")
          .append(iterations(t, run));
      Map<Long, List<Row>> traces = InferenceFigures.traces(t, run);
      planes.add(plane(t, run, traces, "(" + tag + ") " + run.configValue("widths", "?")));
      counts.add(crossingTimes(t, run, "(" + (char) (tag + sorted.size()) + ") " + run.configValue("widths", "?")
          + ": when crossings happen"));
      ids.add(run.runId());
      tag++;
    }
    List<Panel> all = new ArrayList<>(planes);
    all.addAll(counts);
    return new Figure(id, "Fig 13 — switching dynamics: layer-1 phase planes and ReLU boundary crossings",
        "Top: trajectories of (z1[0], z1[1]) under sheaf diffusion for up to " + SAMPLES + " traced inputs per "
            + "architecture, light (early) to dark (late); dashed grey lines are the ReLU boundaries z = 0, red "
            + "crosses the crossings of these two coordinates (relu_crossings), the gold star the forward-pass "
            + "fixed point W1 x + b1 of the network rebuilt from the run's config (absent if that network cannot be "
            + "rebuilt here, e.g. its weight file is not readable). Bottom: crossings of every hidden "
            + "coordinate of every traced input per iteration bin (log-spaced). A trace covers the first traces.steps "
            + "iterations; the drawn inputs reached the run's tolerance after (inference_samples.iterations) "
            + converged + ".",
        sorted.size(), all, ids);
  }

  private static Panel plane(Tables t, RunInfo run, Map<Long, List<Row>> traces, String title) {
    PanelBuilder p = new PanelBuilder(title + ": (z1[0], z1[1])", Axis.linear("z1[0] (pre-activation)"),
        Axis.linear("z1[1] (pre-activation)"));
    p.mark(Marker.xLine(0, null, Palette.GREY)).mark(Marker.yLine(0, null, Palette.GREY));
    List<Row> crossings = t.rows("relu_crossings", run);
    Mlp net = network(run);
    Map<Long, double[]> inputs = new java.util.TreeMap<>();
    for (Row r : t.rows("inference_samples", run)) {
      inputs.put(l(r, "sample_id"), doubles(r, "input"));
    }
    List<double[]> cross = new ArrayList<>();
    List<double[]> stars = new ArrayList<>();
    int c = 0;
    for (Map.Entry<Long, List<Row>> e : traces.entrySet()) {
      if (c == SAMPLES) {
        break;
      }
      List<Row> rows = e.getValue();
      double[] steps = new double[rows.size()];
      double[][] z = new double[2][rows.size()];
      for (int j = 0; j < rows.size(); j++) {
        steps[j] = l(rows.get(j), "step");
        double[] z1 = doubles(rows.get(j), "z1");
        z[0][j] = z1[0];
        z[1][j] = z1.length > 1 ? z1[1] : 0;
      }
      Color base = Palette.tab10(c == 1 ? 2 : c == 2 ? 4 : 0);
      for (int s = 0; s + 1 < FADE.length; s++) {
        int from = Math.max(0, firstAtOrAfter(steps, FADE[s]) - 1); // joins the previous segment
        int to = Math.min(rows.size() - 1, firstAtOrAfter(steps, FADE[s + 1]));
        if (to <= from) {
          continue;
        }
        double fade = 0.8 * (1 - (double) s / (FADE.length - 2));
        boolean last = to == rows.size() - 1;
        p.add(Series.of(last ? "input " + e.getKey() + " (light = early)" : null,
            Arrays.copyOfRange(z[0], from, to + 1), Arrays.copyOfRange(z[1], from, to + 1), Style.LINE,
            Palette.lighter(base, Math.max(0, fade))));
        if (last) {
          break;
        }
      }
      for (Row r : crossings) {
        if (l(r, "sample_id") == e.getKey() && i(r, "layer") == 1 && i(r, "neuron") < 2) {
          double other = interpolate(steps, z[1 - i(r, "neuron")], l(r, "step"));
          cross.add(i(r, "neuron") == 0 ? new double[] {0, other} : new double[] {other, 0});
        }
      }
      if (net != null && inputs.containsKey(e.getKey())) {
        double[] z1 = net.forward(inputs.get(e.getKey())).z()[0];
        stars.add(new double[] {z1[0], z1.length > 1 ? z1[1] : 0});
      }
      c++;
    }
    p.add(Series.of("crossing of z1[0] = 0 or z1[1] = 0", cross, Style.POINTS, Palette.RED).shape(Shape.CROSS));
    if (!stars.isEmpty()) {
      p.add(Series.of("forward pass W1 x + b1", stars, Style.POINTS, Palette.GOLD).shape(Shape.STAR));
    }
    return p.build();
  }

  /** Iterations to convergence of the drawn inputs, as min-max text. */
  private static String iterations(Tables t, RunInfo run) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (Row r : t.rows("inference_samples", run)) {
      if (l(r, "sample_id") < SAMPLES && !Cols.isNull(r, "iterations")) {
        lo = Math.min(lo, l(r, "iterations"));
        hi = Math.max(hi, l(r, "iterations"));
      }
    }
    return lo > hi ? "not converged" : lo + "–" + hi + " iterations";
  }

  /** Crossings of every hidden coordinate per log-spaced iteration bin [1,2), [2,5), [5,10), .... */
  static Panel crossingTimes(Tables t, RunInfo run, String title) {
    List<Double> edges = new ArrayList<>();
    long maxStep = 1;
    for (Row r : t.rows("relu_crossings", run)) {
      maxStep = Math.max(maxStep, l(r, "step"));
    }
    for (double e = 1; e <= maxStep * 10; e *= 10) {
      edges.add(e);
      edges.add(2 * e);
      edges.add(5 * e);
    }
    int bins = edges.size() - 1;
    double[] lo = new double[bins];
    double[] hi = new double[bins];
    double[] n = new double[bins];
    for (int b = 0; b < bins; b++) {
      lo[b] = edges.get(b);
      hi[b] = edges.get(b + 1);
    }
    for (Row r : t.rows("relu_crossings", run)) {
      long s = l(r, "step");
      for (int b = 0; b < bins; b++) {
        if (s >= lo[b] && s < hi[b]) {
          n[b]++;
          break;
        }
      }
    }
    PanelBuilder p = new PanelBuilder(title, Axis.log("iteration of the crossing (Euler step, log)"),
        Axis.linear("crossings per bin (count, all traced inputs)"));
    p.add(Series.bars("ReLU boundary crossings (all hidden coordinates)", lo, hi, n, null, null, Palette.RED, 0.8f));
    return p.build();
  }

  private static int firstAtOrAfter(double[] steps, long s) {
    int j = 0;
    while (j < steps.length && steps[j] < s) {
      j++;
    }
    return j;
  }

  /** Linear interpolation of v at step s between the recorded steps. */
  static double interpolate(double[] steps, double[] v, double s) {
    for (int j = 1; j < steps.length; j++) {
      if (steps[j] >= s) {
        double f = (s - steps[j - 1]) / (steps[j] - steps[j - 1]);
        return v[j - 1] + f * (v[j] - v[j - 1]);
      }
    }
    return v[v.length - 1];
  }

  /** The run's network, rebuilt from its recorded config; null when that is not possible here. */
  public static Mlp network(RunInfo run) {
    try {
      Job job = Jobs.byName(run.job());
      Map<String, Object> raw = ConfigFile.parse(List.of(run.config().split("\n")), "config of run " + run.runId());
      return NetworkParams.build(job.resolve(Spec.validate(job.name(), Params.all(job), raw)));
    } catch (sheafrank.jobs.core.ConfigException | IllegalStateException e) {
      return null; // e.g. a weight file not readable from here: the figure is drawn without the star
    }
  }
}
