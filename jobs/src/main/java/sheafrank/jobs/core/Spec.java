package sheafrank.jobs.core;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated, immutable experiment spec: every param of the job with its typed value (from the
 * file, a --set override, or the default). Unknown keys are rejected.
 */
public final class Spec implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String job;
  private final Map<String, Object> values;
  private final java.util.Set<String> explicit;

  private Spec(String job, Map<String, Object> values, java.util.Set<String> explicit) {
    this.job = job;
    this.values = values;
    this.explicit = explicit;
  }

  /** Validates raw values against the params; errors name the key and what is wrong. */
  public static Spec validate(String job, List<Param> params, Map<String, Object> raw) {
    Map<String, Param> byName = new LinkedHashMap<>();
    for (Param p : params) {
      byName.put(p.name(), p);
    }
    for (String k : raw.keySet()) {
      if (!byName.containsKey(k)) {
        throw new ConfigException(
            "unknown config key '" + k + "' for job " + job + " (run with --help to list its keys)");
      }
    }
    Map<String, Object> v = new LinkedHashMap<>();
    for (Param p : params) {
      if (raw.containsKey(p.name())) {
        v.put(p.name(), p.convert(raw.get(p.name())));
      } else if (p.required()) {
        throw new ConfigException("config key '" + p.name() + "' is required for job " + job + ": " + p.doc());
      } else {
        v.put(p.name(), p.convert(ConfigFile.parseValue(p.defaultValue().toString(), "default of '" + p.name() + "'")));
      }
    }
    return new Spec(job, v, java.util.Set.copyOf(raw.keySet()));
  }

  public String job() {
    return job;
  }

  /** Whether key {@code k} was given in the config file or by --set (not taken from its default). */
  public boolean isSet(String k) {
    get(k);
    return explicit.contains(k);
  }

  /**
   * The same spec with key {@code k} replaced by a value derived before the run (e.g. the widths of
   * a network loaded from a file), so that the runs table and the run id record what was run. The
   * key must be one of the job's params and {@code value} of its type.
   */
  public Spec with(String k, Object value) {
    get(k);
    Map<String, Object> v = new LinkedHashMap<>(values);
    v.put(k, value);
    return new Spec(job, v, explicit);
  }

  public int getInt(String k) {
    return (Integer) get(k);
  }

  public long getLong(String k) {
    return (Long) get(k);
  }

  public double getDouble(String k) {
    return (Double) get(k);
  }

  public boolean getBool(String k) {
    return (Boolean) get(k);
  }

  public String getString(String k) {
    return (String) get(k);
  }

  public int[] getIntList(String k) {
    return ((int[]) get(k)).clone();
  }

  public double[] getDoubleList(String k) {
    return ((double[]) get(k)).clone();
  }

  @SuppressWarnings("unchecked")
  public List<String> getStringList(String k) {
    return (List<String>) get(k);
  }

  public int[][] getIntListList(String k) {
    int[][] a = (int[][]) get(k);
    int[][] c = new int[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  private Object get(String k) {
    if (!values.containsKey(k)) {
      throw new IllegalArgumentException("job " + job + " has no param '" + k + "'");
    }
    return values.get(k);
  }

  /** The spec as sorted {@code key = value} lines: stored in the runs table and hashed for run ids. */
  public String canonical() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : new TreeMap<>(values).entrySet()) {
      sb.append(e.getKey()).append(" = ").append(show(e.getValue())).append('\n');
    }
    return sb.toString();
  }

  /** Keys that choose how a run executes, not what it computes: left out of the run id. */
  static final java.util.Set<String> EXECUTION_KEYS = java.util.Set.of("partitions");

  /**
   * A short stable hash of the canonical spec without the execution keys: the same experiment run
   * with another partitioning gets the same run id (and the same tables).
   */
  public String hash() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : new TreeMap<>(values).entrySet()) {
      if (!EXECUTION_KEYS.contains(e.getKey())) {
        sb.append(e.getKey()).append(" = ").append(show(e.getValue())).append('\n');
      }
    }
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] d = md.digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String show(Object v) {
    if (v instanceof int[] a) {
      return Arrays.toString(a);
    }
    if (v instanceof double[] a) {
      return Arrays.toString(a);
    }
    if (v instanceof int[][] a) {
      return Arrays.deepToString(a);
    }
    if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(show(l.get(i)));
      }
      return sb.append(']').toString();
    }
    if (v instanceof String s && (s.isEmpty() || !s.equals(s.trim()) || s.matches(".*[,\\[\\]#].*"))) {
      return '"' + s + '"'; // quoted so that the line parses back as the same value
    }
    return String.valueOf(v);
  }
}
