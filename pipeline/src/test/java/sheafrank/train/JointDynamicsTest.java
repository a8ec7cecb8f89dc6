package sheafrank.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.diffusion.HeatEquation;
import sheafrank.net.Mlp;
import sheafrank.sheaf.SheafLayout;
import sheafrank.sheaf.TestNets;
import sheafrank.util.Rng;

/** The fused joint-dynamics kernel (seed 001 eq. 18, 25, 26, 29, 42). */
class JointDynamicsTest {

  static final Loss[] LOSSES = {
    Loss.l2(), Loss.l1(), Loss.huber(0.3), Loss.pNorm(3), Loss.pNorm(1.5), Loss.bce(), Loss.ce()
  };

  /** Random data for a net: inputs in [-2,2], targets fitting the loss (0/1, one-hot, reals). */
  static Samples randomData(SplittableRandom r, int[] widths, Loss loss, int n) {
    int in = widths[0];
    int out = widths[widths.length - 1];
    double[] x = new double[n * in];
    double[] y = new double[n * out];
    Rng.uniform(r, -2, 2, x);
    for (int s = 0; s < n; s++) {
      switch (loss.kind()) {
        case BCE -> {
          for (int k = 0; k < out; k++) {
            y[s * out + k] = r.nextBoolean() ? 1 : 0;
          }
        }
        case CE -> y[s * out + r.nextInt(out)] = 1;
        default -> {
          for (int k = 0; k < out; k++) {
            y[s * out + k] = 2 * r.nextGaussian();
          }
        }
      }
    }
    return new Samples(x, y, n, in, out);
  }

  static int[] widthsFor(SplittableRandom r, int depth, int maxWidth, Loss loss) {
    int out = loss.kind() == Loss.Kind.BCE ? 1 : loss.kind() == Loss.Kind.CE ? 2 + r.nextInt(3) : 1 + r.nextInt(3);
    return TestNets.randomWidths(r, depth, maxWidth, out);
  }

  /**
   * With beta = 0 one joint step is exactly (bit for bit) one HeatEquation step with the output
   * stalk pinned to the target and the loss's output edge, for every loss, depths 1-4.
   */
  @Test
  void betaZeroStepIsHeatEquationStep() {
    SplittableRandom r = Rng.stream(401, 1);
    for (int trial = 0; trial < 42; trial++) {
      Loss loss = LOSSES[trial % LOSSES.length];
      int[] widths = widthsFor(r, 1 + trial % 4, 12, loss);
      Mlp net = TestNets.random(widths, loss.activation(), 900 + trial);
      int n = 1 + r.nextInt(9);
      Samples data = randomData(r, widths, loss, n);
      double alpha = 0.5 + r.nextDouble();
      double dt = 0.01 + 0.05 * r.nextDouble();
      JointDynamics jd = new JointDynamics(net, data, loss, alpha, 0.0, Regularisation.NONE);
      jd.initCochain(trial % 3 == 0 ? CochainInit.FORWARD_PASS : CochainInit.RANDOM, trial, 0);
      double[] state = jd.cochainSampleMajor();
      SheafLayout layout = jd.layout();
      HeatEquation heat = new HeatEquation(net, layout, alpha, layout.defaultFixed(true), loss.outputEdge());
      for (int k = 0; k < 3; k++) {
        heat.step(state, 0, n, dt, null, null);
        jd.step(dt);
      }
      double[] mine = jd.cochainSampleMajor();
      for (int i = 0; i < state.length; i++) {
        assertEquals(state[i], mine[i], 0.0,
            "trial " + trial + " " + loss + " coordinate " + layout.coordinateName(i % layout.dim()));
      }
      Mlp after = jd.network();
      for (int l = 0; l < net.depth(); l++) {
        for (int i = 0; i < net.weights(l).length; i++) {
          assertEquals(net.weights(l)[i], after.weights(l)[i], 0.0, "beta = 0 must freeze weights");
        }
      }
    }
  }

