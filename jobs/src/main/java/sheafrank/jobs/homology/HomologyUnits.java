package sheafrank.jobs.homology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.homology.HomologyPlan.Loaded;
import sheafrank.jobs.rank.SweepGrid.Setting;
import sheafrank.net.Mlp;
import sheafrank.rank.RankEvaluator;
import sheafrank.topology.EmbeddedComplex;
import sheafrank.topology.Homology;
import sheafrank.topology.Homology.Field;
import sheafrank.topology.QuotientAnalysis;
import sheafrank.topology.QuotientAnalysis.LayerResult;
import sheafrank.topology.QuotientAnalysis.PairHomology;
import sheafrank.topology.QuotientAnalysis.Region;

/**
 * The executor side of the homology job. A work unit (resolution, network) builds the complex (kept
 * for the next unit of the partition with the same resolution), the network (from (seed, net id) or
 * the loaded one), the rank of Φ^K at every vertex, and for every layer and region Ω^K and its
 * homology. Everything is a pure function of the unit number: any partitioning gives the same rows.
 * A network whose evaluation throws gets rows with status failed and the message.
 */
final class HomologyUnits {
  private HomologyUnits() {}

  /** The last complex a partition built, with the Betti numbers of M over Z/2 and Q. */
  static final class Cache {
    private int resolution = -1;
    private EmbeddedComplex complex;
    private int[][] betti;

    EmbeddedComplex complex(HomologyPlan plan, int r) {
      if (r != resolution) {
        complex = plan.manifold().build(plan.resolutions().get(r));
        betti = new int[][] {Homology.betti(complex.complex(), Field.Z2), Homology.betti(complex.complex(), Field.Q)};
        resolution = r;
      }
      return complex;
    }

    int[] betti(Field f) {
      return betti[f.ordinal()];
    }
  }

  /** The homology_manifolds row of resolution r. */
  static Row manifoldRow(HomologyPlan plan, int r) {
    Cache c = new Cache();
    EmbeddedComplex m = c.complex(plan, r);
    return RowFactory.create(plan.manifold().name(), plan.resolutions().get(r), m.vertexCount(),
        m.complex().counts(), m.complex().eulerCharacteristic(), m.dim(), m.embeddingDim(), m.ambientDim(),
        m.embedding(), c.betti(Field.Z2), c.betti(Field.Q));
  }

  /** Fills the manifold and network columns; returns the next column index. */
  private static int prefix(HomologyPlan plan, int r, int i, EmbeddedComplex m, String sha, Object[] v) {
    Setting st = plan.setting(i);
    Loaded l = plan.loadedNet(i);
    v[0] = plan.manifold().name();
    v[1] = plan.resolutions().get(r);
    v[2] = m.vertexCount();
    int c = 3;
    v[c++] = st != null ? "setting " + st.id() + " net " + i % plan.perSetting() : l.label();
    v[c++] = st != null ? "init" : l.source();
    v[c++] = st != null ? st.id() : null;
    v[c++] = st != null ? st.widths() : l.net().widths();
    v[c++] = st != null ? st.init().spec() : null;
    v[c++] = st != null ? st.template() : null;
    v[c++] = st != null ? st.k() : null;
    v[c++] = st != null ? st.mu() : null;
    v[c++] = st != null ? plan.biasSd() : null;
    v[c++] = st != null ? (Long) (long) (i % plan.perSetting()) : null;
    v[c++] = sha;
    assert c == 3 + HomologyTables.NETWORK_COLUMNS;
    return c;
  }

