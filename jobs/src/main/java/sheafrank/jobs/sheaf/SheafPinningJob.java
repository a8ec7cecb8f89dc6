package sheafrank.jobs.sheaf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.SortedStats;
import sheafrank.jobs.core.Spec;
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
 * S6, D1, D2, S15: pinned equilibria as boundary-value problems (seed 001 §5.1, Note 5.1; seed 002
 * §13.4-13.6). Per sample (inputs and targets generated on the executors from (seed, index)): the
 * exact local minimiser of the pinned energy (active set over ReLU signs, block-tridiagonal solves)
 * and optionally forward Euler of the pinned heat equation with their agreement; residual energy R,
 * global-section test, activation-pattern changes against the forward pass, sliding units; per-edge
 * discord; for the first samples the per-coordinate values, the spectrum of L_free and one local
 * weight update; a gamma sweep of soft pins between the free and the hard problem.
 */
public final class SheafPinningJob implements Job {
  @Override
  public String name() {
    return "sheaf-pinning";
  }

  @Override
  public String description() {
    return "Pinned equilibria as boundary-value problems (S6, D1, D2). Hard and soft pins on any stalk "
        + "coordinates (two-sided Dirichlet problems, "
        + "hidden-neuron steering, imputation) solved exactly per sample and optionally by forward Euler; "
        + "residual energy R, per-edge discord, pattern changes, sliding units, L_free spectra, local "
        + "weight updates and gamma sweeps of soft pins.";
  }

  @Override
  public List<Param> params() {
    List<Param> p = new ArrayList<>(NetworkParams.params("[2, 30, 1]", "identity"));
    p.addAll(SampleSource.params(100));
    p.add(Param.of("pins", Type.STRING, "\"x = input\"",
        "pins, ';'-separated, in double quotes: 'x = input', 'y = target', 'a1[3] = 2.5', 'x = 1, 2', "
            + "'z2 ~ 0.5 @ 10' (soft, gamma 10); layers 1-based, neurons 0-based; unpinned input coordinates are free"));
    p.add(Param.of("exact.path_step", Type.DOUBLE, "0.1",
        "exact solver: first proximal step of its gradient-flow path (0 = straight to each region's minimiser;"
            + " one hidden layer with the input pinned goes straight anyway, provably to the same point)").nonNegative());
    p.add(Param.of("exact.max_iterations", Type.INT, "0", "exact solver: iteration cap (0 = 100 + 10 x hidden units)")
        .nonNegative());
    p.add(Param.of("euler", Type.BOOL, "false", "also run forward Euler of the pinned heat equation from the same start"));
    p.add(Param.of("euler.dt", Type.DOUBLE, "0.01", "Euler step").positive());
    p.add(Param.of("euler.max_steps", Type.LONG, "1000000", "Euler steps at most per sample").positive());
    p.add(Param.of("euler.tolerance", Type.DOUBLE, "1e-10",
        "Euler stops when the largest velocity |dc/dt| on a free coordinate is below this").positive());
    p.add(Param.of("gamma.sweep", Type.DOUBLE_LIST, "[]",
        "scale factors (ascending, > 0) applied to every soft pin's gamma; [] = no sweep").check(v -> {
          double[] s = (double[]) v;
          for (int i = 0; i < s.length; i++) {
            if (!(s[i] > 0)) {
              return "scale factors must be > 0, got " + s[i];
            }
            if (i > 0 && !(s[i] > s[i - 1])) {
              return "scale factors must be ascending, got " + Arrays.toString(s);
            }
          }
          return null;
        }));
    p.add(Param.of("details.count", Type.INT, "0",
        "samples 0..count-1 also get per-coordinate values, the L_free spectrum and a local weight update").nonNegative());
    p.add(Param.of("update.eta", Type.DOUBLE, "1.0", "step size eta of the local weight update (seed 002 Prop. 11.5)")
        .positive());
    p.add(Param.of("section_tolerance", Type.DOUBLE, "1e-9",
        "a cochain is a global section if every edge residual is below this; also the sliding threshold on |a_j|").positive());
    return p;
  }

  @Override
  public List<String> tables() {
    return List.of(
        "pinning_equilibria: sample_id, input, target, pins, equilibrium_input, output, forward_output, energy, "
            + "discord_total, is_global_section, distance_to_forward, changed_units, changed_count, surface_units, "
            + "sliding_units, iterations, euler_status, euler_steps, exact_vs_euler, status, message",
        "pinning_discord: sample_id, edge, kind, layer, discord",
        "pinning_discord_summary: edge, kind, layer, samples, mean, std, min, max, median (converged samples; "
            + "rows 'total' = sum of d_e and 'energy' = R, whose mean is the sheaf loss L(theta))",
        "pinning_values (details.count): sample_id, coordinate, stalk, layer, neuron, pin, value, forward_value, euler_value",
        "pinning_spectrum (details.count): sample_id, free_dim, eigenvalues, lambda_1, lambda_max, condition",
        "pinning_updates (details.count): sample_id, edge, layer, parameter, row, col, delta, eta",
        "pinning_gamma_sweep (gamma.sweep): sample_id, scale, gamma, gammas, energy, violation, distance_to_free, "
            + "distance_to_hard, changed_count, status");
  }

