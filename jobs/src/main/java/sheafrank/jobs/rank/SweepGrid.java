package sheafrank.jobs.rank;

import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Limits;
import sheafrank.net.Mlp;
import sheafrank.net.WeightInit;
import sheafrank.rank.RegionCounting;

/**
 * The grid of network settings a rank sweep expands into (no Spark): architectures x init-scheme
 * templates x swept parameters. Every failure is a {@link ConfigException} naming the config key and
 * the offending value, raised before any work starts.
 *
 * <p>Architectures: either the product {@code network.m x network.n1} with {@code network.depth}
 * ReLU layers of width n1 ({@code widths = [m, n1, ..., n1]}), or the explicit list
 * {@code network.widths = [[m, n1, ..., nL], ...]}. Init templates are {@link WeightInit#parse}
 * specs that may contain the placeholders {@code {k}} (replaced by every value of {@code init.k},
 * evaluated per architecture: integers, {@code m}, {@code n1}, ranges {@code a..b} and
 * {@code a..b step s}) and {@code {mu}} (every value of {@code init.mu}).
 *
 * <p>Order (the setting id): architectures (m outer, n1 inner, or the explicit list's order), then
 * templates, then mu, then k.
 */
public final class SweepGrid {
  private SweepGrid() {}

  /**
   * Weights of one layer at most: the rank evaluator keeps about five matrices of a layer's size per
   * task (weights, their columns, products), 320 MiB at this bound (e.g. 2896 x 2896). It also keeps
   * the region counts (sums of binomials, exact) cheap: their cost grows like min(n, m) x n.
   */
  static final long MAX_LAYER_WEIGHTS = 1L << 23;
  static final int MAX_DEPTH = 1000;
  private static final String WHY = "the rank evaluator keeps about five matrices of this size in one task";

  /** One network setting: an architecture and a fully specified weight-init scheme. */
  public record Setting(
      int id,
      int[] widths,
      String template,
      WeightInit init,
      Integer k,
      Double mu,
      Integer rankBound,
      double[] destructiveBound,
      double[] log2DestructiveBound,
      double[] totalCodewords,
      Double arrangementRegions)
      implements Serializable {
    public int m() {
      return widths[0];
    }

    public int n1() {
      return widths[1];
    }

    public int depth() {
      return widths.length - 1;
    }

    public int width(int layer) {
      return widths[layer + 1];
    }
  }

  /** Raw grid keys, as read from the spec. */
  public record Keys(
      int[] m, int[] n1, int depth, int[][] widths, List<String> init, List<String> k, double[] mu) {}

  public static List<Setting> expand(Keys keys) {
    List<int[]> archs = architectures(keys);
    if (keys.init().isEmpty()) {
      throw new ConfigException("config key 'init': give at least one weight-init spec, e.g. [kaiming]");
    }
    boolean anyK = false;
    boolean anyMu = false;
    for (String t : keys.init()) {
      checkPlaceholders(t);
      try {
        // the template itself must parse (with neutral values of the swept parameters)
        WeightInit.parse(t.replace("{k}", "0").replace("{mu}", "0"));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'init': " + e.getMessage());
      }
      anyK |= t.contains("{k}");
      anyMu |= t.contains("{mu}");
    }
    if (anyK && keys.k().isEmpty()) {
      throw new ConfigException("config key 'init.k': an init spec uses {k} but init.k is empty");
    }
    if (!anyK && !keys.k().isEmpty()) {
      throw new ConfigException("config key 'init.k': set to " + keys.k() + " but no init spec uses {k}");
    }
    if (anyMu && keys.mu().length == 0) {
      throw new ConfigException("config key 'init.mu': an init spec uses {mu} but init.mu is empty");
    }
    if (!anyMu && keys.mu().length > 0) {
      throw new ConfigException("config key 'init.mu': set to " + Arrays.toString(keys.mu())
          + " but no init spec uses {mu}");
    }
    List<Setting> out = new ArrayList<>();
    for (int[] widths : archs) {
      for (String template : keys.init()) {
        String t = template.trim();
        checkPlaceholders(t);
        List<Double> mus = new ArrayList<>();
        if (t.contains("{mu}")) {
          for (double mu : keys.mu()) {
            mus.add(mu);
          }
        } else {
          mus.add(null);
        }
        List<Integer> ks = new ArrayList<>();
        if (t.contains("{k}")) {
          ks.addAll(kValues(keys.k(), widths));
        } else {
          ks.add(null);
        }
        for (Double mu : mus) {
          for (Integer k : ks) {
            String spec = t;
            if (mu != null) {
              spec = spec.replace("{mu}", Double.toString(mu));
            }
            if (k != null) {
              spec = spec.replace("{k}", Integer.toString(k));
            }
            String key = paramKey(t, k, mu);
            WeightInit init;
            try {
              init = WeightInit.parse(spec);
            } catch (IllegalArgumentException e) {
              throw new ConfigException(
                  "config key '" + key + "': " + e.getMessage() + describe(template, k, mu));
            }
            try {
              init.validate(widths);
            } catch (IllegalArgumentException e) {
              throw new ConfigException("config key '" + key + "': " + e.getMessage()
                  + describe(template, k, mu) + " for widths " + Arrays.toString(widths));
            }
            out.add(setting(out.size(), widths, t, init, k, mu));
          }
        }
      }
    }
    return out;
  }

