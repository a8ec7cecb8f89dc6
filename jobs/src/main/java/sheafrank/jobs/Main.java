package sheafrank.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.ConfigFile;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Params;
import sheafrank.jobs.core.Spec;
import sheafrank.linalg.BatchReductions;
import sheafrank.linalg.Dense;

/**
 * The launcher: {@code run CONFIG [--out DIR] [--set key=value ...] [--master URL]}. The same
 * arguments follow {@code spark-submit --class sheafrank.jobs.Main app.jar}. Exit codes: 0 success,
 * 2 bad input (nothing written), 3 finished but some trials/samples failed, 1 the job crashed.
 */
public final class Main {
  public static final int EXIT_OK = 0;
  public static final int EXIT_CRASH = 1;
  public static final int EXIT_BAD_INPUT = 2;
  public static final int EXIT_FAILED_UNITS = 3;

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    System.exit(code);
  }

  /** Parsed command line of {@code run}. */
  record Invocation(Path config, String out, List<String> sets, String master) {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help") && args.length == 1) {
        out.print(usage());
        return args.length == 0 ? EXIT_BAD_INPUT : EXIT_OK;
      }
      if (args[0].equals("help") || args.length > 1 && (args[1].equals("--help") || args[1].equals("-h")) && !args[0].equals("run")) {
        String name = args[0].equals("help") ? args[1] : args[0];
        out.print(jobHelp(Jobs.byName(name)));
        return EXIT_OK;
      }
      if (args[0].equals("jobs")) {
        for (Job j : Jobs.all()) {
          out.println(j.name());
        }
        return EXIT_OK;
      }
      if (args[0].equals("sql")) {
        return Sql.run(args, out, err);
      }
      if (!args[0].equals("run")) {
        throw new ConfigException("unknown command '" + args[0] + "' (expected run, help, jobs or --help)");
      }
      Invocation inv = parseRun(args);
      if (inv == null) {
        out.print(usage());
        return EXIT_OK;
      }
      Prepared p = prepare(inv);
      return execute(p, inv, out, err);
    } catch (ConfigException e) {
      err.println("error: " + e.getMessage());
      return EXIT_BAD_INPUT;
    }
  }

  static Invocation parseRun(String[] args) {
    Path config = null;
    String outDir = "out";
    String master = null;
    List<String> sets = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> {
          return null;
        }
        case "--out" -> outDir = value(args, ++i, "--out");
        case "--set" -> sets.add(value(args, ++i, "--set"));
        case "--master" -> master = value(args, ++i, "--master");
        default -> {
          if (a.startsWith("--")) {
            throw new ConfigException("unknown option '" + a + "' (expected --out, --set, --master)");
          }
          if (config != null) {
            throw new ConfigException("more than one config file given: " + config + " and " + a);
          }
          config = Paths.get(a);
        }
      }
    }
    if (config == null) {
      throw new ConfigException("run needs a config file: run CONFIG [--out DIR] [--set key=value ...]");
    }
    return new Invocation(config, outDir, sets, master);
  }

  private static String value(String[] args, int i, String opt) {
    if (i >= args.length) {
      throw new ConfigException(opt + " needs a value");
    }
    return args[i];
  }

  /** A job with its validated spec: everything checked, nothing started. */
  record Prepared(Job job, Spec spec) {}

  static Prepared prepare(Invocation inv) {
    if (!Files.isRegularFile(inv.config())) {
      throw new ConfigException("config file " + inv.config() + " does not exist or is not a file");
    }
    Map<String, Object> raw = new LinkedHashMap<>(ConfigFile.read(inv.config()));
    for (String s : inv.sets()) {
      Map.Entry<String, Object> e = ConfigFile.parseOverride(s);
      raw.put(e.getKey(), e.getValue());
    }
    Object jobName = raw.get("job");
    if (!(jobName instanceof String)) {
      throw new ConfigException("config " + inv.config() + " must name its job: job = NAME");
    }
    Job job = Jobs.byName((String) jobName);
    Spec spec = job.resolve(Spec.validate(job.name(), Params.all(job), raw));
    job.validate(spec);
    checkWritable(inv.out());
    return new Prepared(job, spec);
  }

  /** The output folder must exist or be creatable, and be writable, before any work starts. */
  static void checkWritable(String out) {
    if (out.contains("://") && !out.startsWith("file:")) {
      return; // a cluster file system: checked by Hadoop when writing
    }
    Path dir = Paths.get(out.startsWith("file:") ? out.substring(5) : out);
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", "");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new ConfigException("output folder " + out + " is not writable: " + e.getMessage());
    }
  }

  static int execute(Prepared p, Invocation inv, PrintStream out, PrintStream err) {
    Spec spec = p.spec();
    String runId = spec.getString("experiment") + "-" + spec.hash();
    Timestamp start = new Timestamp(System.currentTimeMillis());
    SparkSession spark = session(inv.master(), p.job().name());
    JobContext ctx = new JobContext(spark, inv.out(), runId, spec.getInt("partitions"));
    String status;
    String message = "";
    long failed = 0;
    int code;
    try {
      out.println("run " + runId + ": job " + p.job().name() + " on " + spark.sparkContext().master()
          + " (BLAS " + Dense.blasBackend() + ", LAPACK " + Dense.lapackBackend() + ", batch sums "
          + (BatchReductions.vectorised() ? "SIMD" : "scalar: no jdk.incubator.vector") + ")");
      failed = p.job().run(ctx, spec);
      status = failed == 0 ? "succeeded" : "completed_with_failures";
      code = failed == 0 ? EXIT_OK : EXIT_FAILED_UNITS;
    } catch (Exception e) { // Spark rethrows task failures as checked exceptions
      ctx.abort();
      status = "failed";
      message = e.toString();
      code = EXIT_CRASH;
      err.println("error: job " + p.job().name() + " failed: " + e);
      e.printStackTrace(err);
    }
    try {
      Row run = RowFactory.create(p.job().name(), spec.getString("experiment"), spec.canonical(),
          codeVersion(), spark.version(), System.getProperty("java.version"), Dense.blasBackend(),
          Dense.lapackBackend(), spark.sparkContext().master(), start,
          new Timestamp(System.currentTimeMillis()), status, failed, message);
      ctx.write("runs", spark.createDataFrame(List.of(run), RUNS_SCHEMA).coalesce(1));
      List<String> tables = ctx.commit();
      out.println("run " + runId + " " + status + (failed > 0 ? " (" + failed + " failed units)" : "") + "; tables:");
      for (String t : tables) {
        out.println("  " + Paths.get(inv.out(), t) + "/run_id=" + runId);
      }
    } finally {
      if (!isSubmitted()) {
        spark.stop();
      }
    }
    return code;
  }

  /** The runs table; its run_id column comes from the run_id=... folder like every table's. */
  public static final StructType RUNS_SCHEMA = new StructType()
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

  /** Project version + git commit of the running code (also in every runs row). */
  public static String codeVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    String git = System.getProperty("sheafrank.git", "");
    return (v == null ? "dev" : v) + (git.isEmpty() ? "" : "+" + git);
  }

  /** True when started by spark-submit (it sets spark.master for the driver). */
  static boolean isSubmitted() {
    return System.getProperty("spark.master") != null;
  }

  static SparkSession session(String master, String appName) {
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

  static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("sheafrank: neural sheaves and rank decompositions of ReLU networks on Spark\n\n")
        .append("usage:\n")
        .append("  sheafrank run CONFIG [--out DIR] [--set key=value ...] [--master URL]\n")
        .append("  sheafrank help JOB        keys and tables of one job (also: sheafrank JOB --help)\n")
        .append("  sheafrank jobs            list the jobs\n")
        .append("  sheafrank sql \"QUERY\" [--out DIR] [--master URL]\n")
        .append("                            run Spark SQL over every table under DIR (one view per table)\n\n")
        .append("The config names its job (job = NAME). Tables go to DIR/<table>/run_id=<run id>/ (DIR defaults\n")
        .append("to ./out). --master defaults to local[*] unless started by spark-submit, where the same\n")
        .append("arguments follow: spark-submit --class sheafrank.jobs.Main APP.jar run CONFIG ...\n\n")
        .append("jobs:\n");
    for (Job j : Jobs.all()) {
      sb.append(String.format("  %-22s %s%n", j.name(), firstSentence(j.description())));
    }
    return sb.toString();
  }

  static String jobHelp(Job job) {
    StringBuilder sb = new StringBuilder();
    sb.append(job.name()).append(": ").append(job.description()).append("\n\nconfig keys:\n");
    for (Param p : Params.all(job)) {
      sb.append(String.format("  %-24s %-12s %s%s%n", p.name(), p.type().name().toLowerCase(),
          p.doc(), p.required() ? " (required)" : " [default " + p.defaultValue() + "]"));
    }
    sb.append("\ntables:\n");
    for (String t : job.tables()) {
      sb.append("  ").append(t).append('\n');
    }
    sb.append("  runs: run_id, job, experiment, config, code_version, spark_version, java_version, blas, lapack, master, start_time, end_time, status, failed_units, message\n");
    return sb.toString();
  }

  private static String firstSentence(String s) {
    int i = s.indexOf(". ");
    return i < 0 ? s : s.substring(0, i + 1);
  }
}
