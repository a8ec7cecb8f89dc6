package sheafrank.sheaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.linalg.Dense;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.util.Rng;

public class HarmonicSolverTest {

  /** The block-tridiagonal solve with the forward pattern equals the forward pass to 1e-12. */
  @Test
  void exactSolveEqualsForwardPass() {
    SplittableRandom r = Rng.stream(21, 1);
    for (int trial = 0; trial < 60; trial++) {
      OutputActivation out = OutputActivation.values()[trial % 3];
      int[] widths = TestNets.randomWidths(r, 1 + trial % 4, 30, out == OutputActivation.SIGMOID ? 1 : 3);
      Mlp net = TestNets.random(widths, out, 200 + trial);
      double[] x = TestNets.randomInput(r, widths[0]);
      SheafLayout layout = SheafLayout.forInference(net, trial % 2 == 0);
      Mlp.Forward f = net.forward(x);
      double[] c = new HarmonicSolver(layout).solveInputBoundary(net, x, NeuralSheaf.forwardPattern(f));
      double[] fwd = layout.forwardCochain(net, x);
      for (int i = 0; i < c.length; i++) {
        assertEquals(fwd[i], c[i], 1e-12 * Math.max(1, Math.abs(fwd[i])), layout.coordinateName(i));
      }
    }
  }

  /**
   * For any pattern and any mixture of hard and soft pins (identity output, output vertex
   * included), the block solve agrees with a dense solve of the normal equations assembled from
   * the reference coboundary.
   */
  @Test
  void blockSolveMatchesDenseReferenceWithPins() {
    SplittableRandom r = Rng.stream(22, 1);
    for (int trial = 0; trial < 40; trial++) {
      int[] widths = TestNets.randomWidths(r, 1 + trial % 4, 8, 1 + trial % 3);
      Mlp net = TestNets.random(widths, OutputActivation.IDENTITY, 300 + trial);
      SheafLayout layout = new SheafLayout(widths, true);
      int dim = layout.dim();
      boolean[] fixed = layout.defaultFixed(trial % 2 == 0);
      double[] state = new double[dim];
      for (int i = 0; i < dim; i++) {
        state[i] = r.nextGaussian();
        if (i >= widths[0] && r.nextDouble() < 0.15) {
          fixed[i] = true;
        }
      }
      int nsoft = 1 + r.nextInt(3);
      int[] softIdx = new int[nsoft];
      double[] gamma = new double[nsoft];
      double[] target = new double[nsoft];
      for (int i = 0; i < nsoft; i++) {
        softIdx[i] = widths[0] + r.nextInt(dim - widths[0]);
        gamma[i] = 0.1 + 5 * r.nextDouble();
        target[i] = r.nextGaussian();
      }
      boolean[][] pattern = TestNets.randomPattern(r, widths);
      double[] block = state.clone();
      new HarmonicSolver(layout).solve(net, pattern, block, 0, fixed, softIdx, gamma, target, 0);
      // Dense reference: energy 1/2 ||D c - t||^2 + 1/2 sum gamma (c_i - p_i)^2 in layout coords.
      double[] ref = denseMinimiser(net, layout, pattern, state, fixed, softIdx, gamma, target);
      assertArrayEquals(ref, block, 1e-9);
    }
  }

  /** Minimises the pinned energy by assembling the full Hessian from the edge residual map. */
  static double[] denseMinimiser(Mlp net, SheafLayout layout, boolean[][] pattern, double[] state,
      boolean[] fixed, int[] softIdx, double[] gamma, double[] target) {
    int dim = layout.dim();
    // residual r(c) = A c - t is affine; get A and t by evaluating on basis vectors.
    double[] t0 = residualsFor(net, layout, pattern, new double[dim]);
    int m = t0.length;
    double[] a = new double[m * dim];
    for (int j = 0; j < dim; j++) {
      double[] e = new double[dim];
      e[j] = 1;
      double[] rj = residualsFor(net, layout, pattern, e);
      for (int i = 0; i < m; i++) {
        a[i * dim + j] = rj[i] - t0[i];
      }
    }
    double[] h = Dense.gram(a, m, dim);
    double[] g = new double[dim]; // gradient at 0 = A^T r(0)
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < dim; j++) {
        g[j] += a[i * dim + j] * t0[i];
      }
    }
    for (int i = 0; i < softIdx.length; i++) {
      h[softIdx[i] * dim + softIdx[i]] += gamma[i];
      g[softIdx[i]] -= gamma[i] * target[i];
    }
    int nf = 0;
    for (boolean f : fixed) {
      if (!f) nf++;
    }
    int[] fr = new int[nf];
    int k = 0;
    for (int i = 0; i < dim; i++) {
      if (!fixed[i]) fr[k++] = i;
    }
    double[] hff = new double[nf * nf];
    double[] rhs = new double[nf];
    for (int p = 0; p < nf; p++) {
      double acc = -g[fr[p]];
      for (int j = 0; j < dim; j++) {
        if (fixed[j]) acc -= h[fr[p] * dim + j] * state[j];
      }
      rhs[p] = acc;
      for (int q = 0; q < nf; q++) hff[p * nf + q] = h[fr[p] * dim + fr[q]];
    }
    Dense.cholesky(hff, nf);
    Dense.choleskySolve(hff, nf, rhs, 0);
    double[] out = state.clone();
    for (int p = 0; p < nf; p++) out[fr[p]] = rhs[p];
    return out;
  }

  /** Edge residuals of the identity-output sheaf in edge order (eq. 4). */
  public static double[] residualsFor(Mlp net, SheafLayout layout, boolean[][] pattern, double[] c) {
    int[] n = layout.widths();
    int depth = layout.depth();
    java.util.List<Double> out = new java.util.ArrayList<>();
    int prev = 0;
    for (int l = 0; l < depth; l++) {
      double[] w = net.weights(l);
      double[] b = net.bias(l);
      for (int i = 0; i < n[l + 1]; i++) {
        double acc = b[i];
        for (int j = 0; j < n[l]; j++) acc += w[i * n[l] + j] * c[prev + j];
        out.add(c[layout.zOffset(l) + i] - acc);
      }
      if (l < depth - 1) {
        for (int i = 0; i < n[l + 1]; i++) {
          out.add(c[layout.aOffset(l) + i] - (pattern[l][i] ? c[layout.zOffset(l) + i] : 0));
        }
        prev = layout.aOffset(l);
      }
    }
    if (layout.hasOutputVertex()) {
      for (int i = 0; i < n[depth]; i++) {
        out.add(c[layout.yOffset() + i] - c[layout.zOffset(depth - 1) + i]);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
