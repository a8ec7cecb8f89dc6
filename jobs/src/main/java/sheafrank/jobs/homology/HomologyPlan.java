package sheafrank.jobs.homology;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sheafrank.io.MlpSafeTensors;
import sheafrank.io.SafeTensors;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.ModelTable;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Spec;
import sheafrank.jobs.rank.SweepGrid;
import sheafrank.jobs.rank.SweepGrid.Setting;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.rank.RankMethod;
import sheafrank.topology.Manifold;
import sheafrank.topology.QuotientAnalysis.Region;
import sheafrank.topology.QuotientAnalysis.Rule;
import sheafrank.util.Rng;

/**
 * Everything a homology run does, from a spec, checked before Spark starts (every failure a
 * ConfigException naming the key): the manifold and its resolutions, the networks (random settings
 * of the rank-sweep grid, then loaded ones), the regions and the rule. Network i is setting
 * {@code i / networks}, net id {@code i % networks} for {@code i < settings * networks}, then the
 * weight files, then the models. Work unit u is (resolution {@code u / nets}, network
 * {@code u % nets}): resolutions outer, so a partition mostly reuses one complex.
 */
record HomologyPlan(
    Manifold manifold,
    List<int[]> resolutions,
    List<Setting> settings,
    int perSetting,
    double biasSd,
    List<Loaded> loaded,
    int layers,
    List<Region> regions,
    Rule rule,
    RankMethod method,
    boolean coneCheck,
    long seed)
    implements Serializable {

  /** Key of the bias stream of random networks. */
  static final long BIAS_KEY = 0x42494153L; // "BIAS"

  /** A network read before the run: where from, its hash, itself. */
  record Loaded(String source, String label, String sha, Mlp net) implements Serializable {}

  int nets() {
    return settings.size() * perSetting + loaded.size();
  }

  long units() {
    return (long) resolutions.size() * nets();
  }

  int resolution(long unit) {
    return (int) (unit / nets());
  }

  int network(long unit) {
    return (int) (unit % nets());
  }

  /** The setting of network i, or null for a loaded one. */
  Setting setting(int i) {
    return i < settings.size() * perSetting ? settings.get(i / perSetting) : null;
  }

  Loaded loadedNet(int i) {
    int j = i - settings.size() * perSetting;
    return j < 0 ? null : loaded.get(j);
  }

  /** Network i: built from (seed, net id) with optional N(0, biasSd²) biases, or the loaded one. */
  Mlp build(int i) {
    Setting st = setting(i);
    if (st == null) {
      return loadedNet(i).net();
    }
    long id = i % perSetting;
    Mlp net = st.init().build(st.widths(), seed, id);
    if (biasSd > 0) {
      java.util.SplittableRandom r = Rng.stream(seed, BIAS_KEY, id);
      for (int l = 0; l < net.depth(); l++) {
        double[] b = net.bias(l);
        for (int j = 0; j < b.length; j++) {
          b[j] = biasSd * r.nextGaussian();
        }
      }
    }
    return net;
  }

  /** Evaluated layers of network i. */
  int layersOf(int i) {
    Setting st = setting(i);
    int depth = st != null ? st.depth() : loadedNet(i).net().depth();
    return layers == 0 ? depth : layers;
  }

  static HomologyPlan of(Spec spec) {
    Manifold manifold = ManifoldKeys.manifold(spec);
    List<int[]> resolutions = ManifoldKeys.resolutions(spec, manifold);
    int m = manifold.ambientDim();
    List<Setting> settings = List.of();
    boolean random = spec.getIntListList("network.widths").length > 0 || spec.getIntList("network.n1").length > 0;
    if (random) {
      for (int[] w : spec.getIntListList("network.widths")) {
        if (w.length > 0 && w[0] != m) {
          throw new ConfigException("config key 'network.widths': architecture " + Arrays.toString(w)
              + " takes inputs in R^" + w[0] + " but the " + manifold.name() + "'s vertices are in R^" + m
              + " (its first width must be " + m + ")");
        }
      }
      settings = SweepGrid.expand(new SweepGrid.Keys(spec.getIntList("network.n1").length > 0 ? new int[] {m}
          : new int[0], spec.getIntList("network.n1"), spec.getInt("network.depth"),
          spec.getIntListList("network.widths"), spec.getStringList("init"), spec.getStringList("init.k"),
          spec.getDoubleList("init.mu")));
    } else {
      if (!spec.getStringList("init.k").isEmpty() || spec.getDoubleList("init.mu").length > 0) {
        throw new ConfigException("config keys 'init.k'/'init.mu' sweep random networks, but neither "
            + "'network.widths' nor 'network.n1' is set");
      }
    }
    List<Loaded> loaded = loadAll(spec, m);
    if (settings.isEmpty() && loaded.isEmpty()) {
      throw new ConfigException("config key 'network.widths': no networks: give random ones (network.widths or "
          + "network.n1 with init) or network.weights / network.model_table with network.model_ids");
    }
    int layers = spec.getInt("network.layers");
    for (Setting st : settings) {
      checkLayers(layers, st.depth(), "architecture " + Arrays.toString(st.widths()));
    }
    for (Loaded l : loaded) {
      checkLayers(layers, l.net().depth(), l.label());
    }
    List<Region> regions = new ArrayList<>();
    for (String r : spec.getStringList("omega.regions")) {
      try {
        Region region = Region.parse(r);
        if (regions.contains(region)) {
          throw new ConfigException("config key 'omega.regions': '" + r + "' is listed twice");
        }
        regions.add(region);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'omega.regions': " + e.getMessage());
      }
    }
    if (regions.isEmpty()) {
      throw new ConfigException("config key 'omega.regions': give at least one of zero, below_dim, below_embedding");
    }
    HomologyPlan plan = new HomologyPlan(manifold, resolutions, settings, spec.getInt("networks"),
        spec.getDouble("network.bias_sd"), loaded, layers, List.copyOf(regions), Rule.parse(spec.getString("omega.rule")),
        RankMethod.parse(spec.getString("rank.method")), spec.getBool("quotient.cone_check"), spec.getLong("seed"));
    if (plan.units() > Integer.MAX_VALUE) {
      throw new ConfigException("config key 'networks': " + plan.units() + " work units (resolutions x networks) "
          + "is too many");
    }
    return plan;
  }

  private static void checkLayers(int layers, int depth, String what) {
    if (layers > depth) {
      throw new ConfigException("config key 'network.layers': " + layers + " layers asked, but " + what
          + " has only " + depth);
    }
  }

  /** The hashes of the loaded networks, in order (recorded in the spec, so the run id follows the weights). */
  static List<String> hashes(Spec spec, int m) {
    List<String> out = new ArrayList<>();
    for (Loaded l : loadAll(spec, m)) {
      out.add(l.sha());
    }
    return out;
  }

  private static List<Loaded> loadAll(Spec spec, int m) {
    List<Loaded> out = new ArrayList<>();
    for (String file : spec.getStringList("network.weights")) {
      SafeTensors.Contents c = NetworkParams.readContents("network.weights", file);
      Mlp net;
      try {
        net = MlpSafeTensors.toMlp(c, OutputActivation.IDENTITY, false);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'network.weights': weight file " + file + ": " + e.getMessage(), e);
      }
      out.add(checked("network.weights", "weights", "weight file " + file, file, net, m));
    }
    String table = spec.getString("network.model_table");
    List<String> ids = spec.getStringList("network.model_ids");
    if (table.isEmpty() != ids.isEmpty()) {
      throw new ConfigException("config keys 'network.model_table' and 'network.model_ids' go together: "
          + (table.isEmpty() ? "the models table to read the ids from is missing" : "no model ids given"));
    }
    for (String id : ids) {
      Mlp net;
      try {
        net = ModelTable.read(table, id);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'network.model_table': " + e.getMessage(), e);
      }
      out.add(checked("network.model_ids", "model", "model '" + id + "'", "model " + id, net, m));
    }
    List<String> pinned = spec.getStringList("network.sha256");
    if (!pinned.isEmpty()) {
      if (pinned.size() != out.size()) {
        throw new ConfigException("config key 'network.sha256': " + pinned.size() + " hashes for " + out.size()
            + " loaded networks");
      }
      for (int i = 0; i < out.size(); i++) {
        if (!pinned.get(i).equalsIgnoreCase(out.get(i).sha())) {
          throw new ConfigException("config key 'network.sha256': " + out.get(i).label() + " has hash "
              + out.get(i).sha() + ", the config pins " + pinned.get(i) + " (it changed since the config was written)");
        }
      }
    }
    return out;
  }

  private static Loaded checked(String key, String source, String what, String label, Mlp net, int m) {
    if (net.inputDim() != m) {
      throw new ConfigException("config key '" + key + "': " + what + " takes inputs in R^" + net.inputDim()
          + " (widths " + Arrays.toString(net.widths()) + ") but the manifold's vertices are in R^" + m);
    }
    return new Loaded(source, label, NetworkParams.sha256(net), net);
  }
}
