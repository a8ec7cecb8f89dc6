package sheafrank.pinning;

import java.util.SplittableRandom;

/** Throwaway survey (not a unit test): exact vs Euler agreement on random pinned problems. */
public final class AgreementSurvey {
  public static void main(String[] a) {
    int n = Integer.parseInt(a[0]);
    for (long seed : new long[] {101, 102}) {
      SplittableRandom r = new SplittableRandom(seed);
      int agree = 0, total = 0, surf = 0, agreeDirect = 0;
      for (int t = 0; t < n; t++) {
        RandomProblems.Case cs = RandomProblems.random(r, t, true, false);
        PinnedProblem p = PinnedProblem.of(cs.net(), cs.spec());
        PinnedProblem.Bound b = p.bind();
        PinnedResult ex = p.solve();
        double[] eu = EulerReference.run(p, b, RandomProblems.stableDt(p));
        if (eu == null) continue;
        total++;
        if (EquilibriumTest.maxDiff(p.solver().pathStep(0).solve(b, null).cochain(), eu) < 1e-8) agreeDirect++;
        if (EquilibriumTest.maxDiff(ex.cochain(), eu) < 1e-8) { agree++; if (!ex.surfaceUnits().isEmpty()) surf++; }
      }
      System.out.println("seed " + seed + ": " + agree + "/" + total + " agree to 1e-8 (" + surf + " on switching surfaces); direct mode " + agreeDirect + "/" + total);
    }
  }
}
