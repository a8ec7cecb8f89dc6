package sheafrank.jobs.sheaf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import sheafrank.diagnostics.Discord;
import sheafrank.diagnostics.Spectrum;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.SortedStats;
import sheafrank.jobs.core.Spec;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.pinning.PinSpec;
import sheafrank.pinning.PinnedProblem;
import sheafrank.pinning.PinnedResult;

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
public final class SheafSpectrumJob implements Job {
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
    List<Param> p = new ArrayList<>(NetworkParams.params("[2, 30, 1]", "identity"));
    p.add(Param.of("architectures", Type.INT_LIST_LIST, "[]",
        "widths lists analysed in one run, e.g. [[2,30,1], [2,10,8,1]] (He init; [] = the network keys)").check(v -> {
          for (int[] a : (int[][]) v) {
            try {
              Mlp.validateWidths(a);
            } catch (IllegalArgumentException e) {
              return e.getMessage();
            }
          }
          return null;
        }));
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

  @Override
  public Spec resolve(Spec spec) {
    return NetworkParams.resolve(spec);
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
    List<Net> nets = networks(spec);
    SampleSource src = SampleSource.of(spec);
    for (Net n : nets) {
      SampleSource.validate(spec, n.widths());
      if (spec.getInt("discord.count") > 0) {
        PinnedProblem p = SheafPinningJob.compile(n.mlp(), spec.getString("pins"));
        if (spec.getLong("inputs.count") > 0) {
          double[] x = src.input(0, n.mlp().inputDim());
          try {
            p.bind(x, src.target(0, x, n.mlp()));
          } catch (IllegalArgumentException e) {
            throw new ConfigException("config keys 'pins' / 'targets.*': " + e.getMessage(), e);
          }
        }
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
    Setup s = new Setup(nets, Spectrum.OutputMode.valueOf(spec.getString("mode").toUpperCase(java.util.Locale.ROOT)),
        SampleSource.of(spec), count, spec.getInt("discord.count"), spec.getString("pins"),
        (int) Math.min(spec.getInt("cosine.inputs"), count));
    Dataset<Row> all = ctx.spark().range(0, nets.size() * count, 1, ctx.partitions())
        .mapPartitions((MapPartitionsFunction<Long, Row>) ids -> partition(s, ids), Encoders.row(ALL))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ctx.write("spectrum_samples", all.drop("energy", "discord"));
      ctx.write("spectrum_block_energy", all.select(col("network_id"), col("sample_id"), explode(col("energy")).as("e"))
          .select(col("network_id"), col("sample_id"), col("e.*")));
      if (s.discordCount() > 0) {
        ctx.write("coordinate_discord", all.select(col("network_id"), col("sample_id"), explode(col("discord")).as("e"))
            .select(col("network_id"), col("sample_id"), col("e.*")));
      }
      Dataset<Row> cos = ctx.spark().range(0, nets.size(), 1, Math.max(1, Math.min(nets.size(), ctx.partitions())))
          .flatMap((FlatMapFunction<Long, Row>) id -> cosines(s, (int) (long) id).iterator(), Encoders.row(COSINE));
      ctx.write("spectrum_cosine", cos);
      Dataset<Row> samples = ctx.readStaged("spectrum_samples").filter("status = 'ok'");
      Dataset<Row> cosMed = ctx.readStaged("spectrum_cosine").groupBy("network_id")
          .agg(expr("percentile(CASE WHEN eigenvector = 'fiedler' THEN abs_cosine END, 0.5)").as("fiedler_cosine_median"),
              expr("percentile(CASE WHEN eigenvector = 'lambda_max' THEN abs_cosine END, 0.5)").as("top_cosine_median"));
      Dataset<Row> summary = SortedStats.summarise(samples, new String[] {"network_id", "architecture", "init_seed"},
              new String[] {"lambda_1", "lambda_max", "condition", "fiedler_output_energy"},
              new String[] {"lambda1_", "lambda_max_", "condition_", "fiedler_output_energy_"})
          .join(cosMed, new String[] {"network_id"}, "left")
          .select(col("network_id"), col("architecture"), col("init_seed"), col("lambda1_count").as("inputs"),
              col("lambda1_median"), col("lambda1_std"), col("lambda1_mean"), col("lambda1_min"), col("lambda1_max"),
              col("lambda1_q25"), col("lambda1_q75"), col("lambda_max_median"), col("condition_median"),
              col("fiedler_output_energy_mean"), col("fiedler_cosine_median"), col("top_cosine_median"))
          .orderBy("network_id");
      ctx.write("spectrum_summary", summary.coalesce(1));
      Dataset<Row> perNet = ctx.readStaged("spectrum_summary");
      Dataset<Row> pooled = SortedStats.summarise(samples, new String[] {"architecture"}, new String[] {"lambda_1"},
              new String[] {"p_"})
          .select(col("architecture"), col("p_median").as("lambda1_pooled_median"), col("p_std").as("lambda1_pooled_std"));
      Dataset<Row> archs = perNet.groupBy("architecture")
          .agg(min("network_id").as("first_network"), count(lit(1)).as("networks"),
              expr("percentile(lambda1_median, 0.5)").as("lambda1_median"),
              min("lambda1_median").as("lambda1_median_min"), max("lambda1_median").as("lambda1_median_max"),
              expr("percentile(lambda1_std, 0.5)").as("lambda1_std_median"))
          .join(pooled, new String[] {"architecture"}, "left")
          .orderBy("first_network").drop("first_network");
      ctx.write("spectrum_architectures", archs.coalesce(1));
      return ctx.readStaged("spectrum_samples").filter("status <> 'ok'").count();
    } finally {
      all.unpersist();
    }
  }

  // ---- schemas ----

  private static DataType arr(DataType t) {
    return DataTypes.createArrayType(t, false);
  }

  static final StructType ENERGY = new StructType()
      .add("eigenvector", DataTypes.StringType, false)
      .add("block", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("energy", DataTypes.DoubleType, false);

  static final StructType DISCORD = new StructType()
      .add("run", DataTypes.StringType, false)
      .add("edge", DataTypes.StringType, false)
      .add("kind", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("neuron", DataTypes.IntegerType, false)
      .add("z", DataTypes.DoubleType, false)
      .add("residual", DataTypes.DoubleType, false)
      .add("active", DataTypes.BooleanType, false);

  static final StructType ALL = new StructType()
      .add("network_id", DataTypes.IntegerType, false)
      .add("architecture", arr(DataTypes.IntegerType), false)
      .add("init_seed", DataTypes.LongType, true)
      .add("sample_id", DataTypes.LongType, false)
      .add("input", arr(DataTypes.DoubleType), false)
      .add("mode", DataTypes.StringType, false)
      .add("free_dim", DataTypes.IntegerType, true)
      .add("eigenvalues", arr(DataTypes.DoubleType), true)
      .add("lambda_1", DataTypes.DoubleType, true)
      .add("lambda_max", DataTypes.DoubleType, true)
      .add("condition", DataTypes.DoubleType, true)
      .add("fiedler_output_energy", DataTypes.DoubleType, true)
      .add("fiedler_peak_block", DataTypes.StringType, true)
      .add("top_peak_block", DataTypes.StringType, true)
      .add("pinned_energy", DataTypes.DoubleType, true)
      .add("status", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, true)
      .add("energy", DataTypes.createArrayType(ENERGY, false), false)
      .add("discord", DataTypes.createArrayType(DISCORD, false), false);

  static final StructType COSINE = new StructType()
      .add("network_id", DataTypes.IntegerType, false)
      .add("sample_a", DataTypes.LongType, false)
      .add("sample_b", DataTypes.LongType, false)
      .add("eigenvector", DataTypes.StringType, false)
      .add("abs_cosine", DataTypes.DoubleType, false);

  // ---- per unit ----

  static Iterator<Row> partition(Setup s, Iterator<Long> ids) {
    PinnedProblem[] free = new PinnedProblem[s.nets().size()];
    PinnedProblem[] pinned = new PinnedProblem[s.nets().size()];
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return ids.hasNext();
      }

      @Override
      public Row next() {
        long u = ids.next();
        int k = (int) (u / s.count());
        long id = u % s.count();
        if (id < s.discordCount() && free[k] == null) {
          free[k] = PinnedProblem.of(s.nets().get(k).mlp(), "x = input");
          pinned[k] = PinnedProblem.of(s.nets().get(k).mlp(), PinSpec.parse(s.pins()));
        }
        return unit(s, s.nets().get(k), id, free[k], pinned[k]);
      }
    };
  }

  static int blockLayer(String name, int depth) {
    return name.equals("y") ? depth : Integer.parseInt(name.substring(1));
  }

  static Row unit(Setup s, Net n, long id, PinnedProblem free, PinnedProblem pinned) {
    Mlp net = n.mlp();
    double[] x = s.source().input(id, net.inputDim());
    String mode = s.mode().name().toLowerCase(java.util.Locale.ROOT);
    Row[] none = new Row[0];
    Spectrum.Result r;
    try {
      r = Spectrum.at(net, x, s.mode());
    } catch (RuntimeException e) {
      return RowFactory.create(n.id(), n.widths(), n.initSeed(), id, x, mode, null, null, null, null, null, null, null,
          null, null, "failed", e.toString(), none, none);
    }
    String[] names = r.blockNames();
    List<Row> energy = new ArrayList<>();
    double[] ef = r.blockEnergy(r.fiedler());
    double[] et = r.blockEnergy(r.top());
    for (int b = 0; b < names.length; b++) {
      energy.add(RowFactory.create("fiedler", names[b], blockLayer(names[b], net.depth()), ef[b]));
    }
    for (int b = 0; b < names.length; b++) {
      energy.add(RowFactory.create("lambda_max", names[b], blockLayer(names[b], net.depth()), et[b]));
    }
    String last = "z" + net.depth();
    double fiedlerOut = ef[Arrays.asList(names).indexOf(last)];
    String status = "ok";
    String message = null;
    Double pinnedEnergy = null;
    List<Row> disc = new ArrayList<>();
    if (id < s.discordCount()) {
      try {
        PinnedResult f = free.solve(x, null);
        double[] y = pinned.usesTarget() ? s.source().target(id, x, net) : null;
        PinnedResult p = pinned.solve(x, y);
        if (!f.converged() || !p.converged()) {
          status = "discord_failed";
          message = "exact solver stopped at its iteration cap (" + (f.converged() ? "pinned" : "free") + " run)";
        }
        pinnedEnergy = p.energy();
        addDiscord(disc, "free", net, free, f);
        addDiscord(disc, "pinned", net, pinned, p);
      } catch (RuntimeException e) {
        status = "discord_failed";
        message = e.toString();
      }
    }
    return RowFactory.create(n.id(), n.widths(), n.initSeed(), id, x, mode, r.n(), r.eigenvalues(), r.lambda1(),
        r.lambdaMax(), r.condition(), fiedlerOut, names[argmax(ef)], names[argmax(et)], pinnedEnergy, status, message,
        energy.toArray(new Row[0]), disc.toArray(new Row[0]));
  }

  static void addDiscord(List<Row> out, String run, Mlp net, PinnedProblem p, PinnedResult r) {
    for (Discord.EdgeResiduals e : Discord.perCoordinate(net, p.layout(), r.cochain())) {
      for (int j = 0; j < e.z().length; j++) {
        out.add(RowFactory.create(run, e.name(), e.weightEdge() ? "weight" : "activation", e.layer(), j, e.z()[j],
            e.residual()[j], e.active()[j]));
      }
    }
  }

  static int argmax(double[] v) {
    int k = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[k]) {
        k = i;
      }
    }
    return k;
  }

  /** |cos| of the Fiedler and lambda_max eigenvectors over all pairs of the first inputs of one network. */
  static List<Row> cosines(Setup s, int k) {
    Net n = s.nets().get(k);
    int m = s.cosineInputs();
    double[][] fied = new double[m][];
    double[][] top = new double[m][];
    for (int i = 0; i < m; i++) {
      try {
        Spectrum.Result r = Spectrum.at(n.mlp(), s.source().input(i, n.mlp().inputDim()), s.mode());
        fied[i] = r.fiedler();
        top[i] = r.top();
      } catch (RuntimeException e) {
        // the sample's failure is reported in spectrum_samples; no pairs with it
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int a = 0; a < m; a++) {
      for (int b = a + 1; b < m; b++) {
        if (fied[a] == null || fied[b] == null) {
          continue;
        }
        rows.add(RowFactory.create(n.id(), (long) a, (long) b, "fiedler", Spectrum.absCosine(fied[a], fied[b])));
        rows.add(RowFactory.create(n.id(), (long) a, (long) b, "lambda_max", Spectrum.absCosine(top[a], top[b])));
      }
    }
    return rows;
  }
}
