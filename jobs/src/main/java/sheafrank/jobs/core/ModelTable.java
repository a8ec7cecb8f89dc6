package sheafrank.jobs.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;

/**
 * The project's own model table {@code models}: trained (or imported) networks as Parquet rows, one
 * row per layer, so that any job can analyse a network another job produced.
 *
 * <p>Columns: {@code model_id} string, {@code widths} array&lt;int&gt; (the whole network's),
 * {@code output} string (identity | sigmoid | softmax), {@code layer} int (1-based, the paper's
 * W^(layer)), {@code weights} array&lt;double&gt; (row-major {@code n_out x n_in}, i.e.
 * {@code weights[i * n_in + j] = W[i][j]}, PyTorch's Linear layout), {@code bias}
 * array&lt;double&gt; ({@code n_out}). Like every table it is written under
 * {@code OUT/models/run_id=<run>/} by {@link #write}; a reader points at {@code OUT/models} (all
 * runs) or at one run's folder, in which {@code model_id} must name exactly one network.
 *
 * <p>{@link #read} needs no Spark (it reads the Parquet files with parquet-hadoop), so a bad model
 * table is reported before any Spark work starts.
 */
public final class ModelTable {
  private ModelTable() {}

  /** The table's name (its folder under the output folder). */
  public static final String TABLE = "models";

  public static final StructType SCHEMA = new StructType()
      .add("model_id", DataTypes.StringType, false)
      .add("widths", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("output", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("weights", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("bias", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  /** The rows of one network (one per layer); usable on executors, e.g. in a flatMap. */
  public static List<Row> rows(String modelId, Mlp net) {
    checkId(modelId);
    List<Row> out = new ArrayList<>();
    for (int l = 0; l < net.depth(); l++) {
      out.add(RowFactory.create(modelId, net.widths(), net.output().id(), l + 1, net.weights(l).clone(),
          net.bias(l).clone()));
    }
    return out;
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

  /** One stored layer with the run folder it came from. */
  private record Stored(String run, int[] widths, String output, int layer, double[] w, double[] b) {}

  /**
   * Reads network {@code modelId} from the table at {@code table} (local path or any Hadoop URI).
   * Errors (IllegalArgumentException) name the table, the model and the layer: no such table or
   * model, a model in several runs, missing or repeated layers, shapes that do not match the
   * widths, NaN or infinite values, an unknown output activation.
   */
  public static Mlp read(String table, String modelId) {
    List<Stored> rows = new ArrayList<>();
    TreeSet<String> ids = new TreeSet<>();
    scan(table, modelId, rows, ids);
    String where = "model table " + table;
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(where + " has no model '" + modelId + "'"
          + (ids.isEmpty() ? " (the table is empty)" : " (models: " + abbreviate(ids) + ")"));
    }
    TreeSet<String> runs = new TreeSet<>();
    for (Stored s : rows) {
      runs.add(s.run());
    }
    if (runs.size() > 1) {
      throw new IllegalArgumentException(where + ": model '" + modelId + "' is stored by several runs " + runs
          + "; point the table path at one run's folder, e.g. " + new Path(table, runs.first()));
    }
    String m = where + ", model '" + modelId + "'";
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

  /** The model ids stored in the table (all runs). */
  public static List<String> modelIds(String table) {
    TreeSet<String> ids = new TreeSet<>();
    scan(table, null, new ArrayList<>(), ids);
    return List.copyOf(ids);
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

  private static void scan(String table, String modelId, List<Stored> out, TreeSet<String> ids) {
    Configuration conf = new Configuration();
    Path root = new Path(table);
    List<Path> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw new IllegalArgumentException("model table " + table + " does not exist");
      }
      collect(fs, root, files);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read model table " + table + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("model table " + table + " holds no Parquet files");
    }
    for (Path f : files) {
      String run = runOf(root, f);
      try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), f).withConf(conf).build()) {
        for (Group g = r.read(); g != null; g = r.read()) {
          for (String c : new String[] {"model_id", "widths", "output", "layer", "weights", "bias"}) {
            if (!g.getType().containsField(c)) {
              throw new IllegalArgumentException("model table " + table + ": file " + f + " has no column '" + c
                  + "' (expected " + SCHEMA.simpleString() + ")");
            }
          }
          String id = g.getString("model_id", 0);
          ids.add(id);
          if (id.equals(modelId)) {
            out.add(new Stored(run, ints(g, "widths"), g.getString("output", 0), g.getInteger("layer", 0),
                doubles(g, "weights"), doubles(g, "bias")));
          }
        }
      } catch (IOException | RuntimeException e) {
        if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
            && iae.getMessage().startsWith("model table")) {
          throw iae;
        }
        throw new IllegalArgumentException("model table " + table + ": cannot read " + f + ": " + e, e);
      }
    }
  }

  private static void collect(FileSystem fs, Path dir, List<Path> files) throws IOException {
    if (fs.getFileStatus(dir).isFile()) {
      files.add(dir);
      return;
    }
    FileStatus[] st = fs.listStatus(dir);
    Arrays.sort(st);
    for (FileStatus s : st) {
      String name = s.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      if (s.isDirectory()) {
        collect(fs, s.getPath(), files);
      } else if (name.endsWith(".parquet")) {
        files.add(s.getPath());
      }
    }
  }

  private static String runOf(Path root, Path file) {
    for (Path p = file.getParent(); p != null; p = p.getParent()) {
      if (p.getName().startsWith("run_id=")) {
        return p.getName();
      }
      if (p.equals(root)) {
        break;
      }
    }
    return "";
  }

  /** Elements of a LIST column (3-level or legacy 2-level layout). */
  private static int n(Group g, String field) {
    if (g.getFieldRepetitionCount(field) == 0) {
      throw new IllegalArgumentException("column '" + field + "' is null");
    }
    return g.getGroup(field, 0).getFieldRepetitionCount(0);
  }

  private static int[] ints(Group g, String field) {
    int n = n(g, field);
    Group list = g.getGroup(field, 0);
    boolean nested = !list.getType().getType(0).isPrimitive();
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = nested ? list.getGroup(0, i).getInteger(0, 0) : list.getInteger(0, i);
    }
    return v;
  }

  private static double[] doubles(Group g, String field) {
    int n = n(g, field);
    Group list = g.getGroup(field, 0);
    boolean nested = !list.getType().getType(0).isPrimitive();
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = nested ? list.getGroup(0, i).getDouble(0, 0) : list.getDouble(0, i);
    }
    return v;
  }
}
