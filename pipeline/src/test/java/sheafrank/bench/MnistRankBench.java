package sheafrank.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sheafrank.io.MlpSafeTensors;
import sheafrank.io.SafeTensors;
import sheafrank.linalg.NumericalRank;
import sheafrank.net.Mlp;
import sheafrank.rank.DeepRankEvaluator;
import sheafrank.rank.DeepRankInputs;
import sheafrank.rank.DeepRankNetwork;
import sheafrank.rank.RankEvaluator;
import sheafrank.rank.RankMethod;

/**
 * Single-thread CPU time of {@link DeepRankEvaluator} on the MNIST classifier's widths
 * 784-2000-1000-500-100-10 (four ReLU layers plus the output map), per point, per layer and per
 * kernel, for random networks (He normal with small biases, or PyTorch's default init) on inputs
 * uniform in [0,1]^784 and on synthetic sparse digits; the old {@link RankEvaluator} on a few
 * points as the peer. Not a unit test. Run (after {@code mvn -q test-compile -pl pipeline}):
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp pipeline/target/classes:pipeline/target/test-classes:DEPS \
 *   sheafrank.bench.MnistRankBench [points=200] [peer=3] [export DIR]
 * </pre>
 *
 * With {@code export DIR}, each case's network, points and results are written to
 * {@code DIR/CASE.safetensors} for {@code pipeline/src/test/python/rank_crosscheck.py}.
 */
public final class MnistRankBench {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  static double cpu() {
    return MX.getCurrentThreadCpuTime() * 1e-9;
  }

  public static void main(String[] args) throws Exception {
    int points = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int peer = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path export = args.length > 3 && args[2].equals("export") ? Path.of(args[3]) : null;
    System.out.println("vector API in use: " + sheafrank.linalg.BatchReductions.vectorised());
    for (String init : new String[] {"he", "torch"}) {
      Mlp net = init.equals("he")
          ? DeepRankInputs.heWithBias(DeepRankInputs.MNIST, 1)
          : DeepRankInputs.torchDefault(DeepRankInputs.MNIST, 1);
      double t0 = cpu();
      DeepRankNetwork dn = DeepRankNetwork.classifier(net);
      double prep = cpu() - t0;
      for (String inputs : new String[] {"uniform", "digits", "fashion"}) {
        double[] x = switch (inputs) {
          case "uniform" -> DeepRankInputs.uniform(points, 784, 2);
          case "digits" -> DeepRankInputs.digitLike(points, 2);
          default -> fashion(points);
        };
        if (x != null) {
          run(init + "-" + inputs, net, dn, prep, x, points, peer, export);
        }
      }
    }
    if (export != null) {
      nearTolerance(export);
    }
  }

  /** Debian's dataset-fashion-mnist test images (real 28 x 28 images, many exact zeros), if there. */
  static double[] fashion(int points) throws java.io.IOException {
    Path f = Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
    if (!Files.exists(f)) {
      System.out.println("(no " + f + ": real images skipped)");
      return null;
    }
    try (java.io.DataInputStream in = new java.io.DataInputStream(
        new java.util.zip.GZIPInputStream(Files.newInputStream(f)))) {
      if (in.readInt() != 2051) {
        throw new java.io.IOException(f + ": not an IDX image file");
      }
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (rows * cols != 784 || n < points) {
        throw new java.io.IOException(f + ": unexpected shape " + n + "x" + rows + "x" + cols);
      }
      double[] x = new double[points * 784];
      for (int i = 0; i < x.length; i++) {
        x[i] = in.readUnsignedByte() / 255.0;
      }
      return x;
    }
  }

  /**
   * A net built to have singular values near NumPy's threshold: layer 1 of 50-120 has rows
   * 60..119 equal to rows 0..59 (exact duplicates), and row i of layer 2 (60 x 120, i &lt; 12) is
   * scaled by 10^-(6 + i) (so at 10^-13 .. 10^-17 it sits at or below the relative tolerance
   * 120 eps = 2.7e-14). Its points and the engine's results are exported for the NumPy check.
   */
  static void nearTolerance(Path export) throws Exception {
    int[] widths = {50, 120, 60, 30, 5};
    Mlp net = DeepRankInputs.heWithBias(widths, 3);
    double[] w1 = net.weights(0);
    System.arraycopy(w1, 0, w1, 60 * 50, 60 * 50);
    System.arraycopy(net.bias(0), 0, net.bias(0), 60, 60);
    double[] w2 = net.weights(1);
    for (int i = 0; i < 12; i++) {
      double f = Math.pow(10, -(6 + i));
      for (int j = 0; j < 120; j++) {
        w2[i * 120 + j] *= f;
      }
      net.bias(1)[i] = 1.0; // on at every point
    }
    DeepRankNetwork dn = DeepRankNetwork.classifier(net);
    int points = 300;
    double[] x = DeepRankInputs.uniform(points, 50, 4);
    for (int i = 0; i < x.length; i++) {
      x[i] = 2 * x[i] - 1;
    }
    run("near-tolerance", net, dn, 0, x, points, 0, export);
  }

