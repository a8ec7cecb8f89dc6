package sheafrank.jobs;

import java.io.File;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;
import sheafrank.jobs.core.ConfigException;

/** {@code sql "QUERY" [--out DIR]}: every table folder under DIR becomes a view of the same name. */
final class Sql {
  private Sql() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    String query = null;
    String dir = "out";
    String master = null;
    int rows = 50;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> dir = next(args, ++i, "--out");
        case "--master" -> master = next(args, ++i, "--master");
        case "--rows" -> rows = Integer.parseInt(next(args, ++i, "--rows"));
        default -> {
          if (query != null) {
            throw new ConfigException("sql takes one query (quote it)");
          }
          query = args[i];
        }
      }
    }
    if (query == null) {
      throw new ConfigException("usage: sql QUERY [--out DIR] [--rows N]");
    }
    File[] tables = new File(dir).listFiles(f -> f.isDirectory() && !f.getName().startsWith("_"));
    if (tables == null) {
      throw new ConfigException("output folder " + dir + " does not exist");
    }
    SparkSession spark = Main.session(master, "sql");
    try {
      for (File t : tables) {
        spark.read().parquet(t.getPath()).createOrReplaceTempView(t.getName());
      }
      spark.sql(query).show(rows, false);
    } finally {
      spark.stop();
    }
    return Main.EXIT_OK;
  }

  private static String next(String[] args, int i, String opt) {
    if (i >= args.length) {
      throw new ConfigException(opt + " needs a value");
    }
    return args[i];
  }
}
