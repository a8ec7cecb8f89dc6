package sheafrank.train;

import java.util.Locale;

/**
 * How the free cochain coordinates (every z and hidden a) start (seed 001 §5.3, §6.2; the input
 * stalk is pinned to x and the output stalk to the target y in every case).
 */
public enum CochainInit {
  /** Independent N(0,1) draws, one per free coordinate and sample. */
  RANDOM,
  /** All free coordinates zero. */
  ZEROS,
  /** The forward pass of the current weights (a global section except on the output edge). */
  FORWARD_PASS;

  public static CochainInit parse(String s) {
    String t = s == null ? "" : s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (t.equals("FORWARD")) {
      t = "FORWARD_PASS";
    }
    try {
      return valueOf(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown cochain initialisation '" + s + "' (expected random, zeros or forward_pass)");
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
