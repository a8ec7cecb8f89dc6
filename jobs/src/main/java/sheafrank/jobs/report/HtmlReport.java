package sheafrank.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report page: one static {@code index.html} with the figures beside it in {@code figures/}
 * (PNG shown, SVG linked); no server, no external resource. Every image marks itself
 * {@code data-loaded="1"} or {@code data-failed="1"} once the browser has it, so a headless
 * browser's DOM dump shows whether all of them loaded.
 */
final class HtmlReport {
  private HtmlReport() {}

  static final String CSS = "body{font-family:'DejaVu Sans',sans-serif;margin:1.5em auto;max-width:1500px;"
      + "color:#222;line-height:1.4}h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}"
      + "table{border-collapse:collapse;margin:.6em 0;font-size:.85em}td,th{border:1px solid #ccc;padding:3px 7px;"
      + "vertical-align:top}th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}"
      + ".missing{color:#a33}.ok{color:#262}figure{margin:1.2em 0;border:1px solid #e5e5e5;padding:.6em}"
      + "figure img{max-width:100%;height:auto}figcaption{font-size:.9em;max-width:1000px}"
      + "pre{background:#f7f7f7;padding:.5em;font-size:.8em;overflow-x:auto}.note{font-size:.85em;color:#444}";

  record Page(String input, String reportVersion, List<RunInfo> runs, Map<String, List<String[]>> tableCounts,
      List<Figures.Drawn> drawn, List<Figures.Missing> missing, List<Comparisons.Table> comparisons,
      List<String[]> missingComparisons) {}

