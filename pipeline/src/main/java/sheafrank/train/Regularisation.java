package sheafrank.train;

/**
 * The L2 reluctance terms of the regularised energy (seed 001 eq. 28/41):
 * {@code lambda/2 ||omega - omega_0||^2 + mu/2 ||delta - delta_0||_F^2}, where omega are the free
 * cochain coordinates (every sample's) and delta the trainable restriction maps
 * {@code W-bar = (W | diag b)}. With {@link Anchor#ZERO} the anchors are zero (eq. 29); with
 * {@link Anchor#INITIAL} they are the state at the start of training (eq. 42).
 */
public record Regularisation(double lambda, double mu, Anchor anchor) {
  public enum Anchor {
    ZERO,
    INITIAL
  }

  public static final Regularisation NONE = new Regularisation(0, 0, Anchor.ZERO);

  public Regularisation {
    if (!(lambda >= 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("cochain regularisation lambda must be >= 0 and finite, got " + lambda);
    }
    if (!(mu >= 0) || !Double.isFinite(mu)) {
      throw new IllegalArgumentException("weight regularisation mu must be >= 0 and finite, got " + mu);
    }
    if (anchor == null) {
      throw new IllegalArgumentException("regularisation anchor must be ZERO or INITIAL");
    }
  }

  public boolean isNone() {
    return lambda == 0 && mu == 0;
  }

  /** Parses "zero"/"zeros" or "initial"/"init". */
  public static Anchor parseAnchor(String s) {
    String t = s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT);
    return switch (t) {
      case "zero", "zeros", "0" -> Anchor.ZERO;
      case "initial", "init", "initial_state" -> Anchor.INITIAL;
      default -> throw new IllegalArgumentException(
          "unknown regularisation anchor '" + s + "' (expected zero or initial)");
    };
  }
}
