package sheafrank.jobs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Runs the launcher in-process and reads tables back. */
public final class JobTestSupport {
  private JobTestSupport() {}

  /** The repository's conf/ folder (tests run in jobs/). */
  public static Path conf(String name) {
    return Paths.get("..", "conf", name);
  }

  public record Result(int code, String out, String err) {}

  public static Result launch(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8));
    return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  /** All rows of OUT/table (every run), as sorted strings without the run_id partition column. */
  public static List<String> rows(Path out, String table) {
    return rows(out, table, List.of());
  }

  /** The same without some columns (e.g. timing columns, which differ between runs). */
  public static List<String> rows(Path out, String table, List<String> without) {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("read")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    var df = spark.read().parquet(out.resolve(table).toString()).drop("run_id");
    for (String c : without) {
      df = df.drop(c);
    }
    List<Row> rows = df.collectAsList();
    List<String> s = new ArrayList<>();
    for (Row r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        sb.append(v instanceof scala.collection.Seq<?> q ? q.mkString("[", ",", "]") : String.valueOf(v)).append('|');
      }
      s.add(sb.toString());
    }
    s.sort(null);
    return s;
  }

  /**
   * Makes in-process launches share one local Spark session instead of starting and stopping one
   * per launch (Main keeps the session when spark.master is a system property, as under
   * spark-submit). Saves the session start-up per launch; call {@link #endSharedSession()} after.
   */
  public static void shareSession(String master) {
    System.setProperty("spark.master", master);
  }

  /** Stops the shared session and restores the default (one session per launch). */
  public static void endSharedSession() {
    System.clearProperty("spark.master");
    if (SparkSession.getActiveSession().isDefined()) {
      SparkSession.getActiveSession().get().stop();
    }
    if (SparkSession.getDefaultSession().isDefined()) {
      SparkSession.getDefaultSession().get().stop();
    }
  }

  /**
   * Bad input: each case is {@code {setting, 'key', more settings...}} (entries with '=' are --set
   * overrides); every case must exit 2 with the quoted key in its message and leave {@code out}
   * empty.
   */
  public static void assertRejected(java.util.function.Function<String[], Result> run, Path out, String[][] cases)
      throws java.io.IOException {
    for (String[] c : cases) {
      String[] sets = java.util.stream.Stream.of(c).filter(x -> x.contains("="))
          .flatMap(x -> java.util.stream.Stream.of("--set", x)).toArray(String[]::new);
      Result r = run.apply(sets);
      org.junit.jupiter.api.Assertions.assertEquals(Main.EXIT_BAD_INPUT, r.code(),
          String.join(" ", c) + ": " + r.err() + r.out());
      org.junit.jupiter.api.Assertions.assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.exists(out) ? java.nio.file.Files.list(out)
          : java.util.stream.Stream.empty()) {
        org.junit.jupiter.api.Assertions.assertFalse(files.findAny().isPresent(), "no output: " + c[0]);
      }
    }
  }

  /** Writes {@code text} to {@code dir/name}. */
  public static Path write(Path dir, String name, String text) throws java.io.IOException {
    Path p = dir.resolve(name);
    java.nio.file.Files.writeString(p, text);
    return p;
  }

  /** All rows of OUT/table (every run), as Spark rows. */
  public static List<Row> table(Path out, String table) {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("read")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    return spark.read().parquet(out.resolve(table).toString()).collectAsList();
  }

  public static String[] concat(String[] a, String... b) {
    String[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
