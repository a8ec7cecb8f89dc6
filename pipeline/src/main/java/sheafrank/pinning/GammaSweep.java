package sheafrank.pinning;

import java.util.ArrayList;
import java.util.List;

/**
 * Soft pins between the free and the hard-pinned problem (seed 001 §5.1: "as gamma -> infinity
 * this approaches a hard constraint"): every soft-pin strength is multiplied by a common factor s,
 * and the equilibrium is followed by continuation (each solve starts at the previous equilibrium).
 * As s -> 0 it tends to the equilibrium without the soft pins, as s -> infinity to the one with
 * them hard. The unweighted pin violation {@code sum_i (c_i - p_i)^2} is non-increasing in s
 * whenever the equilibria are global minimisers (the penalty-method argument).
 */
public final class GammaSweep {
  private GammaSweep() {}

  /** One point of the sweep. */
  public record Point(double scale, PinnedResult result, double violation) {}

  /**
   * Solves {@code p} with soft-pin strengths scaled by each of {@code scales} (ascending), for the
   * sample (x, y) ('input'/'target' placeholders; null when unused).
   */
  public static List<Point> sweep(PinnedProblem p, double[] x, double[] y, double[] scales) {
    for (int i = 0; i < scales.length; i++) {
      if (!(scales[i] > 0) || !Double.isFinite(scales[i]) || (i > 0 && !(scales[i] > scales[i - 1]))) {
        throw new IllegalArgumentException("gamma scales must be positive, finite and ascending; got "
            + java.util.Arrays.toString(scales));
      }
    }
    List<Point> out = new ArrayList<>();
    double[] start = null;
    int[] si = p.softIndices();
    for (double s : scales) {
      PinnedProblem q = p.withGammaScaled(s);
      PinnedProblem.Bound b = q.bind(x, y);
      PinnedResult r = q.solver().solve(b, start);
      double[] c = r.cochain();
      double v = 0;
      for (int i = 0; i < si.length; i++) {
        double d = c[si[i]] - b.softTargets()[i];
        v += d * d;
      }
      out.add(new Point(s, r, v));
      start = c;
    }
    return out;
  }
}