  @Override
  public Spec resolve(Spec spec) {
    return NetworkParams.resolve(spec);
  }

  @Override
  public void validate(Spec spec) {
    NetworkParams.validate(spec);
    Mlp net = NetworkParams.build(spec);
    SampleSource.validate(spec, net.widths());
    PinnedProblem p = compile(net, spec.getString("pins"));
    SampleSource src = SampleSource.of(spec);
    if (spec.getLong("inputs.count") > 0) {
      double[] x = src.input(0, net.inputDim());
      try {
        p.bind(x, src.target(0, x, net));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config keys 'pins' / 'targets.*': " + e.getMessage(), e);
      }
    }
    if (spec.getDoubleList("gamma.sweep").length > 0 && p.softIndices().length == 0) {
      throw new ConfigException("config key 'gamma.sweep' needs at least one soft pin ('name ~ values @ gamma') in 'pins', got '"
          + spec.getString("pins") + "'");
    }
    if (spec.getInt("details.count") > spec.getLong("inputs.count")) {
      throw new ConfigException("config key 'details.count': " + spec.getInt("details.count") + " but only "
          + spec.getLong("inputs.count") + " inputs");
    }
  }

  static PinnedProblem compile(Mlp net, String pins) {
    try {
      return PinnedProblem.of(net, PinSpec.parse(pins));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key 'pins': " + e.getMessage(), e);
    }
  }

  /** Everything an executor needs, serialisable. */
  record Setup(Mlp net, String pins, SampleSource source, double pathStep, int maxIterations, boolean euler,
      double dt, long maxSteps, double eulerTol, double[] sweep, int details, double eta, double tol)
      implements java.io.Serializable {}

