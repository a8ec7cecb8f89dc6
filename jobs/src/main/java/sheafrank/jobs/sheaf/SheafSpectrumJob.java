package sheafrank.jobs.sheaf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import sheafrank.diagnostics.Spectrum;
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
import sheafrank.net.OutputActivation;

/**
 * S11, S12, S13 (at one stage), S14: spectral and per-coordinate discord diagnostics of the
 * restricted Laplacian L[Omega, Omega] (seed 001 §6.3, App. A.1, C.3). For every network (one
 * loaded network, or architectures x init seeds with He init) and every input (generated on the
 * executors from (seed, index); the same inputs for every network): the spectrum at the forward
 * pattern, lambda_1, lambda_max, the condition number, the block energies of the Fiedler and
 * lambda_max eigenvectors, |cos| between eigenvectors of different inputs, and for the first
 * inputs the per-coordinate weight-edge and ReLU-edge residuals against z of a free and a pinned
 * equilibrium.
 */
public final class SheafSpectrumJob extends NetworkJob {
  @Override
  public String name() {
    return "sheaf-spectrum";
  }

  @Override
  public String description() {
    return "Spectra of L[Omega,Omega] and per-coordinate discord (S11, S12, S14). Per input: the spectrum "
        + "of the restricted Laplacian (lambda_1, lambda_max, condition "
        + "number, Fiedler and lambda_max eigenvector block energies, eigenvector |cos| across inputs) for one "
        + "network or a grid of architectures x init seeds (Table 2), with per-network and per-architecture "
        + "summaries; per-coordinate weight-edge and ReLU-edge discord of free and pinned equilibria (S14).";
  }

  @Override
  public List<Param> params() {
    List<Param> p = networkParams("[2, 30, 1]", "identity");
    p.add(Param.of("architectures", Type.INT_LIST_LIST, "[]",
        "widths lists analysed in one run, e.g. [[2,30,1], [2,10,8,1]] (He init; [] = the network keys)")
        .widthsEntries());
    p.add(Param.of("network.seeds", Type.INT_LIST, "[]",
        "He-init seeds, one network per seed and architecture ([] = network.seed only)"));
    p.addAll(SampleSource.params(50));
    p.add(Param.of("mode", Type.STRING, "eliminated",
            "Omega: eliminated (eq. 32/36, identity output edge eliminated), free (output stalk y free), pinned (y boundary)")
        .oneOf("eliminated", "free", "pinned"));
    p.add(Param.of("cosine.inputs", Type.INT, "10",
        "eigenvector |cos| over all pairs of the first this-many inputs, per network (at most 200)").nonNegative()
        .check(v -> ((Integer) v) <= 200 ? null : "at most 200 (pairs grow quadratically), got " + v));
    p.add(Param.of("discord.count", Type.INT, "0",
        "inputs 0..count-1 per network get per-coordinate discord of a free (x = input) and a pinned run (S14)").nonNegative());
    p.add(Param.of("pins", Type.STRING, "\"x = input; y = target\"",
        "pins of the pinned discord run (see sheaf-pinning), targets from targets.*"));
    return p;
  }

  @Override
  public List<String> tables() {
    return List.of(
        "spectrum_samples: network_id, architecture, init_seed, sample_id, input, mode, free_dim, eigenvalues, "
            + "lambda_1, lambda_max, condition, fiedler_output_energy, fiedler_peak_block, top_peak_block, "
            + "pinned_energy, status, message",
        "spectrum_block_energy: network_id, sample_id, eigenvector, block, layer, energy",
        "spectrum_cosine: network_id, sample_a, sample_b, eigenvector, abs_cosine",
        "spectrum_summary: network_id, architecture, init_seed, inputs, lambda1_median, lambda1_std, lambda1_mean, "
            + "lambda1_min, lambda1_max, lambda1_q25, lambda1_q75, lambda_max_median, condition_median, "
            + "fiedler_output_energy_mean, fiedler_cosine_median, top_cosine_median",
        "spectrum_architectures: architecture, networks, lambda1_median, lambda1_median_min, lambda1_median_max, "
            + "lambda1_std_median, lambda1_pooled_median, lambda1_pooled_std",
        "coordinate_discord (discord.count): network_id, sample_id, run, edge, kind, layer, neuron, z, residual, active");
  }

