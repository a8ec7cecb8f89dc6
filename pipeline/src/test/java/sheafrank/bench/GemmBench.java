package sheafrank.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import sheafrank.linalg.Gemm;
import sheafrank.util.Rng;

/**
 * GFLOP/s of {@link Gemm} on the products of training the MNIST net 784-2000-1000-500-100-10 at
 * batch 64 (activations stored feature-major, n_l x 64), against netlib's BLAS (native OpenBLAS
 * when installed) and netlib's pure-Java BLAS in the same minutes; not a test. Each round runs
 * every implementation once per shape (interleaved, so drift hits all alike); prints thread-CPU
 * GFLOP/s per round and the median and best over rounds.
 *
 * <pre>
 *   forward   Z  = W dA      NN  m = n_out, n = 64,   k = n_in
 *   backward  dA = W^T dZ    TN  m = n_in,  n = 64,   k = n_out
 *   gradient  dW = dZ A^T    NT  m = n_out, n = n_in, k = 64
 * </pre>
 *
 * Args: rounds (7), seconds per measurement (0.4), "scalar" to include the scalar fallback.
 */
public final class GemmBench {
  record Shape(String name, boolean ta, boolean tb, int m, int n, int k) {}

  interface Impl {
    void run(Shape s, double[] a, double[] b, double[] c);
  }

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    double secs = args.length > 1 ? Double.parseDouble(args[1]) : 0.4;
    boolean withScalar = Arrays.asList(args).contains("scalar");
    int[] w = {784, 2000, 1000, 500, 100, 10};
    int batch = 64;
    List<Shape> shapes = new ArrayList<>();
    for (int l = 0; l + 1 < w.length; l++) {
      shapes.add(new Shape("fwd " + w[l] + "->" + w[l + 1], false, false, w[l + 1], batch, w[l]));
    }
    for (int l = 1; l + 1 < w.length; l++) {
      shapes.add(new Shape("bwd " + w[l + 1] + "->" + w[l], true, false, w[l], batch, w[l + 1]));
    }
    for (int l = 0; l + 1 < w.length; l++) {
      shapes.add(new Shape("dW  " + w[l + 1] + "x" + w[l], false, true, w[l + 1], w[l], batch));
    }
    BLAS nat = BLAS.getInstance();
    BLAS jav = JavaBLAS.getInstance();
    List<String> names = new ArrayList<>(List.of("Gemm", "BLAS " + nat.getClass().getSimpleName(),
        "JavaBLAS"));
    List<Impl> impls = new ArrayList<>(List.of(
        (s, a, b, c) -> Gemm.multiply(s.ta, s.tb, s.m, s.n, s.k, a, 0, s.ta ? s.m : s.k, b, 0,
            s.tb ? s.k : s.n, false, c, 0, s.n),
        (s, a, b, c) -> blas(nat, s, a, b, c),
        (s, a, b, c) -> blas(jav, s, a, b, c)));
    if (withScalar) {
      names.add("Gemm scalar");
      impls.add((s, a, b, c) -> Gemm.scalarMultiply(s.ta, s.tb, s.m, s.n, s.k, a, 0,
          s.ta ? s.m : s.k, b, 0, s.tb ? s.k : s.n, false, c, 0, s.n));
    }
    System.out.println("Gemm vectorised: " + Gemm.vectorised() + "; native BLAS: "
        + nat.getClass().getName());
    SplittableRandom r = Rng.stream(1, 2);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[][][] gf = new double[shapes.size()][impls.size()][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int si = 0; si < shapes.size(); si++) {
        Shape s = shapes.get(si);
        double[] a = new double[s.m * s.k];
        double[] b = new double[s.k * s.n];
        double[] c = new double[s.m * s.n];
        Rng.uniform(r, -1, 1, a);
        Rng.uniform(r, -1, 1, b);
        double flop = 2.0 * s.m * s.n * s.k;
        for (int ii = 0; ii < impls.size(); ii++) {
          Impl im = impls.get(ii);
          im.run(s, a, b, c);
          int iters = 0;
          long c0 = mx.getCurrentThreadCpuTime();
          long c1;
          do {
            im.run(s, a, b, c);
            iters++;
            c1 = mx.getCurrentThreadCpuTime();
          } while (c1 - c0 < secs * 1e9);
          gf[si][ii][round] = flop * iters / (c1 - c0);
        }
      }
      System.out.printf("round %d done%n", round + 1);
    }
    System.out.printf("%-16s", "shape (m n k)");
    for (String n : names) {
      System.out.printf(" | %-22s", n + " med/best");
    }
    System.out.println();
    double[][] tot = new double[impls.size()][2];
    for (int si = 0; si < shapes.size(); si++) {
      Shape s = shapes.get(si);
      System.out.printf("%-16s", s.name);
      for (int ii = 0; ii < impls.size(); ii++) {
        double[] v = gf[si][ii].clone();
        Arrays.sort(v);
        System.out.printf(" | %9.1f %9.1f   ", v[rounds / 2], v[rounds - 1]);
        double flop = 2.0 * s.m * s.n * s.k;
        tot[ii][0] += flop;
        tot[ii][1] += flop / v[rounds / 2];
      }
      System.out.printf("  (%d %d %d%s%s)%n", s.m, s.n, s.k, s.ta ? " TA" : "", s.tb ? " TB" : "");
    }
    System.out.printf("%-16s", "all (median)");
    for (int ii = 0; ii < impls.size(); ii++) {
      System.out.printf(" | %9.1f %9s   ", tot[ii][0] / tot[ii][1], "");
    }
    System.out.println("\n(thread-CPU GFLOP/s)");
  }

  /** Row-major C = op(A) op(B) as column-major C^T = op(B)^T op(A)^T. */
  private static void blas(BLAS blas, Shape s, double[] a, double[] b, double[] c) {
    blas.dgemm(s.tb ? "T" : "N", s.ta ? "T" : "N", s.n, s.m, s.k, 1.0, b, s.tb ? s.k : s.n, a,
        s.ta ? s.m : s.k, 0.0, c, s.n);
  }
}
