package sheafrank.jobs.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterPredicate;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads the rows of a table folder without Spark (parquet-hadoop's example {@link Group}s), column
 * by column: only the requested columns are decoded and a row filter skips non-matching rows
 * before they are assembled, so looking up one network in a table of large networks does not
 * materialise the others. Files are visited in sorted path order; each row comes with the
 * {@code run_id=...} folder it lies in.
 */
public final class ParquetScan {
  private ParquetScan() {}

  /** One Parquet file of a table, with its run folder ("" when not under one) and its columns. */
  public record TableFile(Path path, String run, MessageType schema) {
    public boolean has(String column) {
      return schema.containsField(column);
    }
  }

  /**
   * The Parquet files under {@code table} (a table folder, one run's folder or one file).
   *
   * @param what how messages name the table, e.g. "model table OUT/models"
   * @throws IllegalArgumentException when the path does not exist, holds no Parquet file or a file
   *     cannot be read
   */
  public static List<TableFile> files(String table, String what) {
    Configuration conf = new Configuration();
    Path root = new Path(table);
    List<Path> paths = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw new IllegalArgumentException(what + " does not exist");
      }
      collect(fs, root, paths);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + ": " + e.getMessage(), e);
    }
    if (paths.isEmpty()) {
      throw new IllegalArgumentException(what + " holds no Parquet files");
    }
    List<TableFile> out = new ArrayList<>();
    for (Path p : paths) {
      try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(p, conf))) {
        out.add(new TableFile(p, runOf(root, p), r.getFooter().getFileMetaData().getSchema()));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(what + ": cannot read " + p + ": " + e, e);
      }
    }
    return out;
  }

  /**
   * Calls {@code row} for every row of {@code file} that passes {@code filter} (null: all rows),
   * decoding only {@code columns} (those the file lacks are left out: the reader sees them as
   * absent).
   */
  public static void read(TableFile file, Set<String> columns, FilterPredicate filter, Consumer<Group> row,
      String what) {
    List<Type> fields = new ArrayList<>();
    for (Type t : file.schema().getFields()) {
      if (columns.contains(t.getName())) {
        fields.add(t);
      }
    }
    Configuration conf = new Configuration();
    conf.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(file.schema().getName(), fields).toString());
    ParquetReader.Builder<Group> b = ParquetReader.builder(new GroupReadSupport(), file.path()).withConf(conf);
    if (filter != null) {
      b = b.withFilter(FilterCompat.get(filter));
    }
    try (ParquetReader<Group> r = b.build()) {
      for (Group g = r.read(); g != null; g = r.read()) {
        row.accept(g);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": cannot read " + file.path() + ": " + e, e);
    }
  }

  /** A nullable scalar column of a row: null when the file has no such column or the value is null. */
  public static <T> T optional(Group g, String column, Function<Group, T> get) {
    if (!g.getType().containsField(column) || g.getFieldRepetitionCount(column) == 0) {
      return null;
    }
    return get.apply(g);
  }

  /** Elements of a LIST column (3-level or legacy 2-level layout). */
  private static int n(Group g, String field) {
    if (g.getFieldRepetitionCount(field) == 0) {
      throw new IllegalArgumentException("column '" + field + "' is null");
    }
    return g.getGroup(field, 0).getFieldRepetitionCount(0);
  }

  public static int[] ints(Group g, String field) {
    int n = n(g, field);
    Group list = g.getGroup(field, 0);
    boolean nested = !list.getType().getType(0).isPrimitive();
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = nested ? list.getGroup(0, i).getInteger(0, 0) : list.getInteger(0, i);
    }
    return v;
  }

  public static double[] doubles(Group g, String field) {
    int n = n(g, field);
    Group list = g.getGroup(field, 0);
    boolean nested = !list.getType().getType(0).isPrimitive();
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = nested ? list.getGroup(0, i).getDouble(0, 0) : list.getDouble(0, i);
    }
    return v;
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
}
