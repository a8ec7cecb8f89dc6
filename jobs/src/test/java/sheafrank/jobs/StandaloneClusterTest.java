package sheafrank.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end on a real Spark standalone cluster built from the Maven jars on the test class path (no
 * Spark distribution): a master and two one-core workers as separate JVMs on loopback, the thin app
 * jar submitted with SparkSubmit, and every table compared row for row with the same config run
 * in-process on local[2]. Why each setting is there: the shared notes, spark-standalone.md.
 */
@Tag("slow")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class StandaloneClusterTest {
  private static final String LOOPBACK = "127.0.0.1";
  private static final long REGISTER_TIMEOUT_S = 90;
  private static final long SUBMIT_TIMEOUT_S = 180;
  private static final String[] SETS = {"inputs.count=60", "traces.count=2", "traces.steps=2000"};
  private static final List<String> TRACE_TABLES =
      List.of("inference_samples", "inference_trace", "inference_trace_edges", "relu_crossings");
  /** The opens Spark needs on Java 17 (same list as the parent pom and ./sheafrank). */
  static final List<String> OPENS = Stream.of("java.lang", "java.lang.invoke", "java.nio",
          "sun.nio.ch", "java.util", "sun.util.calendar", "java.util.concurrent", "java.net", "java.io",
          "sun.nio.cs", "sun.security.action")
      .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED").toList();
  /**
   * Short-lived JVMs on a small shared machine: C1 only and the serial collector cut start-up CPU (the
   * job's arithmetic is IEEE-exact in every JIT tier, so results do not depend on it).
   */
  private static final List<String> LEAN_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
      "--add-modules=jdk.incubator.vector");
  /** Test-framework jars on the test class path that are not part of a Spark runtime. */
  private static final List<String> NOT_SPARK = List.of("junit-", "opentest4j-", "apiguardian-",
      "surefire", "common-java5-", "maven-surefire");

  private final List<Daemon> daemons = new ArrayList<>();

  /** A started JVM with its combined stdout/stderr log. */
  record Daemon(String name, Process process, Path log) {}

  @Test
  void clusterRunWritesTheSameTablesAsLocalRun() throws Exception {
    long t0 = System.nanoTime();
    Path conf = Paths.get("..", "conf", "S2-heat-inference.conf").toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(conf), "config not found: " + conf + " (test working dir must be jobs/)");
    Path tmp = Files.createTempDirectory("sheafrank-standalone-");
    SparkSession reader = null;
    try {
      Path sparkHome = tmp.resolve("spark-home");
      Path appJar = tmp.resolve("sheafrank-app.jar");
      buildSparkHomeAndAppJar(sparkHome, appJar);
      long tSetup = System.nanoTime();

      int masterPort = freePort();
      int masterUi = freePort();
      String masterUrl = "spark://" + LOOPBACK + ":" + masterPort;
      start("master", sparkHome, tmp, daemonOpts("-Dspark.master.rest.enabled=false"),
          "org.apache.spark.deploy.master.Master",
          "--host", LOOPBACK, "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUi));
      for (int w = 1; w <= 2; w++) {
        Path workDir = sparkHome.resolve("work").resolve("worker-" + w);
        Files.createDirectories(workDir);
        start("worker-" + w, sparkHome, tmp, daemonOpts(), "org.apache.spark.deploy.worker.Worker",
            "--host", LOOPBACK, "--cores", "1", "--memory", "1g", "--webui-port", String.valueOf(freePort()),
            "--work-dir", workDir.toString(), masterUrl);
      }
      // The in-process local run overlaps with the daemons' start-up.
      Path outLocal = tmp.resolve("out-local");
      List<String> args = new ArrayList<>(List.of("run", conf.toString(), "--out", outLocal.toString()));
      for (String s : SETS) {
        args.add("--set");
        args.add(s);
      }
      args.add("--master");
      args.add("local[2]");
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      PrintStream ps = new PrintStream(captured, true, StandardCharsets.UTF_8);
      // no console progress bars in the build output (Main only sets the property if missing)
      String progress = System.setProperty("spark.ui.showConsoleProgress", "false");
      int code;
      try {
        code = Main.run(args.toArray(String[]::new), ps, ps);
      } finally {
        if (progress == null) {
          System.clearProperty("spark.ui.showConsoleProgress");
        } else {
          System.setProperty("spark.ui.showConsoleProgress", progress);
        }
      }
      assertEquals(0, code, "local run exit code; output:\n" + captured.toString(StandardCharsets.UTF_8));
      long tLocal = System.nanoTime();
      awaitWorkers(masterUi, 2);
      long tUp = System.nanoTime();

      Path outCluster = tmp.resolve("out-cluster");
      List<String> submit = new ArrayList<>(List.of("--master", masterUrl,
          "--conf", "spark.driver.host=" + LOOPBACK,
          "--conf", "spark.ui.port=" + freePort(),
          "--conf", "spark.cores.max=2",
          "--conf", "spark.executor.memory=1g",
          "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", LEAN_JVM),
          // do not start before both executors are there, so that both run tasks
          "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
          "--class", "sheafrank.jobs.Main", appJar.toString(),
          "run", conf.toString(), "--out", outCluster.toString()));
      for (String s : SETS) {
        submit.add("--set");
        submit.add(s);
      }
      // -Xlog:library: the driver log shows whether netlib's native BLAS/LAPACK JNI libraries loaded
      List<String> driverOpts = new ArrayList<>(List.of("-Xmx1g", "-Xlog:library=info"));
      driverOpts.addAll(LEAN_JVM);
      Daemon driver = start("spark-submit", sparkHome, tmp, driverOpts, "org.apache.spark.deploy.SparkSubmit",
          submit.toArray(String[]::new));
      if (!driver.process().waitFor(SUBMIT_TIMEOUT_S, TimeUnit.SECONDS)) {
        fail("spark-submit did not finish within " + SUBMIT_TIMEOUT_S + " s\n" + logs());
      }
      assertEquals(0, driver.process().exitValue(), "spark-submit exit code\n" + logs());
      assertExecutorsRanTasks(sparkHome);
      long tCluster = System.nanoTime();

      reader = SparkSession.builder().master("local[1]").appName("StandaloneClusterTest reader")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", LOOPBACK)
          .config("spark.driver.bindAddress", LOOPBACK)
          .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
          .getOrCreate();
      Set<String> tablesCluster = tables(outCluster);
      Set<String> tablesLocal = tables(outLocal);
      assertEquals(tablesLocal, tablesCluster, "tables written by the cluster and the local run");
      assertTrue(tablesLocal.containsAll(TRACE_TABLES) && tablesLocal.contains("runs"),
          "expected tables " + TRACE_TABLES + " and runs, got " + tablesLocal);
      assertFalse(Files.exists(outCluster.resolve("_staging")), "cluster run left _staging behind");
      assertFalse(Files.exists(outLocal.resolve("_staging")), "local run left _staging behind");
      for (String t : tablesLocal) {
        if (!t.equals("runs")) {
          assertSameRows(t, reader.read().parquet(outCluster.resolve(t).toString()),
              reader.read().parquet(outLocal.resolve(t).toString()));
        }
      }
      // the run_id column comes from the runs/run_id=<id> folder, as for every table
      onlyRun(outCluster.resolve("runs"));
      Row runCluster = single(reader.read().parquet(outCluster.resolve("runs").toString()));
      Row runLocal = single(reader.read().parquet(outLocal.resolve("runs").toString()));
      assertEquals(masterUrl, runCluster.getAs("master"), "runs.master of the cluster run");
      assertEquals("succeeded", runCluster.getAs("status"), "runs.status of the cluster run: "
          + runCluster.getAs("message"));
      assertEquals(0L, (long) runCluster.<Long>getAs("failed_units"));
      assertEquals("local[2]", runLocal.getAs("master"));
      assertEquals("succeeded", runLocal.getAs("status"));
      // blas/lapack are facts about the driver's machine, not about the results: not compared
      for (String c : List.of("run_id", "job", "experiment", "config", "spark_version", "java_version")) {
        assertEquals((Object) runLocal.getAs(c), runCluster.getAs(c), "runs." + c + " cluster vs local");
      }
      long tEnd = System.nanoTime();
      System.out.printf("StandaloneClusterTest: setup %.1f s, local run %.1f s (while the daemons start),"
              + " workers up %.1f s later, cluster run %.1f s, compare %.1f s, total %.1f s;"
              + " BLAS/LAPACK cluster driver %s/%s, local %s/%s%n", secs(t0, tSetup), secs(tSetup, tLocal),
          secs(tLocal, tUp), secs(tUp, tCluster), secs(tCluster, tEnd), secs(t0, tEnd), runCluster.getAs("blas"),
          runCluster.getAs("lapack"), runLocal.getAs("blas"), runLocal.getAs("lapack"));
    } finally {
      if (reader != null) {
        reader.stop();
      }
      stopAll();
      if (Boolean.getBoolean("sheafrank.keepClusterTmp")) {
        System.out.println("StandaloneClusterTest: kept " + tmp);
      } else {
        deleteTree(tmp);
      }
    }
  }

  // ---- SPARK_HOME and the thin app jar from the test class path ------------------------------------

  /**
   * SPARK_HOME/jars gets a link to every jar on the test class path except test-framework jars and our
   * own modules (Spark, Scala, Hadoop client, Breeze, netlib: the jobs module's provided deps and our
   * modules' compile deps); the app jar gets our compiled classes (main class directories, or our
   * module jars when Maven resolved them from a repository).
   */
  static void buildSparkHomeAndAppJar(Path sparkHome, Path appJar) throws IOException {
    Path jars = sparkHome.resolve("jars");
    Files.createDirectories(jars);
    Files.createFile(sparkHome.resolve("RELEASE"));
    List<Path> ours = new ArrayList<>();
    int linked = 0;
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (e.isEmpty()) {
        continue;
      }
      Path p = Paths.get(e).toAbsolutePath();
      String name = p.getFileName().toString();
      if (Files.isDirectory(p)) {
        if (!name.equals("test-classes")) {
          ours.add(p);
        }
      } else if (Files.isRegularFile(p) && name.endsWith(".jar")) {
        if (name.startsWith("sheafrank-")) {
          ours.add(p);
        } else if (NOT_SPARK.stream().noneMatch(name::startsWith)) {
          Path link = jars.resolve(name);
          for (int i = 1; Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS); i++) {
            link = jars.resolve(i + "-" + name);
          }
          try {
            Files.createSymbolicLink(link, p);
          } catch (UnsupportedOperationException | IOException ex) {
            Files.copy(p, link);
          }
          linked++;
        }
      }
    }
    try (Stream<Path> s = Files.list(jars)) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("spark-core_")),
          "spark-core not found on the test class path; linked " + linked + " jars");
    }
    assertTrue(ours.stream().anyMatch(p -> Files.isRegularFile(p.resolve("sheafrank/jobs/Main.class"))),
        "jobs/target/classes not on the test class path: " + ours);
    writeAppJar(appJar, ours);
  }

  static void writeAppJar(Path appJar, List<Path> sources) throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "sheafrank.jobs.Main");
    Set<String> seen = new TreeSet<>();
    seen.add(JarFile.MANIFEST_NAME);
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(appJar), mf)) {
      for (Path src : sources) {
        if (Files.isDirectory(src)) {
          List<Path> files;
          try (Stream<Path> s = Files.walk(src)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
          }
          for (Path f : files) {
            String entry = src.relativize(f).toString().replace(File.separatorChar, '/');
            if (seen.add(entry)) {
              jar.putNextEntry(new JarEntry(entry));
              Files.copy(f, jar);
              jar.closeEntry();
            }
          }
        } else {
          try (JarFile in = new JarFile(src.toFile())) {
            for (JarEntry e : java.util.Collections.list(in.entries())) {
              if (!e.isDirectory() && seen.add(e.getName())) {
                jar.putNextEntry(new JarEntry(e.getName()));
                try (InputStream is = in.getInputStream(e)) {
                  is.transferTo(jar);
                }
                jar.closeEntry();
              }
            }
          }
        }
      }
    }
  }

  static List<String> daemonOpts(String... more) {
    List<String> o = new ArrayList<>(List.of("-Xmx512m"));
    o.addAll(LEAN_JVM);
    o.addAll(List.of(more));
    return o;
  }

  // ---- processes --------------------------------------------------------------------------------

  Daemon start(String name, Path sparkHome, Path tmp, List<String> jvmOpts, String mainClass, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(OPENS);
    cmd.addAll(jvmOpts);
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + File.separator + "*");
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    Path log = tmp.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("HADOOP_") || k.equals("PYSPARK_PYTHON"));
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_LOCAL_IP", LOOPBACK);
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
    Daemon d = new Daemon(name, pb.start(), log);
    daemons.add(d);
    return d;
  }

  /** Polls the master's /json on loopback until {@code n} workers are alive. */
  void awaitWorkers(int masterUi, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REGISTER_TIMEOUT_S);
    Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
    String last = "(no answer yet)";
    while (true) {
      for (Daemon d : daemons) {
        if (!d.process().isAlive()) {
          fail(d.name() + " exited with code " + d.process().exitValue() + " while waiting for workers\n" + logs());
        }
      }
      try {
        last = httpGet("http://" + LOOPBACK + ":" + masterUi + "/json/");
        Matcher m = alive.matcher(last);
        if (m.find() && Integer.parseInt(m.group(1)) >= n) {
          return;
        }
      } catch (IOException e) {
        last = "(" + e + ")";
      }
      if (System.nanoTime() > deadline) {
        fail(n + " workers not registered with the master within " + REGISTER_TIMEOUT_S + " s; last /json: "
            + last + "\n" + logs());
      }
      Thread.sleep(500);
    }
  }

  static String httpGet(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
    c.setConnectTimeout(2000);
    c.setReadTimeout(5000);
    try (InputStream in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }

  /** Each worker started one executor, and each executor finished tasks: the job really ran on both. */
  void assertExecutorsRanTasks(Path sparkHome) throws IOException {
    for (int w = 1; w <= 2; w++) {
      Path workDir = sparkHome.resolve("work").resolve("worker-" + w);
      List<Path> stderrs;
      try (Stream<Path> s = Files.walk(workDir)) {
        stderrs = s.filter(p -> p.getFileName().toString().equals("stderr")).toList();
      }
      assertEquals(1, stderrs.size(), "executor logs under " + workDir + ": " + stderrs + "\n" + logs());
      String log = Files.readString(stderrs.get(0));
      assertTrue(log.contains("Finished task"), "executor of worker-" + w + " ran no task; its log ends:\n"
          + tail(log, 40) + "\n" + logs());
    }
  }

  /** Tails of every process log, for failure messages. */
  String logs() {
    StringBuilder sb = new StringBuilder();
    for (Daemon d : daemons) {
      String text;
      try {
        text = Files.readString(d.log());
      } catch (IOException | UncheckedIOException e) {
        text = "(cannot read " + d.log() + ": " + e + ")";
      }
      sb.append("---- ").append(d.name()).append(" (").append(d.log()).append("), last lines:\n")
          .append(tail(text, 30)).append('\n');
    }
    return sb.toString();
  }

  static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
  }

  /** Stops every started JVM with its children (workers' executors): TERM first, then KILL. */
  void stopAll() {
    List<ProcessHandle> all = new ArrayList<>();
    for (int i = daemons.size() - 1; i >= 0; i--) {
      ProcessHandle h = daemons.get(i).process().toHandle();
      all.addAll(h.descendants().toList());
      all.add(h);
    }
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("StandaloneClusterTest: process " + h.pid() + " did not exit");
      }
    }
    daemons.clear();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) { // does not follow the links in jars/
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("StandaloneClusterTest: could not delete " + root + ": " + e);
    }
  }

  static double secs(long from, long to) {
    return (to - from) / 1e9;
  }

  // ---- table comparison -------------------------------------------------------------------------

  static Set<String> tables(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("_") && !n.startsWith(".")).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  static Path onlyRun(Path table) throws IOException {
    try (Stream<Path> s = Files.list(table)) {
      List<Path> runs = s.filter(p -> p.getFileName().toString().startsWith("run_id=")).toList();
      assertEquals(1, runs.size(), "run folders under " + table + ": " + runs);
      return runs.get(0);
    }
  }

  static Row single(Dataset<Row> d) {
    List<Row> rows = d.collectAsList();
    assertEquals(1, rows.size(), "rows of " + d);
    return rows.get(0);
  }

  /** Same schema and the same multiset of rows, doubles compared exactly (Double.toString round-trips). */
  static void assertSameRows(String table, Dataset<Row> cluster, Dataset<Row> local) {
    assertEquals(local.schema(), cluster.schema(), "schema of " + table);
    List<String> a = cluster.collectAsList().stream().map(StandaloneClusterTest::render).sorted().toList();
    List<String> b = local.collectAsList().stream().map(StandaloneClusterTest::render).sorted().toList();
    assertFalse(b.isEmpty(), "table " + table + " is empty");
    if (a.equals(b)) {
      return;
    }
    Map<String, Integer> count = new HashMap<>();
    a.forEach(r -> count.merge(r, 1, Integer::sum));
    b.forEach(r -> count.merge(r, -1, Integer::sum));
    Map<String, Integer> diff = new LinkedHashMap<>();
    count.entrySet().stream().filter(e -> e.getValue() != 0).sorted(Map.Entry.comparingByKey())
        .forEach(e -> diff.put(e.getKey(), e.getValue()));
    String shown = diff.entrySet().stream().limit(10)
        .map(e -> (e.getValue() > 0 ? "  only cluster: " : "  only local:   ") + e.getKey())
        .collect(Collectors.joining("\n"));
    fail("table " + table + " differs between the cluster run (" + a.size() + " rows) and the local run ("
        + b.size() + " rows); " + diff.size() + " distinct rows differ, first:\n" + shown);
  }

  static String render(Object v) {
    if (v instanceof Row r) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < r.length(); i++) {
        sb.append(i == 0 ? "" : ", ").append(render(r.get(i)));
      }
      return sb.append(']').toString();
    }
    if (v instanceof scala.collection.Iterable<?> s) {
      StringBuilder sb = new StringBuilder("{");
      scala.collection.Iterator<?> it = s.iterator();
      for (boolean first = true; it.hasNext(); first = false) {
        sb.append(first ? "" : ", ").append(render(it.next()));
      }
      return sb.append('}').toString();
    }
    return String.valueOf(v); // Double.toString is exact and tells -0.0 from 0.0
  }
}
