package sheafrank.jobs.report;

import static sheafrank.jobs.report.Cols.d;
import static sheafrank.jobs.report.Cols.l;
import static sheafrank.jobs.report.Cols.s;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import sheafrank.jobs.report.PaperValues.Printed;
import sheafrank.jobs.report.PaperValues.Table1Row;
import sheafrank.jobs.report.PaperValues.Table2Row;
import sheafrank.jobs.report.PaperValues.Table3Row;

/**
 * The numeric results beside the papers' printed numbers: Tables 1-3 of seed 001 and the worked
 * example of seed 002 (Fig 2 of seed 003 is in {@link Fig2Claims}). Each comparison reads the
 * latest usable run of its experiment; the verdicts are computed, the notes say why a printed
 * number is wrong.
 */
public final class Comparisons {
  private Comparisons() {}

  /** A comparison table for the HTML report. */
  public record Table(String title, String source, String runId, List<String> header, List<List<String>> rows,
      List<String> notes) {}

  /** Every comparison whose run is in the folder; the missing ones as (title, experiment, config). */
  public static List<Table> all(Tables t, List<String[]> missing) {
    List<Table> out = new ArrayList<>();
    add(out, missing, t, "S7", "conf/S7-table1.conf", "Table 1 (seed 001)", Comparisons::table1);
    add(out, missing, t, "S11", "conf/S11-spectral-gap.conf", "Table 2 (seed 001)", Comparisons::table2);
    add(out, missing, t, "S15", "conf/S15-pinned-discord.conf", "Table 3 (seed 001)", Comparisons::table3);
    add(out, missing, t, "D1-worked-example", "conf/D1-worked-example.conf", "Worked example (seed 002 §13.6)",
        Comparisons::worked);
    for (String[] f : Fig2Claims.SOURCES) {
      add(out, missing, t, f[0], f[1], "Fig 2" + f[2] + " statements (seed 003)", (tb, run) -> Fig2Claims.table(tb, run, f[2]));
    }
    return out;
  }

  interface Builder {
    Table build(Tables t, RunInfo run);
  }

  private static void add(List<Table> out, List<String[]> missing, Tables t, String experiment, String config,
      String title, Builder b) {
    List<RunInfo> runs = t.runsOf(experiment);
    if (runs.isEmpty()) {
      missing.add(new String[] {title, "no run of experiment " + experiment + " in this folder", config});
      return;
    }
    RunInfo run = runs.get(runs.size() - 1);
    try {
      out.add(b.build(t, run));
    } catch (FigureSpec.NoData e) {
      missing.add(new String[] {title, e.getMessage(), config});
    }
  }

  static Table table1(Tables t, RunInfo run) {
    require(t, run, "trials");
    List<List<String>> rows = new ArrayList<>();
    List<String> notes = new ArrayList<>(List.of(PaperValues.TABLE1_NOTE));
    for (Table1Row p : PaperValues.TABLE1) {
      Row sheaf = trial(t, run, p.task(), p.depth(), "sheaf");
      Row gd = trial(t, run, p.task(), p.depth(), "gd");
      if (sheaf == null || gd == null) {
        continue;
      }
      double ratio = d(sheaf, "final_test_loss") / d(gd, "final_test_loss");
      rows.add(List.of(p.task() + " " + p.depth() + "H", f4(d(sheaf, "final_train_loss")), f4(p.sheafTrain()),
          f4(d(gd, "final_train_loss")), f4(p.sgdTrain()), f4(d(sheaf, "final_test_loss")), f4(p.sheafTest()),
          times(d(sheaf, "final_test_loss") / p.sheafTest()), f4(d(gd, "final_test_loss")), f4(p.sgdTest()),
          times(d(gd, "final_test_loss") / p.sgdTest()), String.format(Locale.ROOT, "%.1f×", ratio),
          String.format(Locale.ROOT, "%.1f×", p.ratio()), ratioCheck(p)));
    }
    if (rows.isEmpty()) {
      throw new FigureSpec.NoData("run " + run.runId() + " has none of Table 1's task/depth pairs for both methods");
    }
    notes.add("\"ours/paper\" is our loss divided by the printed one. \"paper ratio check\": whether the printed ratio "
        + "lies in the range its own printed test losses allow after rounding to 4 decimals.");
    return new Table("Table 1 — sheaf training vs gradient descent", PaperValues.TABLE1_SOURCE, run.runId(),
        List.of("task", "sheaf train", "paper", "GD train", "paper", "sheaf test", "paper", "ours/paper", "GD test",
            "paper", "ours/paper", "ratio", "paper ratio", "paper ratio check"), rows, notes);
  }

