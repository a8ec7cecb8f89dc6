package sheafrank.jobs.rankscan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import sheafrank.data.CsvTable;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.ParquetScan;

/**
 * A table of points given by the user ({@code points.table}): a CSV file with a header row, or a
 * Parquet file or folder; every column is one input coordinate, every row one point, in file order
 * (Parquet: files in sorted path order). Read on the driver before Spark starts; a value that is
 * not a finite number, a missing value or a non-numeric column is a ConfigException naming the key,
 * the file, the row and the column.
 */
final class PointTable {
  private PointTable() {}

  /** The first rows of a point table (row-major {@code rows x dim}) and its column names. */
  record Points(double[] values, int rows, int dim, List<String> columns) {}

  static Points read(String key, String file, long cap) {
    Path p = Paths.get(file);
    if (!Files.exists(p)) {
      throw new ConfigException("config key '" + key + "': point table " + file + " does not exist");
    }
    boolean parquet = Files.isDirectory(p) || file.toLowerCase(Locale.ROOT).endsWith(".parquet");
    Points all;
    try {
      all = parquet ? parquet(file) : csv(p);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new ConfigException("config key '" + key + "': point table " + e.getMessage(), e);
    }
    if (all.rows() > cap) {
      return new Points(Arrays.copyOf(all.values(), (int) cap * all.dim()), (int) cap, all.dim(), all.columns());
    }
    return all;
  }

  private static Points csv(Path p) {
    CsvTable.Numeric n = CsvTable.readAll(p);
    return new Points(n.values(), n.rows(), n.columns().size(), n.columns());
  }

  private static Points parquet(String file) {
    List<ParquetScan.TableFile> files = ParquetScan.files(file, file);
    List<String> columns = new ArrayList<>();
    for (Type t : files.get(0).schema().getFields()) {
      String name = t.getName();
      boolean numeric = t.isPrimitive() && switch (t.asPrimitiveType().getPrimitiveTypeName()) {
        case DOUBLE, FLOAT, INT32, INT64 -> true;
        default -> false;
      };
      if (!numeric) {
        throw new IllegalArgumentException(file + ": column '" + name + "' is not a number column (every column of a "
            + "point table is a coordinate)");
      }
      columns.add(name);
    }
    List<double[]> rows = new ArrayList<>();
    for (ParquetScan.TableFile f : files) {
      List<String> here = f.schema().getFields().stream().map(Type::getName).toList();
      if (!here.equals(columns)) {
        throw new IllegalArgumentException(f.path() + ": columns " + here + " differ from " + columns
            + " of the table's first file");
      }
      long[] row = {0};
      ParquetScan.read(f, new HashSet<>(columns), null, g -> {
        double[] v = new double[columns.size()];
        for (int c = 0; c < v.length; c++) {
          String name = columns.get(c);
          String where = f.path() + ", row " + row[0] + ", column '" + name + "'";
          if (g.getFieldRepetitionCount(name) == 0) {
            throw new IllegalArgumentException(where + ": missing value");
          }
          PrimitiveTypeName t = g.getType().getType(name).asPrimitiveType().getPrimitiveTypeName();
          v[c] = switch (t) {
            case DOUBLE -> g.getDouble(name, 0);
            case FLOAT -> g.getFloat(name, 0);
            case INT32 -> g.getInteger(name, 0);
            default -> g.getLong(name, 0);
          };
          if (!Double.isFinite(v[c])) {
            throw new IllegalArgumentException(where + ": " + v[c] + " is not a finite number");
          }
        }
        rows.add(v);
        row[0]++;
      }, file);
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no rows");
    }
    int d = columns.size();
    double[] x = new double[rows.size() * d];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, x, i * d, d);
    }
    return new Points(x, rows.size(), d, List.copyOf(columns));
  }
}
