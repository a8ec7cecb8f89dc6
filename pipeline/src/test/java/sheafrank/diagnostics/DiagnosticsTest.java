package sheafrank.diagnostics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.pinning.PinnedProblem;
import sheafrank.pinning.PinnedResult;
import sheafrank.sheaf.NeuralSheaf;
import sheafrank.sheaf.TestNets;
import sheafrank.util.Rng;

/** S11, S12, S14: spectral and discord diagnostics. */
class DiagnosticsTest {

  /** App. A.1: the block form of eq. 35/36 is exactly NeuralSheaf's L[Omega, Omega]. */
  @Test
  void equation36IsTheRestrictedLaplacian() {
    SplittableRandom r = Rng.stream(51, 1);
    for (int trial = 0; trial < 30; trial++) {
      int[] w = TestNets.randomWidths(r, 1 + trial % 4, 9, 1 + r.nextInt(3));
      Mlp net = TestNets.random(w, OutputActivation.IDENTITY, 1200 + trial);
      double[] x = TestNets.randomInput(r, w[0]);
      boolean[][] fwd = NeuralSheaf.forwardPattern(net.forward(x));
      double[] ref = Spectrum.restrictedLaplacian(net, x, Spectrum.OutputMode.ELIMINATED);
      assertArrayEquals(ref, Spectrum.blockForm36(net, fwd), 1e-12);
      boolean[][] any = TestNets.randomPattern(r, w);
      double[] refAny = NeuralSheaf.build(net, x, any, false, false, null, null).laplacianOmega();
      assertArrayEquals(refAny, Spectrum.blockForm36(net, any), 1e-12);
    }
  }

  /** Eigenpairs, block energies and |cos| behave as defined. */
  @Test
  void spectrumEigenpairsAndBlockEnergy() {
    Mlp net = Mlp.heNormal(new int[] {2, 10, 8, 1}, OutputActivation.IDENTITY, 3);
    double[] x = {0.7, -1.1};
    Spectrum.Result s = Spectrum.at(net, x, Spectrum.OutputMode.ELIMINATED);
    assertEquals(37, s.n());
    assertArrayEquals(new String[] {"z1", "a1", "z2", "a2", "z3"}, s.blockNames());
    double[] l = Spectrum.restrictedLaplacian(net, x, Spectrum.OutputMode.ELIMINATED);
    for (int k : new int[] {0, s.n() - 1}) {
      double[] v = s.vector(k);
      for (int i = 0; i < s.n(); i++) {
        double lv = 0;
        for (int j = 0; j < s.n(); j++) {
          lv += l[i * s.n() + j] * v[j];
        }
        assertEquals(s.eigenvalues()[k] * v[i], lv, 1e-11);
      }
      double[] be = s.blockEnergy(v);
      assertEquals(1.0, java.util.Arrays.stream(be).sum(), 1e-12);
    }
    assertTrue(s.lambda1() > 0 && s.condition() == s.lambdaMax() / s.lambda1());
    double[] f = s.fiedler();
    double[] neg = f.clone();
    for (int i = 0; i < neg.length; i++) {
      neg[i] = -neg[i];
    }
    assertEquals(1.0, Spectrum.absCosine(f, neg), 1e-14);
    assertEquals(0.0, Spectrum.absCosine(f, s.top()), 1e-12, "eigenvectors are orthogonal");
    // the same input gives cosine 1; an input in the same activation region too (zero biases:
    // the pattern depends only on the direction of x, and L[Omega,Omega] only on the pattern)
    Spectrum.Result s2 = Spectrum.at(net, new double[] {1.4, -2.2}, Spectrum.OutputMode.ELIMINATED);
    assertEquals(1.0, Spectrum.absCosine(f, s2.fiedler()), 1e-12);
  }

