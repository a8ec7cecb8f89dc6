package sheafrank.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.sql.Row;

/** Typed access to the columns of collected rows, and small grouping helpers. */
public final class Cols {
  private Cols() {}

  public static String s(Row r, String c) {
    Object v = r.getAs(c);
    return v == null ? null : v.toString();
  }

  public static double d(Row r, String c) {
    Object v = r.getAs(c);
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  public static long l(Row r, String c) {
    return ((Number) r.getAs(c)).longValue();
  }

  public static int i(Row r, String c) {
    return ((Number) r.getAs(c)).intValue();
  }

  public static boolean isNull(Row r, String c) {
    return r.isNullAt(r.fieldIndex(c));
  }

  public static boolean b(Row r, String c) {
    return (Boolean) r.getAs(c);
  }

  public static double[] doubles(Row r, String c) {
    List<Object> l = r.getList(r.fieldIndex(c));
    double[] a = new double[l.size()];
    for (int k = 0; k < a.length; k++) {
      a[k] = ((Number) l.get(k)).doubleValue();
    }
    return a;
  }

  public static int[] ints(Row r, String c) {
    List<Object> l = r.getList(r.fieldIndex(c));
    int[] a = new int[l.size()];
    for (int k = 0; k < a.length; k++) {
      a[k] = ((Number) l.get(k)).intValue();
    }
    return a;
  }

  /** An int array column as the text the configs use: {@code [2, 30, 1]}. */
  public static String widths(Row r, String c) {
    return java.util.Arrays.toString(ints(r, c));
  }

  public static List<Row> where(List<Row> rows, Predicate<Row> p) {
    List<Row> out = new ArrayList<>();
    for (Row r : rows) {
      if (p.test(r)) {
        out.add(r);
      }
    }
    return out;
  }

  /** Rows grouped by a key, keys sorted. */
  public static <K extends Comparable<K>> Map<K, List<Row>> group(List<Row> rows, Function<Row, K> key) {
    Map<K, List<Row>> m = new TreeMap<>();
    for (Row r : rows) {
      m.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
    }
    return m;
  }

  /** The (x, y) points of rows, sorted by x. */
  public static List<double[]> points(List<Row> rows, String x, String y) {
    List<double[]> p = new ArrayList<>();
    for (Row r : rows) {
      p.add(new double[] {d(r, x), d(r, y)});
    }
    p.sort((a, b) -> Double.compare(a[0], b[0]));
    return p;
  }

  public static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** Sample standard deviation (n - 1); 0 for one value. */
  public static double std(double[] v) {
    if (v.length < 2) {
      return 0;
    }
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }

  public static double[] column(List<Row> rows, String c) {
    double[] a = new double[rows.size()];
    for (int k = 0; k < a.length; k++) {
      a[k] = d(rows.get(k), c);
    }
    return a;
  }
}
