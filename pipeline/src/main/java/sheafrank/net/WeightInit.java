package sheafrank.net;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import sheafrank.util.Rng;

/**
 * Weight initialisation schemes, as a small parseable spec (seed 003 §3.1-3.2).
 *
 * <p>Every scheme sets ALL BIASES TO ZERO (the paper's constructions rely on it: with zero bias a
 * layer is positively homogeneous, so the sign of a unit at x and at -x are opposite).
 *
 * <p>Spec grammar ({@link #parse}, case-insensitive, whitespace ignored; {@link #spec} gives the
 * canonical form and {@code parse(s.spec()).equals(s)}):
 *
 * <pre>
 *   kaiming                 W ~ N(0, 2 / fan_in)  (alias "he"; same draws as Mlp.heNormal)
 *   normal(mu, sigma)       W ~ N(mu, sigma^2), sigma >= 0
 *   uniform(lo, hi)         W ~ U(lo, hi], lo &lt; hi (drawn as hi - (hi - lo) u, u in [0,1), so a
 *                           draw can equal hi but never lo: uniform(0, 1) is strictly positive)
 *   abs(base)               W = |base|: e.g. abs(kaiming) is the half-normal |N(0, 2 / fan_in)|
 *   rankselect(k[, base])   W = R(k, n_out) base (eq. 10): rows 1..k keep their sign, rows
 *                           k+1..n_out are negated; 0 &lt;= k &lt;= n_out of every layer;
 *                           base defaults to abs(kaiming)
 *   dale(k, ratio[, base])  W = base R(k, n_in) with the inhibitory columns scaled: columns 1..k
 *                           (excitatory inputs) are base, columns k+1..n_in are -ratio * base;
 *                           0 &lt;= k &lt;= n_in of every layer, ratio &gt; 0 (the paper: 4,
 *                           "inhibitory connections are 4 times as strong as excitatory ones");
 *                           base must be strictly positive: uniform(lo, hi) with lo &gt;= 0 or
 *                           abs(...); defaults to abs(kaiming)
 * </pre>
 *
 * <p>Multi-layer networks apply the scheme to every layer with the same parameters. A network is a
 * deterministic function of (scheme, widths, seed, net id): {@link #build} draws every layer in
 * order, row-major, from the single stream {@code Rng.stream(seed, STREAM_KEY, netId)}.
 */
