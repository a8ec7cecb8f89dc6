package sheafrank.pinning;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.util.Rng;

/** S6: exact equilibria of random pinned problems on deeper nets against Euler. */
class DeepEquilibriumTest {
  /**
   * Deeper nets, all output kinds, random hard/soft pins on any stalk (input pinned): several
   * local minimisers can exist. Every exact result must be a local minimiser (independent probe of
   * E in coordinate and random directions); it must equal Euler's to 1e-8 in nearly all cases.
   */
  @Test
  void deepNetsMatchEulerAndAreLocalMinima() {
    SplittableRandom r = Rng.stream(32, 1);
    int agree = 0;
    int total = 0;
    int surfaces = 0;
    StringBuilder misses = new StringBuilder();
    for (int trial = 0; trial < 40; trial++) {
      RandomProblems.Case cs = RandomProblems.random(r, trial, true, false);
      PinnedProblem p = PinnedProblem.of(cs.net(), cs.spec());
      PinnedProblem.Bound b = p.bind();
      PinnedResult exact = p.solve();
      assertTrue(exact.converged(), cs.text());
      assertTrue(EulerReference.worstDecrease(p, b, exact.cochain(), r) > -1e-12, "not a local minimum: " + cs.text());
      PinnedResult direct = p.solver().pathStep(0).solve(b, null);
      assertTrue(direct.converged());
      assertTrue(EulerReference.worstDecrease(p, b, direct.cochain(), r) > -1e-12, "direct: " + cs.text());
      double[] euler = EulerReference.run(p, b, RandomProblems.stableDt(p));
      if (euler == null) {
        continue;
      }
      total++;
      if (EquilibriumTest.maxDiff(exact.cochain(), euler) < 1e-8) {
        agree++;
        surfaces += exact.surfaceUnits().isEmpty() ? 0 : 1;
      } else {
        misses.append(cs.text()).append(" | E exact ").append(exact.energy()).append(" Euler ")
            .append(p.energy(euler, b.softTargets())).append('\n');
      }
    }
    assertTrue(total >= 36, "Euler reference converged on " + total);
    assertTrue(agree >= total - 1, agree + "/" + total + " agree; misses:\n" + misses);
    assertTrue(surfaces >= 6, "switching-surface cases among agreements: " + surfaces);
  }

}
