package sheafrank.jobs.train;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import sheafrank.data.CsvTable;
import sheafrank.data.Dataset;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Spec;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;

/**
 * The user's own data: a training table and an optional test table (CSV with a header row, or a
 * Parquet file or folder of Parquet files) with named input and target columns. Read once on the
 * driver before any Spark work (errors name the file, the column and, for CSV, the line) and
 * shipped to the executors with the trials, so executors need no access to the files.
 */
public record UserData(String name, TaskKind kind, double[] trainX, double[] trainY, int nTrainRows,
    double[] testX, double[] testY, int nTestRows, int inDim, int outDim) implements Serializable {

  static UserData load(String trainFile, String testFile, List<String> inputs, List<String> targets,
      TaskKind kind) {
    Samples train = read(trainFile, inputs, targets);
    Samples test = testFile.isEmpty() ? null : read(testFile, inputs, targets);
    Path p = Paths.get(trainFile);
    return new UserData(p.getFileName().toString(), kind, train.x(), train.y(), train.n(),
        test == null ? null : test.x(), test == null ? null : test.y(), test == null ? 0 : test.n(),
        train.inDim(), train.outDim());
  }

  /** The first {@code nTrain} training rows and the whole test table. */
  Dataset dataset(int nTrain) {
    Samples train = new Samples(Arrays.copyOf(trainX, nTrain * inDim), Arrays.copyOf(trainY, nTrain * outDim),
        nTrain, inDim, outDim);
    Samples test = testX == null ? null : new Samples(testX, testY, nTestRows, inDim, outDim);
    return new Dataset(name, kind, train, test);
  }

  static Samples read(String file, List<String> inputs, List<String> targets) {
    Path p = Paths.get(file);
    if (!Files.exists(p)) {
      throw new IllegalArgumentException("data file " + file + " does not exist");
    }
    if (isParquet(p)) {
      return readParquet(p, inputs, targets);
    }
    try {
      return CsvTable.read(p, inputs, targets);
    } catch (java.io.UncheckedIOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  static boolean isParquet(Path p) {
    if (Files.isDirectory(p)) {
      return true;
    }
    return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet");
  }

  /**
   * A Parquet file (or a folder of part files, as Spark writes them): the named columns must be
   * numeric (double, float, int32, int64) and non-null.
   */
  static Samples readParquet(Path p, List<String> inputs, List<String> targets) {
    if (inputs.isEmpty() || targets.isEmpty()) {
      throw new IllegalArgumentException(p + ": at least one input and one target column must be named");
    }
    List<Path> files = new ArrayList<>();
    try {
      if (Files.isDirectory(p)) {
        try (var s = Files.list(p)) {
          s.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().forEach(files::add);
        }
      } else {
        files.add(p);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(p + " holds no .parquet files");
    }
    List<String> cols = new ArrayList<>(inputs);
    cols.addAll(targets);
    List<double[]> rows = new ArrayList<>();
    Configuration conf = new Configuration();
    for (Path f : files) {
      org.apache.hadoop.fs.Path hp = new org.apache.hadoop.fs.Path(f.toAbsolutePath().toUri());
      try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), hp).withConf(conf).build()) {
        long row = 0;
        for (Group g = r.read(); g != null; g = r.read(), row++) {
          GroupType t = g.getType();
          double[] v = new double[cols.size()];
          for (int c = 0; c < v.length; c++) {
            String name = cols.get(c);
            if (!t.containsField(name)) {
              throw new IllegalArgumentException(f + ": no column '" + name + "' (columns: "
                  + t.getFields().stream().map(Type::getName).toList() + ")");
            }
            Type ft = t.getType(name);
            if (!ft.isPrimitive()) {
              throw new IllegalArgumentException(f + ": column '" + name + "' is not numeric");
            }
            if (g.getFieldRepetitionCount(name) == 0) {
              throw new IllegalArgumentException(f + ": column '" + name + "' is null in row " + row);
            }
            PrimitiveType.PrimitiveTypeName pt = ft.asPrimitiveType().getPrimitiveTypeName();
            v[c] = switch (pt) {
              case DOUBLE -> g.getDouble(name, 0);
              case FLOAT -> g.getFloat(name, 0);
              case INT32 -> g.getInteger(name, 0);
              case INT64 -> g.getLong(name, 0);
              default -> throw new IllegalArgumentException(f + ": column '" + name + "' has type "
                  + pt.name().toLowerCase(Locale.ROOT) + ", expected a number");
            };
            if (!Double.isFinite(v[c])) {
              throw new IllegalArgumentException(f + ": column '" + name + "' is " + v[c] + " in row " + row);
            }
          }
          rows.add(v);
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + f + ": " + e.getMessage(), e);
      }
    }
    int n = rows.size();
    if (n == 0) {
      throw new IllegalArgumentException(p + " holds no rows");
    }
    int di = inputs.size();
    int dt = targets.size();
    double[] x = new double[n * di];
    double[] y = new double[n * dt];
    for (int s = 0; s < n; s++) {
      double[] v = rows.get(s);
      System.arraycopy(v, 0, x, s * di, di);
      System.arraycopy(v, di, y, s * dt, dt);
    }
    return new Samples(x, y, n, di, dt);
  }

  /** The user's data for task 'file' (read and checked now; shipped to the executors), else null. */
  static UserData fromSpec(Spec spec, List<String> tasks) {
    UserData data = null;
    String trainFile = spec.getString("data.train_file");
    if (tasks.contains("file")) {
      if (trainFile.isEmpty()) {
        throw new ConfigException("config key 'data.train_file': task 'file' needs the training data file");
      }
      if (spec.getStringList("data.inputs").isEmpty()) {
        throw new ConfigException("config key 'data.inputs': name the input columns of " + trainFile);
      }
      if (spec.getStringList("data.targets").isEmpty()) {
        throw new ConfigException("config key 'data.targets': name the target columns of " + trainFile);
      }
      TaskKind kind = TaskKind.parse(spec.getString("data.kind"));
      String testFile = spec.getString("data.test_file");
      try {
        UserData.read(trainFile, spec.getStringList("data.inputs"), spec.getStringList("data.targets"));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'data.train_file': " + e.getMessage(), e);
      }
      try {
        data = UserData.load(trainFile, testFile, spec.getStringList("data.inputs"),
            spec.getStringList("data.targets"), kind);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'data.test_file': " + e.getMessage(), e);
      }
      if (kind == TaskKind.MULTICLASS && data.outDim() < 2) {
        throw new ConfigException("config key 'data.targets': a multiclass task needs one-hot targets (>= 2 columns)");
      }
    } else if (!trainFile.isEmpty()) {
      throw new ConfigException("config key 'data.train_file' is set but 'tasks' has no 'file' entry");
    }

    return data;
  }
}
