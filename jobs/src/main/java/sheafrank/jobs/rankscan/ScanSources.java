package sheafrank.jobs.rankscan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.ModelTable;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.ParquetScan;
import sheafrank.jobs.core.Spec;
import sheafrank.jobs.mlp.MlpData;
import sheafrank.jobs.mlp.MlpTables;
import sheafrank.jobs.rankscan.ScanPlan.Net;
import sheafrank.jobs.rankscan.ScanPlan.Trial;
import sheafrank.net.Mlp;

/**
 * Builds the {@link ScanPlan} of a spec on the driver, without Spark: the networks of an
 * {@code mlp-train} models table (with their trials from {@code mlp_trials}) or the one network of
 * the {@link NetworkParams} keys, the point sets and their sizes, the point table. Every problem is
 * a ConfigException naming the key and the file.
 */
final class ScanSources {
  private ScanSources() {}

  static ScanPlan plan(Spec spec) {
    List<String> sets = pointSets(spec);
    String tableFile = spec.getString("points.table");
    long cap = spec.getLong("points.count");
    List<Trial> trials = new ArrayList<>();
    List<Net> nets = spec.getString("models.table").isEmpty() ? List.of(single(spec, trials)) : models(spec, trials);
    int dim = nets.get(0).widths()[0];
    PointTable.Points table = null;
    if (!tableFile.isEmpty()) {
      table = PointTable.read("points.table", tableFile, cap);
      for (Net n : nets) {
        if (n.widths()[0] != table.dim()) {
          throw new ConfigException("config key 'points.table': " + tableFile + " has " + table.dim()
              + " coordinate columns " + table.columns() + " but model '" + n.modelId() + "' takes " + n.widths()[0]
              + " inputs");
        }
      }
    }
    long[] setPoints = new long[nets.size() * sets.size()];
    long[] unitStart = new long[setPoints.length + 1];
    int block = spec.getInt("points.block");
    for (int n = 0; n < nets.size(); n++) {
      Trial t = nets.get(n).trial() < 0 ? null : trials.get(nets.get(n).trial());
      for (int s = 0; s < sets.size(); s++) {
        String set = sets.get(s);
        long p = switch (set) {
          case ScanPlan.NOISE -> cap;
          case ScanPlan.TABLE -> table.rows();
          default -> {
            if (t == null) {
              throw new ConfigException("config key 'points': point set '" + set + "' needs the trial data of model '"
                  + nets.get(n).modelId() + "' (an mlp_trials row; set 'trials.table' or use noise/table points)");
            }
            yield Math.min(cap, set.equals(ScanPlan.TEST) ? t.data().nTest() : t.data().nTrain());
          }
        };
        int i = n * sets.size() + s;
        setPoints[i] = p;
        unitStart[i + 1] = unitStart[i] + (p + block - 1) / block;
      }
    }
    if (unitStart[unitStart.length - 1] > Integer.MAX_VALUE) {
      throw new ConfigException("config key 'points.block': more than " + Integer.MAX_VALUE + " work units; use larger blocks");
    }
    return new ScanPlan(List.copyOf(nets), List.copyOf(trials), sets, setPoints, unitStart, block, spec.getLong("seed"),
        table == null ? null : table.values(), table == null ? dim : table.dim(), spec.getDouble("noise.low"),
        spec.getDouble("noise.high"), spec.getBool("points.rows"));
  }

  /** The point sets: the 'points' list (test, train, noise; each once) and 'table' if a point table is set. */
  static List<String> pointSets(Spec spec) {
    Set<String> sets = new LinkedHashSet<>();
    for (String s : spec.getStringList("points")) {
      if (!List.of(ScanPlan.TEST, ScanPlan.TRAIN, ScanPlan.NOISE).contains(s)) {
        throw new ConfigException("config key 'points': unknown point set '" + s + "' (test, train, noise; "
            + "points from a file: 'points.table')");
      }
      if (!sets.add(s)) {
        throw new ConfigException("config key 'points': point set '" + s + "' is listed twice");
      }
    }
    if (!spec.getString("points.table").isEmpty()) {
      sets.add(ScanPlan.TABLE);
    }
    if (sets.isEmpty()) {
      throw new ConfigException("config key 'points': no point set (list test, train, noise or set 'points.table')");
    }
    if (!(spec.getDouble("noise.low") < spec.getDouble("noise.high"))) {
      throw new ConfigException("config keys 'noise.low' and 'noise.high': need low < high, got "
          + spec.getDouble("noise.low") + " and " + spec.getDouble("noise.high"));
    }
    return List.copyOf(sets);
  }

