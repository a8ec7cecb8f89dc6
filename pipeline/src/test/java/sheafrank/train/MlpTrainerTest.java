package sheafrank.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.util.Rng;

/** The mathematics of {@link MlpTrainer}: losses, gradients, optimisers, shuffling, determinism. */
class MlpTrainerTest {

  /** Random data for a task: x ~ N(0,1); one-hot, {0,1} or N(0,1) targets. */
  static Samples randomData(TaskKind kind, int n, int in, int out, long seed) {
    SplittableRandom r = Rng.stream(seed, 3);
    double[] x = new double[n * in];
    Rng.gaussian(r, 0, 1, x);
    double[] y = new double[n * out];
    for (int s = 0; s < n; s++) {
      switch (kind) {
        case MULTICLASS -> y[s * out + r.nextInt(out)] = 1;
        case BINARY -> {
          for (int k = 0; k < out; k++) {
            y[s * out + k] = r.nextInt(2);
          }
        }
        case REGRESSION -> {
          for (int k = 0; k < out; k++) {
            y[s * out + k] = r.nextGaussian();
          }
        }
      }
    }
    return new Samples(x, y, n, in, out);
  }

  /** The batch-mean loss of the samples in {@code order} under weights w, b. */
  private static double meanLoss(BatchNet bn, TaskKind kind, double[][] w, double[][] b,
      Samples d, int[] order, int m) {
    bn.gather(d.x(), order, 0, order.length);
    bn.forward(w, b, order.length);
    double div = kind == TaskKind.MULTICLASS ? order.length : (double) order.length * m;
    return bn.loss(kind, d.y(), order, 0, order.length, false) / div;
  }

  /** The per-sample loss of the definitions, from Mlp's own forward pass. */
  private static double sampleLoss(TaskKind kind, double[] z, double[] y) {
    double l = 0;
    switch (kind) {
      case MULTICLASS -> {
        double se = 0;
        for (double v : z) {
          se += Math.exp(v);
        }
        for (int k = 0; k < z.length; k++) {
          l += -y[k] * Math.log(Math.exp(z[k]) / se);
        }
      }
      case BINARY -> {
        for (int k = 0; k < z.length; k++) {
          double p = 1 / (1 + Math.exp(-z[k]));
          l += -(y[k] * Math.log(p) + (1 - y[k]) * Math.log(1 - p));
        }
      }
      case REGRESSION -> {
        for (int k = 0; k < z.length; k++) {
          l += (z[k] - y[k]) * (z[k] - y[k]);
        }
      }
    }
    return l;
  }

  @Test
  void lossesHaveTheirTextbookValues() {
    BatchNet bn = new BatchNet(new int[] {1, 3}, 1);
    double[] z = {1, 2, 3};
    for (int k = 0; k < 3; k++) {
      bn.logits()[k] = z[k];
    }
    // -log softmax(z)_0 = log(e + e^2 + e^3) - 1
    double ce = Math.log(Math.E + Math.exp(2) + Math.exp(3)) - 1;
    assertEquals(ce, bn.loss(TaskKind.MULTICLASS, new double[] {1, 0, 0}, null, 0, 1, false),
        1e-15);
    // sum_k -[y log p + (1-y) log(1-p)] with p = sigmoid(z): y = (1, 0, 1)
    double bce = Math.log1p(Math.exp(-1)) + Math.log1p(Math.exp(2)) + Math.log1p(Math.exp(-3));
    assertEquals(bce, bn.loss(TaskKind.BINARY, new double[] {1, 0, 1}, null, 0, 1, false), 1e-15);
    // squared errors, no 1/2: (1-0)^2 + (2-4)^2 + (3-3.5)^2
    assertEquals(5.25, bn.loss(TaskKind.REGRESSION, new double[] {0, 4, 3.5}, null, 0, 1, false),
        0);
    // stable for huge logits: no overflow, the exact limits
    bn.logits()[0] = 1000;
    bn.logits()[1] = -1000;
    bn.logits()[2] = 0;
    assertEquals(2000, bn.loss(TaskKind.MULTICLASS, new double[] {0, 1, 0}, null, 0, 1, false),
        1e-12);
    assertEquals(1000 + Math.log(2),
        bn.loss(TaskKind.BINARY, new double[] {0, 0, 1}, null, 0, 1, false), 1e-12);
  }

