package sheafrank.jobs.sheaf;

import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Limits;
import sheafrank.jobs.core.NetworkJob;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;
import sheafrank.jobs.core.Units;

/**
 * S1-S5: inference by sheaf diffusion (seed 001 §4, eq. 18 and 22) against the exact harmonic
 * extension (one block-tridiagonal solve, App. A.1) and the forward pass (Prop. 3.4), over inputs
 * generated on the executors from (seed, index) ({@link InferenceSamples}); traces of a few samples
 * (discord by edge, output stalk, layer-1 trajectory, every ReLU boundary crossing: {@link
 * Traces}); construction checks on random networks ({@link ConstructionChecks}).
 */
public final class SheafInferenceJob extends NetworkJob {
  @Override
  public String name() {
    return "sheaf-inference";
  }

  @Override
  public String description() {
    return "Inference by sheaf diffusion (forward Euler of the heat equation, eq. 18/22) from a "
        + "random, zero or forward-pass cochain, compared per sample with the exact harmonic "
        + "extension (block-tridiagonal solve) and the forward pass. Optional traces (S2-S4) and "
        + "construction checks (S1).";
  }

  @Override
  public List<Param> params() {
    List<Param> p = networkParams("[2, 4, 1]", "identity");
    p.add(Param.of("inputs.count", Type.LONG, "1000", "number of input points").positive()
        .atMost(Limits.MAX_ROWS, "rows of inference_samples"));
    p.add(Param.of("inputs.low", Type.DOUBLE, "-2.0", "inputs are uniform in [low, high]^n0"));
    p.add(Param.of("inputs.high", Type.DOUBLE, "2.0", "upper end of the input box"));
    p.add(Param.of("alpha", Type.DOUBLE, "1.0", "diffusion rate alpha").positive());
    p.add(Param.of("dt", Type.DOUBLE, "0.01", "Euler step").positive());
    p.add(Param.of("max_steps", Type.LONG, "100000", "Euler steps at most per sample").positive()
        .atMost(Limits.MAX_STEPS, "steps per sample"));
    p.add(Param.of("tolerance", Type.DOUBLE, "1e-9",
        "a sample has converged when max |cochain - exact| <= tolerance").positive());
    p.add(Param.of("init", Type.STRING, "random", "initial free stalks: random (N(0,1)), zeros, forward_pass")
        .oneOf("random", "zeros", "forward_pass"));
    p.add(Param.of("identity_output_edge", Type.BOOL, "false",
        "model the output edge and stalk y also for identity output (the paper eliminates it)"));
    p.add(Param.of("traces.count", Type.INT, "0", "samples (ids 0..count-1) whose trajectories are traced").nonNegative());
    p.add(Param.of("traces.steps", Type.LONG, "10000", "Euler steps of each trace").positive()
        .atMost(Limits.MAX_STEPS, "steps per trace"));
    p.add(Param.of("traces.every", Type.INT, "10", "record the trace every this many steps").positive());
    p.add(Param.of("traces.sliding_window", Type.INT, "10",
        "a crossing of a coordinate within this many steps of its previous one counts as sliding").positive());
    p.add(Param.of("checks.networks", Type.INT, "0", "random networks for the construction checks (S1)").nonNegative());
    p.add(Param.of("checks.max_depth", Type.INT, "4", "checks: depths 1..max_depth").positive().atMost(64, "layers"));
    p.add(Param.of("checks.max_width", Type.INT, "100", "checks: widths up to this").positive());
    p.add(Param.of("checks.patterns", Type.INT, "4", "checks: random activation patterns per network besides the forward one")
        .nonNegative().atMost(10_000, "rows per network"));
    return p;
  }

  @Override
  public List<String> tables() {
    return List.of(
        "inference_samples: sample_id, input, forward_output, exact_output, diffusion_output, "
            + "max_abs_error, output_abs_error, exact_vs_forward_error, self_consistent, iterations, "
            + "converged, final_discord, status",
        "inference_trace: sample_id, step, t, total_discord, weight_discord, activation_discord, "
            + "output_discord, output, z1",
        "inference_trace_edges: sample_id, step, edge, edge_kind, layer, discord",
        "relu_crossings: sample_id, step, layer, neuron, coordinate, direction, z_before, z_after, "
            + "steps_since_previous, sliding",
        "construction_checks: network_id, widths, output, pattern_id, pattern_kind, free_dim, "
            + "edge_dim, square, unitriangular, det, det_error, lambda_min, lambda_max, "
            + "positive_definite, exact_vs_forward_error");
  }