  /** The homology_layers rows of one unit. */
  static List<Row> layerRows(HomologyPlan plan, long unit, Cache cache) {
    int r = plan.resolution(unit);
    int i = plan.network(unit);
    EmbeddedComplex m = cache.complex(plan, r);
    List<Row> rows = new ArrayList<>();
    Mlp net = null;
    List<LayerResult> results;
    String error = null;
    try {
      net = plan.build(i);
      int[][] ranks = QuotientAnalysis.vertexRanks(m, new RankEvaluator(net, plan.layersOf(i), plan.method()));
      results = QuotientAnalysis.analyse(m, ranks, plan.regions(), plan.rule(), plan.coneCheck());
    } catch (RuntimeException e) {
      results = null;
      error = e.toString();
    }
    int[] widths = plan.setting(i) != null ? plan.setting(i).widths() : plan.loadedNet(i).net().widths();
    String sha = net == null ? null : NetworkParams.sha256(net);
    for (int layer = 1; layer <= plan.layersOf(i); layer++) {
      for (Region region : plan.regions()) {
        Object[] v = new Object[HomologyTables.LAYERS.length()];
        int c = prefix(plan, r, i, m, sha, v);
        v[c++] = layer;
        v[c++] = widths[layer];
        v[c++] = region.id();
        v[c++] = region.threshold(m);
        v[c++] = plan.rule().id();
        if (results == null) {
          v[c++] = "failed";
          v[c] = error;
        } else {
          LayerResult lr = results.get((layer - 1) * plan.regions().size() + plan.regions().indexOf(region));
          v[c++] = "ok";
          v[c++] = null;
          fill(lr, m, cache, v, c);
        }
        rows.add(RowFactory.create(v));
      }
    }
    return rows;
  }

  private static void fill(LayerResult lr, EmbeddedComplex m, Cache cache, Object[] v, int c) {
    PairHomology h = lr.homology();
    int z2 = Field.Z2.ordinal();
    int q = Field.Q.ordinal();
    int[] change = new int[m.complex().dim() + 1];
    for (int d = 0; d < change.length; d++) {
      change[d] = h.quotient()[q][d] - cache.betti(Field.Q)[d];
    }
    v[c++] = lr.minRank();
    v[c++] = lr.maxRank();
    v[c++] = lr.rankHistogram();
    v[c++] = h.omegaSimplices()[0];
    v[c++] = h.omegaSimplices();
    v[c++] = (double) h.omegaSimplices()[0] / m.vertexCount();
    v[c++] = h.omega()[z2];
    v[c++] = h.omega()[q];
    v[c++] = h.relative()[z2];
    v[c++] = h.relative()[q];
    v[c++] = h.quotient()[z2];
    v[c++] = h.quotient()[q];
    v[c++] = change;
    v[c++] = !Arrays.equals(h.quotient()[z2], cache.betti(Field.Z2));
    v[c++] = !Arrays.equals(h.quotient()[q], cache.betti(Field.Q));
    v[c] = h.coneAgrees();
  }

  /** The homology_vertices rows of one unit: coordinates and ranks at every vertex. */
  static List<Row> vertexRows(HomologyPlan plan, long unit, Cache cache) {
    int r = plan.resolution(unit);
    int i = plan.network(unit);
    EmbeddedComplex m = cache.complex(plan, r);
    Mlp net = plan.build(i);
    int[][] ranks = QuotientAnalysis.vertexRanks(m, new RankEvaluator(net, plan.layersOf(i), plan.method()));
    int dim = m.ambientDim();
    String sha = NetworkParams.sha256(net);
    List<Row> rows = new ArrayList<>(m.vertexCount());
    for (int vtx = 0; vtx < m.vertexCount(); vtx++) {
      Object[] v = new Object[HomologyTables.VERTICES.length()];
      int c = prefix(plan, r, i, m, sha, v);
      int[] rk = new int[ranks.length];
      for (int l = 0; l < rk.length; l++) {
        rk[l] = ranks[l][vtx];
      }
      v[c++] = vtx;
      v[c++] = Arrays.copyOfRange(m.coordinates(), vtx * dim, vtx * dim + dim);
      v[c] = rk;
      rows.add(RowFactory.create(v));
    }
    return rows;
  }
}
