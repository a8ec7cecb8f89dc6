package sheafrank.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;

/**
 * Reads the user's own data from a CSV table: a header row naming the columns, then one sample per
 * row; the caller names the input and target columns. Fields are separated by commas (or another
 * single-character delimiter); a field may be enclosed in double quotes (a doubled quote inside
 * stands for one quote); blank lines are skipped. Every value used must parse as a finite number.
 * Errors name the file, the line (1-based, the header is line 1) and the column.
 */
public final class CsvTable {
  private CsvTable() {}

  /** Reads {@code file} with comma delimiter. */
  public static Samples read(Path file, List<String> inputColumns, List<String> targetColumns) {
    return read(file, inputColumns, targetColumns, ',');
  }

  public static Samples read(Path file, List<String> inputColumns, List<String> targetColumns,
      char delimiter) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, file.toString(), inputColumns, targetColumns, delimiter);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A data set of the given kind from a training table and an optional test table. */
  public static Dataset dataset(Path trainFile, Path testFile, List<String> inputColumns,
      List<String> targetColumns, TaskKind kind) {
    Samples train = read(trainFile, inputColumns, targetColumns);
    Samples test = testFile == null ? null : read(testFile, inputColumns, targetColumns);
    return new Dataset(trainFile.getFileName().toString(), kind, train, test);
  }

  /**
   * Reads from {@code in}; {@code source} names it in error messages.
   *
   * @throws IllegalArgumentException with file, line and column for a missing or duplicated
   *     column, a row with the wrong number of fields, an empty, non-numeric, NaN or infinite value,
   *     or a table without samples
   */
  public static Samples read(Reader in, String source, List<String> inputColumns,
      List<String> targetColumns, char delimiter) {
    if (inputColumns == null || inputColumns.isEmpty()) {
      throw new IllegalArgumentException(source + ": at least one input column must be named");
    }
    if (targetColumns == null || targetColumns.isEmpty()) {
      throw new IllegalArgumentException(source + ": at least one target column must be named");
    }
    Numeric t = parse(in, source, delimiter, (index, names) -> {
      int[] inIdx = columns(inputColumns, index, source, "input");
      int[] outIdx = columns(targetColumns, index, source, "target");
      int[] all = java.util.Arrays.copyOf(inIdx, inIdx.length + outIdx.length);
      System.arraycopy(outIdx, 0, all, inIdx.length, outIdx.length);
      return all;
    });
    int n = t.rows();
    int di = inputColumns.size();
    int dout = targetColumns.size();
    double[] x = new double[n * di];
    double[] y = new double[n * dout];
    for (int s = 0; s < n; s++) {
      System.arraycopy(t.values(), s * (di + dout), x, s * di, di);
      System.arraycopy(t.values(), s * (di + dout) + di, y, s * dout, dout);
    }
    return new Samples(x, y, n, di, dout);
  }

  /**
   * A whole numeric table: the header's column names in file order and every row's values,
   * row-major ({@code values[row * columns.size() + column]}).
   */
  public record Numeric(List<String> columns, double[] values, int rows) {}

  /** Every column of {@code file} (comma-separated); the same checks and messages as {@link #read}. */
  public static Numeric readAll(Path file) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(r, file.toString(), ',', (index, names) -> {
        int[] all = new int[names.size()];
        for (int i = 0; i < all.length; i++) {
          all[i] = i;
        }
        return all;
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Picks the columns to read from the header (name to position, names in file order). */
  private interface Selector {
    int[] select(Map<String, Integer> index, List<String> names);
  }

  /** The selected columns of every data row, checked as the class comment says. */
  private static Numeric parse(Reader in, String source, char delimiter, Selector selector) {
    BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
    try {
      String header = r.readLine();
      int lineNo = 1;
      while (header != null && header.isBlank()) {
        header = r.readLine();
        lineNo++;
      }
      if (header == null) {
        throw new IllegalArgumentException(source + ": empty file, expected a header row");
      }
      if (!header.isEmpty() && header.charAt(0) == '\uFEFF') {
        header = header.substring(1);
      }
      List<String> names = new ArrayList<>();
      Map<String, Integer> index = new HashMap<>();
      for (String raw : split(header, delimiter, source, lineNo)) {
        String name = raw.trim();
        if (index.put(name, names.size()) != null) {
          throw new IllegalArgumentException(
              source + ", line " + lineNo + ": column '" + name + "' appears more than once in the header");
        }
        names.add(name);
      }
      int[] idx = selector.select(index, names);
      List<String> selected = new ArrayList<>();
      for (int i : idx) {
        selected.add(names.get(i));
      }
      List<double[]> rows = new ArrayList<>();
      String line;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        List<String> f = split(line, delimiter, source, lineNo);
        if (f.size() != names.size()) {
          throw new IllegalArgumentException(
              source + ", line " + lineNo + ": " + f.size() + " fields, but the header has " + names.size());
        }
        rows.add(values(f, idx, selected, source, lineNo));
      }
      if (rows.isEmpty()) {
        throw new IllegalArgumentException(source + ": no data rows after the header (n_train must be >= 1)");
      }
      double[] v = new double[rows.size() * idx.length];
      for (int s = 0; s < rows.size(); s++) {
        System.arraycopy(rows.get(s), 0, v, s * idx.length, idx.length);
      }
      return new Numeric(List.copyOf(selected), v, rows.size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
    }
  }

  private static int[] columns(List<String> wanted, Map<String, Integer> index, String source, String what) {
    int[] idx = new int[wanted.size()];
    for (int i = 0; i < idx.length; i++) {
      Integer k = index.get(wanted.get(i));
      if (k == null) {
        throw new IllegalArgumentException(
            source + ", line 1: " + what + " column '" + wanted.get(i) + "' not found in the header "
                + index.keySet().stream().sorted().toList());
      }
      idx[i] = k;
    }
    return idx;
  }

  private static double[] values(List<String> f, int[] idx, List<String> names, String source, int lineNo) {
    double[] v = new double[idx.length];
    for (int i = 0; i < idx.length; i++) {
      String raw = f.get(idx[i]).trim();
      String where = source + ", line " + lineNo + ", column '" + names.get(i) + "'";
      if (raw.isEmpty()) {
        throw new IllegalArgumentException(where + ": empty value");
      }
      double d;
      try {
        d = Double.parseDouble(raw);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + ": '" + raw + "' is not a number");
      }
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException(where + ": '" + raw + "' is not a finite number");
      }
      v[i] = d;
    }
    return v;
  }

  /** Splits one line into fields, honouring double quotes. */
  static List<String> split(String line, char delim, String source, int lineNo) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(ch);
        }
      } else if (ch == '"' && cur.toString().isBlank()) {
        cur.setLength(0);
        quoted = true;
      } else if (ch == delim) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(source + ", line " + lineNo + ": unterminated quoted field");
    }
    out.add(cur.toString());
    return out;
  }
}
