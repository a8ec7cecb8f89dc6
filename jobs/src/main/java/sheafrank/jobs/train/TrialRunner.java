package sheafrank.jobs.train;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sheafrank.data.Dataset;
import sheafrank.data.Task;
import sheafrank.net.Mlp;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;
import sheafrank.train.TrainListener;
import sheafrank.train.TrainResult;
import sheafrank.train.TrainSpec;
import sheafrank.train.Trainer;

/**
 * Runs one trial inside a Spark task: generates (or unpacks) its data, trains single-threaded from
 * the trial's seed, and produces the rows of every table for it. Periodic diagnostics (spectra,
 * pinned discord, weight snapshots) run inside the trial ({@link TrainingDiagnostics}, a {@link TrainListener}) on the
 * live weights at the requested steps. Nothing here depends on which task or partition runs the
 * trial, so the tables are identical for any partitioning (timing columns aside).
 *
 * <p>A trial never throws: a numerical divergence is a status ({@code diverged} with its step), and
 * any other exception becomes status {@code failed} with the message.
 */
final class TrialRunner {
  private TrialRunner() {}

  /** The rows a trial contributes to each table (key columns not included; models complete). */
  static final class Output implements Serializable {
    private static final long serialVersionUID = 1L;
    final Map<String, List<Object[]>> rows = new HashMap<>();
    String status;
    String message = "";

    void add(String table, Object... values) {
      rows.computeIfAbsent(table, k -> new ArrayList<>()).add(values);
    }

    List<Object[]> rows(String table) {
      return rows.getOrDefault(table, List.of());
    }
  }

  /** Grid domains of the paper tasks (for S8 plots): the input box, or the data's extent. */
  static double[] domain(String task) {
    return switch (task) {
      case "paraboloid" -> new double[] {-2, 2, -2, 2};
      case "saddle" -> new double[] {0, 2, 0, 2};
      case "circular" -> new double[] {-3, 3, -3, 3};
      case "blobs" -> new double[] {-4.5, 4.5, -4.5, 4.5};
      default -> null;
    };
  }

  static Dataset data(SweepSettings s, Trial t) {
    if (t.task().equals("file")) {
      return s.data().dataset(t.nTrain());
    }
    return Task.parse(t.task()).generate(t.nTrain(), s.nTest(), s.dataSeed());
  }

  static Output run(SweepSettings s, Trial t, PrintStream log) {
    Output out = new Output();
    long wall0 = System.nanoTime();
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu0 = mx.getCurrentThreadCpuTime();
    Trainer trainer = null;
    try {
      Dataset d = data(s, t);
      TaskKind kind = d.kind();
      TrainSpec spec = t.spec(s, kind, cadence(s, t));
      trainer = Trainer.create(spec, kind, d.train(), d.test());
      TrainingDiagnostics li = new TrainingDiagnostics(s, t, trainer, d, out, log);
      TrainResult r = trainer.run(li);
      double wall = (System.nanoTime() - wall0) * 1e-9;
      double cpu = (mx.getCurrentThreadCpuTime() - cpu0) * 1e-9;
      String status;
      if (r.diverged()) {
        status = "diverged";
      } else if (li.initialLoss != null && r.train().loss() < li.initialLoss) {
        status = "converged";
      } else {
        status = "stalled";
      }
      out.status = status;
      String message = r.diverged() ? r.message()
          : status.equals("stalled") ? "final training loss not below the initial " + li.initialLoss : "";
      out.message = message;
      out.add(TrainTables.TRIALS, t.lr(), d.nTest(), status, r.diverged() ? r.divergedAtStep() : null,
          message, r.steps(), li.initialLoss, finite(r.train().loss()), finite(r.test().loss()),
          finite(r.train().accuracy()), finite(r.test().accuracy()), finite(r.sheafLoss()), r.seconds(), wall,
          r.stepsPerSecond(), cpu, cpu > 0 ? r.steps() / cpu : 0.0,
          r.seconds() > 0 ? r.flops() / r.seconds() * 1e-9 : 0.0);
      if (!r.diverged()) {
        Mlp net = r.network();
        if (s.writeModels()) {
          modelRows(out, t.id(), net);
        }
        if (s.gridSize() > 0) {
          grid(s, t, d, net, out);
        }
      }
      if (li.printed) { // a long trial that showed progress lines also shows how it ended
        log.printf(Locale.ROOT, "[train-sweep] %s: %s after %d steps, train loss %.4g, test loss %.4g, %.0f steps/s, %.1f s%n",
            t.id(), status, r.steps(), r.train().loss(), r.test().loss(), r.stepsPerSecond(), wall);
      }
    } catch (RuntimeException | StackOverflowError e) {
      double wall = (System.nanoTime() - wall0) * 1e-9;
      out.rows.clear();
      out.status = "failed";
      out.message = e.toString();
      out.add(TrainTables.TRIALS, t.lr(), s.nTest(), "failed", null, e.toString(),
          trainer == null ? 0L : trainer.step(), null, null, null, null, null, null, 0.0, wall, 0.0,
          (mx.getCurrentThreadCpuTime() - cpu0) * 1e-9, 0.0, 0.0);
    }
    return out;
  }

