package sheafrank.jobs.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import sheafrank.jobs.RunRecord;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;
import sheafrank.jobs.report.chart.Renderer;

/**
 * The report: reads an output folder (local, or copied back from a cluster), draws every figure of
 * the papers its tables support (PNG and SVG), puts the numeric results beside the papers' printed
 * numbers, and writes one static HTML folder. Data flow: scan the folder (no Spark) → read each
 * needed table once (Spark) → figure data → charts → index.html, written to a temporary sibling
 * folder and moved into place at the end (no half-written report).
 */
public final class ReportJob implements Job {
  @Override
  public String name() {
    return "report";
  }

  @Override
  public String description() {
    return "Draws every figure of the papers that the tables of an output folder support (PNG and SVG) and writes "
        + "an HTML report with each run's config and code version and the results beside the papers' printed "
        + "numbers. Figures whose tables are absent are listed as missing with the config that produces them.";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.of("input", Type.STRING, "out", "the output folder whose tables are reported (a local path)"),
        Param.of("report.dir", Type.STRING, "report", "folder of the HTML report (replaced as a whole)"));
  }

  @Override
  public List<String> tables() {
    return List.of("(no data tables: writes REPORT.DIR/index.html and REPORT.DIR/figures/<id>.png|svg)");
  }

  @Override
  public void validate(Spec spec) {
    Path in = Paths.get(spec.getString("input")).toAbsolutePath().normalize();
    OutputFolder.scan(in);
    Path out = Paths.get(spec.getString("report.dir")).toAbsolutePath().normalize();
    if (out.equals(in) || in.startsWith(out)) {
      throw new ConfigException("config key 'report.dir': " + out + " would replace the input folder " + in);
    }
    if (in.equals(out.getParent()) && !out.getFileName().toString().startsWith("_")) {
      throw new ConfigException("config key 'report.dir': " + out + " is inside the input folder, where it would "
          + "be taken for a table; name it _" + out.getFileName() + " or put it elsewhere");
    }
    try {
      Files.createDirectories(out.getParent());
      Files.delete(Files.createTempFile(out.getParent(), ".write-check", ""));
    } catch (IOException | SecurityException e) {
      throw new ConfigException("config key 'report.dir': cannot write in " + out.getParent() + ": " + e.getMessage());
    }
  }

  @Override
  public long run(JobContext ctx, Spec spec) {
    long start = System.nanoTime();
    OutputFolder folder = OutputFolder.scan(Paths.get(spec.getString("input")).toAbsolutePath().normalize());
    Tables tables = new Tables(ctx.spark(), folder);
    List<Figures.Drawn> drawn = new ArrayList<>();
    List<Figures.Missing> missing = new ArrayList<>();
    Figures.drawAll(tables, drawn, missing);
    List<String[]> missingComparisons = new ArrayList<>();
    List<Comparisons.Table> comparisons = Comparisons.all(tables, missingComparisons);
    long read = System.nanoTime();
    Path target = Paths.get(spec.getString("report.dir")).toAbsolutePath().normalize();
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + System.nanoTime());
    try {
      Files.createDirectories(tmp.resolve("figures"));
      Path figures = tmp.resolve("figures");
      drawn.parallelStream().forEach(d -> { // independent charts: one per core
        try {
          Renderer.write(d.figure(), figures);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      HtmlReport.Page page = new HtmlReport.Page(folder.dir().toString(), RunRecord.codeVersion(), tables.runs(),
          counts(folder, tables.runs()), drawn, missing, comparisons, missingComparisons);
      Files.writeString(tmp.resolve("index.html"), HtmlReport.render(page), StandardCharsets.UTF_8);
      replace(tmp, target);
    } catch (IOException | UncheckedIOException e) {
      deleteTree(tmp);
      throw new IllegalStateException("writing the report to " + target + " failed: " + e.getMessage(), e);
    }
    System.out.printf("report: %d runs, %d figures drawn, %d missing, %d comparisons; tables read and figure data "
        + "built in %.1f s, charts and HTML written in %.1f s%n  %s%n", tables.runs().size(), drawn.size(),
        missing.size(), comparisons.size(), (read - start) / 1e9, (System.nanoTime() - read) / 1e9,
        target.resolve("index.html"));
    for (Figures.Missing m : missing) {
      System.out.println("  missing " + m.spec().label() + ": " + m.reason() + " (config " + m.spec().config() + ")");
    }
    return 0;
  }

  private static Map<String, List<String[]>> counts(OutputFolder folder, List<RunInfo> runs) {
    Map<String, List<String[]>> m = new LinkedHashMap<>();
    for (RunInfo r : runs) {
      List<String[]> c = new ArrayList<>();
      for (String t : r.tables()) {
        c.add(new String[] {t, String.valueOf(folder.rowCount(t, r.runId()))});
      }
      m.put(r.runId(), c);
    }
    return m;
  }

  /** Moves the finished report into place, replacing a previous one. */
  private static void replace(Path tmp, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
      Files.move(target, old);
    }
    Files.move(tmp, target);
    if (old != null) {
      deleteTree(old);
    }
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      // best effort: a leftover hidden temporary folder next to the report
    }
  }
}
