package sheafrank.jobs.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.filter2.predicate.FilterPredicate;
import org.apache.parquet.io.api.Binary;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;

/**
 * The project's own model table {@code models}: trained (or imported) networks as Parquet rows, one
 * row per layer, so that any job can analyse a network another job produced; a trained model may
 * be stored at several checkpoints (epochs).
 *
 * <p>Columns: {@code model_id} string, {@code widths} array&lt;int&gt; (the whole network's),
 * {@code output} string (identity | sigmoid | softmax), {@code layer} int (1-based, the paper's
 * W^(layer)), {@code weights} array&lt;double&gt; (row-major {@code n_out x n_in}, i.e.
 * {@code weights[i * n_in + j] = W[i][j]}, PyTorch's Linear layout), {@code bias}
 * array&lt;double&gt; ({@code n_out}); then, nullable, {@code epoch} int (the checkpoint: 0 =
 * before training; null for a model stored without checkpoints, e.g. imported),
 * {@code train_loss}, {@code test_loss}, {@code train_accuracy}, {@code test_accuracy} double (the
 * checkpoint's metrics; null when not measured or not applicable). Tables written before the
 * checkpoint columns existed are read as models without checkpoints. Like every table it is
 * written under {@code OUT/models/run_id=<run>/}; a reader points at {@code OUT/models} (all runs)
 * or at one run's folder, in which {@code model_id} must name exactly one network (or one network
 * per epoch).
 *
 * <p>{@link #read} needs no Spark (parquet-hadoop, reading only the columns and rows it needs), so
 * a bad model table is reported before any Spark work starts.
 */
public final class ModelTable {
  private ModelTable() {}

  /** The table's name (its folder under the output folder). */
  public static final String TABLE = "models";

  /** The {@code network.checkpoint} value that selects a model's last stored epoch. */
  public static final String LAST = "last";