  /** Whether the printed ratio is within the range allowed by the printed, rounded test losses. */
  static String ratioCheck(Table1Row p) {
    double h = 0.5e-4;
    double lo = (p.sheafTest() - h) / (p.sgdTest() + h);
    double hi = p.sgdTest() - h > 0 ? (p.sheafTest() + h) / (p.sgdTest() - h) : Double.POSITIVE_INFINITY;
    boolean ok = p.ratio() + 0.05 >= lo && p.ratio() - 0.05 <= hi;
    return ok ? "consistent" : String.format(Locale.ROOT, "inconsistent: losses give %.1f–%.1f", lo, hi);
  }

  private static Row trial(Tables t, RunInfo run, String task, int depth, String method) {
    for (Row r : t.rows("trials", run)) {
      if (s(r, "task").equals(task) && s(r, "method").equals(method) && Cols.ints(r, "widths").length == depth + 2
          && Double.isFinite(d(r, "final_test_loss"))) {
        return r;
      }
    }
    return null;
  }

  static Table table2(Tables t, RunInfo run) {
    require(t, run, "spectrum_architectures");
    List<List<String>> rows = new ArrayList<>();
    for (Table2Row p : PaperValues.TABLE2) {
      for (Row r : t.rows("spectrum_architectures", run)) {
        if (!Cols.widths(r, "architecture").equals(p.architecture())) {
          continue;
        }
        double med = d(r, "lambda1_median");
        double lo = d(r, "lambda1_median_min");
        double hi = d(r, "lambda1_median_max");
        rows.add(List.of(p.architecture(), String.valueOf(l(r, "networks")), f4(med), "[" + f4(lo) + ", " + f4(hi) + "]",
            f4(d(r, "lambda1_std_median")), f4(p.median()) + " ± " + f4(p.std()), signed(med - p.median()),
            pct(med / p.median() - 1), p.median() >= lo && p.median() <= hi ? "yes" : "no"));
      }
    }
    if (rows.isEmpty()) {
      throw new FigureSpec.NoData("run " + run.runId() + " has none of Table 2's architectures");
    }
    return new Table("Table 2 — spectral gap λ1 vs depth at initialisation", PaperValues.TABLE2_SOURCE, run.runId(),
        List.of("architecture", "init seeds", "λ1: median of per-seed medians", "range over seeds",
            "median per-seed std", "paper median ± std", "ours − paper", "relative", "paper inside our seed range"),
        rows, List.of(PaperValues.TABLE2_NOTE));
  }