  /** One network of the run. */
  record Net(int id, int[] widths, Long initSeed, Mlp mlp) implements java.io.Serializable {}

  static List<Net> networks(Spec spec) {
    int[][] archs = spec.getIntListList("architectures");
    int[] seeds = spec.getIntList("network.seeds");
    boolean loaded = NetworkParams.source(spec) != NetworkParams.Source.INIT;
    List<Net> nets = new ArrayList<>();
    if (loaded) {
      Mlp m = NetworkParams.build(spec);
      nets.add(new Net(0, m.widths(), null, m));
      return nets;
    }
    if (archs.length == 0) {
      archs = new int[][] {spec.getIntList("widths")};
    }
    long[] s = seeds.length == 0 ? new long[] {spec.getLong("network.seed")} : Arrays.stream(seeds).asLongStream().toArray();
    OutputActivation out = OutputActivation.parse(spec.getString("output"));
    for (int[] a : archs) {
      for (long seed : s) {
        nets.add(new Net(nets.size(), a.clone(), seed, NetworkParams.heInit(a, out, seed, spec.getDouble("network.bias_sd"))));
      }
    }
    return nets;
  }

  @Override
  public void validate(Spec spec) {
    NetworkParams.validate(spec);
    boolean loaded = NetworkParams.source(spec) != NetworkParams.Source.INIT;
    int[][] archs = spec.getIntListList("architectures");
    if (archs.length > 0 && loaded) {
      throw new ConfigException("config key 'architectures' builds He-initialised networks, but a network is loaded ("
          + NetworkParams.WEIGHTS + " / " + NetworkParams.MODEL_TABLE + "); use one or the other");
    }
    if (archs.length > 0 && spec.isSet("widths")) {
      throw new ConfigException("config keys 'architectures' and 'widths' are both set; 'architectures' lists every widths");
    }
    if (spec.getIntList("network.seeds").length > 0 && loaded) {
      throw new ConfigException("config key 'network.seeds' applies to He initialisation, but a network is loaded");
    }
    String out = spec.getString("output");
    for (int[] a : archs.length > 0 ? archs : new int[][] {spec.getIntList("widths")}) {
      if (out.equals("sigmoid") && a[a.length - 1] != 1) {
        throw new ConfigException("config key '" + (archs.length > 0 ? "architectures" : "widths")
            + "': a sigmoid output needs output width 1, got " + Arrays.toString(a));
      }
    }
    for (int[] a : archs.length > 0 ? archs : new int[][] {spec.getIntList("widths")}) {
      Limits.sheafNetwork(archs.length > 0 ? "architectures" : "widths", a, true);
    }
    long nets = Limits.product(Math.max(1, archs.length), Math.max(1, spec.getIntList("network.seeds").length));
    Limits.rows("architectures, network.seeds, inputs.count", "spectrum_samples",
        Limits.product(nets, spec.getLong("inputs.count")));
    for (Net n : networks(spec)) {
      SampleSource.validate(spec, n.widths());
      if (spec.getInt("discord.count") > 0) {
        SampleSource.pinned(spec, n.mlp(), "pins");
      }
    }
    if (spec.getInt("discord.count") > spec.getLong("inputs.count")) {
      throw new ConfigException("config key 'discord.count': " + spec.getInt("discord.count") + " but only "
          + spec.getLong("inputs.count") + " inputs");
    }
  }

  record Setup(List<Net> nets, Spectrum.OutputMode mode, SampleSource source, long count, int discordCount,
      String pins, int cosineInputs) implements java.io.Serializable {}

