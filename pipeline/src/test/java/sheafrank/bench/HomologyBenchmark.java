package sheafrank.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import sheafrank.net.Mlp;
import sheafrank.net.WeightInit;
import sheafrank.rank.RankEvaluator;
import sheafrank.rank.RankMethod;
import sheafrank.topology.EmbeddedComplex;
import sheafrank.topology.GluingNetworks;
import sheafrank.topology.Homology;
import sheafrank.topology.Manifold;
import sheafrank.topology.QuotientAnalysis;
import sheafrank.topology.QuotientAnalysis.LayerResult;
import sheafrank.topology.QuotientAnalysis.Region;
import sheafrank.topology.QuotientAnalysis.Rule;

/**
 * Benchmark (not a unit test) of the R9 work per network on a torus of a x a vertices in R^3
 * (R = 2, r = 1): the rank of Φ^K at every vertex ({@code RankEvaluator}, SVD) and, for every layer
 * and the three regions (zero, below_dim, below_embedding; rule all), the Betti numbers of Ω, (M, Ω)
 * and M/Ω over Z/2 and Q, as the homology job does per work unit; with and without the cone check.
 * Networks: the Fig 1D cap network [3, 16, 16] and Kaiming networks [3, n, n], n = 3, 10, 50 (5
 * each). Thread CPU time, after one warm-up pass; median over {@code reps} passes.
 *
 * <p>Usage: {@code HomologyBenchmark [a=100] [reps=5]}; also prints the one-off cost of building the
 * complex and of the Betti numbers of M.
 */
public final class HomologyBenchmark {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) {
    int a = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Manifold torus = new Manifold.Torus(2, 1, new Manifold.Placement(3, new double[0], 0));
    long c0 = MX.getCurrentThreadCpuTime();
    EmbeddedComplex m = torus.build(new int[] {a, a});
    long c1 = MX.getCurrentThreadCpuTime();
    int[] bz = Homology.betti(m.complex(), Homology.Field.Z2);
    int[] bq = Homology.betti(m.complex(), Homology.Field.Q);
    long c2 = MX.getCurrentThreadCpuTime();
    System.out.printf(Locale.ROOT, "torus %dx%d: %d vertices, simplices %s; build %.0f ms, Betti of M (Z/2 %s, Q %s) %.0f ms%n",
        a, a, m.vertexCount(), Arrays.toString(m.complex().counts()), (c1 - c0) / 1e6, Arrays.toString(bz),
        Arrays.toString(bq), (c2 - c1) / 1e6);
    List<String> names = new ArrayList<>();
    List<Mlp> nets = new ArrayList<>();
    names.add("caps [3,16,16]");
    nets.add(GluingNetworks.caps(3, 16, 0.3));
    for (int n : new int[] {3, 10, 50}) {
      for (int id = 0; id < 5; id++) {
        names.add("kaiming [3," + n + "," + n + "] #" + id);
        nets.add(new WeightInit.Kaiming().build(new int[] {3, n, n}, 1, id));
      }
    }
    List<Region> regions = List.of(Region.values());
    for (boolean cone : new boolean[] {false, true}) {
      System.out.println(cone ? "with the cone check" : "relative chain complex only");
      for (int i = 0; i < nets.size(); i++) {
        double[] rank = new double[reps];
        double[] homology = new double[reps];
        List<LayerResult> res = null;
        for (int r = -1; r < reps; r++) {
          long t0 = MX.getCurrentThreadCpuTime();
          RankEvaluator e = RankEvaluator.allLayers(nets.get(i), RankMethod.SVD);
          int[][] ranks = QuotientAnalysis.vertexRanks(m, e);
          long t1 = MX.getCurrentThreadCpuTime();
          res = QuotientAnalysis.analyse(m, ranks, regions, Rule.ALL, cone);
          long t2 = MX.getCurrentThreadCpuTime();
          if (r >= 0) {
            rank[r] = (t1 - t0) / 1e6;
            homology[r] = (t2 - t1) / 1e6;
          }
        }
        StringBuilder q = new StringBuilder();
        for (LayerResult lr : res) {
          if (lr.region() == Region.BELOW_DIM) {
            q.append(" L").append(lr.layer()).append(Arrays.toString(lr.homology().quotient()[1]));
          }
        }
        System.out.printf(Locale.ROOT, "  %-24s ranks %7.1f ms  homology %7.1f ms  total %7.1f ms  [%.1f, %.1f]  M/Ω(below_dim):%s%n",
            names.get(i), median(rank), median(homology), median(sum(rank, homology)), min(sum(rank, homology)),
            max(sum(rank, homology)), q);
      }
    }
  }

  private static double[] sum(double[] x, double[] y) {
    double[] s = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      s[i] = x[i] + y[i];
    }
    return s;
  }

  private static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static double min(double[] x) {
    return Arrays.stream(x).min().orElse(0);
  }

  private static double max(double[] x) {
    return Arrays.stream(x).max().orElse(0);
  }
}
