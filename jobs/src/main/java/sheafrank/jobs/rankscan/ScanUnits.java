package sheafrank.jobs.rankscan;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;
import sheafrank.data.Box;
import sheafrank.jobs.core.UnitRows;
import sheafrank.jobs.mlp.MlpData;
import sheafrank.jobs.rankscan.ScanPlan.Net;
import sheafrank.jobs.rankscan.ScanPlan.Trial;
import sheafrank.rank.CodewordLayout;
import sheafrank.rank.DeepRankEvaluator;
import sheafrank.rank.DeepRankNetwork;

/**
 * The executor side of a scan. A partition walks its (contiguous) units; it builds a network's
 * rank engine when the first unit of that network arrives and keeps it while the units stay on it,
 * so each network is built once per partition. A unit evaluates its block of points and returns the
 * exact integer histograms of its (network, point set) pair, keyed by the pair index, and, with
 * {@code points.rows}, its per-point rows. Everything is a pure function of the unit number.
 */
final class ScanUnits {
  private ScanUnits() {}

  /** Exact per-layer counts of some points of one (network, point set) pair; mergeable in any order. */
  static final class Hist implements Serializable {
    private static final long serialVersionUID = 1L;
    long points;
    final long[] nonfinite;
    final long[][] rank;
    final long[][] size;

    Hist(int[] widths) {
      int layers = widths.length - 1;
      nonfinite = new long[layers];
      rank = new long[layers][];
      size = new long[layers][];
      int r = widths[0];
      for (int l = 0; l < layers; l++) {
        r = Math.min(r, widths[l + 1]);
        rank[l] = new long[r + 1];
        size[l] = new long[widths[l + 1] + 1];
      }
    }

    static Hist merge(Hist a, Hist b) {
      a.points += b.points;
      for (int l = 0; l < a.rank.length; l++) {
        a.nonfinite[l] += b.nonfinite[l];
        for (int v = 0; v < a.rank[l].length; v++) {
          a.rank[l][v] += b.rank[l][v];
        }
        for (int v = 0; v < a.size[l].length; v++) {
          a.size[l][v] += b.size[l][v];
        }
      }
      return a;
    }
  }

  /** A unit's histograms and (with points.rows) its point rows. */
  record Result(Hist hist, List<Row> rows) implements Serializable {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Inputs of a trial's data sets, once per executor JVM (images are read from disk). */
  private static final Map<String, double[]> DATA = new ConcurrentHashMap<>();

  /**
   * The inputs of one of a trial's data sets, kept for the next units of this JVM (at most five sets).
   * The eviction runs outside the map's own computation: a ConcurrentHashMap must not be changed from
   * within computeIfAbsent. Two tasks loading the same set at once load the same values.
   */
  private static double[] inputs(String set, MlpData data) {
    String key = set + "|" + data;
    double[] x = DATA.get(key);
    if (x == null) {
      x = set.equals(ScanPlan.TEST) ? data.testInputs() : data.trainInputs();
      synchronized (DATA) {
        if (DATA.size() > 4) {
          DATA.clear();
        }
        DATA.put(key, x);
      }
    }
    return x;
  }

  /** The units of one partition, lazily; {@code cpu} receives the evaluation CPU time. */
  static Iterator<Tuple2<Integer, Result>> partition(ScanPlan plan, Iterator<Long> units, LongAccumulator cpu) {
    Worker w = new Worker(plan);
    return UnitRows.of(units, u -> {
      long c0 = THREADS.getCurrentThreadCpuTime();
      Tuple2<Integer, Result> r = w.apply(u);
      cpu.add(THREADS.getCurrentThreadCpuTime() - c0);
      return List.of(r);
    });
  }

  /** One partition's state: the current network's engine and workspaces. */
  static final class Worker {
    private final ScanPlan plan;
    private int current = -1;
    private DeepRankNetwork net;
    private DeepRankEvaluator ev;
    private DeepRankEvaluator.Batch batch;

    Worker(ScanPlan plan) {
      this.plan = plan;
    }

    Tuple2<Integer, Result> apply(long unit) {
      int pair = plan.pairOf(unit);
      int n = pair / plan.setCount();
      int s = pair % plan.setCount();
      Net nr = plan.nets().get(n);
      if (n != current) {
        net = DeepRankNetwork.classifier(nr.load());
        ev = new DeepRankEvaluator(net);
        batch = new DeepRankEvaluator.Batch(net, plan.block());
        current = n;
      }
      long first = plan.firstPoint(unit, pair);
      int count = (int) Math.min(plan.block(), plan.points(n, s) - first);
      int m = nr.widths()[0];
      double[] x;
      int off;
      String set = plan.sets().get(s);
      Trial t = plan.trialOf(nr);
      switch (set) {
        case ScanPlan.NOISE -> {
          x = plan.noiseBox(nr).points(plan.seed(), Box.NOISE_STREAM, first, count);
          off = 0;
        }
        case ScanPlan.TABLE -> {
          x = plan.tablePoints();
          off = (int) first * m;
        }
        default -> {
          x = inputs(set, t.data());
          off = (int) first * m;
        }
      }
      ev.evaluate(x, off, count, batch);
      Hist h = new Hist(nr.widths());
      h.points = count;
      int layers = net.rankLayers();
      for (int p = 0; p < count; p++) {
        for (int l = 0; l < layers; l++) {
          int r = batch.rank(p, l);
          if (r < 0) {
            h.nonfinite[l]++;
          } else {
            h.rank[l][r]++;
            h.size[l][batch.size(p, l)]++;
          }
        }
      }
      return new Tuple2<>(pair, new Result(h, plan.rows() ? rows(nr, set, first, count) : null));
    }

    private List<Row> rows(Net nr, String set, long first, int count) {
      CodewordLayout layout = net.layout();
      int layers = net.rankLayers();
      List<Row> out = new ArrayList<>(count);
      for (int p = 0; p < count; p++) {
        int[] ranks = new int[layers];
        int[] sizes = new int[layers];
        for (int l = 0; l < layers; l++) {
          ranks[l] = batch.rank(p, l);
          sizes[l] = batch.size(p, l);
        }
        long[] cw = batch.codeword(p);
        String[] hex = new String[layout.layers()];
        for (int l = 0; l < hex.length; l++) {
          hex[l] = layout.hex(cw, l);
        }
        boolean ok = batch.status(p) == DeepRankEvaluator.OK;
        out.add(RowFactory.create(nr.modelId(), nr.epoch(), set, first + p, ok ? "ok" : "nonfinite",
            ok ? null : batch.failedLayer(p) + 1, ranks, sizes, hex));
      }
      return out;
    }
  }
}
