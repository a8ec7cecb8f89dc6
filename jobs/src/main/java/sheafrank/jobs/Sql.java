package sheafrank.jobs;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.SparkMaster;

/**
 * {@code sql "QUERY" [--out DIR] [--rows N] [--master URL]}: every table folder under DIR becomes a
 * view of the same name. A folder that holds no Parquet files is not a table and is skipped with a
 * note; a query that does not parse or names an unknown table or column is bad input (exit 2).
 */
final class Sql {
  private Sql() {}

  static final int MAX_ROWS_SHOWN = 1_000_000;

  static int run(String[] args, PrintStream out, PrintStream err) {
    String query = null;
    String dir = "out";
    String master = null;
    int rows = 50;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> dir = Main.value(args, ++i, "--out");
        case "--master" -> master = Main.value(args, ++i, "--master");
        case "--rows" -> rows = rowCount(Main.value(args, ++i, "--rows"));
        default -> {
          if (args[i].startsWith("--")) {
            throw new ConfigException("sql: unknown option '" + args[i] + "' (expected --out, --rows, --master)");
          }
          if (query != null) {
            throw new ConfigException("sql takes one query (quote it)");
          }
          query = args[i];
        }
      }
    }
    if (query == null || query.isBlank()) {
      throw new ConfigException("usage: sql \"QUERY\" [--out DIR] [--rows N] [--master URL]");
    }
    File root = new File(dir);
    File[] folders = root.listFiles(f -> f.isDirectory() && !f.getName().startsWith("_") && !f.getName().startsWith("."));
    if (folders == null) {
      throw new ConfigException("output folder " + dir + " does not exist or is not a folder");
    }
    Arrays.sort(folders);
    List<File> tables = new ArrayList<>();
    for (File f : folders) {
      if (!f.getName().matches("[A-Za-z][A-Za-z0-9_]*")) {
        err.println("note: skipping folder " + f + ": not a table name");
      } else if (!holdsParquet(f)) {
        err.println("note: skipping folder " + f + ": no Parquet files, not a table");
      } else {
        tables.add(f);
      }
    }
    if (tables.isEmpty()) {
      throw new ConfigException("output folder " + dir + " holds no tables");
    }
    SparkMaster.check(master);
    SparkSession spark = Sessions.start(master, "sql");
    try {
      List<String> names = new ArrayList<>();
      for (File t : tables) {
        try {
          spark.read().parquet(t.getPath()).createOrReplaceTempView(t.getName());
          names.add(t.getName());
        } catch (RuntimeException e) {
          err.println("note: skipping folder " + t + ": cannot read it as a table (" + Sessions.rootMessage(e) + ")");
        }
      }
      Dataset<Row> result;
      try {
        result = spark.sql(query);
      } catch (Exception e) { // Spark's AnalysisException and ParseException (checked for Java, not declared)
        if (!(e instanceof AnalysisException)) {
          throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        throw new ConfigException("sql: " + firstLines(e.getMessage(), 6) + "\n  tables: " + String.join(", ", names));
      }
      if (result instanceof org.apache.spark.sql.classic.Dataset<Row> classic) {
        out.print(classic.showString(rows, 0, false)); // Dataset.show's text, to this command's stream
      } else {
        result.show(rows, false);
      }
      return Main.EXIT_OK;
    } finally {
      if (!Sessions.isSubmitted()) {
        spark.stop();
      }
    }
  }

  private static int rowCount(String s) {
    try {
      int n = Integer.parseInt(s.trim());
      if (n >= 1 && n <= MAX_ROWS_SHOWN) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException("sql: --rows must be an integer from 1 to " + MAX_ROWS_SHOWN + ", got '" + s + "'");
  }

  /** Whether a folder holds a Parquet file at any depth (a table's files sit under run_id=... folders). */
  static boolean holdsParquet(File dir) {
    try (Stream<java.nio.file.Path> s = Files.walk(dir.toPath(), 4)) {
      return s.anyMatch(p -> p.getFileName().toString().endsWith(".parquet") && Files.isRegularFile(p));
    } catch (IOException | java.io.UncheckedIOException e) {
      return false;
    }
  }

  private static String firstLines(String m, int n) {
    String[] lines = (m == null ? "" : m.strip()).split("\n");
    return String.join("\n", Arrays.asList(lines).subList(0, Math.min(n, lines.length)));
  }
}
