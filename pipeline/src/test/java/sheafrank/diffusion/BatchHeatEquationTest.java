package sheafrank.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.SheafLayout;
import sheafrank.sheaf.TestNets;
import sheafrank.util.Rng;

class BatchHeatEquationTest {
  /** The branch-free mask is exactly the paper's convention R_jj = 1 iff z_j >= 0 (eq. 12). */
  @Test
  void activeMaskIsTheStepFunction() {
    double[] zs = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL,
        1e-300, -1e-300, 0.5, -0.5, 1, -1, 1e300, -1e300, Double.MAX_VALUE, -Double.MAX_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (double z : zs) {
      assertEquals(z >= 0 ? 1.0 : 0.0, BatchHeatEquation.activeMask(z), 0.0, "z = " + z);
    }
    SplittableRandom r = Rng.stream(42, 1);
    for (int i = 0; i < 100_000; i++) {
      double z = Double.longBitsToDouble(r.nextLong());
      if (!Double.isNaN(z)) {
        assertEquals(z >= 0 ? 1.0 : 0.0, BatchHeatEquation.activeMask(z), 0.0, "z = " + z);
      }
    }
  }

  /** The batch-major kernel follows the reference kernel's trajectories (to rounding). */
  @Test
  void matchesReferenceKernel() {
    SplittableRandom r = Rng.stream(41, 1);
    for (int trial = 0; trial < 12; trial++) {
      OutputActivation out = OutputActivation.values()[trial % 3];
      int[] widths = TestNets.randomWidths(r, 1 + trial % 4, 9, out == OutputActivation.SIGMOID ? 1 : 3);
      Mlp net = TestNets.random(widths, out, 80 + trial);
      SheafLayout layout = SheafLayout.forInference(net, trial % 2 == 0);
      HeatEquation ref = new HeatEquation(net, layout, 0.9, null,
          layout.hasOutputVertex() ? OutputEdge.adjoint(out) : null);
      int b = 1 + r.nextInt(17);
      BatchHeatEquation fast = new BatchHeatEquation(net, layout, 0.9, b);
      int dim = layout.dim();
      double[] sm = new double[b * dim];
      for (int i = 0; i < sm.length; i++) {
        sm[i] = r.nextGaussian();
      }
      double[][] bm = fast.newState();
      fast.toBatchMajor(sm, bm);
      for (int k = 0; k < 300; k++) {
        ref.step(sm, 0, b, 0.02, null, null);
        fast.step(bm, 0.02);
      }
      double[] one = new double[dim];
      for (int s = 0; s < b; s++) {
        fast.gather(bm, s, one);
        for (int c = 0; c < dim; c++) {
          assertEquals(sm[s * dim + c], one[c], 1e-12 * Math.max(1, Math.abs(one[c])), layout.coordinateName(c));
        }
      }
    }
  }
}
