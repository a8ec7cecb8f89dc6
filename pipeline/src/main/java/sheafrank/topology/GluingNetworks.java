package sheafrank.topology;

import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;

/**
 * Explicit two-layer ReLU networks whose low-rank regions glue known pieces of the centred circle
 * (m = 2) or of the torus about the z axis (m = 3), for seed 003 Fig 1C-D. Zero biases, so every
 * point of rank 0 is sent to the one point 0: the network really glues its rank-0 set to a point,
 * as Ψ_0 of eq. 5 does.
 *
 * <p>Write x = (h, t) with t the last coordinate (y for the circle, z for the torus) and h the
 * others; β_j = 2πj/n, d_j = cos β_j (m = 2) or (cos β_j, sin β_j) (m = 3).
 *
 * <ul>
 *   <li>Layer 1, the cap: u_j = relu(α d_j·h - t), j = 0..n-1. All units are off iff
 *       t ≥ α max_j d_j·h, which is t ≥ α|h| up to the angular spacing of the directions (a cone
 *       about the +t axis); below the cone many units with distinct d_j are on, so the rank is m;
 *       in between lies a thin sliver of intermediate rank. On the circle the cone cuts one arc about
 *       the top; on the torus (R = 2, r = 1, α = 0.3) an annulus about the top longitude, the outer
 *       loop: M/Ω^1 is the circle again (1, 1), and the pinched torus S² ∨ S¹ (1, 1, 1) — the outer
 *       loop compressed.
 *   <li>Layer 2, the double cap: v = relu((I - (κ/n) 11ᵀ) u), κ = 2. Below the cap all u_j are on and
 *       mean(u) = -t (the d_j sum to zero), so v_j's pre-activation is α d_j·h + (κ - 1) t: every v_j
 *       is off iff -t ≥ α max_j d_j·h, the mirror image of the cap. Ω^2 is the top and the bottom
 *       piece, both sent to 0: two disjoint arcs glued, the wedge of two circles (1, 2) (eq. 12-14,
 *       a loop added); on the torus two parallel outer loops glued, (1, 2, 2) (eq. 15, third case,
 *       n = 2).
 * </ul>
 */
public final class GluingNetworks {
  private GluingNetworks() {}

  /** The cap / double-cap network [m, n, n] (m = 2 or 3, n directions, cap slope α, κ = 2). */
  public static Mlp caps(int m, int n, double alpha) {
    if (m != 2 && m != 3) {
      throw new IllegalArgumentException("caps are defined for m = 2 (circle) and m = 3 (torus), got " + m);
    }
    if (n < 4) {
      throw new IllegalArgumentException("need at least 4 directions, got " + n);
    }
    double kappa = 2;
    double[] w1 = new double[n * m];
    for (int j = 0; j < n; j++) {
      double b = 2 * Math.PI * j / n;
      w1[j * m] = alpha * Math.cos(b);
      if (m == 3) {
        w1[j * m + 1] = alpha * Math.sin(b);
      }
      w1[j * m + m - 1] = -1;
    }
    double[] w2 = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w2[i * n + j] = (i == j ? 1 : 0) - kappa / n;
      }
    }
    return new Mlp(new int[] {m, n, n}, new double[][] {w1, w2}, new double[][] {new double[n], new double[n]},
        OutputActivation.IDENTITY);
  }
}