  static Double finite(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** The trainer's curve cadence: every step at which anything is recorded is a multiple of it. */
  static long cadence(SweepSettings s, Trial t) {
    long g = s.curveEvery();
    if (s.spectra() && s.diagnosticsEvery() > 0) {
      g = gcd(g, s.diagnosticsEvery());
    }
    if (s.spectra() || s.discord() || s.modelSnapshots()) {
      for (long st : s.stages()) {
        g = gcd(g, st);
      }
    }
    return g;
  }

  static long gcd(long a, long b) {
    while (b != 0) {
      long r = a % b;
      a = b;
      b = r;
    }
    return a;
  }

  static void modelRows(Output out, String id, Mlp net) {
    for (int l = 0; l < net.depth(); l++) {
      out.add(TrainTables.MODELS, sheafrank.jobs.core.ModelTable.values(id, net, l, null));
    }
  }

  /** Network outputs on a gridSize x gridSize grid over the task's domain (2-D inputs only). */
  static void grid(SweepSettings s, Trial t, Dataset d, Mlp net, Output out) {
    if (d.inputDim() != 2) {
      return;
    }
    double[] dom = domain(t.task());
    if (dom == null) {
      dom = extent(d.train());
    }
    int g = s.gridSize();
    Task task = t.task().equals("file") ? null : Task.parse(t.task());
    double[] x = new double[2];
    for (int i = 0; i < g; i++) {
      for (int j = 0; j < g; j++) {
        x[0] = g == 1 ? 0.5 * (dom[0] + dom[1]) : dom[0] + (dom[1] - dom[0]) * i / (g - 1);
        x[1] = g == 1 ? 0.5 * (dom[2] + dom[3]) : dom[2] + (dom[3] - dom[2]) * j / (g - 1);
        double[] o = net.forward(x).output().clone();
        Integer cls = null;
        if (d.kind() == TaskKind.BINARY) {
          cls = o[0] > 0.5 ? 1 : 0;
        } else if (d.kind() == TaskKind.MULTICLASS) {
          int a = 0;
          for (int k = 1; k < o.length; k++) {
            if (o[k] > o[a]) {
              a = k;
            }
          }
          cls = a;
        }
        Double target = task != null && task.kind() == TaskKind.REGRESSION ? task.target(x[0], x[1]) : null;
        out.add(TrainTables.GRID, x[0], x[1], o, cls, target);
      }
    }
  }

  static double[] extent(Samples s) {
    double[] e = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
    for (int i = 0; i < s.n(); i++) {
      e[0] = Math.min(e[0], s.x(i, 0));
      e[1] = Math.max(e[1], s.x(i, 0));
      e[2] = Math.min(e[2], s.x(i, 1));
      e[3] = Math.max(e[3], s.x(i, 1));
    }
    return e;
  }
}
