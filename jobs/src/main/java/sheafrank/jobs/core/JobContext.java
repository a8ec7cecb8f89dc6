package sheafrank.jobs.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * What a running job sees: the Spark session, its run id, and table output with all-or-nothing
 * semantics. Tables are written under a staging folder ({@link Staging}: the folders of runs that
 * ended without cleaning up are removed when a run starts); {@link #commit()} moves each one to
 * {@code OUT/<table>/run_id=<run id>/}, replacing that run's previous rows (the same config gives the
 * same run id), so readers of {@code OUT/<table>} never see a half-written run. The output folder
 * itself is created here, once Spark is up: a run that stops earlier leaves nothing behind.
 */
public final class JobContext {
  private final SparkSession spark;
  private final String outDir;
  private final String runId;
  private final Path staging;
  private final Staging stagingFolder;
  private final List<String> removedStale = new ArrayList<>();
  private final FileSystem fs;
  private final List<String> written = new ArrayList<>();
  private final int partitions;

  public JobContext(SparkSession spark, String outDir, String runId, int partitions) {
    this.spark = spark;
    this.outDir = outDir;
    this.runId = runId;
    this.partitions = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      Path out = new Path(outDir);
      this.fs = out.getFileSystem(conf);
      this.stagingFolder = Staging.open(fs, out, runId, removedStale);
      this.staging = stagingFolder.dir();
    } catch (IOException e) {
      throw new IllegalStateException("cannot open output folder " + outDir + ": " + e.getMessage(), e);
    }
  }

  /** Staging folders of ended runs that this run removed when it started. */
  public List<String> removedStaleStaging() {
    return List.copyOf(removedStale);
  }

  public SparkSession spark() {
    return spark;
  }

  public String runId() {
    return runId;
  }

  /** Number of partitions for work units. */
  public int partitions() {
    return partitions;
  }

  /** Partitions for {@code units} work units: {@link #partitions()}, but no more than the units. */
  public int partitionsFor(long units) {
    return (int) Math.max(1, Math.min(partitions, units));
  }

  /** Writes a table to staging (Parquet). Table names are snake_case folder names. */
  public void write(String table, Dataset<Row> rows) {
    if (!table.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("table name must be snake_case: " + table);
    }
    if (written.contains(table)) {
      throw new IllegalStateException("table " + table + " written twice in one run");
    }
    rows.write().mode(SaveMode.ErrorIfExists).parquet(new Path(staging, table).toString());
    written.add(table);
  }

  /** Reads back a table written in this run (before commit), e.g. to count failures. */
  public Dataset<Row> readStaged(String table) {
    if (!written.contains(table)) {
      throw new IllegalStateException("table " + table + " has not been written in this run");
    }
    return spark.read().parquet(new Path(staging, table).toString());
  }

  /**
   * A folder under this run's staging area for intermediate data (for example the results of
   * expensive work units, written once and read back for several tables). It is never committed
   * as a table and is deleted with the staging area.
   */
  public String scratch(String name) {
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("scratch name must be snake_case: " + name);
    }
    return new Path(staging, "_scratch/" + name).toString();
  }

  /**
   * Moves every staged table into place, replacing this run id's previous rows, and deletes the
   * staging folder (the run's last step).
   */
  public List<String> commit() {
    try {
      for (String t : written) {
        Path target = new Path(new Path(outDir, t), "run_id=" + runId);
        if (fs.exists(target) && !fs.delete(target, true)) {
          throw new IOException("cannot replace " + target);
        }
        fs.mkdirs(target.getParent());
        if (!fs.rename(new Path(staging, t), target)) {
          throw new IOException("cannot move " + new Path(staging, t) + " to " + target);
        }
      }
      List<String> done = List.copyOf(written);
      written.clear();
      close();
      return done;
    } catch (IOException e) {
      throw new IllegalStateException("committing tables failed: " + e.getMessage(), e);
    }
  }

  /** Drops everything staged (and forgets the staged tables); the context can still write and commit. */
  public void abort() {
    try {
      for (String t : written) {
        fs.delete(new Path(staging, t), true);
      }
      fs.delete(new Path(staging, "_scratch"), true);
    } catch (IOException e) {
      // best effort: the staging folder is deleted by close()
    }
    written.clear();
  }

  /** Deletes this run's staging folder; called once the run is over, committed or not. */
  public void close() {
    stagingFolder.close();
  }
}