  static Table table3(Tables t, RunInfo run) {
    require(t, run, "pinned_discord_summary");
    List<Row> all = t.rows("pinned_discord_summary", run);
    long last = all.stream().mapToLong(r -> l(r, "step")).max().orElseThrow();
    List<List<String>> rows = new ArrayList<>();
    for (Table3Row p : PaperValues.TABLE3) {
      String edge = p.edge().equals("total") ? "total_internal" : p.edge();
      Row sh = summary(all, last, "sheaf", edge);
      Row gd = summary(all, last, "gd", edge);
      if (sh == null || gd == null) {
        continue;
      }
      rows.add(List.of(p.edge(), pm(sh), pm(p.sheafMean(), p.sheafStd()), signed(d(sh, "mean") - p.sheafMean()), pm(gd),
          pm(p.sgdMean(), p.sgdStd()), signed(d(gd, "mean") - p.sgdMean())));
    }
    if (rows.isEmpty()) {
      throw new FigureSpec.NoData("run " + run.runId() + " has no pinned discord of both methods");
    }
    List<String> notes = new ArrayList<>(List.of(PaperValues.TABLE3_NOTE, "Ours at step " + last
        + " (mean ± std over the diagnostic inputs)."));
    Table3Row tot = PaperValues.TABLE3.get(3);
    double sumGd = 0;
    double sumSh = 0;
    for (int k = 0; k < 3; k++) {
      sumSh += PaperValues.TABLE3.get(k).sheafMean();
      sumGd += PaperValues.TABLE3.get(k).sgdMean();
    }
    notes.add(String.format(Locale.ROOT, "Paper's totals against the sum of its printed edges: sheaf %.4f vs %.4f, "
        + "SGD %.4f vs %.4f — %s.", tot.sheafMean(), sumSh, tot.sgdMean(), sumGd,
        Math.abs(tot.sgdMean() - sumGd) <= 2e-4 && Math.abs(tot.sheafMean() - sumSh) <= 2e-4
            ? "consistent within the rounding of four printed values" : "inconsistent"));
    return new Table("Table 3 — per-edge pinned discord, output pinned to the labels", PaperValues.TABLE3_SOURCE,
        run.runId(), List.of("edge", "sheaf-trained (ours)", "paper", "ours − paper", "GD-trained (ours)", "paper",
            "ours − paper"), rows, notes);
  }

  private static Row summary(List<Row> all, long step, String method, String edge) {
    for (Row r : all) {
      if (l(r, "step") == step && s(r, "method").equals(method) && s(r, "edge").equals(edge)) {
        return r;
      }
    }
    return null;
  }

  static Table worked(Tables t, RunInfo run) {
    for (String tb : List.of("pinning_spectrum", "pinning_values", "pinning_discord", "pinning_equilibria",
        "pinning_updates")) {
      require(t, run, tb);
    }
    List<Double> ours = WorkedExample.values(t, run);
    List<List<String>> rows = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (int k = 0; k < PaperValues.WORKED.size(); k++) {
      Printed p = PaperValues.WORKED.get(k);
      double v = ours.get(k);
      boolean ok = Math.abs(v - p.value()) <= p.halfUnit() + 1e-12;
      String verdict = ok ? "consistent to the printed digits" : "differs";
      if (!ok && p.note() != null) {
        notes.add(p.quantity() + ": " + p.note());
        verdict += " (note " + notes.size() + ")";
      }
      rows.add(List.of(p.quantity(), String.format(Locale.ROOT, "%.6f", v),
          String.format(Locale.ROOT, "%." + p.decimals() + "f", p.value()), signed(v - p.value()), verdict));
    }
    notes.add("The chapter prints no weights; pipeline/WORKED_EXAMPLE.md shows W2 = (1/2, 1/2), b2 = 1 is the only "
        + "second layer consistent with its printed equilibrium, and that everything here depends on the first layer "
        + "only through W1 x + b1 = (1, 1). Updates at η = " + run.configValue("update.eta", "?") + ".");
    return new Table("Worked example — two-sided pinned problem on [2,2,1]", PaperValues.WORKED_SOURCE, run.runId(),
        List.of("quantity", "ours (tables)", "chapter prints", "ours − printed", "verdict"), rows, notes);
  }

  static void require(Tables t, RunInfo run, String table) {
    if (!t.has(table, run)) {
      throw new FigureSpec.NoData("run " + run.runId() + " has no table " + table);
    }
  }

  static String f4(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  static String signed(double v) {
    return String.format(Locale.ROOT, "%+.4f", v);
  }

  static String pct(double v) {
    return String.format(Locale.ROOT, "%+.0f %%", 100 * v);
  }

  static String times(double v) {
    return String.format(Locale.ROOT, "%.2f×", v);
  }

  private static String pm(Row r) {
    return pm(d(r, "mean"), d(r, "std"));
  }

  private static String pm(double mean, double std) {
    return Double.isNaN(std) ? f4(mean) : f4(mean) + " ± " + f4(std);
  }
}
