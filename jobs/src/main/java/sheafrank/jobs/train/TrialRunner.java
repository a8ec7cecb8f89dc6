package sheafrank.jobs.train;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sheafrank.data.Dataset;
import sheafrank.data.Task;
import sheafrank.diagnostics.Discord;
import sheafrank.diagnostics.Spectrum;
import sheafrank.net.Mlp;
import sheafrank.pinning.ExactSolver;
import sheafrank.pinning.PinnedProblem;
import sheafrank.pinning.PinnedResult;
import sheafrank.train.CurvePoint;
import sheafrank.train.Method;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;
import sheafrank.train.TrainListener;
import sheafrank.train.TrainResult;
import sheafrank.train.TrainSpec;
import sheafrank.train.Trainer;

/**
 * Runs one trial inside a Spark task: generates (or unpacks) its data, trains single-threaded from
 * the trial's seed, and produces the rows of every table for it. Periodic diagnostics (spectra,
 * pinned discord, weight snapshots) run inside the trial through the {@link TrainListener}, on the
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
      Listener li = new Listener(s, t, trainer, d, out, log);
      log.printf(Locale.ROOT, "[train-sweep] %s: start (%s, %s, %d %s, n_train %d)%n", t.id(), t.task(),
          Arrays.toString(t.widths()), t.steps(), t.methodEnum() == Method.SHEAF ? "Euler steps"
              : t.methodEnum() == Method.SHEAF_EQUILIBRIUM ? "outer steps" : "epochs", t.nTrain());
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
      log.printf(Locale.ROOT, "[train-sweep] %s: %s after %d steps, train loss %.4g, test loss %.4g, %.0f steps/s, %.1f s%n",
          t.id(), status, r.steps(), r.train().loss(), r.test().loss(), r.stepsPerSecond(), wall);
    } catch (RuntimeException | StackOverflowError e) {
      double wall = (System.nanoTime() - wall0) * 1e-9;
      out.rows.clear();
      out.status = "failed";
      out.add(TrainTables.TRIALS, t.lr(), s.nTest(), "failed", null, e.toString(),
          trainer == null ? 0L : trainer.step(), null, null, null, null, null, null, 0.0, wall, 0.0,
          (mx.getCurrentThreadCpuTime() - cpu0) * 1e-9, 0.0, 0.0);
      log.printf("[train-sweep] %s: failed: %s%n", t.id(), e);
    }
    return out;
  }

  private static Double finite(double v) {
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

  /** Records the loss curve, prints progress and runs the in-training diagnostics. */
  static final class Listener implements TrainListener {
    final SweepSettings s;
    final Trial t;
    final Trainer trainer;
    final Output out;
    final PrintStream log;
    final double[][] diagX;
    final double[][] diagY;
    Double initialLoss;
    long lastPrint = System.nanoTime();

    Listener(SweepSettings s, Trial t, Trainer trainer, Dataset d, Output out, PrintStream log) {
      this.s = s;
      this.t = t;
      this.trainer = trainer;
      this.out = out;
      this.log = log;
      Samples src = d.test() != null ? d.test() : d.train();
      int n = Math.min(s.diagnosticsInputs(), src.n());
      diagX = new double[n][];
      diagY = new double[n][];
      for (int i = 0; i < n; i++) {
        diagX[i] = Arrays.copyOfRange(src.x(), i * src.inDim(), (i + 1) * src.inDim());
        diagY[i] = Arrays.copyOfRange(src.y(), i * src.outDim(), (i + 1) * src.outDim());
      }
    }

    @Override
    public void onCurvePoint(CurvePoint p) {
      long step = p.step();
      if (step == 0) {
        initialLoss = p.trainLoss();
      }
      boolean last = step == t.steps();
      if (step % s.curveEvery() == 0 || last) {
        out.add(TrainTables.CURVES, step, p.trainLoss(), finite(p.testLoss()), finite(p.trainAccuracy()),
            finite(p.testAccuracy()), p.seconds());
      }
      boolean spectra = s.spectraDue(step);
      boolean stage = s.isStage(step);
      if (spectra || stage && (s.discord() || s.modelSnapshots())) {
        Mlp net = trainer.network();
        if (spectra) {
          spectra(net, p, stage);
        }
        if (stage && s.discord()) {
          discord(net, step);
        }
        if (stage && s.modelSnapshots()) {
          modelRows(out, t.id() + ":" + step, net);
        }
      }
      long now = System.nanoTime();
      if (step > 0 && (now - lastPrint >= s.progressSeconds() * 1e9 || last)) {
        lastPrint = now;
        log.printf(Locale.ROOT, "[train-sweep] %s: step %d/%d train loss %.4g test loss %.4g %.0f steps/s%n",
            t.id(), step, t.steps(), p.trainLoss(), p.testLoss(), step / Math.max(p.seconds(), 1e-9));
      }
    }

    void spectra(Mlp net, CurvePoint p, boolean stage) {
      int n = diagX.length;
      double[] l1 = new double[n];
      double[] lmax = new double[n];
      double[] cond = new double[n];
      double[][] fiedler = new double[n][];
      double[][] top = new double[n][];
      Spectrum.OutputMode mode = Spectrum.OutputMode.valueOf(s.spectrumOutput().toUpperCase(Locale.ROOT));
      for (int i = 0; i < n; i++) {
        Spectrum.Result r = Spectrum.at(net, diagX[i], mode);
        l1[i] = r.lambda1();
        lmax[i] = r.lambdaMax();
        cond[i] = r.condition();
        fiedler[i] = r.fiedler();
        top[i] = r.top();
        if (stage) {
          out.add(TrainTables.SPECTRA_SAMPLES, p.step(), i, diagX[i].clone(), l1[i], lmax[i], cond[i]);
        }
      }
      double[] q1 = quartiles(l1);
      double[] qm = quartiles(lmax);
      double[] qc = quartiles(cond);
      out.add(TrainTables.SPECTRA, p.step(), p.trainLoss(), finite(p.testLoss()), n, q1[1], q1[0], q1[2],
          qm[1], qm[0], qm[2], qc[1], qc[0], qc[2], pairwiseCosineMedian(fiedler), pairwiseCosineMedian(top));
    }

    void discord(Mlp net, long step) {
      PinnedProblem prob = PinnedProblem.of(net, s.pins());
      ExactSolver solver = prob.solver();
      String[] names = null;
      List<double[]> per = new ArrayList<>();
      for (int i = 0; i < diagX.length; i++) {
        PinnedResult r = solver.solve(prob.bind(diagX[i], diagY[i]), null);
        String[] nm = r.discordNames();
        double[] dsc = r.discord();
        int edges = nm.length - 1; // the last slot is the soft pins' penalty edges
        if (names == null) {
          names = Arrays.copyOf(nm, edges);
        }
        double[] row = new double[edges];
        for (int e = 0; e < edges; e++) {
          row[e] = dsc[e];
          String kind = nm[e].startsWith("W") ? "weight" : nm[e].startsWith("R") ? "activation" : "output";
          Integer layer = kind.equals("output") ? null : Integer.valueOf(nm[e].substring(1));
          out.add(TrainTables.DISCORD, step, i, nm[e], kind, layer, dsc[e], r.converged());
        }
        per.add(row);
        for (Discord.EdgeResiduals er : Discord.perCoordinate(prob.network(), prob.layout(), r.cochain())) {
          for (int j = 0; j < er.z().length; j++) {
            out.add(TrainTables.RESIDUALS, step, i, er.name(), er.layer(), j, er.z()[j], er.residual()[j],
                er.active()[j]);
          }
        }
      }
      if (names == null) {
        return;
      }
      Discord.Aggregate a = Discord.aggregate(names, per.toArray(new double[0][]));
      // total: every edge; total_internal: weight and activation edges only (the paper's Table 3
      // "Total", which lists W and R edges; the output edge carries the same discord as the last W)
      double[] totals = new double[per.size()];
      double[] internal = new double[per.size()];
      for (int i = 0; i < totals.length; i++) {
        double[] row = per.get(i);
        for (int e = 0; e < row.length; e++) {
          totals[i] += row[e];
          if (names[e].startsWith("W") || names[e].startsWith("R")) {
            internal[i] += row[e];
          }
        }
      }
      for (int e = 0; e < names.length; e++) {
        out.add(TrainTables.DISCORD_SUMMARY, step, names[e], per.size(), a.mean()[e], a.std()[e]);
      }
      Spectrum.Stats st = Spectrum.stats(totals);
      Spectrum.Stats si = Spectrum.stats(internal);
      out.add(TrainTables.DISCORD_SUMMARY, step, "total", per.size(), st.mean(), st.std());
      out.add(TrainTables.DISCORD_SUMMARY, step, "total_internal", per.size(), si.mean(), si.std());
    }
  }

  /** 25th, 50th and 75th percentiles (linear interpolation between order statistics). */
  static double[] quartiles(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return new double[] {percentile(s, 0.25), percentile(s, 0.5), percentile(s, 0.75)};
  }

  static double percentile(double[] sorted, double q) {
    if (sorted.length == 1) {
      return sorted[0];
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  /** Median over all pairs of inputs of |cos| between their eigenvectors (null for one input). */
  static Double pairwiseCosineMedian(double[][] v) {
    int n = v.length;
    if (n < 2) {
      return null;
    }
    double[] c = new double[n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        c[k++] = Spectrum.absCosine(v[i], v[j]);
      }
    }
    Arrays.sort(c);
    return percentile(c, 0.5);
  }
}
