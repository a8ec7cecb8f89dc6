package sheafrank.jobs.core;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Progress of a job's work units on the driver's console, as a summary rather than one line per
 * unit: every few seconds (and when the units are done) a line
 * {@code "train-sweep: 40/320 trials done (38 converged, 2 stalled), 35 s, about 4 min left"},
 * plus one line per failed unit as it is reported. Executors report each finished unit with
 * {@link #done} (the status, and a message for a failure); the reports travel with Spark's task
 * results (accumulators), so the same lines appear on a cluster, where executors' own output goes
 * to their logs. A retried task reports its units again: counts are capped at the total and
 * failure lines are printed once.
 *
 * <p>Use: {@code Progress p = Progress.start(ctx, "my-job", n, "samples", 10, System.out);} before
 * the stage, {@code p.done(status, failureOrNull)} in the unit's function (the object is
 * serialisable), {@code p.finish()} after the stage (in a finally).
 */
public final class Progress implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String job;
  private final long total;
  private final String unit;
  private final CollectionAccumulator<String> statuses;
  private final CollectionAccumulator<String> failures;
  private transient ScheduledExecutorService timer;
  private transient PrintStream out;
  private transient long startNanos;
  private transient Set<String> printed;
  private transient String lastKey;
  private transient long lastPrintNanos;

  private Progress(String job, long total, String unit, CollectionAccumulator<String> statuses,
      CollectionAccumulator<String> failures) {
    this.job = job;
    this.total = total;
    this.unit = unit;
    this.statuses = statuses;
    this.failures = failures;
  }

  /** Starts the summary lines, every {@code seconds} (0: only failures and the final line). */
  public static Progress start(JobContext ctx, String job, long total, String unit, double seconds, PrintStream out) {
    var sc = ctx.spark().sparkContext();
    Progress p = new Progress(job, total, unit, sc.collectionAccumulator(job + " " + unit + " done"),
        sc.collectionAccumulator(job + " " + unit + " failed"));
    p.out = out;
    p.startNanos = System.nanoTime();
    p.printed = new HashSet<>();
    p.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, job + "-progress");
      t.setDaemon(true);
      return t;
    });
    if (seconds > 0) {
      long ms = Math.max(1000, (long) (seconds * 1000));
      p.timer.scheduleAtFixedRate(() -> p.report(false), ms, ms, TimeUnit.MILLISECONDS);
    }
    return p;
  }

  /** Executor side: one unit finished with {@code status}; {@code failure} (or null) is its failure line. */
  public void done(String status, String failure) {
    statuses.add(status);
    if (failure != null) {
      failures.add(failure);
    }
  }

  /** Driver side: prints the final summary line and stops the timer. */
  public void finish() {
    timer.shutdownNow();
    report(true);
  }

  private synchronized void report(boolean last) {
    try {
      for (String f : new ArrayList<>(failures.value())) {
        if (printed.add(f)) {
          out.println(job + ": " + f);
        }
      }
      List<String> st = new ArrayList<>(statuses.value());
      Map<String, Integer> by = new TreeMap<>();
      for (String s : st) {
        by.merge(s, 1, Integer::sum);
      }
      long done = Math.min(total, st.size());
      double sec = (System.nanoTime() - startNanos) * 1e-9;
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s: %d/%d %s done", job, done, total, unit));
      if (!by.isEmpty()) {
        StringBuilder parts = new StringBuilder();
        by.forEach((k, v) -> parts.append(parts.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
        sb.append(" (").append(parts).append(')');
      }
      sb.append(", ").append(duration(sec));
      if (!last && done > 0 && done < total) {
        sb.append(", about ").append(duration(sec / done * (total - done))).append(" left");
      }
      String key = done + " " + by;
      long now = System.nanoTime();
      if (last || !key.equals(lastKey) || now - lastPrintNanos > 60_000_000_000L) {
        out.println(sb);
        lastKey = key;
        lastPrintNanos = now;
      }
    } catch (RuntimeException e) {
      // progress is informational: never fail a run for it
    }
  }

  static String duration(double s) {
    if (s < 100) {
      return String.format(Locale.ROOT, "%.0f s", s);
    }
    if (s < 6000) {
      return String.format(Locale.ROOT, "%.0f min", s / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", s / 3600);
  }
}
