package sheafrank.sheaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.linalg.Dense;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.util.Rng;

/** S1: construction checks of seed 001 §3 (Lemma 3.2, Prop. 3.4). */
class NeuralSheafTest {

  /**
   * delta_Omega is square and block lower-unitriangular (identity diagonal blocks, nothing above
   * them), det delta_Omega = 1, and L[Omega, Omega] is positive definite, for random networks of
   * depth 1-4 and random activation patterns (not only the forward one).
   */
  @Test
  void restrictedCoboundaryIsUnitriangularWithUnitDeterminant() {
    SplittableRandom r = Rng.stream(11, 1);
    int checked = 0;
    for (int trial = 0; trial < 60; trial++) {
      int depth = 1 + trial % 4;
      int maxWidth = trial < 8 ? 100 : 12;
      OutputActivation out = OutputActivation.values()[trial % 3];
      int outDim = out == OutputActivation.SIGMOID ? 1 : 1 + r.nextInt(3);
      int[] widths = TestNets.randomWidths(r, depth, maxWidth, outDim);
      if (depth >= 3 && maxWidth == 100) {
        widths = TestNets.randomWidths(r, depth, 40, outDim);
      }
      Mlp net = TestNets.random(widths, out, trial);
      double[] x = TestNets.randomInput(r, widths[0]);
      boolean[][] pattern = TestNets.randomPattern(r, widths);
      double[] zLast = TestNets.randomInput(r, outDim);
      boolean outputVertex = out != OutputActivation.IDENTITY || trial % 2 == 0;
      NeuralSheaf sh = NeuralSheaf.build(net, x, pattern, outputVertex, false, null, zLast);
      int n = sh.freeDim();
      assertEquals(sh.edgeDim(), n, "delta_Omega must be square");
      double[] d = sh.deltaOmega();
      // Block structure: edge block i has the downstream vertex block i as identity and zeros
      // to its right (vertex blocks and edge blocks have the same sizes in path order).
      SheafLayout layout = new SheafLayout(widths, outputVertex);
      int off = 0;
      for (SheafLayout.Edge e : layout.edges()) {
        for (int i = 0; i < e.dim(); i++) {
          for (int j = off; j < n; j++) {
            double expected = (j - off == i) ? 1.0 : 0.0;
            if (j - off < e.dim() || j >= off + e.dim()) {
              assertEquals(expected, d[(off + i) * n + j], 0.0, "delta_Omega entry above/at diagonal block");
            }
          }
        }
        off += e.dim();
      }
      if (n <= 400) {
        assertEquals(1.0, Dense.determinant(d, n), 1e-12, "det delta_Omega");
        double[] lap = sh.laplacianOmega();
        Dense.SymmetricEigen eig = Dense.symmetricEigen(lap, n, false);
        assertTrue(eig.values()[0] > 0, "L[Omega,Omega] positive definite, lambda_min=" + eig.values()[0]);
        assertTrue(Dense.cholesky(lap.clone(), n));
        checked++;
      }
    }
    assertTrue(checked >= 40);
  }

  /**
   * Prop. 3.4: the solution of L[Omega,Omega] w = -L[Omega,U] u for the forward pattern is the
   * forward pass, a global section (delta w-bar = 0).
   */
  @Test
  void forwardPassIsTheHarmonicExtension() {
    SplittableRandom r = Rng.stream(12, 1);
    for (int trial = 0; trial < 20; trial++) {
      int[] widths = TestNets.randomWidths(r, 1 + trial % 4, 10, 1 + trial % 2);
      Mlp net = TestNets.random(widths, OutputActivation.IDENTITY, 100 + trial);
      double[] x = TestNets.randomInput(r, widths[0]);
      NeuralSheaf sh = NeuralSheaf.atForwardPattern(net, x, false);
      int n = sh.freeDim();
      double[] lap = sh.laplacianOmega();
      double[] rhs = sh.laplacianOmegaUTimesBoundary();
      for (int i = 0; i < n; i++) {
        rhs[i] = -rhs[i];
      }
      assertTrue(Dense.cholesky(lap, n));
      Dense.choleskySolve(lap, n, rhs, 0);
      SheafLayout layout = new SheafLayout(widths, false);
      double[] fwd = layout.forwardCochain(net, x);
      double[] free = java.util.Arrays.copyOfRange(fwd, widths[0], fwd.length);
      assertArrayEquals(free, rhs, 1e-10);
    }
  }
}
