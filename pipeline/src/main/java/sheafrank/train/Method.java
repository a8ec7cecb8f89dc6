package sheafrank.train;

import java.util.Locale;

/** Training methods. */
public enum Method {
  /** Joint state-weight dynamics integrated by forward Euler (seed 001 eq. 26, §6.2). */
  SHEAF,
  /**
   * Timescale separation with an exact inner solve (beyond the paper): the cochain is held at the
   * two-sided pinned equilibrium and the weights follow the slow flow d theta/dt = -beta grad
   * sum_i R(theta; x_i, y_i) (seed 002 Remark 11.8), stepped by forward Euler with step
   * {@code outerDt}.
   */
  SHEAF_EQUILIBRIUM,
  /** Full-batch gradient descent (the paper's baseline; one epoch = one step). */
  GD,
  /** Mini-batch Adam (one step = one epoch over shuffled mini-batches). */
  ADAM;

  public static Method parse(String s) {
    String t = s == null ? "" : s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    switch (t) {
      case "EULER", "JOINT", "SHEAF_EULER" -> t = "SHEAF";
      case "EQUILIBRIUM", "SHEAF_EXACT", "TIMESCALE" -> t = "SHEAF_EQUILIBRIUM";
      case "SGD", "GRADIENT_DESCENT" -> t = "GD";
      default -> { }
    }
    try {
      return valueOf(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown training method '" + s + "' (expected sheaf, sheaf_equilibrium, gd or adam)");
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isSheaf() {
    return this == SHEAF || this == SHEAF_EQUILIBRIUM;
  }
}
