package sheafrank.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.sheaf.TestNets;
import sheafrank.util.Rng;

/** The baselines' loss and its backprop gradient (seed 001 §6.2, EXPERIMENTS.md conventions). */
class BackpropTest {

  static Loss lossOf(TaskKind k) {
    return Loss.defaultFor(k);
  }

  /** The batch losses equal a direct per-sample computation from Mlp.forward. */
  @Test
  void lossesAreTheReportedDefinitions() {
    SplittableRandom r = Rng.stream(601, 1);
    for (int trial = 0; trial < 18; trial++) {
      TaskKind kind = TaskKind.values()[trial % 3];
      int[] widths = JointDynamicsTest.widthsFor(r, 1 + trial % 3, 9, lossOf(kind));
      Mlp net = TestNets.random(widths, kind.outputActivation(), 1800 + trial);
      int n = 1 + r.nextInt(12);
      Samples data = JointDynamicsTest.randomData(r, widths, lossOf(kind), n);
      int m = data.outDim();
      double expected = 0;
      for (int s = 0; s < n; s++) {
        double[] p = net.forward(java.util.Arrays.copyOfRange(data.x(), s * widths[0], (s + 1) * widths[0])).output();
        for (int k = 0; k < m; k++) {
          double y = data.y(s, k);
          double pc = Math.min(Math.max(p[k], 1e-12), 1 - 1e-12);
          expected += switch (kind) {
            case REGRESSION -> (p[k] - y) * (p[k] - y) / ((double) n * m);
            case BINARY -> -(y * Math.log(pc) + (1 - y) * Math.log(1 - pc)) / ((double) n * m);
            case MULTICLASS -> -y * Math.log(pc) / n;
          };
        }
      }
      Metrics.Eval e = Metrics.evaluate(net, data, kind);
      assertEquals(expected, e.loss(), 1e-12 * (1 + expected), kind + " trial " + trial);
    }
  }

  /** Backprop's gradient equals central finite differences of the batch loss. */
  @Test
  void gradientIsFiniteDifferenceOfLoss() {
    SplittableRandom r = Rng.stream(602, 1);
    for (int trial = 0; trial < 15; trial++) {
      TaskKind kind = TaskKind.values()[trial % 3];
      int[] widths = JointDynamicsTest.widthsFor(r, 1 + trial % 3, 7, lossOf(kind));
      Mlp net = TestNets.random(widths, kind.outputActivation(), 1900 + trial);
      int n = 2 + r.nextInt(8);
      Samples data = JointDynamicsTest.randomData(r, widths, lossOf(kind), n);
      double[][] x = Metrics.rows(data.x(), n, widths[0]);
      double[][] y = Metrics.rows(data.y(), n, data.outDim());
      Backprop bp = new Backprop(widths, n);
      double[][] w = SheafLossTest.w(net);
      double[][] b = SheafLossTest.b(net);
      double[][] gW = new double[net.depth()][];
      double[][] gB = new double[net.depth()][];
      for (int l = 0; l < net.depth(); l++) {
        gW[l] = new double[w[l].length];
        gB[l] = new double[b[l].length];
      }
      bp.lossAndGradient(w, b, x, y, n, kind, gW, gB);
      for (int l = 0; l < net.depth(); l++) {
        for (double[][] pair : new double[][][] {{w[l], gW[l]}, {b[l], gB[l]}}) {
          double[] v = pair[0];
          for (int i = 0; i < v.length; i++) {
            double h = 1e-6;
            double old = v[i];
            v[i] = old + h;
            double lp = bp.lossAndGradient(w, b, x, y, n, kind, null, null);
            v[i] = old - h;
            double lm = bp.lossAndGradient(w, b, x, y, n, kind, null, null);
            v[i] = old;
            double fd = (lp - lm) / (2 * h);
            assertEquals(fd, pair[1][i], 1e-7 * (1 + Math.abs(fd)), kind + " trial " + trial + " layer " + l + " param " + i);
          }
        }
      }
    }
  }
}
