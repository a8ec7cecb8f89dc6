package sheafrank.jobs.sheaf;

import static sheafrank.jobs.core.NestedRows.rows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import sheafrank.jobs.core.Units;
import sheafrank.net.Mlp;
import sheafrank.pinning.ExactSolver;
import sheafrank.pinning.GammaSweep;
import sheafrank.pinning.LocalUpdate;
import sheafrank.pinning.PinSpec;
import sheafrank.pinning.PinnedEuler;
import sheafrank.pinning.PinnedLaplacian;
import sheafrank.pinning.PinnedProblem;
import sheafrank.pinning.PinnedResult;
import sheafrank.sheaf.SheafLayout;

/**
 * One partition's pinning solver (seed 001 §5.1, seed 002 §13.4-13.6): the compiled pinned problem,
 * its exact solver and optionally forward Euler, turning a sample id into its {@link
 * PinningTables#ALL} row. A failure of one sample is that sample's status, never the task's.
 */
final class PinningWorker implements Units.Worker {
  final SheafPinningJob.Setup s;
  final Mlp net;
  final PinnedProblem p;
  final SheafLayout layout;
  final ExactSolver solver;
  final PinnedEuler euler;
  final PinnedProblem freeLimit;
  final PinnedProblem hardLimit;
  final String freeLimitError;
  final String[] discordNames;
  final String[] discordKinds;
  final Integer[] discordLayers;
  final boolean hasSoft;

  PinningWorker(SheafPinningJob.Setup s) {
    this.s = s;
    net = s.net();
    p = PinnedProblem.of(net, PinSpec.parse(s.pins()));
    layout = p.layout();
    solver = p.solver().pathStep(s.pathStep());
    if (s.maxIterations() > 0) {
      solver.maxIterations(s.maxIterations());
    }
    euler = s.euler() ? new PinnedEuler(p) : null;
    hasSoft = p.softIndices().length > 0;
    PinnedProblem free = null;
    String err = null;
    if (s.sweep().length > 0) {
      try {
        free = p.withoutSoftPins();
      } catch (IllegalArgumentException e) {
        err = "without its soft pins the problem is not determined: " + e.getMessage();
      }
    }
    freeLimit = free;
    freeLimitError = err;
    hardLimit = s.sweep().length > 0 ? p.withSoftPinsHard() : null;
    discordNames = p.discordNames();
    discordKinds = new String[discordNames.length];
    discordLayers = new Integer[discordNames.length];
    for (int k = 0; k < layout.edgeCount(); k++) {
      SheafLayout.Edge e = layout.edges().get(k);
      discordKinds[k] = switch (e.kind()) {
        case WEIGHT -> "weight";
        case ACTIVATION -> "activation";
        default -> "output";
      };
      discordLayers[k] = e.layer();
    }
    discordKinds[discordNames.length - 1] = "pins";
  }

  /** The reference input: the sample's input with hard-pinned input coordinates at their values. */
  double[] referenceInput(double[] x, PinnedProblem.Bound b) {
    double[] r = x.clone();
    int[] hi = p.hardIndices();
    for (int i = 0; i < hi.length; i++) {
      if (hi[i] < r.length) {
        r[hi[i]] = b.hardValues()[i];
      }
    }
    return r;
  }

  @Override
  public Row apply(long id) {
    double[] x = s.source().input(id, net.inputDim());
    double[] y = p.usesTarget() ? s.source().target(id, x, net) : null;
    double[] fwdOut = net.forward(x).output();
    List<Row> none = List.of();
    PinnedProblem.Bound b;
    try {
      b = p.bind(x, y);
    } catch (RuntimeException e) {
      return failed(id, x, y, fwdOut, e, none);
    }
    double[] xr = referenceInput(x, b);
    fwdOut = net.forward(xr).output();
    try {
      PinnedResult r = solver.solve(b, null);
      double[] c = r.cochain();
      String status = r.converged() ? "converged" : "max_iterations";
      if (!allFinite(c)) {
        status = "failed";
      }
      double[] fwd = layout.forwardCochain(net, xr);
      String eulerStatus = null;
      Long eulerSteps = null;
      Double agreement = null;
      double[] ce = null;
      if (euler != null) {
        ce = p.defaultStart(b);
        boolean ok = euler.run(b, ce, s.dt(), s.maxSteps(), s.eulerTol());
        eulerSteps = (long) euler.lastSteps();
        if (!allFinite(ce)) {
          eulerStatus = "diverged";
          status = status.equals("converged") ? "euler_diverged" : status;
        } else {
          eulerStatus = ok ? "converged" : "max_steps";
          agreement = maxAbs(c, ce, c.length);
        }
      }
      double[] d = r.discord();
      double total = 0;
      List<Row> disc = new ArrayList<>();
      for (int k = 0; k < d.length; k++) {
        if (k == d.length - 1 && !hasSoft) {
          continue;
        }
        disc.add(RowFactory.create(k, discordNames[k], discordKinds[k], discordLayers[k], d[k]));
        total += d[k];
      }
      boolean detail = id < s.details();
      List<Row> values = detail ? values(c, fwd, ce) : none;
      List<Row> spectrum = detail ? spectrum(c) : none;
      List<Row> updates = detail ? updates(c) : none;
      List<Row> sweep = s.sweep().length > 0 ? sweep(x, y) : none;
      int m = net.outputDim();
      double[] phi = new double[m];
      net.output().apply(c, layout.zOffset(net.depth() - 1), phi, 0, m);
      return RowFactory.create(id, xr, y, s.pins(), Arrays.copyOf(c, net.inputDim()), phi, fwdOut, r.energy(), total, r.globalSection(s.tol()),
          maxAbs(c, fwd, c.length), r.changedUnits().toArray(new String[0]), r.changedUnits().size(),
          r.surfaceUnits().toArray(new String[0]), r.slidingUnits(s.tol()).toArray(new String[0]), r.iterations(),
          eulerStatus, eulerSteps, agreement, status, status.equals("converged") ? null : statusMessage(status),
          rows(disc), rows(values), rows(spectrum), rows(updates), rows(sweep));
    } catch (RuntimeException e) {
      return failed(id, xr, y, fwdOut, e, none);
    }
  }

