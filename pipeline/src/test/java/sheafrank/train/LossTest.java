package sheafrank.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.net.OutputActivation;
import sheafrank.util.Rng;

/** Output-edge potentials and their forces (seed 001 §5.2.3, eq. 27, 43-45). */
class LossTest {

  /**
   * Each loss's force is the gradient of its potential (central differences), at random points;
   * L1 and Huber away from their kinks; CE with targets summing to one (eq. 27).
   */
  @Test
  void forceIsGradientOfPotential() {
    SplittableRandom r = Rng.stream(701, 1);
    Loss[] losses = {Loss.l2(), Loss.l1(), Loss.huber(0.3), Loss.huber(2.0), Loss.pNorm(1.5), Loss.pNorm(3),
      Loss.pNorm(2), Loss.bce(), Loss.ce()};
    int checked = 0;
    for (Loss loss : losses) {
      for (int trial = 0; trial < 40; trial++) {
        int m = loss.kind() == Loss.Kind.BCE ? 1 + trial % 2 : 1 + trial % 4;
        double[] z = new double[m];
        double[] y = new double[m];
        for (int k = 0; k < m; k++) {
          z[k] = 3 * r.nextGaussian();
          y[k] = loss.kind() == Loss.Kind.BCE ? (r.nextBoolean() ? 1 : 0) : 2 * r.nextGaussian();
        }
        if (loss.kind() == Loss.Kind.CE) {
          double sum = 0;
          for (int k = 0; k < m; k++) {
            y[k] = r.nextDouble();
            sum += y[k];
          }
          for (int k = 0; k < m; k++) {
            y[k] /= sum;
          }
        }
        double[] f = new double[m];
        loss.force(z, 0, 1, y, 0, 1, m, f, 0, 1);
        for (int k = 0; k < m; k++) {
          double d = Math.abs(z[k] - y[k]);
          boolean nearKink = switch (loss.kind()) {
            case L1 -> d < 1e-3;
            case HUBER -> Math.abs(d - loss.parameter()) < 1e-3;
            case PNORM -> d < 1e-3;
            default -> false;
          };
          if (nearKink) {
            continue;
          }
          double h = 1e-6;
          double old = z[k];
          z[k] = old + h;
          double up = loss.potential(z, 0, 1, y, 0, 1, m);
          z[k] = old - h;
          double um = loss.potential(z, 0, 1, y, 0, 1, m);
          z[k] = old;
          assertEquals((up - um) / (2 * h), f[k], 1e-6 * (1 + Math.abs(f[k])), loss + " at z=" + old);
          checked++;
        }
      }
    }
    assertTrue(checked > 600, "checked " + checked);
  }

  /** The closed forms of App. B.3 and eq. 27 at hand-checked points. */
  @Test
  void closedForms() {
    double[] f = new double[1];
    Loss.huber(1).force(new double[] {5}, 0, 1, new double[] {2}, 0, 1, 1, f, 0, 1);
    assertEquals(1.0, f[0], 0.0);
    assertEquals(1.0 * (3 - 0.5), Loss.huber(1).potential(new double[] {5}, 0, 1, new double[] {2}, 0, 1, 1), 1e-15);
    Loss.pNorm(3).force(new double[] {-1}, 0, 1, new double[] {1}, 0, 1, 1, f, 0, 1);
    assertEquals(-4.0, f[0], 1e-15); // |d|^(p-2) d = 2 * (-2)
    Loss.l1().force(new double[] {0.2}, 0, 1, new double[] {0.5}, 0, 1, 1, f, 0, 1);
    assertEquals(-1.0, f[0], 0.0);
    // BCE potential is the binary cross-entropy of sigmoid(z)
    double z = 0.7;
    double p = OutputActivation.sigmoid(z);
    assertEquals(-Math.log(p), Loss.bce().potential(new double[] {z}, 0, 1, new double[] {1}, 0, 1, 1), 1e-15);
    assertEquals(-Math.log(1 - p), Loss.bce().potential(new double[] {z}, 0, 1, new double[] {0}, 0, 1, 1), 1e-15);
    // CE force is softmax(z) - y
    double[] zz = {0.1, -0.4, 1.2};
    double[] yy = {0, 0, 1};
    double[] g = new double[3];
    Loss.ce().force(zz, 0, 1, yy, 0, 1, 3, g, 0, 1);
    double[] sm = new double[3];
    OutputActivation.SOFTMAX.apply(zz, 0, sm, 0, 3);
    for (int k = 0; k < 3; k++) {
      assertEquals(sm[k] - yy[k], g[k], 1e-15);
    }
    assertEquals(-Math.log(sm[2]), Loss.ce().potential(zz, 0, 1, yy, 0, 1, 3), 1e-14);
  }

  /** The row-layout batch forms agree exactly with the per-sample forms. */
  @Test
  void rowFormsMatch() {
    SplittableRandom r = Rng.stream(702, 1);
    for (Loss loss : new Loss[] {Loss.l2(), Loss.l1(), Loss.huber(0.5), Loss.pNorm(2.5), Loss.bce(), Loss.ce()}) {
      int m = loss.kind() == Loss.Kind.BCE ? 1 : 3;
      int n = 17;
      double[][] z = new double[m][n];
      double[][] y = new double[m][n];
      for (int k = 0; k < m; k++) {
        for (int s = 0; s < n; s++) {
          z[k][s] = 2 * r.nextGaussian();
          y[k][s] = r.nextBoolean() ? 1 : 0;
        }
      }
      double[][] f = new double[m][n];
      loss.forceRows(z, y, m, n, f);
      double[] acc = new double[n];
      loss.addPotentialRows(z, y, m, n, acc, new double[2 * m]);
      for (int s = 0; s < n; s++) {
        double[] zs = new double[m];
        double[] ys = new double[m];
        for (int k = 0; k < m; k++) {
          zs[k] = z[k][s];
          ys[k] = y[k][s];
        }
        double[] fs = new double[m];
        loss.force(zs, 0, 1, ys, 0, 1, m, fs, 0, 1);
        for (int k = 0; k < m; k++) {
          assertEquals(fs[k], f[k][s], 0.0, loss.toString());
        }
        assertEquals(loss.potential(zs, 0, 1, ys, 0, 1, m), acc[s], 0.0);
      }
    }
  }
}
