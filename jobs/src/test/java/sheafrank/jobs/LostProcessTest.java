package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sheafrank.jobs.core.Staging;

/**
 * Processes lost in the middle of a run:
 *
 * <ol>
 *   <li>a driver killed (SIGKILL) mid-run leaves no table visible, only its staging folder;
 *   <li>the next run into the same folder removes that folder and writes the tables (the clean
 *       reference run, in-process on local[2]);
 *   <li>on Spark's {@code local-cluster[2,1,1024]} master (two worker JVMs from the Maven jars), one
 *       executor process is killed while tasks run: Spark reruns its tasks elsewhere and every table
 *       equals the clean run's row for row, no row lost or duplicated.
 * </ol>
 *
 * The job is a small rank sweep whose second layer is factorised at every point (about 5 CPU
 * seconds in all), long enough to kill a process while its tasks run.
 */
@Tag("slow")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class LostProcessTest {
  static final String[] SETS = {"network.m=[100]", "network.n1=[100]", "network.depth=2", "networks=6",
      "points=1000", "points.block=250"};
  static final long WAIT_S = 300;

  @Test
  void killedDriverAndKilledExecutorLeaveTheSameTablesAsACleanRun() throws Exception {
    Path conf = Paths.get("..", "conf", "R2-width-sweep.conf").toAbsolutePath().normalize();
    Path tmp = Files.createTempDirectory("sheafrank-lost-");
    SparkSession reader = null;
    try {
      // 1. a driver killed mid-run
      Path outA = tmp.resolve("out-a");
      Child driver = start(tmp, "driver-a", conf, outA, "local[2]");
      driver.awaitLine("work units");
      Thread.sleep(1500);
      assertTrue(driver.process().isAlive(), "the driver finished before it could be killed; log:\n" + driver.log());
      driver.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      assertTrue(Files.isDirectory(outA.resolve(Staging.FOLDER)), "the killed driver's staging is there");
      assertEquals(Set.of(), StandaloneClusterTest.tables(outA), "no table visible after the driver was killed");

      // 2. the next run removes the leftover staging and is the clean reference
      List<String> args = new ArrayList<>(List.of("run", conf.toString(), "--out", outA.toString(), "--master", "local[2]"));
      for (String s : SETS) {
        args.add("--set");
        args.add(s);
      }
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      PrintStream ps = new PrintStream(captured, true, StandardCharsets.UTF_8);
      int code = Main.run(args.toArray(String[]::new), ps, ps);
      String text = captured.toString(StandardCharsets.UTF_8);
      assertEquals(0, code, text);
      assertTrue(text.contains("removed the staging folder of an ended run"), text);
      assertFalse(Files.exists(outA.resolve(Staging.FOLDER)), "no staging left after the next run");

      // 3. an executor killed mid-run on local-cluster
      Path outB = tmp.resolve("out-b");
      Child cluster = start(tmp, "driver-b", conf, outB, "local-cluster[2,1,1024]");
      String started = cluster.awaitLine("Starting task");
      java.util.regex.Matcher id = java.util.regex.Pattern.compile("executor (\\d+)").matcher(started);
      assertTrue(id.find(), started);
      String executorId = id.group(1);
      ProcessHandle executor = awaitExecutor(cluster, executorId);
      Thread.sleep(1000);
      assertTrue(cluster.process().isAlive(), "the run finished before an executor could be killed; log:\n"
          + cluster.log());
      String killed = "executor pid " + executor.pid() + ": " + commandLine(executor).replace('\0', ' ')
          .replaceAll(".*(CoarseGrainedExecutorBackend.*)", "$1");
      assertTrue(executor.destroyForcibly(), killed);
      executor.onExit().get(30, TimeUnit.SECONDS);
      if (!cluster.process().waitFor(WAIT_S, TimeUnit.SECONDS)) {
        fail("the local-cluster run did not finish in " + WAIT_S + " s; log:\n" + cluster.log());
      }
      String log = cluster.log();
      // the whole log, not its tail: a stack trace printed after the removal pushes it out of the tail
      String full = Files.readString(cluster.logFile());
      assertEquals(0, cluster.process().exitValue(), log);
      assertTrue(full.contains("/" + executorId + " removed: Command exited with code 137"), "the " + killed + " died:\n" + log);
      assertTrue(full.contains("ExecutorLostFailure (executor " + executorId + " exited"),
          "a task of the " + killed + " was lost and run again:\n" + log);
      assertFalse(Files.exists(outB.resolve(Staging.FOLDER)), "no staging left by the cluster run");

      reader = SparkSession.builder().master("local[1]").appName("LostProcessTest reader")
          .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
      Set<String> tables = StandaloneClusterTest.tables(outA);
      assertEquals(tables, StandaloneClusterTest.tables(outB));
      assertTrue(tables.contains("rank_networks") && tables.contains("rank_settings"), tables.toString());
      for (String t : tables) {
        if (!t.equals("runs")) {
          StandaloneClusterTest.assertSameRows(t, reader.read().parquet(outB.resolve(t).toString()),
              reader.read().parquet(outA.resolve(t).toString()));
        }
      }
      Row run = reader.read().parquet(outB.resolve("runs").toString()).collectAsList().get(0);
      assertEquals("succeeded", run.getAs("status"));
      assertEquals("local-cluster[2,1,1024]", run.getAs("master"));
    } finally {
      if (reader != null) {
        reader.stop();
      }
      StandaloneClusterTest.deleteTree(tmp);
    }
  }

  /** A child driver JVM and its combined output. */
  record Child(Process process, Path logFile) {
    String log() {
      try {
        return StandaloneClusterTest.tail(Files.readString(logFile), 60);
      } catch (IOException e) {
        return "(cannot read " + logFile + ")";
      }
    }

    /** The first line of the log that contains {@code text}, once there is one. */
    String awaitLine(String text) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
      while (true) {
        Optional<String> line = Files.readAllLines(logFile).stream().filter(l -> l.contains(text)).findFirst();
        if (line.isPresent()) {
          return line.get();
        }
        if (!process.isAlive()) {
          fail("the driver ended (exit " + process.exitValue() + ") before printing '" + text + "':\n" + log());
        }
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          fail("no '" + text + "' within " + WAIT_S + " s:\n" + log());
        }
        Thread.sleep(200);
      }
    }
  }

  /** The driver (Main) in its own JVM, on the test class path; local-cluster needs Spark's test settings. */
  static Child start(Path tmp, String name, Path conf, Path out, String master) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(StandaloneClusterTest.OPENS);
    Path log4j = tmp.resolve("log4j2.properties");
    Files.writeString(log4j, String.join("\n", "rootLogger.level = warn", "rootLogger.appenderRef.out.ref = console",
        "appender.console.type = Console", "appender.console.name = console",
        "appender.console.layout.type = PatternLayout", "appender.console.layout.pattern = %p %c{1}: %m%n",
        // the lines that show which executor runs a task, and what became of a lost one
        "logger.tasks.name = org.apache.spark.scheduler.TaskSetManager", "logger.tasks.level = info",
        "logger.backend.name = org.apache.spark.scheduler.cluster.StandaloneSchedulerBackend",
        "logger.backend.level = info"));
    // C1 only in the short-lived driver and executors (as StandaloneClusterTest's LEAN_JVM): less start-up CPU
    cmd.addAll(List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--add-modules=jdk.incubator.vector",
        "-Dlog4j2.configurationFile=" + log4j,
        "-Dspark.testing=true", "-Dspark.test.home=" + tmp, "-Dspark.executor.memory=512m",
        "-Dspark.ui.showConsoleProgress=false",
        "-Dspark.executor.extraJavaOptions=-XX:+UseSerialGC -XX:TieredStopAtLevel=1 --add-modules=jdk.incubator.vector"));
    cmd.add("-cp");
    cmd.add(absoluteClassPath());
    cmd.add(Main.class.getName());
    cmd.addAll(List.of("run", conf.toString(), "--out", out.toString(), "--master", master));
    for (String s : SETS) {
      cmd.add("--set");
      cmd.add(s);
    }
    Path log = tmp.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("HADOOP_"));
    env.put("SPARK_TESTING", "1"); // without it local-cluster waits forever for executors
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return new Child(pb.start(), log);
  }

  /** An executor JVM started by the local-cluster workers (a descendant of the driver). */
  static ProcessHandle awaitExecutor(Child driver, String executorId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (System.nanoTime() < deadline) {
      Optional<ProcessHandle> e = driver.process().toHandle().descendants()
          .filter(h -> commandLine(h).contains("CoarseGrainedExecutorBackend")
              && commandLine(h).contains("\0--executor-id\0" + executorId + "\0"))
          .findFirst();
      if (e.isPresent()) {
        return e.get();
      }
      if (!driver.process().isAlive()) {
        fail("the driver ended before an executor appeared:\n" + driver.log());
      }
      Thread.sleep(200);
    }
    fail("no executor process within " + WAIT_S + " s:\n" + driver.log());
    return null;
  }

  /**
   * A process's full command line from /proc (ProcessHandle.Info cuts long ones: the executors'
   * class path comes before their main class).
   */
  static String commandLine(ProcessHandle h) {
    try {
      return new String(Files.readAllBytes(Paths.get("/proc", Long.toString(h.pid()), "cmdline")), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return h.info().commandLine().orElse("");
    }
  }

  /** Local-cluster executors inherit the driver's class path: its entries must be absolute. */
  static String absoluteClassPath() {
    return String.join(File.pathSeparator, Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.isEmpty()).map(e -> Paths.get(e).toAbsolutePath().toString()).toList());
  }
}