  /**
   * The key to blame for a spec that fails: the template itself ('init') when it fails with neutral
   * values (k = 0, mu = 0) too, else the swept parameter.
   */
  private static String paramKey(String template, Integer k, Double mu) {
    if (k == null && mu == null) {
      return "init";
    }
    try {
      WeightInit.parse(template.replace("{k}", "0").replace("{mu}", "0"));
    } catch (IllegalArgumentException e) {
      return "init";
    }
    if (k != null && mu != null) {
      try {
        WeightInit.parse(template.replace("{k}", "0").replace("{mu}", Double.toString(mu)));
      } catch (IllegalArgumentException e) {
        return "init.mu";
      }
      return "init.k";
    }
    return k != null ? "init.k" : "init.mu";
  }

  private static String describe(String template, Integer k, Double mu) {
    StringBuilder sb = new StringBuilder(" (init spec '" + template + "'");
    if (k != null) {
      sb.append(", k=").append(k);
    }
    if (mu != null) {
      sb.append(", mu=").append(mu);
    }
    return sb.append(')').toString();
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

  private static void checkPlaceholders(String t) {
    Matcher mt = PLACEHOLDER.matcher(t);
    while (mt.find()) {
      if (!mt.group(1).equals("k") && !mt.group(1).equals("mu")) {
        throw new ConfigException("config key 'init': unknown placeholder {" + mt.group(1) + "} in '"
            + t + "' (expected {k} or {mu})");
      }
    }
  }

  static List<int[]> architectures(Keys keys) {
    boolean explicit = keys.widths().length > 0;
    boolean product = keys.m().length > 0 || keys.n1().length > 0;
    if (explicit && product) {
      throw new ConfigException("config keys 'network.widths' and 'network.m'/'network.n1': give either "
          + "explicit widths or the m x n1 grid, not both");
    }
    List<int[]> out = new ArrayList<>();
    if (explicit) {
      if (keys.depth() != 1) {
        throw new ConfigException("config key 'network.depth': applies to the m x n1 grid only; "
            + "network.widths lists every layer");
      }
      for (int[] w : keys.widths()) {
        try {
          Mlp.validateWidths(w);
        } catch (IllegalArgumentException e) {
          throw new ConfigException("config key 'network.widths': " + e.getMessage());
        }
        Limits.layerWeights("network.widths", w, MAX_LAYER_WEIGHTS, WHY);
        out.add(w.clone());
      }
      return out;
    }
    if (keys.m().length == 0 || keys.n1().length == 0) {
      throw new ConfigException("config key '" + (keys.m().length == 0 ? "network.m" : "network.n1")
          + "' is required (a list of positive widths), or give network.widths = [[m, n1, ...], ...]");
    }
    if (keys.depth() > MAX_DEPTH) {
      throw new ConfigException("config key 'network.depth': at most " + MAX_DEPTH + ", got " + keys.depth());
    }
    if (keys.depth() < 1) {
      throw new ConfigException("config key 'network.depth': must be >= 1, got " + keys.depth());
    }
    positive("network.m", keys.m());
    positive("network.n1", keys.n1());
    for (int m : keys.m()) {
      for (int n1 : keys.n1()) {
        int[] w = new int[keys.depth() + 1];
        Arrays.fill(w, n1);
        w[0] = m;
        Limits.layerWeights("network.m, network.n1", w, MAX_LAYER_WEIGHTS, WHY);
        out.add(w);
      }
    }
    return out;
  }

  private static void positive(String key, int[] v) {
    for (int x : v) {
      if (x < 1) {
        throw new ConfigException("config key '" + key + "': widths must be positive, got "
            + Arrays.toString(v));
      }
    }
  }

  private static final Pattern RANGE =
      Pattern.compile("(\\w+)\\s*\\.\\.\\s*(\\w+)(?:\\s+step\\s+(\\w+))?");

  /** The k values of {@code init.k} for one architecture, in order, without repeats. */
  static List<Integer> kValues(List<String> items, int[] widths) {
    Set<Integer> ks = new LinkedHashSet<>();
    for (String item : items) {
      String s = item.trim().toLowerCase(Locale.ROOT);
      Matcher mt = RANGE.matcher(s);
      if (mt.matches()) {
        int a = kTerm(mt.group(1), widths, item);
        int b = kTerm(mt.group(2), widths, item);
        int step = mt.group(3) == null ? 1 : kTerm(mt.group(3), widths, item);
        if (step < 1) {
          throw new ConfigException("config key 'init.k': step must be >= 1 in '" + item + "'");
        }
        for (int k = a; k <= b; k += step) {
          ks.add(k);
        }
      } else {
        ks.add(kTerm(s, widths, item));
      }
    }
    return new ArrayList<>(ks);
  }

  private static int kTerm(String s, int[] widths, String item) {
    switch (s) {
      case "m":
        return widths[0];
      case "n1":
        return widths[1];
      default:
        try {
          return Integer.parseInt(s);
        } catch (NumberFormatException e) {
          throw new ConfigException("config key 'init.k': cannot read '" + item
              + "' (expected an integer, m, n1, a range a..b or a..b step s)");
        }
    }
  }

  private static Setting setting(int id, int[] widths, String template, WeightInit init, Integer k,
      Double mu) {
    int m = widths[0];
    int layers = widths.length - 1;
    double[] d = new double[layers];
    double[] log2d = new double[layers];
    double[] total = new double[layers];
    for (int l = 0; l < layers; l++) {
      int n = widths[l + 1];
      BigInteger db = RegionCounting.destructiveBound(n, m);
      d[l] = db.doubleValue();
      log2d[l] = RegionCounting.log2(db);
      total[l] = RegionCounting.totalCodewords(n).doubleValue();
    }
    // Zaslavsky: n generic hyperplanes through the origin of R^m cut it into
    // 2 sum_{i<m} C(n-1, i) regions: the codewords a zero-bias first layer realises on all of R^m.
    Double regions = RegionCounting.destructiveBound(widths[1] - 1, m).shiftLeft(1).doubleValue();
    return new Setting(id, widths, template, init, k, mu, rankBound(init, widths), d, log2d, total,
        regions);
  }

  /**
   * The upper bound on the minimum rank over R^m that the weight signs guarantee (seed 003 §3.2):
   * for rankselect(k) over a strictly positive base, min{k, n1 - k, m} (k units active on the
   * positive orthant, n1 - k on the negative one; deeper ranks cannot exceed layer 1's); for a
   * scheme whose first-layer weights all have one sign (strictly positive schemes, uniform(lo, hi)
   * with hi &lt;= 0, Dale with k = 0 or k = m), 0: one closed orthant switches every unit off
   * (seed 003 §3.2, "sampling the weights from [-1, 0]"). Null otherwise.
   */
  static Integer rankBound(WeightInit init, int[] widths) {
    if (init instanceof WeightInit.RankSelect rs && rs.base().strictlyPositive()) {
      return Math.min(Math.min(rs.k(), widths[1] - rs.k()), widths[0]);
    }
    boolean positive = init.strictlyPositive()
        || init instanceof WeightInit.Dale d && d.k() >= widths[0]; // every input excites
    boolean nonPositive = init instanceof WeightInit.Uniform u && u.hi() <= 0
        || init instanceof WeightInit.Dale d && d.k() == 0; // every input inhibits
    if (positive || nonPositive) {
      return 0; // the negative (resp. positive) orthant switches every first-layer unit off
    }
    return null;
  }

  /** Number of work units and evaluations, checked against overflow. */
  public static long evaluations(int settings, int networks, long points) {
    try {
      return Math.multiplyExact(Math.multiplyExact((long) settings, (long) networks), points);
    } catch (ArithmeticException e) {
      throw new ConfigException("config keys 'networks' and 'points': the grid is too large ("
          + settings + " settings x " + networks + " networks x " + points + " points)");
    }
  }
}
