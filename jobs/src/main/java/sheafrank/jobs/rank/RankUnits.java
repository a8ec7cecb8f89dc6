package sheafrank.jobs.rank;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import sheafrank.jobs.rank.SweepGrid.Setting;
import sheafrank.net.Mlp;
import sheafrank.rank.CodewordLayout;
import sheafrank.rank.PointSampler;
import sheafrank.rank.RankEvaluator;
import sheafrank.rank.RankMethod;
import sheafrank.rank.RankStats;

/**
 * The executor side of a rank sweep. A work unit is (setting, net id, point block), numbered
 * {@code u = (setting * networks + net) * blocks + block}; it builds its network from
 * {@code (seed, net id)}, generates its points from {@code (seed, net id, point index)} and
 * evaluates them with one {@link RankEvaluator} into a {@link RankStats} partial. Everything is a
 * pure function of the unit number, so any partitioning gives the same partials, and merging them
 * (exact integers and sets) gives the same per-network statistics.
 */
final class RankUnits {
  private RankUnits() {}

  /** Everything an executor needs; small (the settings and a few numbers). */
  record Plan(
      List<Setting> settings,
      int networks,
      long points,
      int block,
      PointSampler sampler,
      RankMethod method,
      long seed)
      implements Serializable {
    int blocks() {
      return (int) ((points + block - 1) / block);
    }

    long units() {
      return (long) settings.size() * networks * blocks();
    }

    int setting(long unit) {
      return (int) (unit / ((long) networks * blocks()));
    }

    int net(long unit) {
      return (int) (unit / blocks() % networks);
    }

    int block(long unit) {
      return (int) (unit % blocks());
    }

    /** Key of a network: setting * networks + net id. */
    long networkKey(long unit) {
      return unit / blocks();
    }

    long firstPoint(long unit) {
      return (long) block(unit) * block;
    }

    long endPoint(long unit) {
      return Math.min(points, firstPoint(unit) + block);
    }
  }

  /**
   * The statistics of some points of one network, or the first failure among them (a network whose
   * evaluation throws is reported with its message instead of failing the sweep).
   */
  static final class Partial implements Serializable {
    private static final long serialVersionUID = 1L;
    RankStats stats;
    int failedBlock = Integer.MAX_VALUE;
    /** With an error: what kind of failure (failed, non_finite, underflow); null means failed. */
    String status;
    String error;

    String statusColumn() {
      return error == null ? "ok" : status == null ? "failed" : status;
    }

    static Partial merge(Partial a, Partial b) {
      if (a.error != null || b.error != null) {
        return a.failedBlock <= b.failedBlock ? a : b; // the same failure whatever the merge order
      }
      a.stats.merge(b.stats);
      return a;
    }
  }

  /** Work-unit order: a fixed bijection of 0..units-1 that spreads every setting over partitions. */
  static long stride(long units) {
    long s = Math.max(1, (long) (units * 0.6180339887498949)) | 1;
    while (gcd(s, units) != 1) {
      s++;
    }
    return s;
  }