public sealed interface WeightInit extends Serializable
    permits WeightInit.Kaiming,
        WeightInit.Normal,
        WeightInit.Uniform,
        WeightInit.Abs,
        WeightInit.RankSelect,
        WeightInit.Dale {

  /** Key of the weight stream under (seed, key, net id). */
  long STREAM_KEY = 0x574549474854L; // "WEIGHT"

  /** The canonical spec string; {@code parse(spec())} equals this scheme. */
  String spec();

  /**
   * Fills {@code w} (row-major, fanOut x fanIn) with one layer's weights drawn from {@code r}.
   *
   * @throws IllegalArgumentException if the parameters do not fit this layer shape
   */
  void fill(int fanOut, int fanIn, SplittableRandom r, double[] w);

  /**
   * Checks that the scheme's parameters fit every layer of a network with these widths.
   *
   * @throws IllegalArgumentException naming the parameter, its value and the layer
   */
  default void validate(int[] widths) {
    Mlp.validateWidths(widths);
  }

  /** Whether every weight drawn is guaranteed to be {@code > 0}. */
  default boolean strictlyPositive() {
    return false;
  }

  /** A network with these widths, this scheme, zero biases and identity output. */
  default Mlp build(int[] widths, long seed, long netId) {
    return build(widths, Rng.stream(seed, STREAM_KEY, netId));
  }

  /** As {@link #build(int[], long, long)}, drawing from {@code r}. */
  default Mlp build(int[] widths, SplittableRandom r) {
    validate(widths);
    int depth = widths.length - 1;
    double[][] w = new double[depth][];
    double[][] b = new double[depth][];
    for (int l = 0; l < depth; l++) {
      w[l] = new double[widths[l + 1] * widths[l]];
      fill(widths[l + 1], widths[l], r, w[l]);
      b[l] = new double[widths[l + 1]];
    }
    return new Mlp(widths, w, b, OutputActivation.IDENTITY);
  }

  /** He (Kaiming) normal: N(0, 2 / fan_in). */
  record Kaiming() implements WeightInit {
    @Override
    public String spec() {
      return "kaiming";
    }

    @Override
    public void fill(int fanOut, int fanIn, SplittableRandom r, double[] w) {
      Rng.gaussian(r, 0.0, Math.sqrt(2.0 / fanIn), w);
    }
  }

  /** N(mu, sigma^2). */
  record Normal(double mu, double sigma) implements WeightInit {
    public Normal {
      finite("normal", "mu", mu);
      finite("normal", "sigma", sigma);
      if (sigma < 0) {
        throw new IllegalArgumentException("normal: sigma must be >= 0, got " + fmt(sigma));
      }
      mu = mu + 0.0; // no negative zero: canonical specs compare equal
      sigma = sigma + 0.0;
    }

    @Override
    public String spec() {
      return "normal(" + fmt(mu) + "," + fmt(sigma) + ")";
    }

    @Override
    public void fill(int fanOut, int fanIn, SplittableRandom r, double[] w) {
      Rng.gaussian(r, mu, sigma, w);
    }
  }

  /** U(lo, hi]: {@code hi - (hi - lo) u}, u ~ U[0, 1). */
  record Uniform(double lo, double hi) implements WeightInit {
    public Uniform {
      finite("uniform", "lo", lo);
      finite("uniform", "hi", hi);
      if (!(lo < hi)) {
        throw new IllegalArgumentException(
            "uniform: lo must be < hi, got lo=" + fmt(lo) + " hi=" + fmt(hi));
      }
      lo = lo + 0.0;
      hi = hi + 0.0;
    }

    @Override
    public String spec() {
      return "uniform(" + fmt(lo) + "," + fmt(hi) + ")";
    }

    @Override
    public boolean strictlyPositive() {
      return lo >= 0;
    }

    @Override
    public void fill(int fanOut, int fanIn, SplittableRandom r, double[] w) {
      double span = hi - lo;
      for (int i = 0; i < w.length; i++) {
        double v = hi - span * r.nextDouble();
        // Rounding could land exactly on lo; the interval is (lo, hi].
        w[i] = v > lo ? v : Math.nextUp(lo);
      }
    }
  }

  /** |base|. */
  record Abs(WeightInit base) implements WeightInit {
    public Abs {
      notNull("abs", base);
    }

    @Override
    public String spec() {
      return "abs(" + base.spec() + ")";
    }

    @Override
    public void validate(int[] widths) {
      base.validate(widths);
    }

    /**
     * True: a draw of exactly 0 (probability zero for a continuous base) is rejected by the
     * schemes that need positivity, see {@link Dale}.
     */
    @Override
    public boolean strictlyPositive() {
      return true;
    }

    @Override
    public void fill(int fanOut, int fanIn, SplittableRandom r, double[] w) {
      base.fill(fanOut, fanIn, r, w);
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.abs(w[i]);
      }
    }
  }

  /**
   * The rank-selection construction W = R(k, n_out) base (seed 003 eq. 10): R is diagonal with +1
   * for rows i &lt;= k and -1 for rows k &lt; i &lt;= n_out (1-based). With a strictly positive
   * base and zero bias, exactly the first k units are active at any strictly positive point and the
   * other n_out - k at its negation, so the minimum rank is at most min(k, n_out - k, m).
   */
  record RankSelect(int k, WeightInit base) implements WeightInit {
    public RankSelect {
      if (k < 0) {
        throw new IllegalArgumentException("rankselect: k must be >= 0, got " + k);
      }
      notNull("rankselect", base);
    }

    @Override
    public String spec() {
      return "rankselect(" + k + "," + base.spec() + ")";
    }

    @Override
    public void validate(int[] widths) {
      base.validate(widths);
      for (int l = 1; l < widths.length; l++) {
        if (k > widths[l]) {
          throw new IllegalArgumentException(
              "rankselect: k=" + k + " exceeds the width n_out=" + widths[l] + " of layer " + l
                  + " (need 0 <= k <= n_out)");
        }
      }
    }

    @Override
    public void fill(int fanOut, int fanIn, SplittableRandom r, double[] w) {
      if (k > fanOut) {
        throw new IllegalArgumentException(
            "rankselect: k=" + k + " exceeds the layer width n_out=" + fanOut);
      }
      base.fill(fanOut, fanIn, r, w);
      for (int i = k * fanIn; i < fanOut * fanIn; i++) {
        w[i] = -w[i];
      }
    }
  }

  /**
   * Dale's principle, W = base R(k, n_in) with inhibition {@code ratio} times excitation (seed 003
   * §3.2, Fig 2D): every input neuron's outgoing weights share one sign; inputs 1..k excite (+base),
   * inputs k+1..n_in inhibit (-ratio * base). The base must be strictly positive.
   */
  record Dale(int k, double ratio, WeightInit base) implements WeightInit {
    public Dale {
      if (k < 0) {
        throw new IllegalArgumentException("dale: k must be >= 0, got " + k);
      }
      finite("dale", "ratio", ratio);
      if (!(ratio > 0)) {
        throw new IllegalArgumentException("dale: ratio must be > 0, got " + fmt(ratio));
      }
      notNull("dale", base);
      if (!base.strictlyPositive()) {
        throw new IllegalArgumentException(
            "dale: base must be strictly positive (uniform(lo,hi) with lo >= 0, or abs(...)), got "
                + base.spec());
      }
    }

    @Override
    public String spec() {
      return "dale(" + k + "," + fmt(ratio) + "," + base.spec() + ")";
    }

    @Override
    public void validate(int[] widths) {
      base.validate(widths);
      for (int l = 0; l + 1 < widths.length; l++) {
        if (k > widths[l]) {
          throw new IllegalArgumentException(
              "dale: k=" + k + " exceeds the input width n_in=" + widths[l] + " of layer " + (l + 1)
                  + " (need 0 <= k <= n_in)");
        }
      }
    }

    @Override
    public void fill(int fanOut, int fanIn, SplittableRandom r, double[] w) {
      if (k > fanIn) {
        throw new IllegalArgumentException(
            "dale: k=" + k + " exceeds the layer input width n_in=" + fanIn);
      }
      base.fill(fanOut, fanIn, r, w);
      for (int i = 0; i < fanOut; i++) {
        int row = i * fanIn;
        for (int j = 0; j < fanIn; j++) {
          double v = w[row + j];
          if (!(v > 0)) {
            throw new IllegalArgumentException(
                "dale: base " + base.spec() + " drew a non-positive weight " + v
                    + "; Dale's principle needs strictly positive magnitudes");
          }
          if (j >= k) {
            w[row + j] = -ratio * v;
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- parsing

  /**
   * Parses a spec (grammar in the interface documentation).
   *
   * @throws IllegalArgumentException naming the unknown scheme or the bad parameter and its value
   */
  static WeightInit parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty weight-init spec");
    }
    WeightInitParser p = new WeightInitParser(spec);
    WeightInit w = p.scheme();
    p.end();
    return w;
  }

  private static void finite(String scheme, String name, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(scheme + ": " + name + " must be finite, got " + v);
    }
  }

  private static void notNull(String scheme, WeightInit base) {
    if (base == null) {
      throw new IllegalArgumentException(scheme + ": base scheme must be given");
    }
  }

  /** Shortest round-tripping decimal: integers without ".0", others as Double.toString. */
  private static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}

/** Recursive-descent parser for {@link WeightInit#parse}. */
final class WeightInitParser {
  private final String s;
  private int pos;

  WeightInitParser(String s) {
    this.s = s;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("weight-init spec '" + s + "': " + what);
  }

  private void skip() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  void end() {
    skip();
    if (pos != s.length()) {
      throw error("unexpected '" + s.substring(pos) + "' after the scheme");
    }
  }

  WeightInit scheme() {
    skip();
    int start = pos;
    while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
      pos++;
    }
    String name = s.substring(start, pos).toLowerCase(Locale.ROOT);
    if (name.isEmpty()) {
      throw error("expected a scheme name at position " + start);
    }
    List<Object> args = new ArrayList<>();
    skip();
    if (pos < s.length() && s.charAt(pos) == '(') {
      pos++;
      skip();
      if (pos < s.length() && s.charAt(pos) == ')') {
        pos++;
      } else {
        while (true) {
          args.add(arg());
          skip();
          if (pos < s.length() && s.charAt(pos) == ',') {
            pos++;
          } else if (pos < s.length() && s.charAt(pos) == ')') {
            pos++;
            break;
          } else {
            throw error("expected ',' or ')' at position " + pos);
          }
        }
      }
    }
    try {
      return make(name, args);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("weight-init spec")) {
        throw e;
      }
      throw error(e.getMessage());
    }
  }

  private Object arg() {
    skip();
    if (pos < s.length() && Character.isLetter(s.charAt(pos))) {
      int save = pos;
      int end = pos;
      while (end < s.length() && Character.isLetter(s.charAt(end))) {
        end++;
      }
      String word = s.substring(pos, end).toLowerCase(Locale.ROOT);
      if (!word.equals("nan") && !word.startsWith("inf")) {
        return scheme();
      }
      pos = save;
    }
    int start = pos;
    while (pos < s.length() && "+-.0123456789eEnaNINFinfty".indexOf(s.charAt(pos)) >= 0) {
      pos++;
    }
    String tok = s.substring(start, pos);
    String low = tok.toLowerCase(Locale.ROOT);
    if (low.equals("nan")) {
      return Double.NaN; // rejected, with the parameter's name, by the scheme
    }
    if (low.matches("[+-]?inf(inity)?")) {
      return low.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    try {
      return Double.parseDouble(tok);
    } catch (NumberFormatException e) {
      throw error("expected a number or a scheme at position " + start + ", got '" + tok + "'");
    }
  }

  private WeightInit make(String name, List<Object> a) {
    switch (name) {
      case "kaiming", "he" -> {
        arity(name, a, 0, 0);
        return new WeightInit.Kaiming();
      }
      case "normal" -> {
        arity(name, a, 2, 2);
        return new WeightInit.Normal(num(name, "mu", a, 0), num(name, "sigma", a, 1));
      }
      case "uniform" -> {
        arity(name, a, 2, 2);
        return new WeightInit.Uniform(num(name, "lo", a, 0), num(name, "hi", a, 1));
      }
      case "abs" -> {
        arity(name, a, 1, 1);
        return new WeightInit.Abs(sub(name, a, 0));
      }
      case "rankselect" -> {
        arity(name, a, 1, 2);
        WeightInit base = a.size() > 1 ? sub(name, a, 1) : new WeightInit.Abs(new WeightInit.Kaiming());
        return new WeightInit.RankSelect(integer(name, "k", a, 0), base);
      }
      case "dale" -> {
        arity(name, a, 2, 3);
        WeightInit base = a.size() > 2 ? sub(name, a, 2) : new WeightInit.Abs(new WeightInit.Kaiming());
        return new WeightInit.Dale(integer(name, "k", a, 0), num(name, "ratio", a, 1), base);
      }
      default -> throw error(
          "unknown scheme '" + name
              + "' (expected kaiming, normal, uniform, abs, rankselect or dale)");
    }
  }

  private void arity(String name, List<Object> a, int min, int max) {
    if (a.size() < min || a.size() > max) {
      String want = min == max ? String.valueOf(min) : min + " to " + max;
      throw error(name + " takes " + want + " parameters, got " + a.size());
    }
  }

  private double num(String name, String param, List<Object> a, int i) {
    if (!(a.get(i) instanceof Double d)) {
      throw error(name + ": " + param + " must be a number, got " + ((WeightInit) a.get(i)).spec());
    }
    return d;
  }

  private int integer(String name, String param, List<Object> a, int i) {
    double d = num(name, param, a, i);
    if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
      throw error(name + ": " + param + " must be an integer, got " + d);
    }
    return (int) d;
  }

  private WeightInit sub(String name, List<Object> a, int i) {
    if (!(a.get(i) instanceof WeightInit w)) {
      throw error(name + ": expected a base scheme, got the number " + a.get(i));
    }
    return w;
  }
}