  /**
   * Logits and losses of the batch kernels equal Mlp's own forward pass and the textbook losses,
   * for samples at every position of a block whose size is not a multiple of the kernel tiles.
   */
  @Test
  void forwardAndLossMatchMlpForward() {
    int[] widths = {30, 41, 17, 6};
    for (TaskKind kind : TaskKind.values()) {
      Samples d = randomData(kind, 37, 30, 6, 5);
      Mlp net = MlpInit.TORCH_DEFAULT.build(widths, OutputActivation.IDENTITY, 8);
      BatchNet bn = new BatchNet(widths, 40);
      double[][] w = new double[3][];
      double[][] b = new double[3][];
      for (int l = 0; l < 3; l++) {
        w[l] = net.weights(l);
        b[l] = net.bias(l);
      }
      bn.gather(d.x(), null, 0, 37);
      bn.forward(w, b, 37);
      double total = bn.loss(kind, d.y(), null, 0, 37, false);
      double want = 0;
      for (int s = 0; s < 37; s++) {
        double[] z = net.forward(Arrays.copyOfRange(d.x(), s * 30, s * 30 + 30))
            .lastPreActivation();
        for (int k = 0; k < 6; k++) {
          assertEquals(z[k], bn.logits()[k * 40 + s], 1e-13 * (1 + Math.abs(z[k])),
              "logit " + k + " of sample " + s);
        }
        want += sampleLoss(kind, z, Arrays.copyOfRange(d.y(), s * 6, s * 6 + 6));
      }
      assertEquals(want, total, 1e-12 * want, kind + " loss");
    }
  }