  static String render(Page p) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>sheafrank report</title>")
        .append("<style>").append(CSS).append("</style></head><body>\n");
    h.append("<h1>sheafrank report</h1>\n<p>Tables of <code>").append(esc(p.input())).append("</code>: ")
        .append(p.runs().size()).append(" runs, ").append(p.drawn().size()).append(" figures drawn, ")
        .append(p.missing().size()).append(" missing. Report built by sheafrank ").append(esc(p.reportVersion()))
        .append(". Papers: seed 001 (neural sheaf), 002 (textbook chapter), 003 (rank decomposition).</p>\n");
    h.append("<p><a href=\"#figures\">Figures</a> · <a href=\"#comparisons\">Comparison with the papers</a> · ")
        .append("<a href=\"#experiments\">Experiments</a></p>\n");
    index(h, p);
    comparisons(h, p);
    h.append("<h2 id=\"figures\">Figures</h2>\n");
    for (Figures.Drawn d : p.drawn()) {
      String id = d.figure().id();
      h.append("<figure id=\"").append(esc(id)).append("\"><img src=\"figures/").append(esc(id)).append(".png\" alt=\"")
          .append(esc(d.spec().label() + ": " + d.figure().title()))
          .append("\" onload=\"this.dataset.loaded='1'\" onerror=\"this.dataset.failed='1'\">")
          .append("<figcaption><b>").append(esc(d.spec().label())).append(" (seed ").append(d.spec().paper())
          .append(").</b> ").append(esc(d.figure().caption())).append(" Runs: ");
      for (String r : d.figure().runIds()) {
        h.append("<a href=\"#run-").append(esc(r)).append("\">").append(esc(r)).append("</a> ");
      }
      h.append("· <a href=\"figures/").append(esc(id)).append(".svg\">SVG</a></figcaption></figure>\n");
    }
    experiments(h, p);
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void index(StringBuilder h, Page p) {
    h.append("<table><tr><th>figure</th><th>seed</th><th>shows</th><th>from</th><th>status</th></tr>\n");
    for (FigureSpec s : Figures.ALL) {
      List<Figures.Drawn> ds = p.drawn().stream().filter(d -> d.spec() == s).toList();
      h.append("<tr><td>").append(esc(s.label())).append("</td><td>").append(s.paper()).append("</td><td>")
          .append(esc(s.title())).append("</td><td><code>").append(esc(s.config())).append("</code></td><td>");
      for (Figures.Drawn d : ds) {
        h.append("<a class=\"ok\" href=\"#").append(esc(d.figure().id())).append("\">drawn</a> ");
      }
      for (Figures.Missing m : p.missing()) {
        if (m.spec() == s) {
          h.append("<span class=\"missing\">missing: ").append(esc(m.reason())).append(" — run <code>")
              .append(esc(s.config())).append("</code></span> ");
        }
      }
      h.append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void comparisons(StringBuilder h, Page p) {
    h.append("<h2 id=\"comparisons\">Comparison with the papers' printed numbers</h2>\n");
    for (Comparisons.Table t : p.comparisons()) {
      h.append("<h3>").append(esc(t.title())).append("</h3>\n<p class=\"note\">Printed in ").append(esc(t.source()))
          .append("; ours from run <a href=\"#run-").append(esc(t.runId())).append("\">").append(esc(t.runId()))
          .append("</a>.</p>\n<table><tr>");
      for (String c : t.header()) {
        h.append("<th>").append(esc(c)).append("</th>");
      }
      h.append("</tr>\n");
      for (List<String> row : t.rows()) {
        h.append("<tr>");
        for (String c : row) {
          boolean num = c.matches("[-+0-9.,×% ±\\[\\]]+");
          h.append(num ? "<td class=\"num\">" : "<td>").append(esc(c)).append("</td>");
        }
        h.append("</tr>\n");
      }
      h.append("</table>\n");
      if (!t.notes().isEmpty()) {
        h.append("<ol class=\"note\">");
        for (String n : t.notes()) {
          h.append("<li>").append(esc(n)).append("</li>");
        }
        h.append("</ol>\n");
      }
    }
    for (String[] m : p.missingComparisons()) {
      h.append("<p class=\"missing\">").append(esc(m[0])).append(": missing (").append(esc(m[1]))
          .append(") — run <code>").append(esc(m[2])).append("</code></p>\n");
    }
  }

  private static void experiments(StringBuilder h, Page p) {
    h.append("<h2 id=\"experiments\">Experiments</h2>\n");
    Map<String, List<String>> figs = new TreeMap<>();
    for (Figures.Drawn d : p.drawn()) {
      for (String r : d.figure().runIds()) {
        figs.computeIfAbsent(r, k -> new ArrayList<>()).add(d.figure().id());
      }
    }
    for (RunInfo r : p.runs()) {
      h.append("<h3 id=\"run-").append(esc(r.runId())).append("\">").append(esc(r.experiment())).append(" — <code>")
          .append(esc(r.runId())).append("</code></h3>\n<table>");
      row(h, "job", r.job());
      row(h, "status", r.status() + (r.failedUnits() > 0 ? " (" + r.failedUnits() + " failed units)" : "")
          + (r.message().isEmpty() ? "" : ": " + r.message()));
      row(h, "code version", r.codeVersion());
      row(h, "started / ended", r.startTime() + " / " + r.endTime());
      row(h, "Spark, Java, BLAS/LAPACK, master", r.sparkVersion() + ", " + r.javaVersion() + ", " + r.blas() + ", "
          + r.master());
      StringBuilder tb = new StringBuilder();
      for (String[] c : p.tableCounts().getOrDefault(r.runId(), List.of())) {
        tb.append(tb.length() == 0 ? "" : ", ").append(c[0]).append(" (").append(c[1]).append(" rows)");
      }
      row(h, "tables", tb.toString());
      h.append("<tr><th>figures</th><td>");
      for (String f : figs.getOrDefault(r.runId(), List.of())) {
        h.append("<a href=\"#").append(esc(f)).append("\">").append(esc(f)).append("</a> ");
      }
      h.append("</td></tr></table>\n<details><summary>run config</summary><pre>").append(esc(r.config()))
          .append("</pre></details>\n");
    }
  }

  private static void row(StringBuilder h, String k, String v) {
    h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
  }

  static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
