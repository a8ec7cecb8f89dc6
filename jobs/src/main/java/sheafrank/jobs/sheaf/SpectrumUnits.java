package sheafrank.jobs.sheaf;

import static sheafrank.jobs.core.NestedRows.array;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.diagnostics.Discord;
import sheafrank.diagnostics.Spectrum;
import sheafrank.jobs.core.Units;
import sheafrank.net.Mlp;
import sheafrank.pinning.PinSpec;
import sheafrank.pinning.PinnedProblem;
import sheafrank.pinning.PinnedResult;

/**
 * The sheaf-spectrum work units: one per (network, input), the spectrum of L[Omega, Omega] at the
 * forward pattern with block energies of its Fiedler and top eigenvectors and, for the first
 * inputs, per-coordinate discord of a free and a pinned equilibrium; and per network the |cos|
 * of eigenvectors across inputs.
 */
final class SpectrumUnits {
  private SpectrumUnits() {}

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
      .add("architecture", array(DataTypes.IntegerType), false)
      .add("init_seed", DataTypes.LongType, true)
      .add("sample_id", DataTypes.LongType, false)
      .add("input", array(DataTypes.DoubleType), false)
      .add("mode", DataTypes.StringType, false)
      .add("free_dim", DataTypes.IntegerType, true)
      .add("eigenvalues", array(DataTypes.DoubleType), true)
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

  /** One partition's worker: unit u is input u % count of network u / count. */
  static Units.Worker worker(SheafSpectrumJob.Setup s) {
    PinnedProblem[] free = new PinnedProblem[s.nets().size()];
    PinnedProblem[] pinned = new PinnedProblem[s.nets().size()];
    return u -> {
      int k = (int) (u / s.count());
      long id = u % s.count();
      if (id < s.discordCount() && free[k] == null) {
        free[k] = PinnedProblem.of(s.nets().get(k).mlp(), "x = input");
        pinned[k] = PinnedProblem.of(s.nets().get(k).mlp(), PinSpec.parse(s.pins()));
      }
      return unit(s, s.nets().get(k), id, free[k], pinned[k]);
    };
  }

  static int blockLayer(String name, int depth) {
    return name.equals("y") ? depth : Integer.parseInt(name.substring(1));
  }

  static Row unit(SheafSpectrumJob.Setup s, SheafSpectrumJob.Net n, long id, PinnedProblem free, PinnedProblem pinned) {
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
  static List<Row> cosines(SheafSpectrumJob.Setup s, int k) {
    SheafSpectrumJob.Net n = s.nets().get(k);
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