  /** Central differences of the batch-mean loss against backpropagation, every parameter. */
  @Test
  void gradientsMatchFiniteDifferences() {
    int[] widths = {5, 7, 6, 3};
    int count = 13;
    for (TaskKind kind : TaskKind.values()) {
      Samples d = randomData(kind, 20, 5, 3, 11);
      Mlp net = MlpInit.TORCH_DEFAULT.build(widths, OutputActivation.IDENTITY, 12);
      double[][] w = new double[3][];
      double[][] b = new double[3][];
      double[][] gW = new double[3][];
      double[][] gB = new double[3][];
      for (int l = 0; l < 3; l++) {
        w[l] = net.weights(l).clone();
        b[l] = net.bias(l).clone();
        // larger biases keep the ReLU kinks away from the samples
        for (int i = 0; i < b[l].length; i++) {
          b[l][i] += 0.3;
        }
        gW[l] = new double[w[l].length];
        gB[l] = new double[b[l].length];
      }
      int[] order = new int[count];
      for (int s = 0; s < count; s++) {
        order[s] = (7 * s + 3) % 20;
      }
      BatchNet bn = new BatchNet(widths, 16);
      bn.gather(d.x(), order, 0, count);
      bn.forward(w, b, count);
      bn.loss(kind, d.y(), order, 0, count, true);
      bn.backward(w, count, gW, gB);
      double h = 1e-6;
      for (int l = 0; l < 3; l++) {
        for (double[][] pg : new double[][][] {{w[l], gW[l]}, {b[l], gB[l]}}) {
          double[] p = pg[0];
          for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + h;
            double up = meanLoss(bn, kind, w, b, d, order, 3);
            p[i] = keep - h;
            double down = meanLoss(bn, kind, w, b, d, order, 3);
            p[i] = keep;
            double fd = (up - down) / (2 * h);
            assertEquals(fd, pg[1][i], 1e-7 * (1 + Math.abs(fd)),
                kind + " layer " + (l + 1) + (p == w[l] ? " weight " : " bias ") + i);
          }
        }
      }
    }
  }

  @Test
  void adamStepIsPyTorchsFormula() {
    SplittableRandom r = new SplittableRandom(4);
    Optimizer.Adam adam = new Optimizer.Adam(0.01, 0.8, 0.99, 1e-3);
    int len = 9;
    double[] p = new double[len];
    double[] m = new double[len];
    double[] v = new double[len];
    double[] pRef = new double[len];
    double[] mRef = new double[len];
    double[] vRef = new double[len];
    for (int j = 0; j < len; j++) {
      p[j] = r.nextGaussian();
      pRef[j] = p[j];
    }
    for (int t = 1; t <= 6; t++) {
      double[] g = new double[len];
      for (int j = 0; j < len; j++) {
        g[j] = r.nextGaussian() * (j == 0 ? 1e-6 : 1);
      }
      adam.step(p, g, m, v, t);
      // Kingma and Ba's bias-corrected moments; PyTorch adds eps to sqrt(v_hat)
      for (int j = 0; j < len; j++) {
        mRef[j] = 0.8 * mRef[j] + 0.2 * g[j];
        vRef[j] = 0.99 * vRef[j] + 0.01 * g[j] * g[j];
        double mHat = mRef[j] / (1 - Math.pow(0.8, t));
        double vHat = vRef[j] / (1 - Math.pow(0.99, t));
        pRef[j] -= 0.01 * mHat / (Math.sqrt(vHat) + 1e-3);
        assertEquals(pRef[j], p[j], 1e-15 * (1 + Math.abs(pRef[j])), "t=" + t + " j=" + j);
        assertEquals(mRef[j], m[j], 1e-14 * Math.abs(mRef[j]));
        assertEquals(vRef[j], v[j], 1e-14 * vRef[j]);
      }
    }
    // step 1 moves every parameter by lr g / (|g| + eps), about lr in the direction of -g
    double[] q = {1.0};
    new Optimizer.Adam(1e-3, 0.9, 0.999, 1e-8).step(q, new double[] {-2.0}, new double[1],
        new double[1], 1);
    assertEquals(1.0 + 1e-3 * 2 / (2 + 1e-8), q[0], 1e-16);
  }

  /** Full-batch runs, so each epoch is one update whose gradient the test computes itself. */
  private static double[][][] fullBatchGradient(int[] widths, TaskKind kind, Samples d,
      double[][] w, double[][] b, long seed, int epoch) {
    int depth = widths.length - 1;
    double[][] gW = new double[depth][];
    double[][] gB = new double[depth][];
    for (int l = 0; l < depth; l++) {
      gW[l] = new double[w[l].length];
      gB[l] = new double[b[l].length];
    }
    BatchNet bn = new BatchNet(widths, d.n());
    int[] order = MlpTrainer.permutation(seed, epoch, d.n());
    bn.gather(d.x(), order, 0, d.n());
    bn.forward(w, b, d.n());
    bn.loss(kind, d.y(), order, 0, d.n(), true);
    bn.backward(w, d.n(), gW, gB);
    return new double[][][] {gW, gB};
  }

  @Test
  void trainerAppliesAdamAndSgdToEveryLayer() {
    int[] widths = {4, 9, 5, 2};
    TaskKind kind = TaskKind.BINARY;
    Samples d = randomData(kind, 23, 4, 2, 21);
    Mlp init = MlpInit.TORCH_DEFAULT.build(widths, OutputActivation.SIGMOID, 3);
    // SGD: p - lr g exactly, three epochs of one update each
    MlpTrainConfig sgd = MlpTrainConfig.builder(widths, kind).optimizer(Optimizer.sgd(0.05))
        .batchSize(64).epochs(3).seed(9).build();
    Mlp got = new MlpTrainer(sgd, init, d, null).run(null).network();
    double[][] w = new double[3][];
    double[][] b = new double[3][];
    for (int l = 0; l < 3; l++) {
      w[l] = init.weights(l).clone();
      b[l] = init.bias(l).clone();
    }
    for (int e = 1; e <= 3; e++) {
      double[][][] g = fullBatchGradient(widths, kind, d, w, b, 9, e);
      for (int l = 0; l < 3; l++) {
        for (int i = 0; i < w[l].length; i++) {
          w[l][i] -= 0.05 * g[0][l][i];
        }
        for (int i = 0; i < b[l].length; i++) {
          b[l][i] -= 0.05 * g[1][l][i];
        }
      }
    }
    for (int l = 0; l < 3; l++) {
      assertArrayEquals(w[l], got.weights(l), 0.0);
      assertArrayEquals(b[l], got.bias(l), 0.0);
    }
    // Adam with PyTorch defaults, four updates, against the textbook formula
    MlpTrainConfig adam = MlpTrainConfig.builder(widths, kind).batchSize(100).epochs(4).seed(9)
        .build();
    got = new MlpTrainer(adam, init, d, null).run(null).network();
    double[][][] mom = new double[2][3][];
    double[][][] vel = new double[2][3][];
    for (int l = 0; l < 3; l++) {
      w[l] = init.weights(l).clone();
      b[l] = init.bias(l).clone();
      mom[0][l] = new double[w[l].length];
      vel[0][l] = new double[w[l].length];
      mom[1][l] = new double[b[l].length];
      vel[1][l] = new double[b[l].length];
    }
    for (int t = 1; t <= 4; t++) {
      double[][][] g = fullBatchGradient(widths, kind, d, w, b, 9, t);
      for (int l = 0; l < 3; l++) {
        double[][] params = {w[l], b[l]};
        for (int q = 0; q < 2; q++) {
          for (int i = 0; i < params[q].length; i++) {
            double gi = g[q][l][i];
            mom[q][l][i] = 0.9 * mom[q][l][i] + 0.1 * gi;
            vel[q][l][i] = 0.999 * vel[q][l][i] + 0.001 * gi * gi;
            double mHat = mom[q][l][i] / (1 - Math.pow(0.9, t));
            double vHat = vel[q][l][i] / (1 - Math.pow(0.999, t));
            params[q][i] -= 1e-3 * mHat / (Math.sqrt(vHat) + 1e-8);
          }
        }
      }
    }
    for (int l = 0; l < 3; l++) {
      assertArrayEquals(w[l], got.weights(l), 1e-14);
      assertArrayEquals(b[l], got.bias(l), 1e-14);
    }
  }

  @Test
  void shuffleIsAPermutationOfSeedAndEpochOnly() {
    int[] p = MlpTrainer.permutation(42, 3, 1000);
    int[] sorted = p.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, sorted[i]);
    }
    MlpTrainer.permutation(1, 1, 50); // other draws in between change nothing
    assertArrayEquals(p, MlpTrainer.permutation(42, 3, 1000));
    assertNotEquals(Arrays.toString(p), Arrays.toString(MlpTrainer.permutation(42, 4, 1000)));
    assertNotEquals(Arrays.toString(p), Arrays.toString(MlpTrainer.permutation(43, 3, 1000)));
    // not the identity, and every position moves with probability about 1 - 1/n
    int fixed = 0;
    for (int i = 0; i < 1000; i++) {
      fixed += p[i] == i ? 1 : 0;
    }
    assertTrue(fixed < 10, "fixed points " + fixed);
  }

  private static List<Long> bits(MlpTrainResult res) {
    List<Long> out = new ArrayList<>();
    Mlp net = res.network();
    for (int l = 0; l < net.depth(); l++) {
      for (double v : net.weights(l)) {
        out.add(Double.doubleToRawLongBits(v));
      }
      for (double v : net.bias(l)) {
        out.add(Double.doubleToRawLongBits(v));
      }
    }
    for (MlpTrainListener.EpochMetrics m : res.history()) {
      out.add(Double.doubleToRawLongBits(m.trainLoss()));
      out.add(Double.doubleToRawLongBits(m.testLoss()));
      out.add(Double.doubleToRawLongBits(m.meanBatchLoss()));
    }
    return out;
  }

  @Test
  void sameSeedSameBitsAndEvaluationIndependentOfBlockSize() {
    int[] widths = {6, 20, 11, 3};
    Samples train = randomData(TaskKind.MULTICLASS, 150, 6, 3, 1);
    Samples test = randomData(TaskKind.MULTICLASS, 41, 6, 3, 2);
    MlpTrainConfig.Builder cfg = MlpTrainConfig.builder(widths, TaskKind.MULTICLASS)
        .batchSize(16).epochs(3).seed(77);
    List<Long> first = bits(new MlpTrainer(cfg.build(), train, test).run(null));
    assertEquals(first, bits(new MlpTrainer(cfg.build(), train, test).run(null)));
    // blocks of 1, 7 or 256 samples: identical metrics, to the bit
    assertEquals(first, bits(new MlpTrainer(cfg.evalBlock(1).build(), train, test).run(null)));
    assertEquals(first, bits(new MlpTrainer(cfg.evalBlock(7).build(), train, test).run(null)));
    // another seed: another network
    assertNotEquals(first, bits(new MlpTrainer(cfg.seed(78).build(), train, test).run(null)));
  }

  @Test
  void checkpointsBeforeTrainingAndAfterEveryEpoch() {
    int[] widths = {3, 8, 2};
    Samples train = randomData(TaskKind.BINARY, 50, 3, 2, 4);
    Samples test = randomData(TaskKind.BINARY, 20, 3, 2, 5);
    List<MlpTrainListener.Checkpoint> seen = new ArrayList<>();
    MlpTrainConfig cfg = MlpTrainConfig.builder(widths, TaskKind.BINARY).batchSize(8).epochs(3)
        .seed(1).build();
    MlpTrainer t = new MlpTrainer(cfg, train, test);
    MlpTrainResult res = t.run(seen::add);
    assertEquals(4, seen.size());
    assertEquals(res.history(), seen.stream().map(MlpTrainListener.Checkpoint::metrics).toList());
    for (int e = 0; e <= 3; e++) {
      MlpTrainListener.Checkpoint c = seen.get(e);
      assertEquals(e, c.epoch());
      assertEquals(7L * e, c.steps()); // 50 samples in batches of 8: 6 full, 1 of 2
      assertEquals(OutputActivation.SIGMOID, c.network().output());
      // the checkpoint's metrics are those of its network
      MlpTrainer probe = new MlpTrainer(cfg, c.network(), train, test);
      assertEquals(probe.evaluate(test), new Metrics.Eval(c.metrics().testLoss(),
          c.metrics().testAccuracy()));
    }
    assertTrue(Double.isNaN(seen.get(0).metrics().meanBatchLoss()));
    // snapshots are copies: the first one still holds the initial weights
    assertArrayEquals(MlpInit.TORCH_DEFAULT.build(widths, OutputActivation.SIGMOID, 1).weights(0),
        seen.get(0).network().weights(0), 0.0);
    assertEquals(MlpTrainResult.Status.COMPLETED, res.status());
    assertArrayEquals(res.network().weights(1), t.network().weights(1), 0.0);
  }

  @Test
  void learnsSimpleProblems() {
    SplittableRandom r = new SplittableRandom(3);
    // two classes separated by the line x1 + 2 x2 = 0.3
    int n = 400;
    double[] x = new double[2 * n];
    double[] y = new double[n];
    Rng.uniform(r, -1, 1, x);
    for (int s = 0; s < n; s++) {
      y[s] = x[2 * s] + 2 * x[2 * s + 1] > 0.3 ? 1 : 0;
    }
    Samples sep = new Samples(x, y, n, 2, 1);
    MlpTrainResult bin = new MlpTrainer(MlpTrainConfig.builder(new int[] {2, 16, 1},
        TaskKind.BINARY).optimizer(new Optimizer.Adam(0.01, 0.9, 0.999, 1e-8)).batchSize(32)
        .epochs(40).seed(2).build(), sep, null).run(null);
    MlpTrainListener.EpochMetrics last = bin.history().get(40);
    assertTrue(last.trainAccuracy() >= 0.98, "accuracy " + last.trainAccuracy());
    assertTrue(last.trainLoss() < 0.1, "BCE " + last.trainLoss());
    // regression y = x1^2 + x2^2 on [-1,1]^2 (variance 8/45 = 0.178)
    double[] t = new double[n];
    for (int s = 0; s < n; s++) {
      t[s] = x[2 * s] * x[2 * s] + x[2 * s + 1] * x[2 * s + 1];
    }
    Samples para = new Samples(x, t, n, 2, 1);
    MlpTrainResult reg = new MlpTrainer(MlpTrainConfig.builder(new int[] {2, 32, 32, 1},
        TaskKind.REGRESSION).optimizer(new Optimizer.Adam(0.01, 0.9, 0.999, 1e-8)).batchSize(32)
        .epochs(60).seed(2).init(MlpInit.HE_NORMAL).build(), para, null).run(null);
    double mse = reg.history().get(60).trainLoss();
    assertTrue(mse < 0.005, "MSE " + mse + " (variance of y 0.178)");
    assertTrue(reg.history().get(0).trainLoss() > 20 * mse);
    // three classes: the sign pattern of (x1, x2) with x1 < 0 merged into one class
    double[] oneHot = new double[3 * n];
    for (int s = 0; s < n; s++) {
      int c = x[2 * s] < 0 ? 0 : x[2 * s + 1] < 0 ? 1 : 2;
      oneHot[3 * s + c] = 1;
    }
    Samples three = new Samples(x, oneHot, n, 2, 3);
    MlpTrainResult mc = new MlpTrainer(MlpTrainConfig.builder(new int[] {2, 24, 3},
        TaskKind.MULTICLASS).optimizer(new Optimizer.Adam(0.01, 0.9, 0.999, 1e-8)).batchSize(32)
        .epochs(40).seed(2).build(), three, null).run(null);
    assertTrue(mc.history().get(40).trainAccuracy() >= 0.97,
        "accuracy " + mc.history().get(40).trainAccuracy());
  }

  @Test
  void nonFiniteLossStopsWithAStatus() {
    int[] widths = {2, 8, 1};
    Samples d = randomData(TaskKind.REGRESSION, 64, 2, 1, 8);
    MlpTrainConfig cfg = MlpTrainConfig.builder(widths, TaskKind.REGRESSION)
        .optimizer(Optimizer.sgd(1e4)).batchSize(8).epochs(50).seed(1).build();
    MlpTrainResult res = new MlpTrainer(cfg, d, null).run(null);
    assertEquals(MlpTrainResult.Status.NON_FINITE, res.status());
    assertTrue(res.message().startsWith("non-finite"), res.message());
    assertTrue(res.epochs() < 50);
    assertEquals(res.epochs() + 1, res.history().size());
    for (int l = 0; l < 2; l++) {
      for (double v : res.network().weights(l)) {
        assertTrue(Double.isFinite(v));
      }
    }
  }

  /**
   * The stepwise form gives the checkpoints and the result of run(), bit for bit, for a completed
   * and for a non-finite run, and refuses calls out of order.
   */
  @Test
  void stepwiseTrainingIsRun() {
    int[] widths = {3, 9, 2};
    Samples train = randomData(TaskKind.MULTICLASS, 70, 3, 2, 11);
    Samples test = randomData(TaskKind.MULTICLASS, 30, 3, 2, 12);
    MlpTrainConfig ok = MlpTrainConfig.builder(widths, TaskKind.MULTICLASS).batchSize(16).epochs(4)
        .seed(5).build();
    Samples reg = randomData(TaskKind.REGRESSION, 64, 2, 1, 8);
    MlpTrainConfig bad = MlpTrainConfig.builder(new int[] {2, 8, 1}, TaskKind.REGRESSION)
        .optimizer(Optimizer.sgd(1e4)).batchSize(8).epochs(50).seed(1).build();
    for (MlpTrainConfig cfg : List.of(ok, bad)) {
      Samples tr = cfg == ok ? train : reg;
      Samples te = cfg == ok ? test : null;
      List<MlpTrainListener.Checkpoint> viaRun = new ArrayList<>();
      MlpTrainResult r1 = new MlpTrainer(cfg, tr, te).run(viaRun::add);
      MlpTrainer t = new MlpTrainer(cfg, tr, te);
      assertThrows(IllegalStateException.class, () -> t.nextEpoch(null));
      List<MlpTrainListener.Checkpoint> steps = new ArrayList<>();
      steps.add(t.start());
      assertThrows(IllegalStateException.class, t::result);
      for (MlpTrainListener.Checkpoint c = t.nextEpoch(null); c != null; c = t.nextEpoch(null)) {
        steps.add(c);
      }
      assertEquals(null, t.nextEpoch(null)); // stays finished
      assertThrows(IllegalStateException.class, t::start);
      MlpTrainResult r2 = t.result();
      assertEquals(r1.status(), r2.status());
      assertEquals(r1.message(), r2.message());
      assertEquals(r1.steps(), r2.steps());
      assertEquals(bits(r1), bits(r2));
      assertEquals(viaRun.size(), steps.size());
      for (int i = 0; i < steps.size(); i++) {
        assertEquals(viaRun.get(i).epoch(), steps.get(i).epoch());
        assertEquals(viaRun.get(i).steps(), steps.get(i).steps());
        assertEquals(viaRun.get(i).metrics().testLoss(), steps.get(i).metrics().testLoss());
        for (int l = 0; l < 2; l++) {
          assertArrayEquals(viaRun.get(i).network().weights(l), steps.get(i).network().weights(l), 0.0);
        }
      }
    }
  }

  @Test
  void initialisationsHaveTheirDistributions() {
    int[] widths = {400, 300, 2};
    Mlp torch = MlpInit.TORCH_DEFAULT.build(widths, OutputActivation.IDENTITY, 5);
    double bound = 1 / Math.sqrt(400);
    double sum = 0;
    double sq = 0;
    for (double v : torch.weights(0)) {
      assertTrue(Math.abs(v) <= bound);
      sum += v;
      sq += v * v;
    }
    int cnt = torch.weights(0).length;
    // U(-c, c): mean 0, variance c^2 / 3 (standard errors ~ 3e-4 c and 2e-3 c^2 / 3 here)
    assertEquals(0, sum / cnt / bound, 3e-3);
    assertEquals(bound * bound / 3, sq / cnt, 0.02 * bound * bound / 3);
    for (double v : torch.bias(0)) {
      assertTrue(Math.abs(v) <= bound && v != 0);
    }
    for (double v : torch.bias(1)) {
      assertTrue(Math.abs(v) <= 1 / Math.sqrt(300));
    }
    Mlp he = MlpInit.HE_NORMAL.build(widths, OutputActivation.IDENTITY, 5);
    sq = 0;
    for (double v : he.weights(0)) {
      sq += v * v;
    }
    assertEquals(2.0 / 400, sq / cnt, 0.02 * 2.0 / 400);
    for (double v : he.bias(0)) {
      assertEquals(0.0, v);
    }
    assertEquals(MlpInit.HE_NORMAL, MlpInit.parse("kaiming"));
    assertEquals(MlpInit.TORCH_DEFAULT, MlpInit.parse("torch_default"));
  }

  @Test
  void badSettingsAreRejected() {
    Samples d = randomData(TaskKind.MULTICLASS, 10, 3, 4, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MlpTrainConfig.builder(new int[] {3, 4}, TaskKind.MULTICLASS).batchSize(0).build());
    assertTrue(e.getMessage().contains("batch size"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MlpTrainConfig.builder(new int[] {3, 1}, TaskKind.MULTICLASS).build());
    assertTrue(e.getMessage().contains("at least 2 outputs"), e.getMessage());
    MlpTrainConfig wrong = MlpTrainConfig.builder(new int[] {5, 4}, TaskKind.MULTICLASS).build();
    e = assertThrows(IllegalArgumentException.class, () -> new MlpTrainer(wrong, d, null));
    assertTrue(e.getMessage().contains("3 inputs"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Optimizer.Adam(1e-3, 1.0, 0.9,
        1e-8));
    assertTrue(e.getMessage().contains("betas"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Optimizer.sgd(-1));
  }
}