  @Override
  public long run(JobContext ctx, Spec spec) {
    List<Net> nets = networks(spec);
    long count = spec.getLong("inputs.count");
    Setup s = new Setup(nets, Spectrum.OutputMode.valueOf(spec.getString("mode").toUpperCase(Locale.ROOT)),
        SampleSource.of(spec), count, spec.getInt("discord.count"), spec.getString("pins"),
        (int) Math.min(spec.getInt("cosine.inputs"), count));
    Dataset<Row> all = Units.map(ctx, nets.size() * count, SpectrumUnits.ALL, () -> SpectrumUnits.worker(s));
    return NestedRows.cached(all, a -> {
      ctx.write("spectrum_samples", a.drop("energy", "discord"));
      ctx.write("spectrum_block_energy", NestedRows.explodeColumn(a, "energy", "network_id", "sample_id"));
      if (s.discordCount() > 0) {
        ctx.write("coordinate_discord", NestedRows.explodeColumn(a, "discord", "network_id", "sample_id"));
      }
      ctx.write("spectrum_cosine", Units.flatMap(ctx, nets.size(), SpectrumUnits.COSINE,
          id -> SpectrumUnits.cosines(s, (int) id)));
      Dataset<Row> samples = ctx.readStaged("spectrum_samples").filter("status = 'ok'");
      ctx.write("spectrum_summary", perNetwork(samples, ctx.readStaged("spectrum_cosine")).coalesce(1));
      ctx.write("spectrum_architectures", perArchitecture(samples, ctx.readStaged("spectrum_summary")).coalesce(1));
      return ctx.readStaged("spectrum_samples").filter("status <> 'ok'").count();
    });
  }

  /** spectrum_summary: per network, partition-independent statistics of its inputs' spectra. */
  private static Dataset<Row> perNetwork(Dataset<Row> samples, Dataset<Row> cosines) {
    Dataset<Row> cosMed = cosines.groupBy("network_id")
        .agg(expr("percentile(CASE WHEN eigenvector = 'fiedler' THEN abs_cosine END, 0.5)").as("fiedler_cosine_median"),
            expr("percentile(CASE WHEN eigenvector = 'lambda_max' THEN abs_cosine END, 0.5)").as("top_cosine_median"));
    return SortedStats.summarise(samples, new String[] {"network_id", "architecture", "init_seed"},
            new String[] {"lambda_1", "lambda_max", "condition", "fiedler_output_energy"},
            new String[] {"lambda1_", "lambda_max_", "condition_", "fiedler_output_energy_"})
        .join(cosMed, new String[] {"network_id"}, "left")
        .select(col("network_id"), col("architecture"), col("init_seed"), col("lambda1_count").as("inputs"),
            col("lambda1_median"), col("lambda1_std"), col("lambda1_mean"), col("lambda1_min"), col("lambda1_max"),
            col("lambda1_q25"), col("lambda1_q75"), col("lambda_max_median"), col("condition_median"),
            col("fiedler_output_energy_mean"), col("fiedler_cosine_median"), col("top_cosine_median"))
        .orderBy("network_id");
  }

  /** spectrum_architectures: per architecture, over its networks' summaries and pooled inputs (Table 2). */
  private static Dataset<Row> perArchitecture(Dataset<Row> samples, Dataset<Row> perNet) {
    Dataset<Row> pooled = SortedStats.summarise(samples, new String[] {"architecture"}, new String[] {"lambda_1"},
            new String[] {"p_"})
        .select(col("architecture"), col("p_median").as("lambda1_pooled_median"), col("p_std").as("lambda1_pooled_std"));
    return perNet.groupBy("architecture")
        .agg(min("network_id").as("first_network"), count(lit(1)).as("networks"),
            expr("percentile(lambda1_median, 0.5)").as("lambda1_median"),
            min("lambda1_median").as("lambda1_median_min"), max("lambda1_median").as("lambda1_median_max"),
            expr("percentile(lambda1_std, 0.5)").as("lambda1_std_median"))
        .join(pooled, new String[] {"architecture"}, "left")
        .orderBy("first_network").drop("first_network");
  }
}
