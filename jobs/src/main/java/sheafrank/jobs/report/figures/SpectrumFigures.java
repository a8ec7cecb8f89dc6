package sheafrank.jobs.report.figures;

import static sheafrank.jobs.report.Cols.d;
import static sheafrank.jobs.report.Cols.i;
import static sheafrank.jobs.report.Cols.l;
import static sheafrank.jobs.report.Cols.s;

import java.util.ArrayList;
import java.util.Comparator;
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
import sheafrank.jobs.report.chart.Plot.Panel;
import sheafrank.jobs.report.chart.Plot.PanelBuilder;
import sheafrank.jobs.report.chart.Plot.Series;

/** Seed 001 Fig 15 (block energy, sheaf-spectrum) and Fig 16-18 (spectra during training). */
public final class SpectrumFigures {
  private SpectrumFigures() {}

  static final String STEP = TrainingFigures.STEP;

  /** Fig 15 (S12): mean ± std block energy of the Fiedler and λmax eigenvectors, per architecture. */
  public static Figure fig15(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    Map<Integer, String> arch = new java.util.TreeMap<>();
    for (Row r : t.rows("spectrum_summary", run)) {
      arch.put(i(r, "network_id"), Cols.widths(r, "architecture"));
    }
    List<Row> energy = t.rows("spectrum_block_energy", run);
    Map<String, List<Row>> byArch = Cols.group(energy, r -> arch.get(i(r, "network_id")));
    List<String> archs = new ArrayList<>(byArch.keySet());
    archs.sort(Comparator.comparingInt(String::length).thenComparing(a -> a));
    List<Panel> panels = new ArrayList<>();
    char tag = 'a';
    for (String vec : List.of("fiedler", "lambda_max")) {
      for (String a : archs) {
        panels.add(energyPanel("(" + tag++ + ") " + a + ", " + (vec.equals("fiedler") ? "Fiedler (λ1)" : "λmax")
            + " eigenvector", Cols.where(byArch.get(a), r -> s(r, "eigenvector").equals(vec))));
      }
    }
    return new Figure(id, "Fig 15 — eigenvector block energy of L[Ω,Ω] at initialisation (" + run.experiment() + ")",
        "Energy (sum of squared components) of the unit Fiedler (top) and λmax (bottom) eigenvectors on each stalk, "
            + "mean over every input of every init seed of the architecture, error bars one standard deviation "
            + "(table spectrum_block_energy; architecture from spectrum_summary).",
        archs.size(), panels, List.of(run.runId()));
  }

  /** Blocks in cochain order (z1, a1, z2, ..., y) with mean ± std energy: one bar each. */
  static Panel energyPanel(String title, List<Row> rows) {
    Map<String, List<Row>> byBlock = Cols.group(rows, r -> s(r, "block"));
    List<String> blocks = new ArrayList<>(byBlock.keySet());
    blocks.sort(Comparator.comparingInt((String b) -> i(byBlock.get(b).get(0), "layer"))
        .thenComparing(b -> b.startsWith("z") ? 0 : b.startsWith("a") ? 1 : 2));
    int n = blocks.size();
    double[] lo = new double[n];
    double[] hi = new double[n];
    double[] mean = new double[n];
    double[] eLo = new double[n];
    double[] eHi = new double[n];
    for (int k = 0; k < n; k++) {
      double[] v = Cols.column(byBlock.get(blocks.get(k)), "energy");
      mean[k] = Cols.mean(v);
      double sd = Cols.std(v);
      eLo[k] = Math.max(0, mean[k] - sd);
      eHi[k] = mean[k] + sd;
      lo[k] = k - 0.35;
      hi[k] = k + 0.35;
    }
    return new PanelBuilder(title, Axis.categories("stalk (block of the cochain)", blocks),
        Axis.linear("energy on the block (fraction of 1)").range(0, 1.05))
        .add(Series.bars("mean ± std over inputs", lo, hi, mean, eLo, eHi, Palette.BLUE, 0.85f)).build();
  }

  /** Fig 16 (S13): λ1 (median, IQR) and training loss, sheaf and GD side by side, shared limits. */
  public static Figure fig16(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    Map<String, List<Row>> byMethod = spectra(t, run);
    double[] l1 = limits(t.rows("spectra_during_training", run), "lambda1_q25", "lambda1_q75");
    double[] loss = limits(t.rows("spectra_during_training", run), "train_loss", "train_loss");
    List<Panel> top = new ArrayList<>();
    List<Panel> bottom = new ArrayList<>();
    char tag = 'a';
    for (Map.Entry<String, List<Row>> e : byMethod.entrySet()) {
      String m = TrainingFigures.methodName(e.getKey());
      top.add(new PanelBuilder("(" + tag + ") " + m + ": spectral gap", Axis.linear(STEP),
          Axis.log("λ1 of L[Ω,Ω] (median, IQR over inputs)").range(l1[0], l1[1]))
          .add(band("λ1 median (IQR band)", e.getValue(), "lambda1", TrainingFigures.methodColour(e.getKey())))
          .build());
      bottom.add(new PanelBuilder("(" + (char) (tag + byMethod.size()) + ") " + m + ": training loss",
          Axis.linear(STEP), Axis.log("training MSE (log)").range(loss[0], loss[1]))
          .add(Series.of("training loss", Cols.points(e.getValue(), "step", "train_loss"),
              sheafrank.jobs.report.chart.Plot.Style.LINE_POINTS, Palette.GREY)).build());
      tag++;
    }
    List<Panel> all = new ArrayList<>(top);
    all.addAll(bottom);
    return new Figure(id, "Fig 16 — spectral gap and loss during training, [2,30,1] paraboloid (" + run.experiment()
        + ")",
        "λ1 of L[Ω,Ω] at the forward pattern, median and interquartile range over the diagnostic inputs, and the "
            + "training loss, for each method; identical axis limits across panels (table spectra_during_training).",
        byMethod.size(), all, List.of(run.runId()));
  }

