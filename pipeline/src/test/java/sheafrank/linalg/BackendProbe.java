package sheafrank.linalg;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import sheafrank.diagnostics.Spectrum;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.net.WeightInit;
import sheafrank.rank.PointSampler;
import sheafrank.rank.RankEvaluator;
import sheafrank.rank.RankMethod;
import sheafrank.train.Method;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;
import sheafrank.train.TrainResult;
import sheafrank.train.TrainSpec;
import sheafrank.train.Trainer;

/**
 * Prints a SHA-256 fingerprint of every kind of number that reaches a table through the linear
 * algebra: symmetric eigen-decompositions (values and vectors) of random matrices and of restricted
 * Laplacians, numerical ranks of random networks at random points (every layer factorised), and a
 * few steps of each trainer (batch reductions, SIMD or scalar). Run in child JVMs with different
 * LAPACK backends, vector widths and JIT settings by {@link BackendIndependenceTest}: the
 * fingerprints must agree bit for bit.
 */
public final class BackendProbe {
  private BackendProbe() {}

  public static void main(String[] args) throws Exception {
    System.out.println("fingerprint " + fingerprint());
  }

  /** Per part ("eigen", "spectra", "ranks", "training"), the first 16 hex digits of its SHA-256. */
  static String fingerprint() throws Exception {
    StringBuilder out = new StringBuilder();
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    SplittableRandom r = new SplittableRandom(20261205);
    for (int n : new int[] {1, 2, 3, 7, 16, 33, 64, 90}) {
      double[] a = new double[n * n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j <= i; j++) {
          double v = r.nextGaussian();
          a[i * n + j] = v;
          a[j * n + i] = v;
        }
      }
      Dense.SymmetricEigen e = Dense.symmetricEigen(a, n, true);
      put(md, e.values());
      put(md, e.vectors());
    }
    part(out, "eigen", md);
    Mlp net = Mlp.heNormal(new int[] {2, 30, 20, 1}, OutputActivation.IDENTITY, 7);
    for (int s = 0; s < 5; s++) {
      Spectrum.Result sp = Spectrum.at(net, new double[] {r.nextDouble() * 4 - 2, r.nextDouble() * 4 - 2},
          Spectrum.OutputMode.FREE);
      put(md, sp.eigenvalues());
      put(md, sp.fiedler());
    }
    part(out, "spectra", md);
    PointSampler box = new PointSampler.Box(-5, 5);
    int[] ranks = new int[2];
    for (int[] w : new int[][] {{10, 25, 25}, {50, 100, 60}, {100, 100, 100}}) {
      Mlp m = new WeightInit.Kaiming().build(w, 3, 0);
      for (RankMethod method : RankMethod.values()) {
        RankEvaluator ev = new RankEvaluator(m, 2, method, false, NumericalRank.Backend.JAVA);
        RankEvaluator dflt = new RankEvaluator(m, 2, method);
        long[] cw = new long[ev.layout().totalWords()];
        for (int i = 0; i < 20; i++) {
          double[] x = box.sample(3, 0, i, w[0]);
          ev.evaluate(x, ranks, null, cw);
          md.update((byte) ranks[0]);
          md.update((byte) ranks[1]);
          dflt.evaluate(x, ranks, null, cw);
          md.update((byte) ranks[0]);
          md.update((byte) ranks[1]);
        }
      }
    }
    part(out, "ranks", md);
    int n = 37;
    double[] x = new double[2 * n];
    double[] y = new double[n];
    for (int s = 0; s < n; s++) {
      x[2 * s] = r.nextDouble() * 4 - 2;
      x[2 * s + 1] = r.nextDouble() * 4 - 2;
      y[s] = x[2 * s] * x[2 * s] + x[2 * s + 1] * x[2 * s + 1] - 2.0 / 3.0;
    }
    Samples train = new Samples(x, y, n, 2, 1);
    for (Method m : Method.values()) {
      TrainSpec spec = TrainSpec.builder(m, new int[] {2, 12, 9, 1}, 30).seed(5).curveEvery(10).build();
      TrainResult res = Trainer.create(spec, TaskKind.REGRESSION, train, null).run(null);
      for (int l = 0; l < res.network().depth(); l++) {
        put(md, res.network().weights(l));
        put(md, res.network().bias(l));
      }
    }
    part(out, "training", md);
    return out.toString().trim();
  }

  private static void part(StringBuilder out, String name, MessageDigest md) {
    out.append(name).append(':').append(HexFormat.of().formatHex(md.digest(), 0, 8)).append(' ');
  }

  private static void put(MessageDigest md, double[] v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length);
    for (double d : v) {
      b.putLong(Double.doubleToRawLongBits(d));
    }
    md.update(b.array());
  }
}