  public static final StructType SCHEMA = new StructType()
      .add("model_id", DataTypes.StringType, false)
      .add("widths", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("output", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("weights", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("bias", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("epoch", DataTypes.IntegerType, true)
      .add("train_loss", DataTypes.DoubleType, true)
      .add("test_loss", DataTypes.DoubleType, true)
      .add("train_accuracy", DataTypes.DoubleType, true)
      .add("test_accuracy", DataTypes.DoubleType, true);

  /**
   * A checkpoint of a trained model: its epoch and metrics (null: not measured or not applicable,
   * e.g. the accuracy of a regression).
   */
  public record Checkpoint(int epoch, Double trainLoss, Double testLoss, Double trainAccuracy,
      Double testAccuracy) implements java.io.Serializable {
    public Checkpoint {
      if (epoch < 0) {
        throw new IllegalArgumentException("checkpoint epoch must be >= 0, got " + epoch);
      }
    }
  }

  /** The rows of one network without a checkpoint (one per layer); usable on executors. */
  public static List<Row> rows(String modelId, Mlp net) {
    return rows(modelId, net, null);
  }

  /** The rows of one network at a checkpoint (null: none), one per layer; usable on executors. */
  public static List<Row> rows(String modelId, Mlp net, Checkpoint c) {
    List<Row> out = new ArrayList<>();
    for (int l = 0; l < net.depth(); l++) {
      out.add(RowFactory.create(values(modelId, net, l, c)));
    }
    return out;
  }

  /** The column values of layer {@code l} (0-based) of a network, in {@link #SCHEMA} order. */
  public static Object[] values(String modelId, Mlp net, int l, Checkpoint c) {
    checkId(modelId);
    return new Object[] {modelId, net.widths(), net.output().id(), l + 1, net.weights(l).clone(),
        net.bias(l).clone(), c == null ? null : c.epoch(), c == null ? null : c.trainLoss(),
        c == null ? null : c.testLoss(), c == null ? null : c.trainAccuracy(), c == null ? null : c.testAccuracy()};
  }

  /** Writes one network as this run's {@code models} table. */
  public static void write(JobContext ctx, String modelId, Mlp net) {
    write(ctx, Map.of(modelId, net));
  }

  /** Writes networks by id as this run's {@code models} table (a job writes the table once). */
  public static void write(JobContext ctx, Map<String, Mlp> models) {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, Mlp> e : new TreeMap<>(models).entrySet()) {
      rows.addAll(rows(e.getKey(), e.getValue()));
    }
    ctx.write(TABLE, ctx.spark().createDataFrame(rows, SCHEMA).coalesce(1));
  }

  static void checkId(String id) {
    if (id == null || !id.matches("[A-Za-z0-9_.:/\\-]+")) {
      throw new IllegalArgumentException("model id must be non-empty letters, digits, '_', '.', ':', '/', '-', got '" + id + "'");
    }
  }

  /** The network of model {@code modelId}: its last checkpoint, or its only network. */
  public static Mlp read(String table, String modelId) {
    return read(table, modelId, null);
  }

  /**
   * Reads network {@code modelId} at checkpoint {@code epoch} (null: the last stored epoch, or the
   * network of a model stored without checkpoints) from the table at {@code table} (local path or
   * any Hadoop URI). Errors (IllegalArgumentException) name the table, the model and the layer: no
   * such table or model, a model in several runs, an epoch it does not have (listing those it
   * has), missing or repeated layers, shapes that do not match the widths, NaN or infinite
   * values, an unknown output activation.
   */
  public static Mlp read(String table, String modelId, Integer epoch) {
    String where = "model table " + table;
    List<ParquetScan.TableFile> files = files(table);
    Index ix = lookup(index(files, table), table, modelId);
    if (epoch != null && ix.epochs.isEmpty()) {
      throw new IllegalArgumentException(where + ": model '" + modelId + "' has no checkpoints (it was stored "
          + "without epochs); cannot select epoch " + epoch + " (use " + LAST + ")");
    } else if (epoch != null && !ix.epochs.contains(epoch)) {
      throw new IllegalArgumentException(where + ": model '" + modelId + "' has no checkpoint at epoch " + epoch
          + " (checkpoints: " + ix.epochs + ")");
    }
    Integer e = epoch != null ? epoch : ix.epochs.isEmpty() ? null : ix.epochs.last();
    FilterPredicate byId = FilterApi.eq(FilterApi.binaryColumn("model_id"), Binary.fromString(modelId));
    List<Stored> rows = new ArrayList<>();
    for (ParquetScan.TableFile f : files) {
      FilterPredicate filter = e != null && f.has("epoch")
          ? FilterApi.and(byId, FilterApi.eq(FilterApi.intColumn("epoch"), e)) : byId;
      ParquetScan.read(f, ALL_COLUMNS, filter, g -> {
        Integer ge = ParquetScan.optional(g, "epoch", x -> x.getInteger("epoch", 0));
        if (Objects.equals(ge, e)) {
          rows.add(new Stored(ParquetScan.ints(g, "widths"), g.getString("output", 0), g.getInteger("layer", 0),
              ParquetScan.doubles(g, "weights"), ParquetScan.doubles(g, "bias")));
        }
      }, where);
    }
    return assemble(rows, where + ", model '" + modelId + "'" + (e == null ? "" : ", epoch " + e));
  }

  /** The epochs at which model {@code modelId} is stored, ascending (empty: stored without checkpoints). */
  public static List<Integer> checkpoints(String table, String modelId) {
    return List.copyOf(lookup(index(files(table), table), table, modelId).epochs);
  }

  /**
   * The checkpoint epochs of each of {@code modelIds} (as {@link #checkpoints(String, String)}, each id
   * checked the same way), from one pass over the table's key columns.
   */
  public static Map<String, List<Integer>> checkpointsOf(String table, List<String> modelIds) {
    Map<String, Index> all = index(files(table), table);
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    for (String id : modelIds) {
      out.put(id, List.copyOf(lookup(all, table, id).epochs));
    }
    return out;
  }

  /** The model ids stored in the table (all runs). */
  public static List<String> modelIds(String table) {
    return List.copyOf(new TreeSet<>(index(files(table), table).keySet()));
  }

  /** One stored layer. */
  private record Stored(int[] widths, String output, int layer, double[] w, double[] b) {}

  /** Where a model is stored: its runs and epochs. */
  private static final class Index {
    final TreeSet<String> runs = new TreeSet<>();
    final TreeSet<Integer> epochs = new TreeSet<>();
    boolean withoutEpoch;
  }

  private static final List<String> REQUIRED = List.of("model_id", "widths", "output", "layer", "weights", "bias");
  private static final Set<String> ALL_COLUMNS = new HashSet<>(List.of(SCHEMA.fieldNames()));
  private static final Set<String> KEY_COLUMNS = Set.of("model_id", "epoch");

  private static List<ParquetScan.TableFile> files(String table) {
    String where = "model table " + table;
    List<ParquetScan.TableFile> files = ParquetScan.files(table, where);
    for (ParquetScan.TableFile f : files) {
      for (String c : REQUIRED) {
        if (!f.has(c)) {
          throw new IllegalArgumentException(where + ": file " + f.path() + " has no column '" + c
              + "' (expected " + SCHEMA.simpleString() + ")");
        }
      }
    }
    return files;
  }

  /** The index of one model: it must exist, in one run, with an epoch on all rows or on none. */
  private static Index lookup(Map<String, Index> all, String table, String modelId) {
    String where = "model table " + table;
    Index ix = all.get(modelId);
    if (ix == null) {
      TreeSet<String> ids = new TreeSet<>(all.keySet());
      throw new IllegalArgumentException(where + " has no model '" + modelId + "'"
          + (ids.isEmpty() ? " (the table is empty)" : " (models: " + abbreviate(ids) + ")"));
    }
    if (ix.runs.size() > 1) {
      throw new IllegalArgumentException(where + ": model '" + modelId + "' is stored by several runs " + ix.runs
          + "; point the table path at one run's folder, e.g. " + new Path(table, ix.runs.first()));
    }
    if (ix.withoutEpoch && !ix.epochs.isEmpty()) {
      throw new IllegalArgumentException(where + ": model '" + modelId + "' has rows with and without an epoch");
    }
    return ix;
  }

  /** Model id to runs and epochs, from the key columns only. */
  private static Map<String, Index> index(List<ParquetScan.TableFile> files, String table) {
    Map<String, Index> ix = new TreeMap<>();
    for (ParquetScan.TableFile f : files) {
      ParquetScan.read(f, KEY_COLUMNS, null, g -> {
        Index i = ix.computeIfAbsent(g.getString("model_id", 0), k -> new Index());
        i.runs.add(f.run());
        Integer e = ParquetScan.optional(g, "epoch", x -> x.getInteger("epoch", 0));
        if (e == null) {
          i.withoutEpoch = true;
        } else {
          i.epochs.add(e);
        }
      }, "model table " + table);
    }
    return ix;
  }

  /** The network of one model's layer rows, every shape and value checked. */
  private static Mlp assemble(List<Stored> rows, String m) {
    int[] widths = rows.get(0).widths();
    String output = rows.get(0).output();
    try {
      Mlp.validateWidths(widths);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(m + ": " + e.getMessage());
    }
    OutputActivation out;
    try {
      out = OutputActivation.parse(output);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(m + ": unknown output activation '" + output + "'");
    }
    int depth = widths.length - 1;
    double[][] w = new double[depth][];
    double[][] b = new double[depth][];
    for (Stored s : rows) {
      if (!Arrays.equals(s.widths(), widths) || !s.output().equals(output)) {
        throw new IllegalArgumentException(m + ": layer rows disagree on the network (widths "
            + Arrays.toString(widths) + " / " + Arrays.toString(s.widths()) + ", output " + output + " / " + s.output() + ")");
      }
      int l = s.layer();
      if (l < 1 || l > depth) {
        throw new IllegalArgumentException(m + ": layer " + l + " does not exist for widths "
            + Arrays.toString(widths) + " (layers 1.." + depth + ")");
      }
      if (w[l - 1] != null) {
        throw new IllegalArgumentException(m + ": layer " + l + " is stored twice");
      }
      int nin = widths[l - 1];
      int nout = widths[l];
      if (s.w().length != nout * nin) {
        throw new IllegalArgumentException(m + ", layer " + l + ": weights hold " + s.w().length
            + " values but widths " + Arrays.toString(widths) + " need " + nout + " x " + nin + " = " + nout * nin);
      }
      if (s.b().length != nout) {
        throw new IllegalArgumentException(m + ", layer " + l + ": bias holds " + s.b().length
            + " values, expected " + nout);
      }
      finite(s.w(), nin, m + ", layer " + l + " weights");
      finite(s.b(), 0, m + ", layer " + l + " bias");
      w[l - 1] = s.w();
      b[l - 1] = s.b();
    }
    for (int l = 0; l < depth; l++) {
      if (w[l] == null) {
        throw new IllegalArgumentException(m + ": layer " + (l + 1) + " is missing (widths "
            + Arrays.toString(widths) + " need layers 1.." + depth + ")");
      }
    }
    return new Mlp(widths, w, b, out);
  }

  private static void finite(double[] v, int cols, String what) {
    for (int k = 0; k < v.length; k++) {
      if (!Double.isFinite(v[k])) {
        throw new IllegalArgumentException(what + " hold " + v[k] + " at index " + k
            + (cols > 0 ? " (row " + k / cols + ", column " + k % cols + ")" : ""));
      }
    }
  }

  private static String abbreviate(TreeSet<String> ids) {
    List<String> l = new ArrayList<>(ids);
    return l.size() <= 20 ? String.join(", ", l) : String.join(", ", l.subList(0, 20)) + ", ... (" + l.size() + " in all)";
  }
}