  /** Fig 17 (S13): λ1, λmax and condition number during training, both methods per panel. */
  public static Figure fig17(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    Map<String, List<Row>> byMethod = spectra(t, run);
    String[][] q = {{"lambda1", "(a) spectral gap λ1", "λ1 (median, IQR)"},
        {"lambda_max", "(b) largest eigenvalue λmax", "λmax (median, IQR)"},
        {"condition", "(c) condition number λmax/λ1", "condition number (median, IQR)"}};
    List<Panel> panels = new ArrayList<>();
    for (String[] k : q) {
      PanelBuilder p = new PanelBuilder(k[1], Axis.linear(STEP), Axis.log(k[2] + ", log"));
      for (Map.Entry<String, List<Row>> e : byMethod.entrySet()) {
        p.add(band(TrainingFigures.methodName(e.getKey()), e.getValue(), k[0], TrainingFigures.methodColour(e.getKey())));
      }
      panels.add(p.build());
    }
    return new Figure(id, "Fig 17 — spectral statistics of L[Ω,Ω] during training (" + run.experiment() + ")",
        "Median (line) and interquartile range (band) over the diagnostic inputs, sheaf vs GD training of [2,30,1] "
            + "on the paraboloid (table spectra_during_training).",
        3, panels, List.of(run.runId()));
  }

  /** Fig 18 (S13): histograms of λ1 over inputs at each stage, log-spaced bins shared by both panels. */
  public static Figure fig18(Tables t, List<RunInfo> runs, String id) {
    RunInfo run = runs.get(0);
    List<Row> samples = t.rows("spectra_samples", run);
    if (samples.isEmpty()) {
      throw new NoData("run " + run.runId() + " has no spectra at the stages");
    }
    double[] lim = limits(samples, "lambda1", "lambda1");
    int bins = 24;
    double[] edges = new double[bins + 1];
    for (int k = 0; k <= bins; k++) {
      edges[k] = lim[0] * Math.pow(lim[1] / lim[0], (double) k / bins);
    }
    List<Panel> panels = new ArrayList<>();
    char tag = 'a';
    for (Map.Entry<String, List<Row>> e : Cols.group(samples, r -> s(r, "method")).entrySet()) {
      PanelBuilder p = new PanelBuilder("(" + tag++ + ") " + TrainingFigures.methodName(e.getKey()),
          Axis.log("λ1 of L[Ω,Ω] (log-spaced bins)").range(edges[0], edges[bins]), Axis.linear("inputs per bin (count)"));
      int c = 0;
      for (Map.Entry<Long, List<Row>> st : Cols.group(e.getValue(), r -> l(r, "step")).entrySet()) {
        double[] counts = histogram(Cols.column(st.getValue(), "lambda1"), edges);
        p.add(Series.bars("step " + st.getKey(), java.util.Arrays.copyOf(edges, bins),
            java.util.Arrays.copyOfRange(edges, 1, bins + 1), counts, null, null, Palette.tab10(c++), 0.55f));
      }
      panels.add(p.build());
    }
    return new Figure(id, "Fig 18 — distribution of λ1 across inputs at three training stages (" + run.experiment()
        + ")",
        "Histograms of λ1 over the diagnostic inputs at each stage (table spectra_samples), log-spaced bins and one "
            + "x range for both methods.",
        2, panels, List.of(run.runId()));
  }

  static Map<String, List<Row>> spectra(Tables t, RunInfo run) {
    Map<String, List<Row>> m = Cols.group(t.rows("spectra_during_training", run), r -> s(r, "method"));
    if (m.isEmpty()) {
      throw new NoData("run " + run.runId() + " has no spectra during training");
    }
    return m;
  }

  /** Median line with the q25..q75 band of quantity {@code q} vs step. */
  static Series band(String name, List<Row> rows, String q, java.awt.Color c) {
    List<Row> r = new ArrayList<>(rows);
    r.sort(Comparator.comparingLong(x -> l(x, "step")));
    return Series.band(name, Cols.column(r, "step"), Cols.column(r, q + "_median"), Cols.column(r, q + "_q25"),
        Cols.column(r, q + "_q75"), c);
  }

  /** Count of values per bin [edges[k], edges[k+1]) (the last bin closed). */
  static double[] histogram(double[] v, double[] edges) {
    double[] n = new double[edges.length - 1];
    for (double x : v) {
      for (int k = 0; k < n.length; k++) {
        if (x >= edges[k] && (x < edges[k + 1] || k == n.length - 1 && x <= edges[k + 1])) {
          n[k]++;
          break;
        }
      }
    }
    return n;
  }

  /** Positive limits covering columns lo..hi of all rows, widened by 10 % on a log scale. */
  static double[] limits(List<Row> rows, String lo, String hi) {
    double a = Double.POSITIVE_INFINITY;
    double b = 0;
    for (Row r : rows) {
      a = Math.min(a, d(r, lo));
      b = Math.max(b, d(r, hi));
    }
    return new double[] {a / 1.1, b * 1.1};
  }
}
