package sheafrank.jobs.sheaf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Limits;
import sheafrank.jobs.core.NestedRows;
import sheafrank.jobs.core.NetworkJob;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.SortedStats;
import sheafrank.jobs.core.Spec;
import sheafrank.jobs.core.Units;
import sheafrank.net.Mlp;
import sheafrank.pinning.PinnedProblem;

/**
 * S6, D1, D2, S15: pinned equilibria as boundary-value problems (seed 001 §5.1, Note 5.1; seed 002
 * §13.4-13.6). Per sample (inputs and targets generated on the executors from (seed, index)): the
 * exact local minimiser of the pinned energy (active set over ReLU signs, block-tridiagonal solves)
 * and optionally forward Euler of the pinned heat equation with their agreement; residual energy R,
 * global-section test, activation-pattern changes against the forward pass, sliding units; per-edge
 * discord; for the first samples the per-coordinate values, the spectrum of L_free and one local
 * weight update; a gamma sweep of soft pins between the free and the hard problem.
 */
public final class SheafPinningJob extends NetworkJob {
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
    List<Param> p = networkParams("[2, 30, 1]", "identity");
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
    p.add(Param.of("euler.max_steps", Type.LONG, "1000000", "Euler steps at most per sample").positive()
        .atMost(Limits.MAX_STEPS, "steps per sample"));
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
        "samples 0..count-1 also get per-coordinate values, the L_free spectrum and a local weight update").nonNegative()
        .atMost(1_000_000, "samples with per-coordinate details"));
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
  protected boolean denseLaplacian(Spec spec) {
    return spec.getInt("details.count") > 0; // the spectrum of L_free
  }

  @Override
  public void validate(Spec spec) {
    super.validate(spec);
    Mlp net = NetworkParams.build(spec);
    PinnedProblem p = SampleSource.pinned(spec, net, "pins");
    if (spec.getDoubleList("gamma.sweep").length > 0 && p.softIndices().length == 0) {
      throw new ConfigException("config key 'gamma.sweep' needs at least one soft pin ('name ~ values @ gamma') in 'pins', got '"
          + spec.getString("pins") + "'");
    }
    long n = spec.getLong("inputs.count");
    int details = spec.getInt("details.count");
    if (details > n) {
      throw new ConfigException("config key 'details.count': " + details + " but only " + n + " inputs");
    }
    Limits.rows("inputs.count", "pinning_discord", Limits.product(n, p.discordNames().length));
    Limits.rows("inputs.count, gamma.sweep", "pinning_gamma_sweep", Limits.product(n, spec.getDoubleList("gamma.sweep").length));
    long weights = 0;
    for (int l = 0; l < net.depth(); l++) {
      weights += net.weights(l).length + net.bias(l).length;
    }
    Limits.unitRows("widths", "one sample's pinning_updates", weights);
    Limits.rows("details.count", "pinning_updates", Limits.product(details, weights));
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
    Dataset<Row> all = Units.map(ctx, spec.getLong("inputs.count"), PinningTables.ALL, () -> new PinningWorker(s));
    return NestedRows.cached(all, a -> {
      ctx.write("pinning_equilibria", a.select(NestedRows.columns(PinningTables.EQUILIBRIA)));
      ctx.write("pinning_discord", NestedRows.explodeColumn(a, "discord", "sample_id").drop("edge_index"));
      ctx.write("pinning_discord_summary", discordSummary(a.filter(col("status").equalTo("converged"))));
      if (s.details() > 0) {
        for (String t : List.of("values", "spectrum", "updates")) {
          ctx.write("pinning_" + t, NestedRows.explodeColumn(a, t, "sample_id"));
        }
      }
      long failed = ctx.readStaged("pinning_equilibria").filter("status <> 'converged'").count();
      if (s.sweep().length > 0) {
        ctx.write("pinning_gamma_sweep", NestedRows.explodeColumn(a, "sweep", "sample_id"));
        failed += ctx.readStaged("pinning_gamma_sweep").filter("status <> 'converged'").count();
      }
      return failed;
    });
  }

  /** Per edge, and for the totals R and sum d_e, partition-independent statistics over converged samples. */
  private static Dataset<Row> discordSummary(Dataset<Row> ok) {
    Dataset<Row> perEdge = ok.select(col("sample_id"), explode(col("discord")).as("d"))
        .select(col("d.edge_index"), col("d.edge"), col("d.kind"), col("d.layer"), col("d.discord").as("v"));
    Dataset<Row> totals = ok.select(lit(1000).as("edge_index"), lit("total").as("edge"), lit("total").as("kind"),
            lit(null).cast(DataTypes.IntegerType).as("layer"), col("discord_total").as("v"))
        .union(ok.select(lit(1001).as("edge_index"), lit("energy").as("edge"), lit("energy").as("kind"),
            lit(null).cast(DataTypes.IntegerType).as("layer"), col("energy").as("v")));
    return SortedStats.summarise(perEdge.union(totals),
            new String[] {"edge_index", "edge", "kind", "layer"}, new String[] {"v"}, new String[] {""})
        .select(col("edge_index"), col("edge"), col("kind"), col("layer"), col("count").as("samples"), col("mean"),
            col("std"), col("min"), col("max"), col("median"))
        .orderBy("edge_index").drop("edge_index").coalesce(1);
  }
}
