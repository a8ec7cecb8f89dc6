package sheafrank.pinning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.NeuralSheaf;
import sheafrank.sheaf.TestNets;

class PinnedLaplacianTest {

  /** The worked example (seed 002 §13.6): L_free and its spectrum. */
  @Test
  void workedExample() {
    Mlp net = WorkedExampleTest.net(0.5, false);
    PinnedProblem p = PinnedProblem.of(net, "x = 1, 2; y = 3");
    PinnedResult r = p.solve();
    PinnedLaplacian.Result l = PinnedLaplacian.at(p, r.cochain());
    assertEquals(5, l.n());
    assertArrayEquals(new String[] {"z1[0]", "z1[1]", "a1[0]", "a1[1]", "z2[0]"}, l.names());
    NeuralSheaf sh = NeuralSheaf.build(net, WorkedExampleTest.X, new boolean[][] {{true, true}}, true, true,
        WorkedExampleTest.Y, new double[] {2});
    assertArrayEquals(sh.laplacianOmega(), l.matrix(), 1e-15);
    double s5 = Math.sqrt(5);
    assertArrayEquals(new double[] {(3 - s5) / 2, 0.5, 2, (3 + s5) / 2, 3}, l.eigenvalues(), 1e-13);
  }

  /** Input pinned only: the reference sheaf's L[Omega, Omega] (eq. 32; free output stalk for sigmoid/softmax). */
  @Test
  void matchesReferenceSheafForInference() {
    SplittableRandom r = new SplittableRandom(3);
    for (int t = 0; t < 12; t++) {
      OutputActivation out = OutputActivation.values()[t % 3];
      int[] w = TestNets.randomWidths(r, 2 + r.nextInt(3), 5, out == OutputActivation.SIGMOID ? 1 : 1 + r.nextInt(3));
      Mlp net = TestNets.random(w, out, 40 + t);
      double[] x = new double[w[0]];
      for (int i = 0; i < x.length; i++) {
        x[i] = 4 * r.nextDouble() - 2;
      }
      PinnedProblem p = PinnedProblem.of(net, "x = input");
      PinnedResult res = p.solve(x, null);
      Mlp.Forward f = net.forward(x);
      NeuralSheaf sh = NeuralSheaf.build(net, x, NeuralSheaf.forwardPattern(f), out != OutputActivation.IDENTITY,
          false, null, f.lastPreActivation());
      assertArrayEquals(sh.laplacianOmega(), PinnedLaplacian.at(p, res.cochain()).matrix(), 1e-12, "trial " + t);
    }
  }

  /** Identity and cross-entropy outputs, hard and soft pins: L_free is the Hessian of E in the region. */
  @Test
  void isTheRegionHessian() {
    SplittableRandom r = new SplittableRandom(11);
    int checked = 0;
    for (int t = 0; t < 40; t++) {
      RandomProblems.Case k = RandomProblems.random(r, t, true, false);
      PinnedProblem p = PinnedProblem.of(k.net(), k.spec());
      if (p.network().output() != OutputActivation.IDENTITY && !p.crossEntropyOutput()) {
        continue; // free sigmoid/softmax output: linearised (Gauss-Newton) convention, tested above
      }
      PinnedProblem.Bound b = p.bind();
      PinnedResult res = p.solver().solve(b, null);
      double[] c = res.cochain();
      PinnedLaplacian.Result l = PinnedLaplacian.at(p, c);
      int dim = c.length;
      boolean[][] pattern = res.pattern();
      double[] gp = new double[dim];
      double[] gm = new double[dim];
      double[] tmp = new double[2 * dim];
      double eps = 1e-6;
      for (int a = 0; a < l.n(); a++) {
        double[] cp = c.clone();
        double[] cm = c.clone();
        cp[l.free()[a]] += eps;
        cm[l.free()[a]] -= eps;
        p.regionGradient(cp, pattern, b.softTargets(), gp, tmp);
        p.regionGradient(cm, pattern, b.softTargets(), gm, tmp);
        for (int q = 0; q < l.n(); q++) {
          double fd = (gp[l.free()[q]] - gm[l.free()[q]]) / (2 * eps);
          assertEquals(fd, l.matrix()[q * l.n() + a], 1e-6 * (1 + Math.abs(fd)), k.text() + " entry " + q + "," + a);
        }
      }
      checked++;
    }
    assertEquals(true, checked >= 20, "checked " + checked);
  }
}
