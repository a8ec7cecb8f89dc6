package sheafrank.jobs.rank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.rank.RankUnits.Plan;
import sheafrank.rank.PointSampler;
import sheafrank.rank.RankMethod;

/** Grid expansion and work-unit numbering (no Spark). */
class SweepGridTest {
  static SweepGrid.Keys keys(int[] m, int[] n1, List<String> init, List<String> k, double... mu) {
    return new SweepGrid.Keys(m, n1, 1, new int[0][], init, k, mu);
  }

  @Test
  void expandsArchitecturesThenTemplatesThenMuThenK() {
    List<SweepGrid.Setting> s = SweepGrid.expand(keys(new int[] {3, 4}, new int[] {4},
        List.of("kaiming", "rankselect({k})", "normal({mu}, 0.1)"), List.of("0..n1 step 3", "m"),
        -0.5, 0.5));
    // m = 3: kaiming, rankselect k in {0, 3} (m = 3 repeats), normal at two mu; m = 4: k in {0, 3, 4}
    assertEquals((1 + 2 + 2) + (1 + 3 + 2), s.size());
    assertEquals("kaiming", s.get(0).init().spec());
    assertEquals(List.of(0, 3), List.of(s.get(1).k(), s.get(2).k()));
    assertEquals("rankselect(3,abs(kaiming))", s.get(2).init().spec());
    assertEquals("normal(-0.5,0.1)", s.get(3).init().spec());
    assertEquals(-0.5, s.get(3).mu());
    assertNull(s.get(3).k());
    assertEquals(List.of(0, 3, 4), List.of(s.get(6).k(), s.get(7).k(), s.get(8).k()));
    assertArrayEquals(new int[] {4, 4}, s.get(6).widths());
    // m = 5: k = m = 5 > n1 = 4 is rejected, naming init.k
    ConfigException e = assertThrows(ConfigException.class, () -> SweepGrid.expand(keys(
        new int[] {5}, new int[] {4}, List.of("rankselect({k})"), List.of("m"))));
    assertTrue(e.getMessage().contains("'init.k'") && e.getMessage().contains("k=5"), e.getMessage());
    for (int i = 0; i < s.size(); i++) {
      assertEquals(i, s.get(i).id());
    }
  }

  @Test
  void boundsFollowTheScheme() {
    List<SweepGrid.Setting> s = SweepGrid.expand(keys(new int[] {3}, new int[] {10},
        List.of("rankselect({k})", "rankselect({k}, kaiming)", "uniform(0, 1)", "kaiming"),
        List.of("2", "7")));
    assertEquals(2, s.get(0).rankBound()); // min{2, 8, 3}
    assertEquals(3, s.get(1).rankBound()); // min{7, 3, 3}
    assertNull(s.get(2).rankBound()); // signs of a kaiming base are not controlled
    assertEquals(0, s.get(4).rankBound()); // positive weights: the negative orthant is rank 0
    assertNull(s.get(5).rankBound());
    SweepGrid.Setting k = s.get(5);
    assertEquals(1 + 10 + 45, k.destructiveBound()[0]); // sum_{k<3} C(10, k)
    assertEquals(1024.0, k.totalCodewords()[0]);
    assertEquals(2.0 * (1 + 9 + 36), k.arrangementRegions()); // 2 sum_{i<3} C(9, i)
  }

  @Test
  void unitsCoverEveryNetworkAndPointOnce() {
    List<SweepGrid.Setting> s = SweepGrid.expand(keys(new int[] {2}, new int[] {3, 4},
        List.of("kaiming"), List.of()));
    Plan plan = new Plan(s, 3, 10, 4, new PointSampler.Box(-1, 1), RankMethod.SVD, 1);
    assertEquals(3, plan.blocks());
    long units = plan.units();
    assertEquals(2 * 3 * 3, units);
    long stride = RankUnits.stride(units);
    Set<Long> seen = new HashSet<>();
    long[] pointsPerNet = new long[6];
    for (long i = 0; i < units; i++) {
      long u = RankUnits.unitAt(i, stride, units);
      assertTrue(seen.add(u));
      pointsPerNet[(int) plan.networkKey(u)] += plan.endPoint(u) - plan.firstPoint(u);
      assertEquals(plan.setting(u) * 3L + plan.net(u), plan.networkKey(u));
    }
    assertArrayEquals(new long[] {10, 10, 10, 10, 10, 10}, pointsPerNet);
  }
}
