package sheafrank.pinning;

import sheafrank.diffusion.HeatEquation;
import sheafrank.diffusion.OutputEdge;
import sheafrank.net.OutputActivation;

/**
 * The reference method for a {@link PinnedProblem}: forward Euler of the pinned heat equation
 * (seed 001 eq. 18 with the pins of §5.1 and the penalty edges of eq. 23), i.e. gradient descent
 * on the problem's energy E with the fast selection rule R_jj = 1 iff z_j >= 0, via
 * {@link HeatEquation}. The output edge is the adjoint edge of eq. 22 for a free output stalk and,
 * for a pinned sigmoid/softmax output, the cross-entropy edge of eq. 27 (force phi(z) - y on z).
 *
 * <p>At an equilibrium inside an activation region the Euler fixed point is the exact minimiser.
 * At an equilibrium on a switching surface (Filippov sliding) explicit Euler chatters across the
 * surface with amplitude O(dt) and never settles: its distance to the exact equilibrium is O(dt).
 */
public final class PinnedEuler {
  private final PinnedProblem p;
  private final HeatEquation heat;
  private final int dim;
  private int lastSteps;
  private double lastGradient;

  public PinnedEuler(PinnedProblem p) {
    this.p = p;
    OutputEdge edge = null;
    if (p.layout().hasOutputVertex()) {
      OutputActivation phi = p.network().output();
      edge = p.crossEntropyOutput() ? crossEntropy(phi) : OutputEdge.adjoint(phi);
    }
    heat = new HeatEquation(p.network(), p.layout(), 1.0, p.fixedMask(), edge)
        .withSoftPins(p.softIndices(), p.softGammas());
    dim = p.layout().dim();
  }

  /**
   * The training-convention output edge with a pinned target: residual {@code y - phi(z)}, force
   * {@code phi(z) - y} on z (eq. 27; the gradient of KL(y || phi(z))), none on the pinned y.
   */
  public static OutputEdge crossEntropy(OutputActivation phi) {
    return (s, zOff, yOff, n, res, resOff, g, gzOff, gyOff, tmp) -> {
      phi.apply(s, zOff, tmp, 0, n);
      for (int i = 0; i < n; i++) {
        double r = s[yOff + i] - tmp[i];
        res[resOff + i] = r;
        g[gzOff + i] -= r;
      }
    };
  }

  /**
   * Runs Euler from {@code c} (overwritten; hard pins set from {@code b}) with step {@code dt}
   * until the largest velocity component on a free coordinate (= |gradient|) falls below
   * {@code gradTol} or {@code maxSteps} steps were taken. Returns true if it converged.
   */
  public boolean run(PinnedProblem.Bound b, double[] c, double dt, long maxSteps, double gradTol) {
    int[] hi = p.hardIndices();
    for (int i = 0; i < hi.length; i++) {
      c[hi[i]] = b.hardValues()[i];
    }
    double[] prev = new double[dim];
    double[] soft = b.softTargets();
    for (long s = 0; s < maxSteps; s++) {
      System.arraycopy(c, 0, prev, 0, dim);
      heat.step(c, 0, 1, dt, soft, null);
      double m = 0;
      for (int i = 0; i < dim; i++) {
        m = Math.max(m, Math.abs(c[i] - prev[i]));
      }
      lastGradient = m / dt;
      if (lastGradient < gradTol) {
        lastSteps = (int) Math.min(Integer.MAX_VALUE, s + 1);
        return true;
      }
    }
    lastSteps = (int) Math.min(Integer.MAX_VALUE, maxSteps);
    return false;
  }

  /** Runs {@code steps} Euler steps from {@code c} (overwritten), no convergence test. */
  public void steps(PinnedProblem.Bound b, double[] c, double dt, long steps) {
    int[] hi = p.hardIndices();
    for (int i = 0; i < hi.length; i++) {
      c[hi[i]] = b.hardValues()[i];
    }
    double[] soft = b.softTargets();
    for (long s = 0; s < steps; s++) {
      heat.step(c, 0, 1, dt, soft, null);
    }
  }

  public int lastSteps() {
    return lastSteps;
  }

  public double lastGradient() {
    return lastGradient;
  }
}
