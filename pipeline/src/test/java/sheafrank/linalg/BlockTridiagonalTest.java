package sheafrank.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlockTridiagonalTest {

  /**
   * Random SPD block-tridiagonal systems whose blocks are dense, diagonal or zero (the cases the
   * solver special-cases), some coordinates pinned, against a dense Cholesky solve of the same
   * system with the pins eliminated.
   */
  @Test
  void matchesDenseSolveWithPins() {
    SplittableRandom r = new SplittableRandom(61);
    int lowRankBlocks = 0;
    int woodbury = 0;
    for (int trial = 0; trial < 200; trial++) {
      int nv = 1 + r.nextInt(6);
      int[] d = new int[nv];
      int[] off = new int[nv + 1];
      for (int v = 0; v < nv; v++) {
        d[v] = 1 + r.nextInt(5);
        off[v + 1] = off[v] + d[v];
      }
      int n = off[nv];
      BlockTridiagonal bt = new BlockTridiagonal(d);
      double[] m = new double[n * n];
      boolean[] subHinted = new boolean[nv];
      for (int v = 0; v + 1 < nv; v++) {
        int kind = r.nextInt(3); // 0 zero, 1 diagonal (if square), 2 dense
        boolean hintSub = kind != 2 && d[v] == d[v + 1] && r.nextBoolean();
        subHinted[v] = hintSub;
        for (int i = 0; i < d[v + 1]; i++) {
          for (int j = 0; j < d[v]; j++) {
            double x = kind == 0 || (kind == 1 && (i != j || d[v] != d[v + 1])) ? 0 : r.nextGaussian();
            bt.sub[v][i * d[v] + j] = x;
            m[(off[v + 1] + i) * n + off[v] + j] = x;
            m[(off[v] + j) * n + off[v + 1] + i] = x;
          }
        }
      }
      // diagonal blocks: dense or diagonal, made dominant so the whole matrix is SPD; some
      // diagonal ones declared so (hintDiagonal), some get a low-rank term added below
      boolean[] diagOnlyBlock = new boolean[nv];
      for (int v = 0; v < nv; v++) {
        boolean diagOnly = r.nextBoolean();
        diagOnlyBlock[v] = diagOnly;
        for (int i = 0; i < d[v]; i++) {
          for (int j = 0; j <= i; j++) {
            double x = i == j ? 0 : diagOnly ? 0 : 0.3 * r.nextGaussian();
            m[(off[v] + i) * n + off[v] + j] = x;
            m[(off[v] + j) * n + off[v] + i] = x;
          }
        }
      }
      for (int i = 0; i < n; i++) {
        double s = 1;
        for (int j = 0; j < n; j++) {
          s += Math.abs(m[i * n + j]);
        }
        m[i * n + i] = s;
      }
      double[] b = new double[n];
      for (int i = 0; i < n; i++) {
        b[i] = r.nextGaussian();
      }
      for (int v = 0; v < nv; v++) {
        for (int i = 0; i < d[v]; i++) {
          bt.rhs[v][i] = b[off[v] + i];
          for (int j = 0; j < d[v]; j++) {
            bt.diag[v][i * d[v] + j] = m[(off[v] + i) * n + off[v] + j];
          }
        }
        boolean hintDiag = diagOnlyBlock[v] && r.nextBoolean();
        if (hintDiag || subHinted[v]) {
          bt.hintDiagonal(v, hintDiag, subHinted[v]);
        }
        if (diagOnlyBlock[v] && r.nextBoolean()) {
          // D + U^T U (SPD stays SPD): Woodbury elimination, or the dense fallback when the
          // coupling from the previous block makes the Schur complement dense
          int rk = 1 + r.nextInt(d[v]);
          bt.lowRank(v, rk);
          for (int q = 0; q < rk * d[v]; q++) {
            bt.low[v][q] = r.nextGaussian();
          }
          for (int q = 0; q < rk; q++) {
            for (int i = 0; i < d[v]; i++) {
              for (int j = 0; j < d[v]; j++) {
                m[(off[v] + i) * n + off[v] + j] += bt.low[v][q * d[v] + i] * bt.low[v][q * d[v] + j];
              }
            }
          }
          lowRankBlocks++;
        }
      }
      boolean[] pinned = new boolean[n];
      double[] val = new double[n];
      for (int v = 0; v < nv; v++) {
        for (int i = 0; i < d[v]; i++) {
          if (r.nextDouble() < 0.25) {
            pinned[off[v] + i] = true;
            val[off[v] + i] = r.nextGaussian();
            bt.pin(v, i, val[off[v] + i]);
          }
        }
      }
      double[][] out = new double[nv][];
      for (int v = 0; v < nv; v++) {
        out[v] = new double[d[v]];
      }
      assertEquals(true, bt.solve(out));
      for (int v = 0; v < nv; v++) {
        woodbury += bt.woodburyUsed(v) ? 1 : 0;
      }
      // dense reference: free rows of M x = b with pinned x fixed
      int nf = 0;
      int[] fr = new int[n];
      for (int i = 0; i < n; i++) {
        if (!pinned[i]) {
          fr[nf++] = i;
        }
      }
      double[] a = new double[nf * nf];
      double[] rhs = new double[nf];
      for (int p = 0; p < nf; p++) {
        double s = b[fr[p]];
        for (int j = 0; j < n; j++) {
          if (pinned[j]) {
            s -= m[fr[p] * n + j] * val[j];
          }
        }
        rhs[p] = s;
        for (int q = 0; q < nf; q++) {
          a[p * nf + q] = m[fr[p] * n + fr[q]];
        }
      }
      Dense.cholesky(a, nf);
      Dense.choleskySolve(a, nf, rhs, 0);
      double[] x = val.clone();
      for (int p = 0; p < nf; p++) {
        x[fr[p]] = rhs[p];
      }
      for (int v = 0; v < nv; v++) {
        for (int i = 0; i < d[v]; i++) {
          assertEquals(x[off[v] + i], out[v][i], 1e-12, "trial " + trial);
        }
      }
    }
    // both ways of handling a low-rank block occur: Woodbury and the dense fallback
    assertTrue(woodbury >= 20 && lowRankBlocks - woodbury >= 20, woodbury + " of " + lowRankBlocks);
  }

  @Test
  void reportsSingularBlock() {
    BlockTridiagonal bt = new BlockTridiagonal(new int[] {2, 1});
    bt.diag[0] = new double[] {1, 1, 1, 1}; // rank one
    bt.diag[1][0] = 1;
    assertFalse(bt.solve(new double[][] {new double[2], new double[1]}));
    assertEquals(0, bt.failedBlock());
  }
}