  @Override
  public long run(JobContext ctx, Spec spec) {
    Setup s = new Setup(NetworkParams.build(spec), spec.getString("pins"), SampleSource.of(spec),
        spec.getDouble("exact.path_step"), spec.getInt("exact.max_iterations"), spec.getBool("euler"),
        spec.getDouble("euler.dt"), spec.getLong("euler.max_steps"), spec.getDouble("euler.tolerance"),
        spec.getDoubleList("gamma.sweep"), spec.getInt("details.count"), spec.getDouble("update.eta"),
        spec.getDouble("section_tolerance"));
    long n = spec.getLong("inputs.count");
    Dataset<Row> all = ctx.spark().range(0, n, 1, ctx.partitions())
        .mapPartitions((MapPartitionsFunction<Long, Row>) ids -> partition(s, ids), Encoders.row(ALL))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ctx.write("pinning_equilibria", all.select(columns(EQUILIBRIA)));
      ctx.write("pinning_discord", exploded(all, "discord"));
      Dataset<Row> ok = all.filter(col("status").equalTo("converged"));
      Dataset<Row> perEdge = ok.select(col("sample_id"), explode(col("discord")).as("d"))
          .select(col("d.edge_index"), col("d.edge"), col("d.kind"), col("d.layer"), col("d.discord").as("v"));
      Dataset<Row> totals = ok.select(lit(1000).as("edge_index"), lit("total").as("edge"), lit("total").as("kind"),
              lit(null).cast(DataTypes.IntegerType).as("layer"), col("discord_total").as("v"))
          .union(ok.select(lit(1001).as("edge_index"), lit("energy").as("edge"), lit("energy").as("kind"),
              lit(null).cast(DataTypes.IntegerType).as("layer"), col("energy").as("v")));
      Dataset<Row> summary = SortedStats.summarise(perEdge.union(totals),
              new String[] {"edge_index", "edge", "kind", "layer"}, new String[] {"v"}, new String[] {""})
          .select(col("edge_index"), col("edge"), col("kind"), col("layer"), col("count").as("samples"), col("mean"),
              col("std"), col("min"), col("max"), col("median"));
      ctx.write("pinning_discord_summary", summary.orderBy("edge_index").drop("edge_index").coalesce(1));
      if (s.details() > 0) {
        ctx.write("pinning_values", exploded(all, "values"));
        ctx.write("pinning_spectrum", exploded(all, "spectrum"));
        ctx.write("pinning_updates", exploded(all, "updates"));
      }
      long failed = ctx.readStaged("pinning_equilibria").filter("status <> 'converged'").count();
      if (s.sweep().length > 0) {
        ctx.write("pinning_gamma_sweep", exploded(all, "sweep"));
        failed += ctx.readStaged("pinning_gamma_sweep").filter("status <> 'converged'").count();
      }
      return failed;
    } finally {
      all.unpersist();
    }
  }

  private static Column[] columns(StructType t) {
    Column[] c = new Column[t.fields().length];
    for (int i = 0; i < c.length; i++) {
      c[i] = col(t.fields()[i].name());
    }
    return c;
  }

  /** sample_id plus the fields of one nested array column, one row per element. */
  private static Dataset<Row> exploded(Dataset<Row> all, String column) {
    Dataset<Row> d = all.select(col("sample_id"), explode(col(column)).as("e")).select(col("sample_id"), col("e.*"));
    return column.equals("discord") ? d.drop("edge_index") : d;
  }

  // ---- schemas ----

  private static DataType arr(DataType t) {
    return DataTypes.createArrayType(t, false);
  }

  static final StructType EQUILIBRIA = new StructType()
      .add("sample_id", DataTypes.LongType, false)
      .add("input", arr(DataTypes.DoubleType), false)
      .add("target", arr(DataTypes.DoubleType), true)
      .add("pins", DataTypes.StringType, false)
      .add("equilibrium_input", arr(DataTypes.DoubleType), true)
      .add("output", arr(DataTypes.DoubleType), true)
      .add("forward_output", arr(DataTypes.DoubleType), false)
      .add("energy", DataTypes.DoubleType, true)
      .add("discord_total", DataTypes.DoubleType, true)
      .add("is_global_section", DataTypes.BooleanType, true)
      .add("distance_to_forward", DataTypes.DoubleType, true)
      .add("changed_units", arr(DataTypes.StringType), true)
      .add("changed_count", DataTypes.IntegerType, true)
      .add("surface_units", arr(DataTypes.StringType), true)
      .add("sliding_units", arr(DataTypes.StringType), true)
      .add("iterations", DataTypes.IntegerType, true)
      .add("euler_status", DataTypes.StringType, true)
      .add("euler_steps", DataTypes.LongType, true)
      .add("exact_vs_euler", DataTypes.DoubleType, true)
      .add("status", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, true);

  static final StructType DISCORD = new StructType()
      .add("edge_index", DataTypes.IntegerType, false)
      .add("edge", DataTypes.StringType, false)
      .add("kind", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, true)
      .add("discord", DataTypes.DoubleType, false);

  static final StructType VALUES = new StructType()
      .add("coordinate", DataTypes.StringType, false)
      .add("stalk", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("neuron", DataTypes.IntegerType, false)
      .add("pin", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, false)
      .add("forward_value", DataTypes.DoubleType, false)
      .add("euler_value", DataTypes.DoubleType, true);

  static final StructType SPECTRUM = new StructType()
      .add("free_dim", DataTypes.IntegerType, false)
      .add("eigenvalues", arr(DataTypes.DoubleType), false)
      .add("lambda_1", DataTypes.DoubleType, true)
      .add("lambda_max", DataTypes.DoubleType, true)
      .add("condition", DataTypes.DoubleType, true);

  static final StructType UPDATES = new StructType()
      .add("edge", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("parameter", DataTypes.StringType, false)
      .add("row", DataTypes.IntegerType, false)
      .add("col", DataTypes.IntegerType, true)
      .add("delta", DataTypes.DoubleType, false)
      .add("eta", DataTypes.DoubleType, false);

  static final StructType SWEEP = new StructType()
      .add("scale", DataTypes.DoubleType, false)
      .add("gamma", DataTypes.DoubleType, true)
      .add("gammas", arr(DataTypes.DoubleType), false)
      .add("energy", DataTypes.DoubleType, true)
      .add("violation", DataTypes.DoubleType, true)
      .add("distance_to_free", DataTypes.DoubleType, true)
      .add("distance_to_hard", DataTypes.DoubleType, true)
      .add("changed_count", DataTypes.IntegerType, true)
      .add("status", DataTypes.StringType, false);

  static final StructType ALL;

  static {
    StructType t = EQUILIBRIA;
    t = t.add("discord", DataTypes.createArrayType(DISCORD, false), false);
    t = t.add("values", DataTypes.createArrayType(VALUES, false), false);
    t = t.add("spectrum", DataTypes.createArrayType(SPECTRUM, false), false);
    t = t.add("updates", DataTypes.createArrayType(UPDATES, false), false);
    t = t.add("sweep", DataTypes.createArrayType(SWEEP, false), false);
    ALL = t;
  }

  // ---- per sample ----

  /** Per-partition state: the compiled problem and its solvers. */
  static final class Worker {
    final Setup s;
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

    Worker(Setup s) {
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

    Row sample(long id) {
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
            arr(disc), arr(values), arr(spectrum), arr(updates), arr(sweep));
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
          null, null, null, null, "failed", e.toString(), arr(none), arr(none), arr(none), arr(none), arr(none));
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
  }

  /** Nested array columns take Java arrays (Spark's row encoder does not accept java.util.List). */
  static Row[] arr(List<Row> rows) {
    return rows.toArray(new Row[0]);
  }

  static double[] scaled(double[] g, double s) {
    double[] o = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      o[i] = g[i] * s;
    }
    return o;
  }

  static Iterator<Row> partition(Setup s, Iterator<Long> ids) {
    Worker w = new Worker(s);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return ids.hasNext();
      }

      @Override
      public Row next() {
        return w.sample(ids.next());
      }
    };
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
    double m = 0;
    for (int i = 0; i < n; i++) {
      double d = Math.abs(a[i] - b[i]);
      if (!(d <= m)) {
        m = d;
      }
    }
    return m;
  }
}