  /**
   * The velocity field is the gradient of the regularised energy (eq. 28, 41): energyGradient
   * agrees with central finite differences of energy() in cochain coordinates, weights and biases,
   * for every loss and both anchors. L1 is checked away from its kink (random reals).
   */
  @Test
  void forcesAreEnergyGradients() {
    SplittableRandom r = Rng.stream(402, 1);
    for (int trial = 0; trial < 28; trial++) {
      Loss loss = LOSSES[trial % LOSSES.length];
      int[] widths = widthsFor(r, 1 + trial % 3, 6, loss);
      Mlp net = TestNets.random(widths, loss.activation(), 1000 + trial);
      int n = 2 + r.nextInt(4);
      Samples data = randomData(r, widths, loss, n);
      Regularisation reg = switch (trial % 3) {
        case 0 -> Regularisation.NONE;
        case 1 -> new Regularisation(0.3, 0.7, Regularisation.Anchor.ZERO);
        default -> new Regularisation(0.4, 0.2, Regularisation.Anchor.INITIAL);
      };
      JointDynamics jd = new JointDynamics(net, data, loss, 1.0, 1.0 / n, reg);
      jd.initCochain(CochainInit.RANDOM, trial, 0);
      // move off the anchors so the regularisers have non-zero gradients
      jd.step(0.05);
      int dim = jd.layout().dim();
      double[][] gc = new double[dim][n];
      double[][] gw = new double[net.depth()][];
      double[][] gb = new double[net.depth()][];
      for (int l = 0; l < net.depth(); l++) {
        gw[l] = new double[net.weights(l).length];
        gb[l] = new double[net.bias(l).length];
      }
      jd.energyGradient(gc, gw, gb);
      double[][] c = jd.cochainRows();
      for (int k = widths[0]; k < jd.layout().yOffset(); k++) {
        for (int s = 0; s < n; s++) {
          assertEquals(fd(jd, c[k], s), gc[k][s], 2e-6 * (1 + Math.abs(gc[k][s])),
              "trial " + trial + " " + loss + " " + jd.layout().coordinateName(k) + " sample " + s);
        }
      }
      for (int l = 0; l < net.depth(); l++) {
        double[] wl = jd.weightsLive(l);
        for (int i = 0; i < wl.length; i++) {
          assertEquals(fd(jd, wl, i), gw[l][i], 2e-6 * (1 + Math.abs(gw[l][i])), "trial " + trial + " " + loss + " W" + l);
        }
        double[] bl = jd.biasLive(l);
        for (int i = 0; i < bl.length; i++) {
          assertEquals(fd(jd, bl, i), gb[l][i], 2e-6 * (1 + Math.abs(gb[l][i])), "trial " + trial + " " + loss + " b" + l);
        }
      }
      // and the pinned coordinates get no velocity
      for (int k = 0; k < widths[0]; k++) {
        for (int s = 0; s < n; s++) {
          assertEquals(0.0, gc[k][s], 0.0);
        }
      }
    }
  }

  private static double fd(JointDynamics jd, double[] v, int i) {
    double h = 1e-6 * Math.max(1, Math.abs(v[i]));
    double old = v[i];
    v[i] = old + h;
    double ep = jd.energy();
    v[i] = old - h;
    double em = jd.energy();
    v[i] = old;
    return (ep - em) / (2 * h);
  }

