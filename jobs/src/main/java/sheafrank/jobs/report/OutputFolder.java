package sheafrank.jobs.report;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import sheafrank.jobs.core.ConfigException;

/**
 * The tables of an output folder, found on disk without Spark: {@code DIR/<table>/run_id=<id>/}
 * with Parquet files in it. Folders starting with '_' or '.' (staging, reports) are not tables.
 */
public final class OutputFolder {
  private final Path dir;
  private final Map<String, TreeSet<String>> runsByTable = new TreeMap<>();

  private OutputFolder(Path dir) {
    this.dir = dir;
  }

  /** Scans {@code dir}; exit-2 error naming the folder when it does not exist or holds no table. */
  public static OutputFolder scan(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ConfigException("config key 'input': output folder " + dir + " does not exist or is not a folder");
    }
    OutputFolder f = new OutputFolder(dir);
    File[] tables = dir.toFile().listFiles(File::isDirectory);
    for (File t : tables == null ? new File[0] : tables) {
      if (t.getName().startsWith("_") || t.getName().startsWith(".")) {
        continue;
      }
      File[] runs = t.listFiles(r -> r.isDirectory() && r.getName().startsWith("run_id="));
      for (File r : runs == null ? new File[0] : runs) {
        if (!parquetFiles(r.toPath()).isEmpty()) {
          f.runsByTable.computeIfAbsent(t.getName(), k -> new TreeSet<>()).add(r.getName().substring(7));
        }
      }
    }
    if (f.runsByTable.isEmpty()) {
      throw new ConfigException("config key 'input': output folder " + dir
          + " holds no tables (expected <table>/run_id=<run id>/*.parquet folders written by sheafrank run)");
    }
    return f;
  }

  public Path dir() {
    return dir;
  }

  public List<String> tables() {
    return List.copyOf(runsByTable.keySet());
  }

  /** Every run id that has at least one table, sorted. */
  public List<String> runIds() {
    TreeSet<String> all = new TreeSet<>();
    runsByTable.values().forEach(all::addAll);
    return List.copyOf(all);
  }

  public boolean has(String table, String runId) {
    return runsByTable.getOrDefault(table, new TreeSet<>()).contains(runId);
  }

  /** The tables a run wrote, sorted. */
  public List<String> tablesOf(String runId) {
    List<String> t = new ArrayList<>();
    runsByTable.forEach((name, runs) -> {
      if (runs.contains(runId)) {
        t.add(name);
      }
    });
    return t;
  }

  public Path runFolder(String table, String runId) {
    return dir.resolve(table).resolve("run_id=" + runId);
  }

  /** Rows of one run's table, from the Parquet footers (no data is read). */
  public long rowCount(String table, String runId) {
    long n = 0;
    Configuration conf = new Configuration();
    for (Path p : parquetFiles(runFolder(table, runId))) {
      try (ParquetFileReader r = ParquetFileReader.open(
          HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(p.toUri()), conf))) {
        n += r.getRecordCount();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the Parquet footer of " + p + ": " + e.getMessage(), e);
      }
    }
    return n;
  }

  private static List<Path> parquetFiles(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
