package sheafrank.pinning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import sheafrank.net.Mlp;

/**
 * A pinned problem on the neural sheaf (seed 001 §5.1, Note 5.1; seed 002 Def. 11.1): which stalk
 * coordinates are held (hard pins), which are pulled toward a target by a penalty edge of strength
 * gamma (soft pins, seed 001 eq. 23), and their values. Every coordinate not pinned is free,
 * including input coordinates (imputation).
 *
 * <p><b>Coordinate names</b> (layers 1-based as in the paper, neurons 0-based): {@code x[i]} input,
 * {@code z<l>[j]} pre-activation of layer l = 1..k+1, {@code a<l>[j]} post-activation of hidden
 * layer l = 1..k, {@code y[j]} output stalk. A name without {@code [j]} means the whole stalk.
 *
 * <p><b>Config syntax</b>, entries separated by {@code ;} or newlines, whitespace ignored:
 *
 * <pre>
 *   x = 1, 2            hard pin of the whole input stalk
 *   x = input           hard pin of the input stalk to the sample's input (bound per sample)
 *   y = target          hard pin of the output stalk to the sample's label (bound per sample)
 *   y[0] = 3            hard pin of one coordinate
 *   a1[2] = -0.5        hidden-neuron steering
 *   z2 ~ 0, 0.5 @ 10    soft pin (penalty edge eq. 23) with gamma = 10
 * </pre>
 *
 * Examples: inference {@code "x = input"}; two-sided Dirichlet problem {@code "x = input; y =
 * target"}; imputation of x[1] {@code "x[0] = input; y = target"}; the worked example of seed 002
 * §13.6 {@code "x = 1, 2; y = 3"}.
 *
 * <p>A spec is checked against the network's widths by {@link #validate}; errors name the
 * offending entry. Values are not bound to a sample until {@link PinnedProblem} solves.
 */
public final class PinSpec {

  /** The stalk kinds a pin can address. */
  public enum Stalk {
    X,
    Z,
    A,
    Y
  }

  /** Where a placeholder value comes from. */
  public enum Source {
    LITERAL,
    INPUT,
    TARGET
  }

  /**
   * One entry: a stalk (with 1-based layer for z/a), one neuron or all ({@code index = -1}), the
   * values (one per addressed coordinate, or {@code null} for a placeholder), and gamma ({@code
   * Double.POSITIVE_INFINITY} for a hard pin).
   */
  public record Pin(
      String text, Stalk stalk, int layer, int index, double[] values, Source source, double gamma) {
    public boolean hard() {
      return gamma == Double.POSITIVE_INFINITY;
    }

    /** The name of the addressed stalk, e.g. "a1" or "y". */
    public String stalkName() {
      return switch (stalk) {
        case X -> "x";
        case Y -> "y";
        case Z -> "z" + layer;
        case A -> "a" + layer;
      };
    }

    /** The name of the addressed coordinate(s), e.g. "a1[2]" or "y". */
    public String target() {
      return index < 0 ? stalkName() : stalkName() + "[" + index + "]";
    }
  }

  private final List<Pin> pins;

  private PinSpec(List<Pin> pins) {
    this.pins = List.copyOf(pins);
  }

  static PinSpec fromPins(List<Pin> pins) {
    return new PinSpec(pins);
  }

  public List<Pin> pins() {
    return pins;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a spec entry by entry; the same checks as the parser apply. */
  public static final class Builder {
    private final List<Pin> pins = new ArrayList<>();

    /** Hard pin of {@code target} ("x", "a1[2]", ...) to {@code values}. */
    public Builder hard(String target, double... values) {
      pins.add(entry(target + " = " + Arrays.toString(values), target, values.clone(), Source.LITERAL,
          Double.POSITIVE_INFINITY));
      return this;
    }

    /** Soft pin of {@code target} toward {@code values} with strength {@code gamma}. */
    public Builder soft(String target, double gamma, double... values) {
      String text = target + " ~ " + Arrays.toString(values) + " @ " + gamma;
      pins.add(entry(text, target, values.clone(), Source.LITERAL, checkGamma(text, gamma)));
      return this;
    }

    /** Hard pin of the whole input stalk to the sample's input. */
    public Builder input() {
      pins.add(entry("x = input", "x", null, Source.INPUT, Double.POSITIVE_INFINITY));
      return this;
    }

    /** Hard pin of the whole output stalk to the sample's target. */
    public Builder target() {
      pins.add(entry("y = target", "y", null, Source.TARGET, Double.POSITIVE_INFINITY));
      return this;
    }

    public PinSpec build() {
      return new PinSpec(pins);
    }
  }

  /** Parses the config syntax described in the class comment (structure only; see validate). */
  public static PinSpec parse(String text) {
    List<Pin> pins = new ArrayList<>();
    for (String raw : text.split("[;\\n]")) {
      String e = raw.trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      int tilde = e.indexOf('~');
      if ((eq < 0) == (tilde < 0)) {
        throw new IllegalArgumentException(
            "pin '" + e + "': expected 'name = values' (hard) or 'name ~ values @ gamma' (soft)");
      }
      String target = e.substring(0, Math.max(eq, tilde)).trim();
      String rest = e.substring(Math.max(eq, tilde) + 1).trim();
      double gamma = Double.POSITIVE_INFINITY;
      if (tilde >= 0) {
        int at = rest.lastIndexOf('@');
        if (at < 0) {
          throw new IllegalArgumentException("soft pin '" + e + "': missing '@ gamma'");
        }
        gamma = checkGamma(e, number(rest.substring(at + 1).trim(), e, "gamma"));
        rest = rest.substring(0, at).trim();
      }
      String lower = rest.toLowerCase(Locale.ROOT);
      if (lower.equals("input") || lower.equals("target")) {
        Source s = lower.equals("input") ? Source.INPUT : Source.TARGET;
        pins.add(entry(e, target, null, s, gamma));
        continue;
      }
      if (rest.startsWith("(") && rest.endsWith(")")) {
        rest = rest.substring(1, rest.length() - 1);
      }
      String[] parts = rest.split(",");
      double[] v = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        v[i] = number(parts[i].trim(), e, "value");
      }
      pins.add(entry(e, target, v, Source.LITERAL, gamma));
    }
    return new PinSpec(pins);
  }

