package sheafrank.jobs.core;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A run's staging folder {@code OUT/_staging/<run id>-<start ms>-<pid>@<host>/}, where its tables
 * are written before {@link JobContext#commit()} moves them into place.
 *
 * <p><b>Left-over staging.</b> A driver that is killed (SIGKILL, a lost machine) cannot delete its
 * staging folder. While a run is alive it rewrites the file {@code _heartbeat} in its folder every
 * {@link #HEARTBEAT_SECONDS}; every run, when it starts, deletes the folders of runs that are gone:
 * those whose driver was on this machine and whose process has ended, and any whose heartbeat is
 * older than {@link #STALE_AFTER_SECONDS} (a driver on another machine, or a recycled process id).
 * The folders of runs still alive (concurrent runs into the same output folder) are kept. A JVM
 * that ends normally, or on SIGTERM / Ctrl-C (a shutdown hook), deletes its own folder.
 */
public final class Staging {
  public static final String FOLDER = "_staging";
  static final String HEARTBEAT = "_heartbeat";
  public static final long HEARTBEAT_SECONDS = 30;
  public static final long STALE_AFTER_SECONDS = 600;

  private final FileSystem fs;
  private final Path dir;
  private final ScheduledExecutorService beat;
  private final Thread hook;
  private volatile boolean closed;

  private Staging(FileSystem fs, Path dir) {
    this.fs = fs;
    this.dir = dir;
    this.beat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sheafrank-staging-heartbeat");
      t.setDaemon(true);
      return t;
    });
    this.hook = new Thread(this::delete, "sheafrank-staging-cleanup");
  }

  /**
   * Removes the staging folders of ended runs under {@code out} (returning their names), then
   * creates this run's folder and starts its heartbeat.
   */
  public static Staging open(FileSystem fs, Path out, String runId, List<String> removed) throws IOException {
    removed.addAll(removeStale(fs, out));
    String owner = ProcessHandle.current().pid() + "@" + host();
    Path dir = new Path(new Path(out, FOLDER), runId + "-" + System.currentTimeMillis() + "-" + owner);
    if (!fs.mkdirs(dir)) {
      throw new IOException("cannot create " + dir);
    }
    Staging s = new Staging(fs, dir);
    s.touch();
    s.beat.scheduleAtFixedRate(s::touch, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    Runtime.getRuntime().addShutdownHook(s.hook);
    return s;
  }

  public Path dir() {
    return dir;
  }

  private void touch() {
    if (closed) {
      return;
    }
    try (OutputStream o = fs.create(new Path(dir, HEARTBEAT), true)) {
      o.write(ManagementFactory.getRuntimeMXBean().getName().getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      // best effort: a missed beat only makes the folder look older to other runs
    }
  }

  /** Deletes this run's folder (and {@code _staging} when it is left empty); idempotent. */
  public void close() {
    if (closed) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
    delete();
  }

  private synchronized void delete() {
    closed = true;
    beat.shutdownNow();
    try {
      fs.delete(dir, true);
      Path parent = dir.getParent();
      if (fs.exists(parent) && fs.listStatus(parent).length == 0) {
        fs.delete(parent, false);
      }
    } catch (IOException | RuntimeException e) {
      // best effort: a later run removes it as stale
    }
  }

  /** Deletes the staging folders under {@code out} whose runs have ended; returns their names. */
  static List<String> removeStale(FileSystem fs, Path out) throws IOException {
    Path root = new Path(out, FOLDER);
    List<String> removed = new ArrayList<>();
    if (!fs.exists(root)) {
      return removed;
    }
    long now = System.currentTimeMillis();
    for (FileStatus st : fs.listStatus(root)) {
      if (!st.isDirectory()) {
        continue;
      }
      String name = st.getPath().getName();
      if (!alive(fs, st, name, now) && fs.delete(st.getPath(), true)) {
        removed.add(name);
      }
    }
    if (fs.listStatus(root).length == 0) {
      fs.delete(root, false);
    }
    return removed;
  }

  /** Whether the run that owns a staging folder may still be running. */
  static boolean alive(FileSystem fs, FileStatus folder, String name, long now) throws IOException {
    long last = folder.getModificationTime();
    Path hb = new Path(folder.getPath(), HEARTBEAT);
    if (fs.exists(hb)) {
      last = Math.max(last, fs.getFileStatus(hb).getModificationTime());
    }
    if (now - last > STALE_AFTER_SECONDS * 1000) {
      return false;
    }
    int at = name.lastIndexOf('@');
    int dash = name.lastIndexOf('-', at);
    if (at > 0 && dash > 0 && name.substring(at + 1).equals(host())) {
      try {
        long pid = Long.parseLong(name.substring(dash + 1, at));
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return true;
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.\\-]", "_");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
