package sheafrank.jobs.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The report's view of an output folder: the runs found and each run's tables, read through Spark
 * once and kept (every table a figure draws is small: traces, sweeps' summaries, per-input
 * diagnostics; the large per-sample tables are only counted, from their footers).
 */
public final class Tables {
  private final SparkSession spark;
  private final OutputFolder folder;
  private final Map<String, List<Row>> cache = new HashMap<>();
  private final List<RunInfo> runs;

  public Tables(SparkSession spark, OutputFolder folder) {
    this.spark = spark;
    this.folder = folder;
    this.runs = readRuns();
  }

  public OutputFolder folder() {
    return folder;
  }

  /** Every run with tables (report runs excluded), by experiment then start time. */
  public List<RunInfo> runs() {
    return runs;
  }

  /** The usable runs of an experiment, oldest first. */
  public List<RunInfo> runsOf(String experiment) {
    return runs.stream().filter(r -> r.experiment().equals(experiment) && r.usable()).toList();
  }

  public boolean has(String table, RunInfo run) {
    return folder.has(table, run.runId());
  }

  /** Every row of one run's table (all columns, run_id excluded). */
  public List<Row> rows(String table, RunInfo run) {
    String key = table + "/" + run.runId();
    List<Row> r = cache.get(key);
    if (r == null) {
      if (!folder.has(table, run.runId())) {
        throw new IllegalStateException("run " + run.runId() + " has no table " + table);
      }
      r = spark.read().parquet(folder.runFolder(table, run.runId()).toString()).collectAsList();
      cache.put(key, r);
    }
    return r;
  }

  private List<RunInfo> readRuns() {
    Map<String, RunInfo> byId = new HashMap<>();
    if (folder.tables().contains("runs")) {
      for (Row row : spark.read().parquet(folder.dir().resolve("runs").toString()).collectAsList()) {
        String id = Cols.s(row, "run_id");
        byId.put(id, new RunInfo(id, Cols.s(row, "job"), Cols.s(row, "experiment"), Cols.s(row, "config"),
            Cols.s(row, "code_version"), Cols.s(row, "spark_version"), Cols.s(row, "java_version"),
            Cols.s(row, "blas") + " / " + Cols.s(row, "lapack"), Cols.s(row, "master"), Cols.s(row, "start_time"),
            Cols.s(row, "end_time"), Cols.s(row, "status"), Cols.l(row, "failed_units"), Cols.s(row, "message"),
            without(folder.tablesOf(id), "runs")));
      }
    }
    List<RunInfo> all = new ArrayList<>();
    for (String id : folder.runIds()) {
      RunInfo r = byId.getOrDefault(id, RunInfo.fromFolders(id, folder.tablesOf(id)));
      if (!r.job().equals("report")) {
        all.add(r);
      }
    }
    all.sort(Comparator.comparing(RunInfo::experiment).thenComparing(RunInfo::startTime)
        .thenComparing(RunInfo::runId));
    return List.copyOf(all);
  }

  private static List<String> without(List<String> l, String x) {
    List<String> r = new ArrayList<>(l);
    r.remove(x);
    return r;
  }
}