  /** Every selected model and checkpoint of 'models.table', with its trial. */
  private static List<Net> models(Spec spec, List<Trial> trials) {
    String table = spec.getString("models.table");
    if (!spec.getString(NetworkParams.WEIGHTS).isEmpty() || !spec.getString(NetworkParams.MODEL_TABLE).isEmpty()) {
      throw new ConfigException("config key 'models.table' scans a whole models table; do not also set '"
          + NetworkParams.WEIGHTS + "' or '" + NetworkParams.MODEL_TABLE + "' (one network)");
    }
    List<String> ids;
    Map<String, Map<Integer, ModelTable.Checkpoint>> metrics;
    try {
      ids = ModelTable.modelIds(table);
      metrics = metrics(table);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key 'models.table': " + e.getMessage(), e);
    }
    List<String> wanted = spec.getStringList("models.ids");
    for (String w : wanted) {
      if (!ids.contains(w)) {
        throw new ConfigException("config key 'models.ids': model table " + table + " has no model '" + w + "'");
      }
    }
    Map<String, Integer> trialIndex = trials(trialsTable(spec, table), trials);
    Map<String, List<Integer>> checkpoints;
    try {
      checkpoints = ModelTable.checkpointsOf(table, wanted.isEmpty() ? ids : wanted);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key 'models.table': " + e.getMessage(), e);
    }
    List<Net> nets = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> c : checkpoints.entrySet()) {
      String id = c.getKey();
      List<Integer> stored = c.getValue();
      Mlp first;
      try {
        first = ModelTable.read(table, id, stored.isEmpty() ? null : stored.get(0));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'models.table': " + e.getMessage(), e);
      }
      Integer trial = trialIndex.get(id);
      for (Integer e : epochs(spec.getStringList("checkpoints"), stored, id)) {
        ModelTable.Checkpoint m = e == null ? null : metrics.getOrDefault(id, Map.of()).get(e);
        nets.add(new Net(id, e, table, null, trial == null ? -1 : trial, first.widths(), m));
      }
    }
    if (nets.isEmpty()) {
      throw new ConfigException("config key 'models.ids': no model selected in " + table);
    }
    return nets;
  }

  /** The selected epochs of one model: 'all', 'last' and epoch numbers (each must be stored). */
  static List<Integer> epochs(List<String> keys, List<Integer> stored, String id) {
    if (stored.isEmpty()) {
      List<Integer> none = new ArrayList<>();
      none.add(null); // a model without checkpoints is scanned once
      return none;
    }
    TreeSet<Integer> out = new TreeSet<>();
    for (String k : keys) {
      if (k.equals("all")) {
        out.addAll(stored);
      } else if (k.equals(ModelTable.LAST)) {
        out.add(stored.get(stored.size() - 1));
      } else if (k.matches("\\d{1,9}")) {
        int e = Integer.parseInt(k);
        if (!stored.contains(e)) {
          throw new ConfigException("config key 'checkpoints': model '" + id + "' has no checkpoint at epoch " + e
              + " (checkpoints: " + stored + ")");
        }
        out.add(e);
      } else {
        throw new ConfigException("config key 'checkpoints': '" + k + "' is not all, last or an epoch number");
      }
    }
    return new ArrayList<>(out);
  }

  /** The checkpoint metrics of every model, from the layer-1 rows. */
  private static Map<String, Map<Integer, ModelTable.Checkpoint>> metrics(String table) {
    Map<String, Map<Integer, ModelTable.Checkpoint>> m = new HashMap<>();
    Set<String> cols = Set.of("model_id", "layer", "epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy");
    for (ParquetScan.TableFile f : ParquetScan.files(table, "model table " + table)) {
      if (!f.has("epoch")) {
        continue;
      }
      ParquetScan.read(f, cols, FilterApi.eq(FilterApi.intColumn("layer"), 1), g -> {
        Integer e = ParquetScan.optional(g, "epoch", x -> x.getInteger("epoch", 0));
        if (e != null) {
          m.computeIfAbsent(g.getString("model_id", 0), k -> new HashMap<>()).put(e, new ModelTable.Checkpoint(e,
              metric(g, "train_loss"), metric(g, "test_loss"), metric(g, "train_accuracy"), metric(g, "test_accuracy")));
        }
      }, "model table " + table);
    }
    return m;
  }

  private static Double metric(org.apache.parquet.example.data.Group g, String c) {
    return ParquetScan.optional(g, c, x -> x.getDouble(c, 0));
  }

  /** 'trials.table', else mlp_trials next to the models table (null when it does not exist). */
  static String trialsTable(Spec spec, String modelTable) {
    String t = spec.getString("trials.table");
    if (!t.isEmpty()) {
      if (!Files.exists(Paths.get(t))) {
        throw new ConfigException("config key 'trials.table': " + t + " does not exist");
      }
      return t;
    }
    Path models = Paths.get(modelTable).toAbsolutePath().normalize();
    // OUT/models or OUT/models/run_id=...: mlp_trials is OUT/mlp_trials
    Path out = models.getFileName().toString().startsWith("run_id=") ? models.getParent().getParent() : models.getParent();
    Path sibling = out == null ? null : out.resolve(MlpTables.TRIALS);
    return sibling != null && Files.exists(sibling) ? sibling.toString() : null;
  }

  /** Reads every trial of an mlp_trials table into {@code out}; returns trial_id to index. */
  private static Map<String, Integer> trials(String table, List<Trial> out) {
    Map<String, Integer> ix = new HashMap<>();
    if (table == null) {
      return ix;
    }
    org.apache.spark.sql.types.StructType schema = MlpTables.TRIALS_SCHEMA;
    Set<String> cols = Set.of(schema.fieldNames());
    try {
      for (ParquetScan.TableFile f : ParquetScan.files(table, "trials table " + table)) {
        ParquetScan.read(f, cols, null, g -> {
          Object[] v = new Object[schema.size()];
          for (int c = 0; c < v.length; c++) {
            String name = schema.fields()[c].name();
            v[c] = switch (name) {
              case "data", "dataset", "function", "target", "data_dir", "optimizer", "trial_id" ->
                  ParquetScan.optional(g, name, x -> x.getString(name, 0));
              case "target_levels", "d", "outputs", "n_train", "n_test" ->
                  ParquetScan.optional(g, name, x -> x.getInteger(name, 0));
              case "data_seed", "seed" -> ParquetScan.optional(g, name, x -> x.getLong(name, 0));
              default -> null;
            };
          }
          Row r = new GenericRowWithSchema(v, schema);
          String id = r.getAs("trial_id");
          if (!ix.containsKey(id)) {
            ix.put(id, out.size());
            out.add(new Trial(id, MlpData.fromTrialRow(r), ParquetScan.ints(g, "widths"), r.getAs("optimizer"),
                r.<Long>getAs("seed")));
          }
        }, "trials table " + table);
      }
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigException("config key 'trials.table': cannot read the mlp_trials table " + table + ": " + e, e);
    }
    return ix;
  }

  /** The one network of the network keys (weight file, models table or He initialisation). */
  private static Net single(Spec spec, List<Trial> trials) {
    Mlp net = NetworkParams.build(spec);
    String id;
    Integer epoch = null;
    int trial = -1;
    ModelTable.Checkpoint metrics = null;
    switch (NetworkParams.source(spec)) {
      case WEIGHTS_FILE -> id = Paths.get(spec.getString(NetworkParams.WEIGHTS)).getFileName().toString();
      case MODEL_TABLE -> {
        id = spec.getString(NetworkParams.MODEL_ID);
        String cp = spec.getString(NetworkParams.CHECKPOINT);
        epoch = cp.equals(ModelTable.LAST) ? null : Integer.valueOf(cp);
        String table = spec.getString(NetworkParams.MODEL_TABLE);
        Integer t = trials(trialsTable(spec, table), trials).get(id);
        trial = t == null ? -1 : t;
        metrics = epoch == null ? null : metrics(table).getOrDefault(id, Map.of()).get(epoch);
      }
      default -> id = "he-init-seed" + spec.getLong("network.seed");
    }
    return new Net(id, epoch, null, net, trial, net.widths(), metrics);
  }
}
