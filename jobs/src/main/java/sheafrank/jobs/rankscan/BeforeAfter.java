package sheafrank.jobs.rankscan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import sheafrank.jobs.rankscan.ScanPlan.Net;
import sheafrank.jobs.rankscan.ScanPlan.Trial;
import sheafrank.jobs.rankscan.ScanUnits.Hist;

/**
 * The rank_tests table (R7 Fig 3C, R8 Fig 4): codeword size before training (epoch 0) against
 * after (each trial's last selected checkpoint), per (trial group, point set, ReLU layer), the
 * trials of a group (same data, target, widths and optimizer; different seeds) pooled, by the
 * Mann-Whitney U test (Wilcoxon rank-sum) computed from the exact size histograms. The
 * Bonferroni family is every test of the run.
 */
final class BeforeAfter {
  private BeforeAfter() {}

  /** Whether a network's histograms take part: epoch 0, or the last selected epoch of its model. */
  static boolean needed(ScanPlan plan, int net) {
    Net n = plan.nets().get(net);
    return n.trial() >= 0 && n.epoch() != null && (n.epoch() == 0 || n.epoch().equals(lastEpoch(plan, n.modelId())));
  }

  private static Integer lastEpoch(ScanPlan plan, String modelId) {
    Integer last = null;
    for (Net n : plan.nets()) {
      if (n.modelId().equals(modelId) && n.epoch() != null && (last == null || n.epoch() > last)) {
        last = n.epoch();
      }
    }
    return last;
  }

  /** Pooled histograms of one (group, set, layer). */
  private static final class Pool {
    Trial trial;
    String set;
    int layer;
    long[] before;
    long[] after;
    int trials;
    int epochAfter;
  }

  /** The test rows from the merged histograms of the {@link #needed} pairs (pair index to Hist). */
  static List<Row> rows(ScanPlan plan, Map<Integer, Hist> hists) {
    Map<String, Pool> pools = new TreeMap<>();
    for (Map.Entry<Integer, Hist> e : hists.entrySet()) {
      Net n = plan.nets().get(e.getKey() / plan.setCount());
      if (!Integer.valueOf(0).equals(n.epoch())) {
        continue; // visit trials through their epoch-0 network
      }
      Integer last = lastEpoch(plan, n.modelId());
      int afterNet = -1;
      for (int i = 0; i < plan.nets().size(); i++) {
        Net m = plan.nets().get(i);
        if (m.modelId().equals(n.modelId()) && last.equals(m.epoch())) {
          afterNet = i;
        }
      }
      Hist after = hists.get(afterNet * plan.setCount() + e.getKey() % plan.setCount());
      if (last == 0 || after == null) {
        continue;
      }
      Trial t = plan.trialOf(n);
      String set = plan.sets().get(e.getKey() % plan.setCount());
      Hist before = e.getValue();
      for (int l = 0; l + 1 < before.size.length; l++) { // ReLU layers only
        String key = t.groupKey() + "|" + set + "|" + String.format("%04d", l);
        Pool p = pools.computeIfAbsent(key, k -> new Pool());
        if (p.trial == null) {
          p.trial = t;
          p.set = set;
          p.layer = l + 1;
          p.before = new long[before.size[l].length];
          p.after = new long[before.size[l].length];
        }
        add(p.before, before.size[l]);
        add(p.after, after.size[l]);
        p.trials++;
        p.epochAfter = Math.max(p.epochAfter, last);
      }
    }
    List<Row> rows = new ArrayList<>();
    int tests = pools.size();
    for (Pool p : pools.values()) {
      Test r = test(p.before, p.after);
      ScanTables.Stats b = ScanTables.Stats.of(p.before);
      ScanTables.Stats a = ScanTables.Stats.of(p.after);
      int cmp = b.median() == null || a.median() == null ? 0 : Double.compare(a.median(), b.median());
      if (cmp == 0 && b.mean() != null && a.mean() != null) {
        cmp = Double.compare(a.mean(), b.mean());
      }
      String dir = cmp < 0 ? "smaller_after" : cmp > 0 ? "larger_after" : "equal";
      double pb = Math.min(1.0, r.p() * tests);
      Trial t = p.trial;
      rows.add(RowFactory.create(t.data().dataset(), t.data().function(), t.data().target(), t.widths(), t.optimizer(),
          p.set, p.layer, p.trials, 0, p.epochAfter, r.n1(), r.n2(), b.mean(), a.mean(), b.median(), a.median(), r.u(),
          r.z(), r.p(), dir, tests, pb, pb < 0.001));
    }
    return rows;
  }

  private static void add(long[] into, long[] h) {
    for (int v = 0; v < h.length; v++) {
      into[v] += h[v];
    }
  }

  /** A Mann-Whitney result: U of sample 1, the normal deviate z and the two-sided p-value. */
  record Test(long n1, long n2, double u, double z, double p) {}

  /**
   * The two-sided Mann-Whitney U test of two samples of integers given by their histograms
   * ({@code h1[v]} values equal to v in sample 1): U = #{(x, y): x &gt; y} + #{x = y} / 2 over x in
   * sample 1 and y in sample 2 (= R1 - n1(n1+1)/2 with mid-ranks); asymptotic normal p-value with
   * the tie-corrected variance n1 n2 / 12 ((N + 1) - sum(t^3 - t) / (N (N - 1))) and a continuity
   * correction of 1/2 towards the mean (z = 0, p = 1 when every value is tied).
   */
  static Test test(long[] h1, long[] h2) {
    int len = Math.max(h1.length, h2.length);
    double n1 = 0;
    double n2 = 0;
    for (int v = 0; v < len; v++) {
      n1 += v < h1.length ? h1[v] : 0;
      n2 += v < h2.length ? h2[v] : 0;
    }
    double u = 0;
    double below2 = 0;
    double ties = 0;
    for (int v = 0; v < len; v++) {
      double a = v < h1.length ? h1[v] : 0;
      double b = v < h2.length ? h2[v] : 0;
      u += a * (below2 + 0.5 * b);
      below2 += b;
      double t = a + b;
      ties += t * t * t - t;
    }
    double n = n1 + n2;
    if (n1 == 0 || n2 == 0) {
      throw new IllegalArgumentException("a Mann-Whitney test needs two non-empty samples, got " + (long) n1
          + " and " + (long) n2);
    }
    double var = n1 * n2 / 12.0 * ((n + 1) - ties / (n * (n - 1)));
    double d = u - n1 * n2 / 2.0;
    if (!(var > 0)) {
      return new Test((long) n1, (long) n2, u, 0.0, 1.0);
    }
    double z = Math.signum(d) * Math.max(0.0, Math.abs(d) - 0.5) / Math.sqrt(var);
    double p = Math.min(1.0, 2 * NormalDistribution.of(0, 1).survivalProbability(Math.abs(z)));
    return new Test((long) n1, (long) n2, u, z, p);
  }
}