  /**
   * The unit at position i of the spread order: i * stride mod units (stride coprime to units, so
   * a bijection). Needs units &lt;= 2^31 (checked by the job) so the product cannot overflow.
   */
  static long unitAt(long i, long stride, long units) {
    return i * stride % units;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /** Evaluates one unit. */
  static Partial evaluate(Plan plan, long unit) {
    Setting st = plan.settings().get(plan.setting(unit));
    int net = plan.net(unit);
    Partial p = new Partial();
    try {
      Mlp mlp = st.init().build(st.widths(), plan.seed(), net);
      RankEvaluator e = new RankEvaluator(mlp, mlp.depth(), plan.method());
      RankStats stats = RankStats.of(e);
      int m = st.m();
      int layers = mlp.depth();
      double[] x = new double[m];
      int[] ranks = new int[layers];
      int[] sizes = new int[layers];
      long[] cw = new long[e.layout().totalWords()];
      PointSampler sampler = plan.sampler();
      long seed = plan.seed();
      for (long i = plan.firstPoint(unit), end = plan.endPoint(unit); i < end; i++) {
        sampler.sample(seed, net, i, x, 0, m);
        int flags = e.evaluate(x, 0, ranks, sizes, cw);
        if (flags != 0) {
          return unrepresentable(p, plan.block(unit), i, flags);
        }
        stats.add(ranks, sizes, cw);
      }
      p.stats = stats;
    } catch (RuntimeException ex) {
      p.failedBlock = plan.block(unit);
      p.error = "block " + plan.block(unit) + ": " + ex;
    }
    return p;
  }

  /**
   * A network whose pre-activations float64 cannot represent at some point (inputs or weights too
   * large or too small for the box): its codewords would be wrong, so it gets a status instead of
   * statistics.
   */
  private static Partial unrepresentable(Partial p, int block, long point, int flags) {
    boolean inf = (flags & RankEvaluator.NON_FINITE) != 0;
    p.failedBlock = block;
    p.status = inf ? "non_finite" : "underflow";
    p.error = "point " + point + ": a pre-activation " + (inf ? "is infinite or NaN (float64 overflow)"
        : "is subnormal (float64 underflow: its sign, and the codeword, may be wrong)")
        + "; scale points.low / points.high or the weights";
    return p;
  }

  /** One row per evaluated layer of a network (the rank_networks table). */
  static List<Row> networkRows(Plan plan, long networkKey, Partial p) {
    Setting st = plan.settings().get((int) (networkKey / plan.networks()));
    long net = networkKey % plan.networks();
    int m = st.m();
    List<Row> rows = new ArrayList<>(st.depth());
    for (int l = 0; l < st.depth(); l++) {
      RankStats s = p.stats;
      boolean ok = p.error == null;
      Object[] v = new Object[RankTables.NETWORKS.length()];
      int c = RankTables.settingColumns(st, v);
      v[c++] = net;
      v[c++] = l + 1;
      v[c++] = st.width(l);
      v[c++] = p.statusColumn();
      v[c++] = ok ? null : p.error;
      v[c++] = ok ? s.count() : null;
      v[c++] = ok ? s.minRank(l) : null;
      v[c++] = ok ? s.maxRank(l) : null;
      v[c++] = ok ? s.meanRank(l) : null;
      v[c++] = ok ? s.sumRank(l) : null;
      v[c++] = ok ? s.rankHistogram(l) : null;
      v[c++] = ok ? s.minSize(l) : null;
      v[c++] = ok ? s.maxSize(l) : null;
      v[c++] = ok ? s.meanSize(l) : null;
      v[c++] = ok ? s.sizeHistogram(l) : null;
      v[c++] = ok ? (long) s.distinctCodewords(l) : null;
      v[c++] = ok ? (long) s.distinctSmallCodewords(l) : null;
      v[c++] = ok ? (long) s.distinctGlobalCodewords() : null;
      v[c++] = ok ? s.destructivePoints(l) : null;
      v[c++] = ok ? s.preservingPoints(l) : null;
      v[c++] = ok ? s.smallCodewordPoints(l) : null;
      c = RankTables.boundColumns(st, l, v, c);
      assert c == v.length;
      rows.add(RowFactory.create(v));
    }
    return rows;
  }

  /** Per-point rows of one unit (the rank_points table): codewords and ranks at every point. */
  static List<Row> pointRows(Plan plan, long unit) {
    Setting st = plan.settings().get(plan.setting(unit));
    int net = plan.net(unit);
    Mlp mlp = st.init().build(st.widths(), plan.seed(), net);
    RankEvaluator e = new RankEvaluator(mlp, mlp.depth(), plan.method());
    CodewordLayout layout = e.layout();
    int m = st.m();
    int layers = mlp.depth();
    List<Row> rows = new ArrayList<>();
    for (long i = plan.firstPoint(unit); i < plan.endPoint(unit); i++) {
      double[] x = plan.sampler().sample(plan.seed(), net, i, m);
      int[] ranks = new int[layers];
      int[] sizes = new int[layers];
      long[] cw = new long[layout.totalWords()];
      e.evaluate(x, 0, ranks, sizes, cw);
      String[] hex = new String[layers];
      for (int l = 0; l < layers; l++) {
        hex[l] = layout.hex(cw, l);
      }
      rows.add(RowFactory.create(st.id(), m, st.n1(), st.depth(), st.widths(), st.init().spec(),
          (long) net, i, x, ranks, sizes, hex, layout.globalHex(cw)));
    }
    return rows;
  }
}
