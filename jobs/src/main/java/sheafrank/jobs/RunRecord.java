package sheafrank.jobs;

import java.io.PrintStream;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Spec;
import sheafrank.linalg.Dense;

/**
 * One run's outcome and its row of the {@code runs} table: the full config, code, Spark and Java
 * versions, the LAPACK that results came from, the master, start and end time, status
 * ({@code succeeded}, {@code completed_with_failures}, {@code failed}) and failed unit count.
 */
public record RunRecord(Job job, Spec spec, String status, long failed, String message, int exitCode) {

  /** The runs table; its run_id column comes from the run_id=... folder like every table's. */
  static final StructType SCHEMA = new StructType()
      .add("job", DataTypes.StringType, false)
      .add("experiment", DataTypes.StringType, false)
      .add("config", DataTypes.StringType, false)
      .add("code_version", DataTypes.StringType, false)
      .add("spark_version", DataTypes.StringType, false)
      .add("java_version", DataTypes.StringType, false)
      .add("blas", DataTypes.StringType, false)
      .add("lapack", DataTypes.StringType, false)
      .add("master", DataTypes.StringType, false)
      .add("start_time", DataTypes.TimestampType, false)
      .add("end_time", DataTypes.TimestampType, false)
      .add("status", DataTypes.StringType, false)
      .add("failed_units", DataTypes.LongType, false)
      .add("message", DataTypes.StringType, false);

  static final String COLUMNS = "runs: run_id, " + String.join(", ", SCHEMA.fieldNames());

  /**
   * Runs the job. A crash (an exception: a bug, or Spark giving up on a task) drops the staged
   * tables and is reported on {@code err} by its root cause with a short stack; the record says
   * {@code failed}, so the runs table never claims success for tables that were not committed.
   */
  static RunRecord run(Job job, Spec spec, JobContext ctx, PrintStream err) {
    try {
      long failed = job.run(ctx, spec);
      return new RunRecord(job, spec, failed == 0 ? "succeeded" : "completed_with_failures", failed, "",
          failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILED_UNITS);
    } catch (Exception e) { // Spark rethrows task failures as checked exceptions
      ctx.abort();
      Throwable root = Sessions.root(e);
      err.println("error: job " + job.name() + " failed: " + Sessions.rootMessage(e));
      StackTraceElement[] st = root.getStackTrace();
      for (int i = 0; i < Math.min(st.length, 12); i++) {
        err.println("\tat " + st[i]);
      }
      if (st.length > 12) {
        err.println("\t... " + (st.length - 12) + " more (Spark's log has the full trace)");
      }
      return new RunRecord(job, spec, "failed", 0, e.toString(), Main.EXIT_CRASH);
    }
  }

  /** Writes this run's row to the staged runs table. */
  void write(JobContext ctx, SparkSession spark, Timestamp start) {
    Row run = RowFactory.create(job.name(), spec.getString("experiment"), spec.canonical(), codeVersion(),
        spark.version(), System.getProperty("java.version"), Dense.blasBackend(), Dense.lapackBackend(),
        spark.sparkContext().master(), start, new Timestamp(System.currentTimeMillis()), status, failed, message);
    ctx.write("runs", spark.createDataFrame(List.of(run), SCHEMA).coalesce(1));
  }

  public static String codeVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    String git = System.getProperty("sheafrank.git", "");
    return (v == null ? "dev" : v) + (git.isEmpty() ? "" : "+" + git);
  }
}