  private static double checkGamma(String entry, double gamma) {
    if (!(gamma > 0) || !Double.isFinite(gamma)) {
      throw new IllegalArgumentException(
          "soft pin '" + entry + "': gamma must be positive and finite, got " + gamma);
    }
    return gamma;
  }

  private static double number(String s, String entry, String what) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException("pin '" + entry + "': " + what + " '" + s + "' is not a number");
    }
  }

  private static Pin entry(String text, String target, double[] values, Source src, double gamma) {
    String t = target.replace(" ", "");
    int br = t.indexOf('[');
    String stalk = br < 0 ? t : t.substring(0, br);
    int index = -1;
    if (br >= 0) {
      if (!t.endsWith("]")) {
        throw new IllegalArgumentException("pin '" + text + "': malformed coordinate '" + target + "'");
      }
      try {
        index = Integer.parseInt(t.substring(br + 1, t.length() - 1));
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(
            "pin '" + text + "': coordinate index in '" + target + "' is not an integer");
      }
      if (index < 0) {
        throw new IllegalArgumentException("pin '" + text + "': negative coordinate index in '" + target + "'");
      }
    }
    Stalk kind;
    int layer = 0;
    if (stalk.equals("x")) {
      kind = Stalk.X;
    } else if (stalk.equals("y")) {
      kind = Stalk.Y;
    } else if ((stalk.startsWith("z") || stalk.startsWith("a")) && stalk.length() > 1
        && stalk.substring(1).chars().allMatch(Character::isDigit)) {
      kind = stalk.charAt(0) == 'z' ? Stalk.Z : Stalk.A;
      layer = Integer.parseInt(stalk.substring(1));
    } else {
      throw new IllegalArgumentException("pin '" + text + "': unknown stalk '" + stalk
          + "' (expected x, y, z<layer> or a<layer>, layers 1-based)");
    }
    if (src == Source.INPUT && kind != Stalk.X) {
      throw new IllegalArgumentException("pin '" + text + "': 'input' can only pin the input stalk x");
    }
    if (src == Source.TARGET && kind != Stalk.Y) {
      throw new IllegalArgumentException("pin '" + text + "': 'target' can only pin the output stalk y");
    }
    if (values != null) {
      for (int i = 0; i < values.length; i++) {
        if (!Double.isFinite(values[i])) {
          throw new IllegalArgumentException(
              "pin '" + text + "': value " + values[i] + " (position " + i + ") is not finite");
        }
      }
    }
    return new Pin(text.trim(), kind, layer, index, values, src, gamma);
  }

  /** Width of the addressed stalk for a network of the given widths; -1 if it does not exist. */
  static int stalkWidth(Pin p, int[] widths) {
    int depth = widths.length - 1;
    return switch (p.stalk()) {
      case X -> widths[0];
      case Y -> widths[depth];
      case Z -> p.layer() >= 1 && p.layer() <= depth ? widths[p.layer()] : -1;
      case A -> p.layer() >= 1 && p.layer() <= depth - 1 ? widths[p.layer()] : -1;
    };
  }

  /**
   * Checks every entry against a network of widths {@code widths}: the stalk and coordinate
   * exist, the number of values matches, no coordinate is pinned twice. Messages name the entry.
   */
  public void validate(int[] widths) {
    Mlp.validateWidths(widths);
    int depth = widths.length - 1;
    Set<String> seen = new HashSet<>();
    for (Pin p : pins) {
      int w = stalkWidth(p, widths);
      if (w < 0) {
        String range = p.stalk() == Stalk.Z ? "z1..z" + depth
            : depth == 1 ? "none (no hidden layer)" : "a1..a" + (depth - 1);
        throw new IllegalArgumentException("pin '" + p.text() + "': stalk " + p.stalkName()
            + " does not exist in a network with widths " + Arrays.toString(widths)
            + " (" + (p.stalk() == Stalk.Z ? "pre-activations " : "hidden post-activations ") + range + ")");
      }
      if (p.index() >= w) {
        throw new IllegalArgumentException("pin '" + p.text() + "': coordinate " + p.target()
            + " does not exist; stalk " + p.stalkName() + " has " + w + " coordinate"
            + (w == 1 ? "" : "s") + " (0.." + (w - 1) + ")");
      }
      int count = p.index() < 0 ? w : 1;
      if (p.values() != null && p.values().length != count) {
        throw new IllegalArgumentException("pin '" + p.text() + "': " + p.target() + " has " + count
            + " coordinate" + (count == 1 ? "" : "s") + " but " + p.values().length
            + " value" + (p.values().length == 1 ? " was" : "s were") + " given");
      }
      for (int i = 0; i < count; i++) {
        int j = p.index() < 0 ? i : p.index();
        String name = p.stalkName() + "[" + j + "]";
        if (!seen.add(name)) {
          throw new IllegalArgumentException("pin '" + p.text() + "': coordinate " + name
              + " is pinned more than once");
        }
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Pin p : pins) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(p.text());
    }
    return sb.toString();
  }
}