  private String statusMessage(String status) {
    return switch (status) {
      case "max_iterations" -> "exact solver stopped at its iteration cap before a KKT point";
      case "euler_diverged" -> "forward Euler diverged (dt " + s.dt() + " above the stability limit 2 / lambda_max?)";
      default -> "the equilibrium holds NaN or infinite values";
    };
  }

  private Row failed(long id, double[] x, double[] y, double[] fwdOut, RuntimeException e, List<Row> none) {
    return RowFactory.create(id, x, y, s.pins(), null, null, fwdOut, null, null, null, null, null, null, null, null,
        null, null, null, null, "failed", e.toString(), rows(none), rows(none), rows(none), rows(none), rows(none));
  }

  List<Row> values(double[] c, double[] fwd, double[] ce) {
    boolean[] fixed = p.fixedMask();
    boolean[] soft = new boolean[c.length];
    for (int i : p.softIndices()) {
      soft[i] = true;
    }
    List<Row> rows = new ArrayList<>();
    for (SheafLayout.Vertex v : layout.vertices()) {
      for (int j = 0; j < v.dim(); j++) {
        int i = v.offset() + j;
        rows.add(RowFactory.create(v.name() + "[" + j + "]", v.name(), v.layer(), j,
            fixed[i] ? "hard" : soft[i] ? "soft" : "free", c[i], fwd[i], ce == null ? null : ce[i]));
      }
    }
    return rows;
  }

  List<Row> spectrum(double[] c) {
    PinnedLaplacian.Result l = PinnedLaplacian.at(p, c);
    double[] ev = l.eigenvalues();
    Double l1 = ev.length > 0 ? ev[0] : null;
    Double lmax = ev.length > 0 ? ev[ev.length - 1] : null;
    return List.of(RowFactory.create(l.n(), ev, l1, lmax, l1 == null ? null : lmax / l1));
  }

  List<Row> updates(double[] c) {
    double[][][] u = LocalUpdate.step(net, layout, c, s.eta());
    int[] w = net.widths();
    List<Row> rows = new ArrayList<>();
    for (int l = 0; l < u.length; l++) {
      int nin = w[l];
      for (int i = 0; i < w[l + 1]; i++) {
        for (int j = 0; j < nin; j++) {
          rows.add(RowFactory.create("W" + (l + 1), l + 1, "weight", i, j, u[l][0][i * nin + j], s.eta()));
        }
      }
      for (int i = 0; i < w[l + 1]; i++) {
        rows.add(RowFactory.create("W" + (l + 1), l + 1, "bias", i, null, u[l][1][i], s.eta()));
      }
    }
    return rows;
  }

  List<Row> sweep(double[] x, double[] y) {
    double[] freeC = limit(freeLimit, x, y);
    double[] hardC = limit(hardLimit, x, y);
    double[] base = p.softGammas();
    boolean shared = Arrays.stream(base).allMatch(g -> g == base[0]);
    List<Row> rows = new ArrayList<>();
    List<GammaSweep.Point> pts;
    try {
      pts = GammaSweep.sweep(p, x, y, s.sweep());
    } catch (RuntimeException e) {
      for (double sc : s.sweep()) {
        rows.add(RowFactory.create(sc, shared ? sc * base[0] : null, scaled(base, sc), null, null, null, null, null,
            "failed"));
      }
      return rows;
    }
    for (GammaSweep.Point pt : pts) {
      double[] c = pt.result().cochain();
      String st = pt.result().converged() && allFinite(c) ? "converged" : "max_iterations";
      rows.add(RowFactory.create(pt.scale(), shared ? pt.scale() * base[0] : null, scaled(base, pt.scale()),
          pt.result().energy(), pt.violation(), freeC == null ? null : maxAbs(c, freeC, Math.min(c.length, freeC.length)),
          hardC == null ? null : maxAbs(c, hardC, Math.min(c.length, hardC.length)),
          pt.result().changedUnits().size(), st));
    }
    return rows;
  }

  /** The equilibrium of a limit problem (gamma -> 0 or infinity); null if it cannot be solved. */
  private static double[] limit(PinnedProblem q, double[] x, double[] y) {
    if (q == null) {
      return null;
    }
    try {
      PinnedResult r = q.solve(x, y);
      double[] c = r.cochain();
      return r.converged() && allFinite(c) ? c : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  static double[] scaled(double[] g, double s) {
    double[] o = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      o[i] = g[i] * s;
    }
    return o;
  }

  static boolean allFinite(double[] v) {
    for (double d : v) {
      if (!Double.isFinite(d)) {
        return false;
      }
    }
    return true;
  }

  /** max_i |a_i - b_i| over the first n coordinates (NaN propagates). */
  static double maxAbs(double[] a, double[] b, int n) {
    return InferenceSamples.maxAbsDiff(a, b, 0, n);
  }
}
