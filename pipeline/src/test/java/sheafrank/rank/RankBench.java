package sheafrank.rank;

import dev.ludovic.netlib.lapack.LAPACK;
import java.util.Locale;
import java.util.SplittableRandom;
import org.netlib.util.intW;
import sheafrank.linalg.NumericalRank;
import sheafrank.linalg.TestMatrices;
import sheafrank.net.Mlp;
import sheafrank.net.WeightInit;

/**
 * Throwaway single-thread timing, not a unit test (surefire runs *Test classes only). Run with
 * {@code java -cp target/classes:target/test-classes:<deps> sheafrank.rank.RankBench [nets [java|lapack|kernels]]}
 * (java, the default, is what the rank-sweep job uses; lapack times netlib's LAPACK, native when
 * the machine has one, for comparison).
 */
public final class RankBench {
  private static final int[] SIZES = {2, 5, 10, 25, 50, 100};
  private static NumericalRank.Backend BACKEND = NumericalRank.Backend.JAVA;

  private static final java.lang.management.ThreadMXBean MX =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** CPU seconds of this thread (the machine is shared: wall time overstates cost). */
  static double cpu() {
    return MX.getCurrentThreadCpuTime() * 1e-9;
  }

  public static void main(String[] args) {
    int nets = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    boolean kernels = args.length > 1 && args[1].equals("kernels");
    if (args.length > 1 && !kernels) {
      BACKEND = NumericalRank.Backend.valueOf(args[1].toUpperCase(Locale.ROOT));
    }
    System.out.println("backend " + BACKEND + ", LAPACK " + NumericalRank.lapackImplementation());
    PointSampler box = new PointSampler.Box(-5, 5);
    if (kernels) {
      lapackVersusKernels();
      return;
    }
    for (boolean certify : new boolean[] {true, false}) {
      for (RankMethod method : RankMethod.values()) {
        String tag = method + (certify ? " certified" : " factorise-all");
        cell(method, certify, 100, 100, 2, 1000, box); // warm-up
        grid(method, certify, 1, box);
        double t0 = cpu();
        cell(method, certify, 100, 100, nets, 1000, box);
        double t100 = cpu() - t0;
        System.out.printf(Locale.ROOT, "%s m=n1=100: %.0f evaluations/s (CPU time)%n", tag,
            nets * 1000 / t100);
        double w0 = System.nanoTime() * 1e-9;
        t0 = cpu();
        long evals = grid(method, certify, nets, box);
        double t = cpu() - t0;
        double wall = System.nanoTime() * 1e-9 - w0;
        System.out.printf(Locale.ROOT,
            "%s R2 grid (36 cells x %d nets x 1000 points = %d evaluations): CPU %.2f s (wall %.2f s),"
                + " %.0f evaluations/s; full grid (3.6M) extrapolated: %.1f CPU s single thread%n",
            tag, nets, evals, t, wall, evals / t, t * 100 / nets);
      }
    }
  }

  /** Seconds for {@code nets} networks x {@code points} points of one grid cell. */
  static double cell(RankMethod method, boolean certify, int m, int n1, int nets, int points,
      PointSampler s) {
    double t0 = cpu();
    run(method, certify, m, n1, nets, points, s);
    return cpu() - t0;
  }

  static long grid(RankMethod method, boolean certify, int nets, PointSampler s) {
    long evals = 0;
    for (int m : SIZES) {
      for (int n1 : SIZES) {
        run(method, certify, m, n1, nets, 1000, s);
        evals += (long) nets * 1000;
      }
    }
    return evals;
  }

  static long sink;

  /** Builds each net (Kaiming, as R2), samples its points, evaluates and aggregates: a task's work. */
  static void run(RankMethod method, boolean certify, int m, int n1, int nets, int points,
      PointSampler s) {
    WeightInit kaiming = new WeightInit.Kaiming();
    double[] x = new double[m];
    int[] ranks = new int[1];
    int[] sizes = new int[1];
    for (int net = 0; net < nets; net++) {
      Mlp mlp = kaiming.build(new int[] {m, n1}, 1, net);
      RankEvaluator e = new RankEvaluator(mlp, 1, method, certify, BACKEND);
      long[] cw = new long[e.layout().totalWords()];
      RankStats stats = RankStats.of(e);
      for (int i = 0; i < points; i++) {
        s.sample(1, net, i, x, 0, m);
        e.evaluate(x, ranks, sizes, cw);
        stats.add(ranks, sizes, cw);
      }
      sink += stats.minRank(0);
    }
  }

  /** Time per rank of a 100 x 50 column-major matrix: LAPACK (dgesdd, dgeqp3) vs our kernels. */
  static void lapackVersusKernels() {
    LAPACK lapack = LAPACK.getInstance();
    System.out.println("LAPACK implementation: " + lapack.getClass().getName());
    SplittableRandom r = new SplittableRandom(1);
    NumericalRank k = new NumericalRank(NumericalRank.Backend.JAVA);
    for (int[] shape : new int[][] {{10, 10}, {100, 10}, {50, 50}, {100, 50}, {100, 100}}) {
      int p = shape[0];
      int q = shape[1];
      double[] a = TestMatrices.gaussian(r, p * q);
      double[] buf = new double[p * q];
      double[] s = new double[q];
      int[] iwork = new int[8 * q];
      int[] jpvt = new int[q];
      double[] tau = new double[q];
      double[] work = new double[4 * p * q + 10 * p + 10 * q];
      intW info = new intW(0);
      int reps = 1000 * 50 / q;
      double bSdd = 1e9;
      double bQp3 = 1e9;
      double bSvd = 1e9;
      double bQr = 1e9;
      for (int pass = 0; pass < 6; pass++) {
        double t0 = cpu();
        for (int i = 0; i < reps; i++) {
          System.arraycopy(a, 0, buf, 0, p * q);
          lapack.dgesdd("N", p, q, buf, p, s, new double[1], 1, new double[1], 1, work, work.length,
              iwork, info);
        }
        double tSdd = (cpu() - t0) / reps;
        t0 = cpu();
        for (int i = 0; i < reps; i++) {
          System.arraycopy(a, 0, buf, 0, p * q);
          java.util.Arrays.fill(jpvt, 0);
          lapack.dgeqp3(p, q, buf, p, jpvt, tau, work, work.length, info);
        }
        double tQp3 = (cpu() - t0) / reps;
        t0 = cpu();
        for (int i = 0; i < reps; i++) {
          System.arraycopy(a, 0, buf, 0, p * q);
          sink += k.rankSvd(buf, p, q, 1e-14);
        }
        double tSvd = (cpu() - t0) / reps;
        t0 = cpu();
        for (int i = 0; i < reps; i++) {
          System.arraycopy(a, 0, buf, 0, p * q);
          sink += k.rankQr(buf, p, q, 1e-14);
        }
        double tQr = (cpu() - t0) / reps;
        bSdd = Math.min(bSdd, tSdd);
        bQp3 = Math.min(bQp3, tQp3);
        bSvd = Math.min(bSvd, tSvd);
        bQr = Math.min(bQr, tQr);
      }
      System.out.printf(Locale.ROOT,
          "%dx%d (best of 6, CPU): LAPACK dgesdd(N) %.1f us, dgeqp3 %.1f us;"
              + " ours svd %.1f us, pivoted qr %.1f us%n",
          p, q, bSdd * 1e6, bQp3 * 1e6, bSvd * 1e6, bQr * 1e6);
    }
  }
}