  /**
   * S11 / Table 2, qualitative: at He initialisation with zero biases, lambda_1 of eq. 36 is
   * positive and decreases with depth, [2,30,1] > [2,10,8,1] > [2,8,6,4,1] (median over 50 inputs
   * in [-2,2]^2, then median over 5 init seeds). Fiedler energy sits mostly on z_{k+1} for [2,30,1].
   */
  @Test
  void spectralGapDecreasesWithDepth() {
    int[][] archs = {{2, 30, 1}, {2, 10, 8, 1}, {2, 8, 6, 4, 1}};
    double[] med = new double[3];
    for (int a = 0; a < 3; a++) {
      double[] perSeed = new double[5];
      for (int seed = 0; seed < 5; seed++) {
        Mlp net = Mlp.heNormal(archs[a], OutputActivation.IDENTITY, seed);
        SplittableRandom r = Rng.stream(1000 + seed, 77);
        double[][] xs = new double[50][2];
        for (double[] x : xs) {
          Rng.uniform(r, -2, 2, x);
        }
        double[] l1 = Spectrum.lambda1(net, xs, Spectrum.OutputMode.ELIMINATED);
        for (double v : l1) {
          assertTrue(v > 0);
        }
        perSeed[seed] = Spectrum.stats(l1).median();
      }
      med[a] = Spectrum.stats(perSeed).median();
    }
    assertTrue(med[0] > 1.5 * med[1] && med[1] > 1.3 * med[2], java.util.Arrays.toString(med));
    Mlp shallow = Mlp.heNormal(archs[0], OutputActivation.IDENTITY, 0);
    Spectrum.Result s = Spectrum.at(shallow, new double[] {1, 0.5}, Spectrum.OutputMode.ELIMINATED);
    double[] be = s.blockEnergy(s.fiedler());
    assertTrue(be[2] > be[0] && be[2] > be[1], java.util.Arrays.toString(be));
  }

  /**
   * S14 / Fig. 9: at a pinned equilibrium a free inactive z_j has zero weight-edge discord and a
   * free active z_j has equal weight-edge and ReLU-edge residuals; a free run has no discord.
   */
  @Test
  void perCoordinateDiscordAtEquilibria() {
    SplittableRandom r = Rng.stream(52, 1);
    int inactive = 0;
    int active = 0;
    double[][] perSample = new double[20][];
    for (int trial = 0; trial < 20; trial++) {
      Mlp net = TestNets.random(new int[] {2, 12, 8, 1}, OutputActivation.IDENTITY, 1300 + trial);
      double[] x = TestNets.randomInput(r, 2);
      double[] y = {net.forward(x).output()[0] + 3 * r.nextGaussian()};
      PinnedProblem free = PinnedProblem.of(net, "x = input");
      PinnedResult fr = free.solve(x, null);
      for (Discord.EdgeResiduals e : Discord.perCoordinate(net, free.layout(), fr.cochain())) {
        assertEquals(0.0, e.discord(), 1e-24);
      }
      PinnedProblem p = PinnedProblem.of(net, "x = input; y = target");
      PinnedResult pr = p.solve(x, y);
      List<Discord.EdgeResiduals> edges = Discord.perCoordinate(net, p.layout(), pr.cochain());
      assertEquals(List.of("W1", "R1", "W2", "R2", "W3"), edges.stream().map(Discord.EdgeResiduals::name).toList());
      double[] d = pr.discord();
      for (int k = 0; k < edges.size(); k++) {
        assertEquals(d[k], edges.get(k).discord(), 1e-12, edges.get(k).name());
      }
      for (int k = 0; k < 4; k += 2) {
        Discord.EdgeResiduals we = edges.get(k);
        Discord.EdgeResiduals re = edges.get(k + 1);
        for (int j = 0; j < we.z().length; j++) {
          if (we.z()[j] == 0) {
            continue; // on the switching surface
          }
          if (!we.active()[j]) {
            assertEquals(0.0, we.residual()[j], 1e-12);
            inactive++;
          } else {
            assertEquals(re.residual()[j], we.residual()[j], 1e-12);
            active++;
          }
        }
      }
      perSample[trial] = java.util.Arrays.copyOf(d, 5);
    }
    assertTrue(inactive > 50 && active > 50);
    Discord.Aggregate agg = Discord.aggregate(new String[] {"W1", "R1", "W2", "R2", "W3"}, perSample);
    double m0 = 0;
    for (double[] row : perSample) {
      m0 += row[0] / 20;
    }
    assertEquals(m0, agg.mean()[0], 1e-15);
    double v = 0;
    for (double[] row : perSample) {
      v += (row[0] - m0) * (row[0] - m0) / 19;
    }
    assertEquals(Math.sqrt(v), agg.std()[0], 1e-15);
    assertEquals(java.util.Arrays.stream(agg.mean()).sum(), agg.total(), 1e-15);
  }
}