  @Override
  public void validate(Spec spec) {
    super.validate(spec);
    if (!(spec.getDouble("inputs.low") < spec.getDouble("inputs.high"))) {
      throw new ConfigException("config keys 'inputs.low' and 'inputs.high': need low < high, got "
          + spec.getDouble("inputs.low") + " and " + spec.getDouble("inputs.high"));
    }
    if (spec.getInt("traces.count") > spec.getLong("inputs.count")) {
      throw new ConfigException("config key 'traces.count': " + spec.getInt("traces.count")
          + " traces but only " + spec.getLong("inputs.count") + " inputs");
    }
    int[] w = spec.getIntList("widths");
    long edges = 2L * (w.length - 1);
    long perTrace = Limits.product(spec.getLong("traces.steps") / spec.getInt("traces.every") + 2, edges);
    Limits.unitRows("traces.steps, traces.every", "one trace's inference_trace_edges", perTrace);
    Limits.rows("traces.count, traces.steps, traces.every", "inference_trace_edges",
        Limits.product(perTrace, spec.getInt("traces.count")));
    long checkDim = 2L * spec.getInt("checks.max_depth") * spec.getInt("checks.max_width");
    if (spec.getInt("checks.networks") > 0 && checkDim > Limits.MAX_DENSE_DIM) {
      throw new ConfigException("config keys 'checks.max_depth' and 'checks.max_width': the checks form dense "
          + "Laplacians of up to 2 x depth x width = " + checkDim + " free coordinates, more than " + Limits.MAX_DENSE_DIM);
    }
    Limits.rows("checks.networks, checks.patterns", "construction_checks",
        Limits.product(spec.getInt("checks.networks"), spec.getInt("checks.patterns") + 1L));
  }

  @Override
  public long run(JobContext ctx, Spec spec) {
    InferenceSetup setup = new InferenceSetup(NetworkParams.build(spec), spec.getBool("identity_output_edge"),
        spec.getLong("seed"), spec.getDouble("inputs.low"), spec.getDouble("inputs.high"), spec.getDouble("alpha"),
        spec.getDouble("dt"), spec.getLong("max_steps"), spec.getDouble("tolerance"), spec.getString("init"));
    long n = spec.getLong("inputs.count");
    Dataset<Row> samples = ctx.spark().range(0, n, 1, ctx.partitionsFor(n))
        .mapPartitions((MapPartitionsFunction<Long, Row>) ids -> InferenceSamples.partition(setup, ids),
            Encoders.row(InferenceSamples.SAMPLES));
    ctx.write("inference_samples", samples);
    long failed = ctx.readStaged("inference_samples").filter("status <> 'converged'").count();

    int traces = spec.getInt("traces.count");
    if (traces > 0) {
      InferenceSetup.Traces ts = new InferenceSetup.Traces(spec.getLong("traces.steps"), spec.getInt("traces.every"),
          spec.getInt("traces.sliding_window"));
      // Each table re-runs the (cheap, deterministic) traces rather than caching a union.
      for (Traces.Kind kind : Traces.Kind.values()) {
        ctx.write(kind.table, Units.flatMap(ctx, traces, kind.schema, id -> Traces.trace(setup, ts, id, kind)));
      }
    }
    int nets = spec.getInt("checks.networks");
    if (nets > 0) {
      ConstructionChecks.Settings cs = new ConstructionChecks.Settings(spec.getLong("seed"),
          spec.getInt("checks.max_depth"), spec.getInt("checks.max_width"), spec.getInt("checks.patterns"));
      ctx.write("construction_checks", Units.flatMap(ctx, nets, ConstructionChecks.SCHEMA,
          id -> ConstructionChecks.of(cs, id)));
    }
    return failed;
  }
}
