package sheafrank.jobs.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One typed config key of a job (Spark MLlib {@code Params} style): name, type, default, one-line
 * documentation and a check. A param without default is required.
 */
public final class Param {
  /** Value types; lists are parsed from bracketed config values. */
  public enum Type {
    INT,
    LONG,
    DOUBLE,
    BOOL,
    STRING,
    INT_LIST,
    DOUBLE_LIST,
    STRING_LIST,
    INT_LIST_LIST
  }

  private final String name;
  private final Type type;
  private final Object defaultValue;
  private final String doc;
  private final Function<Object, String> check;

  private Param(String name, Type type, Object defaultValue, String doc, Function<Object, String> check) {
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.check = check;
  }

  public static Param of(String name, Type type, Object defaultValue, String doc) {
    return new Param(name, type, defaultValue, doc, v -> null);
  }

  /** The same param with an extra check returning an error message (without the key) or null. */
  public Param check(Function<Object, String> c) {
    Function<Object, String> prev = this.check;
    return new Param(name, type, defaultValue, doc, v -> {
      String e = prev.apply(v);
      return e != null ? e : c.apply(v);
    });
  }

  public Param positive() {
    return check(v -> ((Number) v).doubleValue() > 0 ? null : "must be > 0, got " + Spec.show(v));
  }

  public Param nonNegative() {
    return check(v -> ((Number) v).doubleValue() >= 0 ? null : "must be >= 0, got " + Spec.show(v));
  }

  /** Numbers at most {@code max}; {@code why} says what the bound protects (shown with the error). */
  public Param atMost(long max, String why) {
    return check(v -> ((Number) v).doubleValue() <= max ? null
        : "must be at most " + Limits.count(max) + " (" + why + "), got " + Spec.show(v));
  }

  /** Every entry of an integer list in [min, max]. */
  public Param entriesBetween(long min, long max) {
    return check(v -> {
      for (int x : (int[]) v) {
        if (x < min || x > max) {
          return "entries must be between " + min + " and " + Limits.count(max) + ", got " + x;
        }
      }
      return null;
    });
  }

  /**
   * Every entry of a string list passes {@code parse}, whose IllegalArgumentException message is the
   * error; {@code empty} (or null if an empty list is fine) is the error for an empty list.
   */
  public Param entriesParse(java.util.function.Consumer<String> parse, String empty) {
    return check(v -> {
      List<?> l = (List<?>) v;
      if (l.isEmpty() && empty != null) {
        return empty;
      }
      for (Object o : l) {
        try {
          parse.accept((String) o);
        } catch (IllegalArgumentException e) {
          return e.getMessage();
        }
      }
      return null;
    });
  }

  /** Every entry of a list of integer lists is a widths list [n0, ..., nL] of positive widths. */
  public Param widthsEntries() {
    return check(v -> {
      for (int[] w : (int[][]) v) {
        try {
          sheafrank.net.Mlp.validateWidths(w);
        } catch (IllegalArgumentException e) {
          return e.getMessage();
        }
      }
      return null;
    });
  }

  public Param oneOf(String... allowed) {
    return check(v -> {
      for (String a : allowed) {
        if (a.equals(v)) {
          return null;
        }
      }
      return "unknown value '" + v + "' (expected one of " + String.join(", ", allowed) + ")";
    });
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public Object defaultValue() {
    return defaultValue;
  }

  public boolean required() {
    return defaultValue == null;
  }

  public String doc() {
    return doc;
  }

  /** Converts a raw value (String or List) to this param's type and checks it. */
  Object convert(Object raw) {
    Object v = convertType(raw);
    String err = check.apply(v);
    if (err != null) {
      throw new ConfigException("config key '" + name + "': " + err);
    }
    return v;
  }

  private Object convertType(Object raw) {
    try {
      switch (type) {
        case INT:
          return Integer.parseInt(scalar(raw));
        case LONG:
          return Long.parseLong(scalar(raw).replace("_", ""));
        case DOUBLE:
          return parseDouble(scalar(raw));
        case BOOL: {
          String s = scalar(raw).toLowerCase(Locale.ROOT);
          if (!s.equals("true") && !s.equals("false")) {
            throw new NumberFormatException();
          }
          return Boolean.parseBoolean(s);
        }
        case STRING:
          return scalar(raw);
        case INT_LIST:
          return toIntArray(list(raw));
        case DOUBLE_LIST: {
          List<?> l = list(raw);
          double[] a = new double[l.size()];
          for (int i = 0; i < a.length; i++) {
            a[i] = parseDouble(scalar(l.get(i)));
          }
          return a;
        }
        case STRING_LIST: {
          List<String> out = new ArrayList<>();
          for (Object o : list(raw)) {
            out.add(scalar(o));
          }
          return List.copyOf(out);
        }
        case INT_LIST_LIST: {
          List<?> l = list(raw);
          int[][] a = new int[l.size()][];
          for (int i = 0; i < a.length; i++) {
            a[i] = toIntArray(list(l.get(i)));
          }
          return a;
        }
        default:
          throw new IllegalStateException();
      }
    } catch (NumberFormatException | ClassCastException e) {
      throw new ConfigException(
          "config key '" + name + "': expected " + describe(type) + ", got " + Spec.show(raw));
    }
  }

  private static double parseDouble(String s) {
    double d = Double.parseDouble(s);
    if (!Double.isFinite(d)) {
      throw new NumberFormatException();
    }
    return d;
  }

  private static int[] toIntArray(List<?> l) {
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = Integer.parseInt(scalar(l.get(i)));
    }
    return a;
  }

  private static String scalar(Object raw) {
    if (raw instanceof List) {
      throw new ClassCastException();
    }
    return (String) raw;
  }

  private static List<?> list(Object raw) {
    if (!(raw instanceof List)) {
      throw new ClassCastException();
    }
    return (List<?>) raw;
  }

  static String describe(Type t) {
    return switch (t) {
      case INT -> "an integer";
      case LONG -> "an integer";
      case DOUBLE -> "a finite number";
      case BOOL -> "true or false";
      case STRING -> "a string";
      case INT_LIST -> "a list of integers like [2, 30, 1]";
      case DOUBLE_LIST -> "a list of numbers like [0.1, 1.0]";
      case STRING_LIST -> "a list of strings like [a, b]";
      case INT_LIST_LIST -> "a list of integer lists like [[2, 30, 1], [2, 10, 8, 1]]";
    };
  }
}
