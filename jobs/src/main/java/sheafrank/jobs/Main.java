package sheafrank.jobs;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.ConfigFile;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.OutputFolder;
import sheafrank.jobs.core.Params;
import sheafrank.jobs.core.SparkMaster;
import sheafrank.jobs.core.Spec;
import sheafrank.linalg.BatchReductions;
import sheafrank.linalg.Dense;

/**
 * The launcher: {@code run CONFIG [--out DIR] [--set key=value ...] [--master URL]}. The same
 * arguments follow {@code spark-submit --class sheafrank.jobs.Main app.jar}. Exit codes: 0 success,
 * 2 bad input (nothing written, not even the output folder), 3 finished but some trials/samples
 * failed, 1 Spark could not start or the job crashed.
 */
public final class Main {
  public static final int EXIT_OK = 0;
  public static final int EXIT_CRASH = 1;
  public static final int EXIT_BAD_INPUT = 2;
  public static final int EXIT_FAILED_UNITS = 3;

  /** The runs table's schema (see {@link RunRecord}). */
  public static final StructType RUNS_SCHEMA = RunRecord.SCHEMA;

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    System.exit(code);
  }

  /** Parsed command line of {@code run}. */
  record Invocation(Path config, String out, List<String> sets, String master) {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      String cmd = args.length == 0 ? "--help" : args[0];
      boolean wantsHelp = args.length > 1 && (args[1].equals("--help") || args[1].equals("-h"));
      switch (cmd) {
        case "--help", "-h" -> {
          out.print(Help.usage());
          return args.length == 0 ? EXIT_BAD_INPUT : EXIT_OK;
        }
        case "help" -> {
          out.print(args.length == 1 ? Help.usage() : Help.topic(args[1]));
          return EXIT_OK;
        }
        case "jobs" -> {
          out.print(Help.jobList());
          return EXIT_OK;
        }
        case "sql" -> {
          if (wantsHelp) {
            out.print(Help.topic("sql"));
            return EXIT_OK;
          }
          return Sql.run(args, out, err);
        }
        case "run" -> {
          Invocation inv = parseRun(args);
          if (inv == null) {
            out.print(Help.topic("run"));
            return EXIT_OK;
          }
          return execute(prepare(inv), inv, out, err);
        }
        default -> {
          if (wantsHelp) {
            out.print(Help.topic(cmd));
            return EXIT_OK;
          }
          throw new ConfigException("unknown command '" + cmd + "' (expected run, sql, help, jobs or --help)");
        }
      }
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

  static String value(String[] args, int i, String opt) {
    if (i >= args.length) {
      throw new ConfigException(opt + " needs a value");
    }
    return args[i];
  }

  /** A job with its validated spec: everything checked, nothing started, nothing written. */
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
    if (!Sessions.isSubmitted()) {
      SparkMaster.check(inv.master());
    }
    OutputFolder.check(inv.out(), OutputFolder.tableNames(job));
    return new Prepared(job, spec);
  }

  static int execute(Prepared p, Invocation inv, PrintStream out, PrintStream err) {
    Spec spec = p.spec();
    String runId = spec.getString("experiment") + "-" + spec.hash();
    Timestamp start = new Timestamp(System.currentTimeMillis());
    SparkSession spark;
    try {
      spark = Sessions.start(inv.master(), p.job().name());
    } catch (RuntimeException e) {
      err.println("error: cannot start Spark" + (inv.master() == null ? "" : " on master " + inv.master()) + ": "
          + Sessions.rootMessage(e));
      return EXIT_CRASH;
    }
    JobContext ctx = null;
    try {
      ctx = new JobContext(spark, inv.out(), runId, spec.getInt("partitions"));
      for (String s : ctx.removedStaleStaging()) {
        out.println("removed the staging folder of an ended run: " + Paths.get(inv.out(), "_staging", s));
      }
      out.println("run " + runId + ": job " + p.job().name() + " on " + spark.sparkContext().master()
          + " (LAPACK " + Dense.lapackBackend() + (Dense.nativeLapackPresent() ? "; the native LAPACK present is not used" : "")
          + ", batch sums " + (BatchReductions.vectorised() ? "SIMD" : "scalar: no jdk.incubator.vector") + ")");
      RunRecord record = RunRecord.run(p.job(), spec, ctx, err);
      record.write(ctx, spark, start);
      List<String> tables = ctx.commit();
      out.println("run " + runId + " " + record.status() + (record.failed() > 0 ? " (" + record.failed()
          + " failed units)" : "") + "; tables:");
      for (String t : tables) {
        out.println("  " + Paths.get(inv.out(), t) + "/run_id=" + runId);
      }
      return record.exitCode();
    } catch (RuntimeException e) {
      err.println("error: run " + runId + " could not be recorded: " + Sessions.rootMessage(e));
      return EXIT_CRASH;
    } finally {
      if (ctx != null) {
        ctx.close();
      }
      if (!Sessions.isSubmitted()) {
        spark.stop();
      }
    }
  }
}