  static void run(String name, Mlp net, DeepRankNetwork dn, double prep, double[] x, int points,
      int peer, Path export) throws Exception {
    // Warm-up on other points (JIT), then a fresh timed evaluator.
    double[] warm = DeepRankInputs.uniform(32, dn.inputDim(), 99);
    new DeepRankEvaluator(dn).evaluate(warm, 0, 32, new DeepRankEvaluator.Batch(dn, 32));
    DeepRankEvaluator e = new DeepRankEvaluator(dn, true);
    DeepRankEvaluator.Batch out = new DeepRankEvaluator.Batch(dn, points);
    double w0 = System.nanoTime() * 1e-9;
    double t0 = cpu();
    e.evaluate(x, 0, points, out);
    double t = cpu() - t0;
    double wall = System.nanoTime() * 1e-9 - w0;
    int layers = dn.rankLayers();
    System.out.printf(Locale.ROOT,
        "%n== %s: %d points, %.4f CPU-s/point (wall %.4f s/point; prepare once %.2f CPU-s)%n",
        name, points, t / points, wall / points, prep);
    DeepRankEvaluator.Profile pr = e.profile();
    for (int l = 0; l < layers; l++) {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "layer %d%s:", l + 1,
          l == layers - 1 ? " (output map)" : ""));
      double sum = 0;
      for (int k = 0; k < DeepRankEvaluator.Profile.KERNELS.length; k++) {
        double ms = pr.nanos[l][k] * 1e-6 / points;
        sum += ms;
        sb.append(String.format(Locale.ROOT, " %s %.2f", DeepRankEvaluator.Profile.KERNELS[k], ms));
      }
      long lo = Long.MAX_VALUE;
      long hi = Long.MIN_VALUE;
      double mean = 0;
      double size = 0;
      int ok = 0;
      for (int p = 0; p < points; p++) {
        int r = out.rank(p, l);
        if (r >= 0) {
          lo = Math.min(lo, r);
          hi = Math.max(hi, r);
          mean += r;
          size += out.size(p, l);
          ok++;
        }
      }
      sb.append(String.format(Locale.ROOT,
          " | total %.2f ms/point | rank mean %.1f [%d, %d], size mean %.1f | routes: cheap %d,"
              + " whole Gram %d, rebuilt %d, svd %d, zero %d",
          sum, mean / ok, lo, hi, size / ok, pr.fast[l], pr.full[l], pr.rebuilt[l],
          pr.factorised[l], pr.zero[l]));
      System.out.println(sb);
    }
    if (peer > 0) {
      RankEvaluator old = new RankEvaluator(net, dn.reluLayers(), RankMethod.SVD, true,
          NumericalRank.Backend.JAVA);
      RankEvaluator.Result warmOld = old.evaluate(java.util.Arrays.copyOf(x, 784));
      double p0 = cpu();
      int agree = 0;
      for (int p = 0; p < peer; p++) {
        RankEvaluator.Result r =
            old.evaluate(java.util.Arrays.copyOfRange(x, p * 784, (p + 1) * 784));
        boolean same = true;
        for (int l = 0; l < dn.reluLayers(); l++) {
          same &= r.ranks()[l] == out.rank(p, l) && r.sizes()[l] == out.size(p, l);
        }
        agree += same ? 1 : 0;
      }
      System.out.printf(Locale.ROOT,
          "peer RankEvaluator (SVD, certified, AUTO backend, hidden layers only): %.3f CPU-s/point"
              + " on %d points; same ranks and sizes on %d of them (%s)%n",
          (cpu() - p0) / peer, peer, agree, warmOld.ranks().length > 0 ? "warm" : "");
    }
    if (export != null) {
      Files.createDirectories(export);
      List<SafeTensors.Tensor> ts = new ArrayList<>(MlpSafeTensors.toTensors(net, SafeTensors.DType.F64));
      ts.add(new SafeTensors.Tensor("points", SafeTensors.DType.F64,
          new long[] {points, dn.inputDim()}, x));
      double[] ranks = new double[points * layers];
      double[] sizes = new double[points * layers];
      for (int p = 0; p < points; p++) {
        for (int l = 0; l < layers; l++) {
          ranks[p * layers + l] = out.rank(p, l);
          sizes[p * layers + l] = out.size(p, l);
        }
      }
      ts.add(new SafeTensors.Tensor("ranks", SafeTensors.DType.F64, new long[] {points, layers}, ranks));
      ts.add(new SafeTensors.Tensor("sizes", SafeTensors.DType.F64, new long[] {points, layers}, sizes));
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("relu_layers", Integer.toString(dn.reluLayers()));
      meta.put("output_map", Boolean.toString(dn.hasOutputLayer()));
      Files.write(export.resolve(name + ".safetensors"), SafeTensors.write(ts, meta));
      System.out.println("wrote " + export.resolve(name + ".safetensors"));
    }
  }
}
