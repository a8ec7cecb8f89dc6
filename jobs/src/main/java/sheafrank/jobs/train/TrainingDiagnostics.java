package sheafrank.jobs.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import sheafrank.data.Dataset;
import sheafrank.diagnostics.Discord;
import sheafrank.diagnostics.Spectrum;
import sheafrank.net.Mlp;
import sheafrank.pinning.ExactSolver;
import sheafrank.pinning.PinnedProblem;
import sheafrank.pinning.PinnedResult;
import sheafrank.train.CurvePoint;
import sheafrank.train.Samples;
import sheafrank.train.TrainListener;
import sheafrank.train.Trainer;

/**
 * What a trial records while it trains, through the {@link TrainListener}: the loss curve, a
 * progress line every progress.seconds for a long trial, and at the requested steps the
 * in-training diagnostics on the live weights (S13 spectra of L[Omega, Omega], S15/S16 output-pinned
 * per-edge discord, weight snapshots).
 */
final class TrainingDiagnostics implements TrainListener {
  final SweepSettings s;
  final Trial t;
  final Trainer trainer;
  final TrialRunner.Output out;
  final PrintStream log;
  final double[][] diagX;
  final double[][] diagY;
  Double initialLoss;
  long lastPrint = System.nanoTime();
  boolean printed;

  TrainingDiagnostics(SweepSettings s, Trial t, Trainer trainer, Dataset d, TrialRunner.Output out, PrintStream log) {
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
      out.add(TrainTables.CURVES, step, p.trainLoss(), TrialRunner.finite(p.testLoss()), TrialRunner.finite(p.trainAccuracy()),
          TrialRunner.finite(p.testAccuracy()), p.seconds());
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
        TrialRunner.modelRows(out, t.id() + ":" + step, net);
      }
    }
    long now = System.nanoTime();
    if (step > 0 && !last && now - lastPrint >= s.progressSeconds() * 1e9) { // long trials only
      lastPrint = now;
      printed = true;
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
    out.add(TrainTables.SPECTRA, p.step(), p.trainLoss(), TrialRunner.finite(p.testLoss()), n, q1[1], q1[0], q1[2],
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
