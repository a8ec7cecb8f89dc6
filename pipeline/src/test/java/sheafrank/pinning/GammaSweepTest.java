package sheafrank.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.TestNets;
import sheafrank.util.Rng;

/** S6: soft pins interpolate from the free equilibrium (gamma -> 0) to the hard one (gamma -> inf). */
class GammaSweepTest {

  @Test
  void sweepMovesFromFreeToHardMonotonically() {
    SplittableRandom r = Rng.stream(41, 1);
    double[] scales = new double[17];
    for (int i = 0; i < scales.length; i++) {
      scales[i] = Math.pow(10, i - 8);
    }
    int moved = 0;
    for (int trial = 0; trial < 12; trial++) {
      // one hidden layer, input pinned, no pin on z1: from the forward region the flow has a
      // unique limit for every gamma (ExactSolver#pathStep)
      int[] w = {2, 3 + r.nextInt(4), 1 + r.nextInt(2)};
      Mlp net = TestNets.random(w, OutputActivation.IDENTITY, 1100 + trial);
      String spec = "x = " + RandomProblems.fmt(2 * r.nextGaussian()) + ", " + RandomProblems.fmt(2 * r.nextGaussian())
          + "; y[0] ~ " + RandomProblems.fmt(5 * r.nextGaussian()) + " @ 1"
          + "; a1[0] ~ " + RandomProblems.fmt(3 * r.nextGaussian()) + " @ 2";
      PinnedProblem p = PinnedProblem.of(net, spec);
      List<GammaSweep.Point> sweep = GammaSweep.sweep(p, null, null, scales);
      double[] free = p.withoutSoftPins().solve().cochain();
      double[] hard = p.withSoftPinsHard().solve().cochain();
      double[] small = sweep.get(0).result().cochain();
      double[] large = sweep.get(sweep.size() - 1).result().cochain();
      // the soft problem's layout has the output stalk; the free one (identity, y not pinned) not:
      // compare on the common coordinates x, z1, a1, z2
      int common = p.layout().zOffset(1) + w[2];
      for (int i = 0; i < common; i++) {
        assertEquals(free[i], small[i], 1e-6, "gamma -> 0 limit, " + p.layout().coordinateName(i) + " " + spec);
        assertEquals(hard[i], large[i], 1e-6, "gamma -> inf limit, " + p.layout().coordinateName(i) + " " + spec);
      }
      for (int i = 1; i < sweep.size(); i++) {
        double a = sweep.get(i - 1).violation();
        double b = sweep.get(i).violation();
        assertTrue(b <= a * (1 + 1e-9) + 1e-20, "violation must not grow with gamma: " + a + " -> " + b + " " + spec);
      }
      // the hard limit satisfies the pins, the free one generally not
      assertTrue(sweep.get(sweep.size() - 1).violation() < 1e-12);
      if (sweep.get(0).violation() > 1e-3) {
        moved++;
      }
    }
    assertTrue(moved >= 10, "pins should matter in most trials: " + moved);
  }

  @Test
  void rejectsBadScales() {
    Mlp net = TestNets.random(new int[] {1, 2, 1}, OutputActivation.IDENTITY, 1);
    PinnedProblem p = PinnedProblem.of(net, "x = 1; y ~ 2 @ 1");
    assertThrows(IllegalArgumentException.class, () -> GammaSweep.sweep(p, null, null, new double[] {1, 0.5}));
    assertThrows(IllegalArgumentException.class, () -> GammaSweep.sweep(p, null, null, new double[] {0, 1}));
    assertThrows(IllegalArgumentException.class, () -> p.withGammaScaled(Double.NaN));
  }
}
