package sheafrank.jobs.report;

import static sheafrank.jobs.report.Cols.d;
import static sheafrank.jobs.report.Cols.i;
import static sheafrank.jobs.report.Cols.l;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * Seed 003's Fig 2 prints no data: its text states what the curves show (PaperValues.FIG2_CLAIMS).
 * This checks each statement against rank_settings (layer 1) and shows the numbers it rests on.
 */
final class Fig2Claims {
  private Fig2Claims() {}

  /** {experiment, config, panel}. */
  static final List<String[]> SOURCES = List.of(new String[] {"R2", "conf/R2-width-sweep.conf", "A"},
      new String[] {"R3", "conf/R3-mean-sweep.conf", "B"}, new String[] {"R4", "conf/R4-rank-selection.conf", "C"},
      new String[] {"R5", "conf/R5-dale.conf", "D"});

  static Comparisons.Table table(Tables t, RunInfo run, String panel) {
    Comparisons.require(t, run, "rank_settings");
    List<Row> rows = Cols.where(t.rows("rank_settings", run), r -> i(r, "layer") == 1 && !Cols.isNull(r, "min_rank_mean"));
    List<List<String>> out = switch (panel) {
      case "A" -> widths(rows);
      case "B" -> mean(rows);
      case "C" -> bound(rows);
      default -> dale(rows);
    };
    String claim = PaperValues.FIG2_CLAIMS.get("ABCD".indexOf(panel));
    return new Comparisons.Table("Fig 2" + panel + " — what the paper states, against the tables", PaperValues.FIG2_SOURCE,
        run.runId(), List.of("statement", "what rank_settings shows", "holds"), out, List.of("Paper: " + claim));
  }

  private static List<List<String>> widths(List<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Row>> e : Cols.group(rows, r -> i(r, "m")).entrySet()) {
      List<double[]> p = Cols.points(e.getValue(), "n1", "min_rank_mean");
      StringBuilder sb = new StringBuilder();
      boolean rises = true;
      for (int k = 0; k < p.size(); k++) {
        sb.append(k == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", p.get(k)[1]));
        rises &= k == 0 || p.get(k)[1] >= p.get(k - 1)[1];
      }
      double last = p.get(p.size() - 1)[1];
      out.add(List.of("m = " + e.getKey() + ": rises with n1 and saturates at m",
          "min rank mean over n1 = " + ns(p) + ": " + sb + (last == e.getKey() ? " (saturated)" : " (not saturated "
              + "by n1 = " + (int) p.get(p.size() - 1)[0] + ")"), rises ? "rises: yes" : "rises: no"));
    }
    long cells = 0;
    long destructive = 0;
    for (Row r : rows) {
      if (i(r, "m") >= i(r, "n1")) {
        cells++;
        destructive += l(r, "networks_destructive") == l(r, "networks") ? 1 : 0;
      }
    }
    out.add(List.of("m ≥ n1: destructive regions certain", destructive + " of " + cells
        + " cells with m ≥ n1 have a destructive region in every network", destructive == cells ? "yes" : "no"));
    return out;
  }

  private static List<List<String>> mean(List<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Row>> e : Cols.group(rows, r -> i(r, "n1")).entrySet()) {
      List<double[]> p = Cols.points(e.getValue(), "init_mu", "min_rank_mean");
      boolean falls = true;
      for (int k = 1; k < p.size(); k++) {
        boolean right = p.get(k)[0] > 0 && p.get(k - 1)[0] >= 0;
        boolean left = p.get(k)[0] <= 0;
        falls &= right ? p.get(k)[1] <= p.get(k - 1)[1] : !left || p.get(k)[1] >= p.get(k - 1)[1];
      }
      double at0 = p.stream().filter(q -> q[0] == 0).mapToDouble(q -> q[1]).findFirst().orElse(Double.NaN);
      out.add(List.of("n1 = " + e.getKey() + ": falls as |μ| grows",
          String.format(Locale.ROOT, "%.2f at μ = 0; %.2f at μ = %s; %.2f at μ = %s", at0, p.get(0)[1],
              num(p.get(0)[0]), p.get(p.size() - 1)[1], num(p.get(p.size() - 1)[0])),
          falls ? "yes (non-increasing in |μ| on both sides)" : "not monotone"));
    }
    return out;
  }

  private static List<List<String>> bound(List<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Row>> e : Cols.group(rows, r -> i(r, "m")).entrySet()) {
      long above = 0;
      long settings = 0;
      long boundMismatch = 0;
      for (Row r : e.getValue()) {
        settings++;
        above += Cols.isNull(r, "networks_above_bound") ? 0 : l(r, "networks_above_bound");
        int b = PaperValues.rankSelectionBound(i(r, "init_k"), i(r, "n1"), i(r, "m"));
        boundMismatch += Cols.isNull(r, "rank_bound") || i(r, "rank_bound") != b ? 1 : 0;
      }
      List<double[]> p = Cols.points(e.getValue(), "init_k", "min_rank_mean");
      StringBuilder sample = new StringBuilder();
      for (double[] q : p) {
        int k = (int) q[0];
        if (k % 10 == 0) {
          sample.append(sample.length() == 0 ? "" : ", ").append(k).append(": ")
              .append(String.format(Locale.ROOT, "%.2f", q[1]));
        }
      }
      out.add(List.of("m = " + e.getKey() + ": min rank ≤ min{k, n1 − k, m}",
          above + " networks above the bound in " + settings + " settings; table bound = paper's formula in "
              + (settings - boundMismatch) + " of " + settings + "; mean min rank at k = " + sample,
          above == 0 && boundMismatch == 0 ? "yes" : "no"));
    }
    return out;
  }

  private static List<List<String>> dale(List<Row> rows) {
    List<double[]> destructiveOnly = new ArrayList<>();
    List<double[]> mixed = new ArrayList<>();
    List<double[]> preservingOnly = new ArrayList<>();
    for (Row r : rows) {
      double k = d(r, "init_k");
      if (l(r, "networks_destructive") == 0) {
        preservingOnly.add(new double[] {k});
      } else if (l(r, "networks_preserving") == 0) {
        destructiveOnly.add(new double[] {k});
      } else {
        mixed.add(new double[] {k});
      }
    }
    boolean ordered = max(destructiveOnly) < min(mixed) && max(mixed) < min(preservingOnly);
    return List.of(
        List.of("strongly inhibitory: only destructive regions", "k = " + range(destructiveOnly), "—"),
        List.of("balanced: both destructive and preserving regions", "k = " + range(mixed), "—"),
        List.of("strongly excitatory: no destructive region", "k = " + range(preservingOnly), "—"),
        List.of("three regimes in this order along k (k = excitatory inputs)", ordered
            ? "contiguous and ordered inhibitory → balanced → excitatory as k grows" : "not three ordered ranges",
            ordered ? "yes" : "no"));
  }

  private static String ns(List<double[]> p) {
    StringBuilder sb = new StringBuilder();
    for (double[] q : p) {
      sb.append(sb.length() == 0 ? "" : "/").append((int) q[0]);
    }
    return sb.toString();
  }

  private static String num(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static double max(List<double[]> v) {
    return v.stream().mapToDouble(q -> q[0]).max().orElse(Double.NEGATIVE_INFINITY);
  }

  private static double min(List<double[]> v) {
    return v.stream().mapToDouble(q -> q[0]).min().orElse(Double.POSITIVE_INFINITY);
  }

  private static String range(List<double[]> v) {
    return v.isEmpty() ? "none" : num(min(v)) + "…" + num(max(v)) + " (" + v.size() + " values)";
  }
}
