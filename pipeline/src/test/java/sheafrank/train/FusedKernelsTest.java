package sheafrank.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.linalg.BatchReductions;
import sheafrank.net.Mlp;
import sheafrank.sheaf.TestNets;
import sheafrank.util.Rng;

/**
 * The fused passes for one hidden layer on two inputs (JointDynamics.sweepFused, FusedKernels)
 * give the same bits as the general code: same operations, same order, only interleaved across
 * independent rows.
 */
class FusedKernelsTest {
  private static final int[] HIDDEN = {1, 2, 3, 7, 30};
  private static final int[] BATCH = {1, 5, 8, 13, 300, 301};

  private static void sameBits(double expected, double actual, String what) {
    assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual),
        what + ": " + expected + " vs " + actual);
  }

  /** A net whose unit 0 has zero weights and bias: its pre-activations are exactly 0 (the ReLU's kink). */
  private static Mlp withDeadUnit(Mlp net) {
    double[][] w = new double[net.depth()][];
    double[][] b = new double[net.depth()][];
    for (int l = 0; l < net.depth(); l++) {
      w[l] = net.weights(l).clone();
      b[l] = net.bias(l).clone();
    }
    w[0][0] = 0;
    w[0][1] = 0;
    b[0][0] = 0;
    return new Mlp(net.widths(), w, b, net.output());
  }

  @Test
  void sheafStepsMatchTheGeneralSweepBitForBit() {
    SplittableRandom r = Rng.stream(811, 1);
    Loss[] losses = {Loss.l2(), Loss.l1(), Loss.huber(0.3), Loss.pNorm(3), Loss.bce()};
    int trial = 0;
    for (int h : HIDDEN) {
      for (int n : BATCH) {
        Loss loss = losses[trial % losses.length];
        int[] widths = {2, h, 1};
        Mlp net = TestNets.random(widths, loss.activation(), 3000 + trial);
        if (trial % 4 == 1) {
          net = withDeadUnit(net);
        }
        Samples data = JointDynamicsTest.randomData(r, widths, loss, n);
        Regularisation reg = trial % 3 == 2 ? new Regularisation(0, 0.3, Regularisation.Anchor.INITIAL)
            : Regularisation.NONE;
        CochainInit init = CochainInit.values()[trial % CochainInit.values().length];
        JointDynamics fused = new JointDynamics(net, data, loss, 1.0, 1.0 / n, reg);
        JointDynamics general = new JointDynamics(net, data, loss, 1.0, 1.0 / n, reg);
        general.useGeneralKernels();
        assertTrue(fused.fusedSteps(), "the fused sweep applies to " + java.util.Arrays.toString(widths));
        fused.initCochain(init, trial, 0);
        general.initCochain(init, trial, 0);
        for (int k = 0; k < 40; k++) {
          fused.step(0.05);
          general.step(0.05);
        }
        String what = "h " + h + ", n " + n + ", " + loss + ", " + init + ", " + reg;
        double[][] cf = fused.cochainRows();
        double[][] cg = general.cochainRows();
        for (int c = 0; c < cf.length; c++) {
          for (int s = 0; s < n; s++) {
            sameBits(cg[c][s], cf[c][s], what + ", cochain " + c + " sample " + s);
          }
        }
        Mlp a = fused.network();
        Mlp b = general.network();
        for (int l = 0; l < 2; l++) {
          for (int i = 0; i < a.weights(l).length; i++) {
            sameBits(b.weights(l)[i], a.weights(l)[i], what + ", W" + (l + 1) + "[" + i + "]");
          }
          for (int i = 0; i < a.bias(l).length; i++) {
            sameBits(b.bias(l)[i], a.bias(l)[i], what + ", b" + (l + 1) + "[" + i + "]");
          }
        }
        trial++;
      }
    }
  }

  @Test
  void backpropMatchesTheGeneralPassesBitForBit() {
    assumeTrue(BatchReductions.vectorised(), "the fused backprop needs jdk.incubator.vector");
    SplittableRandom r = Rng.stream(812, 1);
    int trial = 0;
    for (int h : HIDDEN) {
      for (int n : BATCH) {
        TaskKind kind = trial % 2 == 0 ? TaskKind.REGRESSION : TaskKind.BINARY;
        int[] widths = {2, h, 1};
        Mlp net = TestNets.random(widths, kind.outputActivation(), 4000 + trial);
        if (trial % 4 == 1) {
          net = withDeadUnit(net);
        }
        Samples data = JointDynamicsTest.randomData(r, widths, Loss.defaultFor(kind), n);
        double[][] x = Metrics.rows(data.x(), n, 2);
        double[][] y = Metrics.rows(data.y(), n, 1);
        Backprop fused = new Backprop(widths, n + 3);
        Backprop general = new Backprop(widths, n + 3);
        general.useGeneralKernels();
        assertTrue(fused.fusedPasses());
        double[][] w = {net.weights(0).clone(), net.weights(1).clone()};
        double[][] b = {net.bias(0).clone(), net.bias(1).clone()};
        double[][] gwf = {new double[2 * h], new double[h]};
        double[][] gbf = {new double[h], new double[1]};
        double[][] gwg = {new double[2 * h], new double[h]};
        double[][] gbg = {new double[h], new double[1]};
        double lf = fused.lossAndGradient(w, b, x, y, n, kind, gwf, gbf);
        double lg = general.lossAndGradient(w, b, x, y, n, kind, gwg, gbg);
        String what = "h " + h + ", n " + n + ", " + kind;
        sameBits(lg, lf, what + ", loss");
        for (int l = 0; l < 2; l++) {
          for (int i = 0; i < gwf[l].length; i++) {
            sameBits(gwg[l][i], gwf[l][i], what + ", dW" + (l + 1) + "[" + i + "]");
          }
          for (int i = 0; i < gbf[l].length; i++) {
            sameBits(gbg[l][i], gbf[l][i], what + ", db" + (l + 1) + "[" + i + "]");
          }
        }
        trial++;
      }
    }
  }
}