  /**
   * One step moves the cochain by -dt alpha grad and the weights by -dt beta grad, both evaluated
   * at the old state (Jacobi update); and the weight gradient is eq. 25 summed over the batch,
   * recomputed here sample by sample from the sample-major cochain.
   */
  @Test
  void stepIsSimultaneousEulerOfEq25() {
    SplittableRandom r = Rng.stream(403, 1);
    for (int trial = 0; trial < 12; trial++) {
      Loss loss = LOSSES[trial % LOSSES.length];
      int[] widths = widthsFor(r, 1 + trial % 3, 9, loss);
      Mlp net = TestNets.random(widths, loss.activation(), 1100 + trial);
      int n = 3 + r.nextInt(6);
      Samples data = randomData(r, widths, loss, n);
      double alpha = 0.7;
      double beta = 0.3;
      double dt = 0.02;
      JointDynamics jd = new JointDynamics(net, data, loss, alpha, beta, Regularisation.NONE);
      jd.initCochain(CochainInit.RANDOM, trial, 0);
      SheafLayout layout = jd.layout();
      int dim = layout.dim();
      double[] before = jd.cochainSampleMajor();
      double[] sm = jd.cochainSampleMajor();
      // eq. 25 by hand
      double[][] dW = new double[net.depth()][];
      double[][] dB = new double[net.depth()][];
      for (int l = 0; l < net.depth(); l++) {
        int nin = widths[l];
        int nout = widths[l + 1];
        dW[l] = new double[nin * nout];
        dB[l] = new double[nout];
        for (int s = 0; s < n; s++) {
          int prev = s * dim + (l == 0 ? 0 : layout.aOffset(l - 1));
          int z = s * dim + layout.zOffset(l);
          for (int i = 0; i < nout; i++) {
            double res = net.bias(l)[i] - sm[z + i];
            for (int j = 0; j < nin; j++) {
              res += net.weights(l)[i * nin + j] * sm[prev + j];
            }
            dB[l][i] -= beta * res;
            for (int j = 0; j < nin; j++) {
              dW[l][i * nin + j] -= beta * res * sm[prev + j];
            }
          }
        }
      }
      double[][] gc = new double[dim][n];
      double[][] gw = new double[net.depth()][];
      double[][] gb = new double[net.depth()][];
      for (int l = 0; l < net.depth(); l++) {
        gw[l] = new double[net.weights(l).length];
        gb[l] = new double[net.bias(l).length];
      }
      jd.energyGradient(gc, gw, gb);
      jd.step(dt);
      double[] after = jd.cochainSampleMajor();
      for (int k = 0; k < after.length; k++) {
        double g = gc[k % dim][k / dim];
        assertEquals(before[k] - dt * alpha * g, after[k], 1e-13 * (1 + Math.abs(after[k])));
      }
      Mlp net2 = jd.network();
      for (int l = 0; l < net.depth(); l++) {
        for (int i = 0; i < dW[l].length; i++) {
          assertEquals(net.weights(l)[i] + dt * dW[l][i], net2.weights(l)[i], 1e-12, "W" + l + "[" + i + "]");
        }
        for (int i = 0; i < dB[l].length; i++) {
          assertEquals(net.bias(l)[i] + dt * dB[l][i], net2.bias(l)[i], 1e-12, "b" + l + "[" + i + "]");
        }
      }
    }
  }

  /**
   * Forward-pass initialisation is a global section on every internal edge: all weight and
   * activation residuals vanish, so the energy is exactly the loss potential of the forward pass.
   */
  @Test
  void forwardPassInitHasOnlyOutputDiscord() {
    SplittableRandom r = Rng.stream(404, 1);
    for (int trial = 0; trial < 14; trial++) {
      Loss loss = LOSSES[trial % LOSSES.length];
      int[] widths = widthsFor(r, 1 + trial % 4, 10, loss);
      Mlp net = TestNets.random(widths, loss.activation(), 1200 + trial);
      int n = 1 + r.nextInt(7);
      Samples data = randomData(r, widths, loss, n);
      JointDynamics jd = new JointDynamics(net, data, loss, 1, 0.1, Regularisation.NONE);
      jd.initCochain(CochainInit.FORWARD_PASS, 0, 0);
      double expected = 0;
      for (int s = 0; s < n; s++) {
        double[] xs = java.util.Arrays.copyOfRange(data.x(), s * widths[0], (s + 1) * widths[0]);
        double[] z = net.forward(xs).lastPreActivation();
        expected += loss.potential(z, 0, 1, data.y(), s * data.outDim(), 1, data.outDim());
      }
      assertEquals(expected, jd.energy(), 1e-12 * (1 + expected));
      jd.initCochain(CochainInit.ZEROS, 0, 0);
      double[][] c = jd.cochainRows();
      for (int k = widths[0]; k < jd.layout().yOffset(); k++) {
        for (int s = 0; s < n; s++) {
          assertEquals(0.0, c[k][s], 0.0);
        }
      }
      assertTrue(jd.maxAbs() < 1e6);
    }
  }
}
