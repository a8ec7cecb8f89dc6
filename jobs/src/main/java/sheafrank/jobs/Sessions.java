package sheafrank.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark session of a command: embedded local Spark, the --master given, or spark-submit's. */
final class Sessions {
  private Sessions() {}

  /** True when started by spark-submit (it sets spark.master for the driver). */
  static boolean isSubmitted() {
    return System.getProperty("spark.master") != null;
  }

  static SparkSession start(String master, String appName) {
    // An explicit --master wins over a session left open in this JVM (in-process use, tests).
    scala.Option<SparkSession> existing = SparkSession.getDefaultSession();
    if (master != null && existing.isDefined()
        && !existing.get().sparkContext().master().equals(master)) {
      existing.get().stop();
    }
    SparkConf conf = new SparkConf().setAppName("sheafrank " + appName);
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    conf.setIfMissing("spark.ui.showConsoleProgress", "true");
    conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    conf.setIfMissing("spark.sql.parquet.compression.codec", "snappy");
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** The innermost cause of an exception (Spark wraps task failures several times). */
  static Throwable root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** The root cause as one line: its class and message (Spark's messages can span many lines). */
  static String rootMessage(Throwable e) {
    Throwable r = root(e);
    String m = r.getMessage() == null ? "" : r.getMessage().strip();
    int nl = m.indexOf('\n');
    return r.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + (nl < 0 ? m : m.substring(0, nl) + " ..."));
  }
}
