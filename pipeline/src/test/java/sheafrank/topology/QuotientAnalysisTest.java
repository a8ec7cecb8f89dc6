package sheafrank.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.net.WeightInit;
import sheafrank.rank.RankEvaluator;
import sheafrank.rank.RankMethod;
import sheafrank.topology.QuotientAnalysis.LayerResult;
import sheafrank.topology.QuotientAnalysis.Region;
import sheafrank.topology.QuotientAnalysis.Rule;

/** Vertex ranks, Ω^K per layer and region, and the constructed gluing networks of Fig 1C-D. */
class QuotientAnalysisTest {
  static List<LayerResult> run(EmbeddedComplex m, Mlp net, Rule rule) {
    int[][] ranks = QuotientAnalysis.vertexRanks(m, RankEvaluator.allLayers(net, RankMethod.SVD));
    return QuotientAnalysis.analyse(m, ranks, List.of(Region.values()), rule, true);
  }

  static LayerResult find(List<LayerResult> rs, int layer, Region region) {
    return rs.stream().filter(r -> r.layer() == layer && r.region() == region).findFirst().orElseThrow();
  }

  /**
   * The cap network on the circle: layer 1 glues one arc about the top (no change, (1, 1)); layer 2
   * also the mirror arc about the bottom, both to the point 0: the wedge of two circles (1, 2). Both
   * fields, both vertex rules, cone and relative chain complex agree.
   */
  @Test
  void capsGlueOneThenTwoArcsOfTheCircle() {
    EmbeddedComplex c = new Manifold.Circle(1, SimplicialComplexTest.PLANE).build(new int[] {360});
    Mlp net = GluingNetworks.caps(2, 16, 0.5);
    for (Rule rule : Rule.values()) {
      List<LayerResult> rs = run(c, net, rule);
      assertEquals(2 * 3, rs.size());
      for (Region region : List.of(Region.ZERO, Region.BELOW_DIM)) {
        LayerResult l1 = find(rs, 1, region);
        LayerResult l2 = find(rs, 2, region);
        assertArrayEquals(new int[] {1, 0}, l1.homology().omega()[1]); // one arc
        assertArrayEquals(new int[] {1, 1}, l1.homology().quotient()[1]);
        assertArrayEquals(new int[] {2, 0}, l2.homology().omega()[1]); // two arcs
        assertArrayEquals(new int[] {1, 2}, l2.homology().quotient()[1]);
        assertArrayEquals(new int[] {1, 2}, l2.homology().quotient()[0]);
        assertTrue(l2.homology().coneAgrees());
      }
      // the rank-0 arc about the top is {y >= 0.5 |x|} up to the angular spacing: about 127 of 360
      LayerResult l1 = find(rs, 1, Region.ZERO);
      assertEquals(360, java.util.Arrays.stream(l1.rankHistogram()).sum());
      assertTrue(Math.abs(l1.rankHistogram()[0] - 127) <= 3, java.util.Arrays.toString(l1.rankHistogram()));
      assertEquals(0, l1.minRank());
      assertEquals(2, l1.maxRank());
      // on a circle rank 0 is rank < dim M: equal vertex sets share one computation
      assertSame(find(rs, 2, Region.ZERO).homology(), find(rs, 2, Region.BELOW_DIM).homology());
    }
  }

  /**
   * The cap network on the torus: layer 1 glues an annulus about the top outer loop (the pinched
   * torus S² ∨ S¹, (1, 1, 1)); layer 2 the mirror annulus too: two parallel outer loops, (1, 2, 2).
   */
  @Test
  void capsCompressTheOuterLoopOfTheTorus() {
    EmbeddedComplex t = new Manifold.Torus(2, 1, SimplicialComplexTest.SPACE).build(new int[] {60, 40});
    List<LayerResult> rs = run(t, GluingNetworks.caps(3, 16, 0.3), Rule.ALL);
    for (Region region : List.of(Region.ZERO, Region.BELOW_DIM)) {
      assertArrayEquals(new int[] {1, 1, 0}, find(rs, 1, region).homology().omega()[1]); // an annulus
      assertArrayEquals(new int[] {1, 1, 1}, find(rs, 1, region).homology().quotient()[1]);
      assertArrayEquals(new int[] {2, 2, 0}, find(rs, 2, region).homology().omega()[1]);
      assertArrayEquals(new int[] {1, 2, 2}, find(rs, 2, region).homology().quotient()[1]);
      assertTrue(find(rs, 2, region).homology().coneAgrees());
    }
  }

  /** Ranks are non-increasing in depth, so Ω^K only grows; regions are nested. */
  @Test
  void omegaGrowsWithDepthAndWithTheThreshold() {
    EmbeddedComplex t = new Manifold.Torus(2, 1, SimplicialComplexTest.SPACE).build(new int[] {24, 16});
    for (int id = 0; id < 6; id++) {
      Mlp net = new WeightInit.Kaiming().build(new int[] {3, 4, 4, 4}, 5, id);
      List<LayerResult> rs = run(t, net, Rule.ALL);
      for (Region region : Region.values()) {
        for (int l = 1; l < 3; l++) {
          long[] a = find(rs, l, region).homology().omegaSimplices();
          long[] b = find(rs, l + 1, region).homology().omegaSimplices();
          for (int d = 0; d < 3; d++) {
            assertTrue(a[d] <= b[d]);
          }
        }
      }
      for (int l = 1; l <= 3; l++) {
        assertTrue(find(rs, l, Region.ZERO).homology().omegaSimplices()[0]
            <= find(rs, l, Region.BELOW_DIM).homology().omegaSimplices()[0]);
        assertTrue(find(rs, l, Region.BELOW_DIM).homology().omegaSimplices()[0]
            <= find(rs, l, Region.BELOW_EMBEDDING).homology().omegaSimplices()[0]);
        for (LayerResult r : rs) {
          assertTrue(r.homology().coneAgrees());
        }
      }
    }
  }

  @Test
  void networkMustTakeTheAmbientDimension() {
    EmbeddedComplex c = new Manifold.Circle(1, SimplicialComplexTest.PLANE).build(new int[] {10});
    Mlp net = new WeightInit.Kaiming().build(new int[] {3, 4}, 1, 0);
    assertThrows(IllegalArgumentException.class,
        () -> QuotientAnalysis.vertexRanks(c, RankEvaluator.allLayers(net, RankMethod.SVD)));
    assertThrows(IllegalArgumentException.class, () -> GluingNetworks.caps(4, 16, 0.3));
  }
}
