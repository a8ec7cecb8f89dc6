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
