package sheafrank.pinning;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The reference for tests: forward Euler of the pinned heat equation from the default start. If it
 * converges (|gradient| < 1e-12) that is the answer. If it chatters on switching surfaces (the
 * Filippov sliding of Note 5.1, where explicit Euler oscillates with amplitude O(dt)), the units
 * that keep changing sign are held at z_j = 0 (the sliding dynamics: the tangential flow is the
 * same on both sides) and Euler continues to convergence. Returns null if it does not converge.
 */
final class EulerReference {
  private EulerReference() {}

  static List<String> lastSurface = new ArrayList<>();

  static double[] run(PinnedProblem p, PinnedProblem.Bound b, double dt) {
    PinnedEuler eu = new PinnedEuler(p);
    double[] c = p.defaultStart(b);
    lastSurface = new ArrayList<>();
    if (eu.run(b, c, dt, 300_000, 1e-12)) {
      return c;
    }
    var lay = p.layout();
    int[] n = lay.widths();
    int hidden = n.length - 2;
    int[][] flips = new int[hidden][];
    boolean[][] prev = new boolean[hidden][];
    for (int l = 0; l < hidden; l++) {
      flips[l] = new int[n[l + 1]];
      prev[l] = new boolean[n[l + 1]];
      for (int j = 0; j < n[l + 1]; j++) {
        prev[l][j] = c[lay.zOffset(l) + j] >= 0;
      }
    }
    for (int s = 0; s < 2000; s++) {
      eu.steps(b, c, dt, 1);
      for (int l = 0; l < hidden; l++) {
        for (int j = 0; j < n[l + 1]; j++) {
          boolean on = c[lay.zOffset(l) + j] >= 0;
          if (on != prev[l][j]) {
            flips[l][j]++;
          }
          prev[l][j] = on;
        }
      }
    }
    boolean[] fixed = p.fixedMask();
    for (int l = 0; l < hidden; l++) {
      for (int j = 0; j < n[l + 1]; j++) {
        if (flips[l][j] > 10 && !fixed[lay.zOffset(l) + j]) {
          lastSurface.add("z" + (l + 1) + "[" + j + "]");
        }
      }
    }
    if (lastSurface.isEmpty()) {
      return null;
    }
    // same problem with the chattering units held at 0 (a soft pin on such a unit only adds a
    // constant there and is dropped); literal values only
    StringBuilder spec = new StringBuilder();
    int hi = 0;
    int si = 0;
    for (PinSpec.Pin pin : p.spec().pins()) {
      int count = pin.index() < 0 ? PinSpec.stalkWidth(pin, n) : 1;
      double[] v = new double[count];
      for (int k = 0; k < count; k++) {
        v[k] = pin.hard() ? b.hardValues()[hi++] : b.softTargets()[si++];
      }
      if (lastSurface.contains(pin.target())) {
        continue;
      }
      StringBuilder vals = new StringBuilder();
      for (int k = 0; k < count; k++) {
        vals.append(k > 0 ? "," : "").append(v[k]);
      }
      spec.append(pin.target()).append(pin.hard() ? " = " : " ~ ").append(vals);
      if (!pin.hard()) {
        spec.append(" @ ").append(pin.gamma());
      }
      spec.append(';');
    }
    for (String u : lastSurface) {
      spec.append(u).append(" = 0;");
    }
    PinnedProblem q = PinnedProblem.of(p.network(), spec.toString());
    return new PinnedEuler(q).run(q.bind(), c, dt, 1_000_000, 1e-12) ? c : null;
  }

  /**
   * Independent check that c is a local minimiser of the pinned energy: no coordinate direction
   * and no random direction of the free coordinates decreases E to first order.
   */
  static double worstDecrease(PinnedProblem p, PinnedProblem.Bound b, double[] c, SplittableRandom r) {
    boolean[] fixed = p.fixedMask();
    double[] soft = b.softTargets();
    double e0 = p.energy(c, soft);
    double eps = 1e-5;
    double worst = 0;
    double[] t = c.clone();
    int yo = p.layout().hasOutputVertex() && p.network().output() != sheafrank.net.OutputActivation.IDENTITY
        && !p.crossEntropyOutput() ? p.layout().yOffset() : Integer.MAX_VALUE;
    for (int i = 0; i < c.length; i++) {
      if (fixed[i] || i >= yo) {
        continue;
      }
      for (int s = -1; s <= 1; s += 2) {
        t[i] = c[i] + s * eps;
        worst = Math.min(worst, p.energy(t, soft) - e0);
        t[i] = c[i];
      }
    }
    for (int k = 0; k < 40; k++) {
      for (int i = 0; i < c.length; i++) {
        t[i] = fixed[i] || i >= yo ? c[i] : c[i] + eps * r.nextGaussian();
      }
      worst = Math.min(worst, p.energy(t, soft) - e0);
    }
    return worst / (1 + Math.abs(e0));
  }
}
