package sheafrank.jobs.rank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import sheafrank.jobs.rank.RankUnits.Partial;
import sheafrank.jobs.rank.RankUnits.Plan;
import sheafrank.rank.PointSampler;
import sheafrank.rank.RankMethod;

/** Work units without Spark: block partials merge to the whole network; failures are rows. */
class RankUnitsTest {
  static Plan plan(int block) {
    List<SweepGrid.Setting> s = SweepGrid.expand(new SweepGrid.Keys(new int[] {4}, new int[] {7}, 2,
        new int[0][], List.of("kaiming"), List.of(), new double[0]));
    return new Plan(s, 3, 50, block, new PointSampler.Box(-5, 5), RankMethod.SVD, 9);
  }

  @Test
  void blockPartialsMergeToTheWholeNetwork() {
    Plan whole = plan(50);
    Plan split = plan(7); // 8 blocks, the last with 1 point
    for (int net = 0; net < 3; net++) {
      Partial all = RankUnits.evaluate(whole, net);
      Partial merged = null;
      for (int b = split.blocks() - 1; b >= 0; b--) { // any order
        Partial p = RankUnits.evaluate(split, (long) net * split.blocks() + b);
        merged = merged == null ? p : Partial.merge(merged, p);
      }
      assertEquals(50, all.stats.count());
      assertEquals(all.stats, merged.stats);
      List<Row> a = RankUnits.networkRows(whole, net, all);
      List<Row> b = RankUnits.networkRows(split, net, merged);
      assertEquals(2, a.size()); // one row per layer
      for (int l = 0; l < a.size(); l++) {
        for (int c = 0; c < a.get(l).size(); c++) {
          assertTrue(java.util.Objects.deepEquals(a.get(l).get(c), b.get(l).get(c)),
              RankTables.NETWORKS.fields()[c].name());
        }
      }
    }
  }

  @Test
  void aFailedBlockMakesAFailedRowWhateverTheMergeOrder() {
    Plan p = plan(7);
    Partial ok = RankUnits.evaluate(p, 0);
    Partial bad3 = new Partial();
    bad3.failedBlock = 3;
    bad3.error = "block 3: boom";
    Partial bad5 = new Partial();
    bad5.failedBlock = 5;
    bad5.error = "block 5: boom";
    assertSame(bad3, Partial.merge(Partial.merge(ok, bad5), bad3));
    assertSame(bad3, Partial.merge(bad3, Partial.merge(bad5, ok)));
    Row r = RankUnits.networkRows(p, 0, bad3).get(0);
    assertEquals("failed", r.get(RankTables.NETWORKS.fieldIndex("status")));
    assertEquals("block 3: boom", r.get(RankTables.NETWORKS.fieldIndex("message")));
    assertNull(r.get(RankTables.NETWORKS.fieldIndex("min_rank")));
  }
}
