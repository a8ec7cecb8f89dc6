package sheafrank.train;

import java.util.SplittableRandom;
import sheafrank.linalg.BatchReductions;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.SheafLayout;
import sheafrank.util.Rng;

/**
 * Forward-Euler integration of the joint state-weight dynamics of seed 001 §5.2 for a batch: the
 * restricted heat equation on the cochain (eq. 18, with per-sample ReLU masks, §5.2.5) with the
 * input stalk pinned to x and the output stalk pinned to the target y, coupled to the weight
 * dynamics (eq. 24-26), in the regularised / anchored form (eq. 29, 42):
 *
 * <pre>
 *   d omega / dt = -alpha ( dE/d omega + lambda (omega - omega_0) )
 *   d W_l / dt   = -beta  ( sum_s (W_l a_{l-1} + b_l - z_l) a_{l-1}^T + mu (W_l - W_l,0) )   (eq. 25)
 *   d b_l / dt   = -beta  ( sum_s (W_l a_{l-1} + b_l - z_l)           + mu (b_l - b_l,0) )
 * </pre>
 *
 * where E = sum over samples of {@code 1/2 sum_edges ||r_e||^2 + U_out(z^(k+1), y)} and U_out is
 * the {@link Loss}. The bias is the diagonal of B in {@code W-bar = (W | diag b)} (eq. 10): its
 * velocity is the diagonal of the eq. 24 update, i.e. the residual summed over the batch.
 *
 * <p>One step is a simultaneous (Jacobi) Euler update: every force, on the cochain and on the
 * weights, is computed from the same old state. With beta = 0 and no regularisation a step is,
 * bit for bit, a {@link sheafrank.diffusion.HeatEquation} step with the loss's output edge.
 *
 * <p>Storage: the cochain is held in rows, one array per coordinate of {@link SheafLayout} (with
 * the output vertex) holding that coordinate for every sample ({@code c[coord][s]}), so every loop
 * runs over the batch innermost and vectorises; the x rows hold the inputs and the y rows the
 * targets. Weights are row-major copies owned by this object. One step allocates nothing.
 */
public final class JointDynamics {
  private static final long COCHAIN_KEY = 0xC0C4A1L;

  private final int[] n;
  private final int depth;
  private final int batch;
  private final SheafLayout layout;
  private final int[] zRow;
  private final int[] aRow;
  private final int yRow;
  private final double[][] c;
  private final double[][] xr;
  private final double[][][] zr;
  private final double[][][] ar;
  private final double[][] yr;
  private final double[][] w;
  private final double[][] b;
  private final double[][] gw;
  private final double[][] gb;
  private final double[][][] prevOnes;
  private final double[][] gExt;
  private final double[][][] rw;
  private final double[][][] ra;
  private final double[][] force;
  private final double[] tmp;
  /** One hidden layer on two inputs and one output: {@link #sweepFused}. */
  private boolean fused;
  /** The output unit's affine sum (fused step only). */
  private final double[] acc;
  /** {@code {tmp}}: the scratch residual row as a one-row block for the batch sums. */
  private final double[][] fusedRows;
  private final double[] lossScratch;
  private final Loss loss;
  private final double alpha;
  private final double beta;
  private final double lambda;
  private final double mu;
  private final Regularisation.Anchor anchor;
  private final Samples data;
  private double[][] c0;
  private final double[][] w0;
  private final double[][] b0;
  private long steps;

  /**
   * @param net initial weights (copied); its widths must match the data
   * @param data the training batch (input and target dimensions must match the widths)
   * @param beta weight rate; 0 freezes the weights (pure inference with a pinned output)
   */
  public JointDynamics(Mlp net, Samples data, Loss loss, double alpha, double beta,
      Regularisation reg) {
    int[] widths = net.widths();
    if (widths[0] != data.inDim() || widths[widths.length - 1] != data.outDim()) {
      throw new IllegalArgumentException(
          "network widths " + java.util.Arrays.toString(widths) + " do not fit data with "
              + data.inDim() + " inputs and " + data.outDim() + " targets");
    }
    if (!(alpha > 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha must be positive and finite, got " + alpha);
    }
    if (!(beta >= 0) || !Double.isFinite(beta)) {
      throw new IllegalArgumentException("beta must be >= 0 and finite, got " + beta);
    }
    this.n = widths;
    this.depth = widths.length - 1;
    this.batch = data.n();
    this.layout = new SheafLayout(widths, true);
    this.zRow = new int[depth];
    this.aRow = new int[Math.max(0, depth - 1)];
    this.c = new double[layout.dim()][batch];
    this.xr = java.util.Arrays.copyOfRange(c, 0, n[0]);
    this.zr = new double[depth][][];
    this.ar = new double[depth][][];
    for (int l = 0; l < depth; l++) {
      zRow[l] = layout.zOffset(l);
      zr[l] = java.util.Arrays.copyOfRange(c, zRow[l], zRow[l] + n[l + 1]);
      if (l < depth - 1) {
        aRow[l] = layout.aOffset(l);
        ar[l] = java.util.Arrays.copyOfRange(c, aRow[l], aRow[l] + n[l + 1]);
      }
    }
    this.yRow = layout.yOffset();
    this.yr = java.util.Arrays.copyOfRange(c, yRow, yRow + n[depth]);
    this.w = new double[depth][];
    this.b = new double[depth][];
    this.gw = new double[depth][];
    this.gb = new double[depth][];
    this.rw = new double[depth][][];
    this.ra = new double[depth][][];
    double[] ones = new double[batch];
    java.util.Arrays.fill(ones, 1.0);
    this.prevOnes = new double[depth][][];
    this.gExt = new double[depth][];
    for (int l = 0; l < depth; l++) {
      prevOnes[l] = java.util.Arrays.copyOf(l == 0 ? xr : ar[l - 1], n[l] + 1);
      prevOnes[l][n[l]] = ones;
      gExt[l] = new double[n[l + 1] * (n[l] + 1)];
      w[l] = net.weights(l).clone();
      b[l] = net.bias(l).clone();
      gw[l] = new double[w[l].length];
      gb[l] = new double[b[l].length];
      rw[l] = new double[n[l + 1]][batch];
      ra[l] = l < depth - 1 ? new double[n[l + 1]][batch] : null;
    }
    this.force = new double[n[depth]][batch];
    this.tmp = new double[batch];
    this.fused = depth == 2 && n[0] == 2 && n[2] == 1;
    this.acc = fused ? new double[batch] : null;
    this.fusedRows = new double[][] {tmp};
    this.lossScratch = new double[Math.max(3 * n[depth], batch)];
    this.loss = loss;
    this.alpha = alpha;
    this.beta = beta;
    Regularisation r = reg == null ? Regularisation.NONE : reg;
    this.lambda = r.lambda();
    this.mu = r.mu();
    this.anchor = r.anchor();
    this.data = data;
    if (anchor == Regularisation.Anchor.INITIAL) {
      w0 = new double[depth][];
      b0 = new double[depth][];
      for (int l = 0; l < depth; l++) {
        w0[l] = w[l].clone();
        b0[l] = b[l].clone();
      }
    } else {
      w0 = null;
      b0 = null;
    }
    // boundary rows: x and the pinned targets
    for (int s = 0; s < batch; s++) {
      for (int k = 0; k < n[0]; k++) {
        xr[k][s] = data.x(s, k);
      }
      for (int k = 0; k < n[depth]; k++) {
        yr[k][s] = data.y(s, k);
      }
    }
  }

  public SheafLayout layout() {
    return layout;
  }

  public int batchSize() {
    return batch;
  }

  public Loss loss() {
    return loss;
  }

  public double alpha() {
    return alpha;
  }

  public double beta() {
    return beta;
  }

  /** Number of Euler steps taken. */
  public long steps() {
    return steps;
  }

  /**
   * Sets every free coordinate (z and hidden a of every sample) as {@code how} says. RANDOM draws
   * N(0,1) from the stream (seed, restart), sample by sample in layout order, so a draw does not
   * depend on the storage. With anchors at the initial state, the first initialisation also fixes
   * the cochain anchor omega_0.
   */
  public void initCochain(CochainInit how, long seed, long restart) {
    switch (how) {
      case ZEROS -> {
        for (int k = n[0]; k < yRow; k++) {
          java.util.Arrays.fill(c[k], 0.0);
        }
      }
      case RANDOM -> {
        SplittableRandom r = Rng.stream(seed, COCHAIN_KEY, restart);
        for (int s = 0; s < batch; s++) {
          for (int k = n[0]; k < yRow; k++) {
            c[k][s] = r.nextGaussian();
          }
        }
      }
      case FORWARD_PASS -> Kernels.forward(n, w, b, xr, batch, zr, ar);
    }
    if (anchor == Regularisation.Anchor.INITIAL && c0 == null) {
      c0 = new double[c.length][];
      for (int k = 0; k < c.length; k++) {
        c0[k] = c[k].clone();
      }
    }
  }

  /** One simultaneous Euler step of length dt (cochain and weights from the same state). */
  public void step(double dt) {
    sweep(dt * alpha, null);
    if (beta != 0) {
      double k = dt * beta;
      for (int l = 0; l < depth; l++) {
        double[] wl = w[l];
        double[] gl = gw[l];
        for (int i = 0; i < wl.length; i++) {
          wl[i] -= k * gl[i];
        }
        double[] bl = b[l];
        double[] hl = gb[l];
        for (int i = 0; i < bl.length; i++) {
          bl[i] -= k * hl[i];
        }
      }
    }
    steps++;
  }

  /** {@code count} Euler steps. */
  public void run(long count, double dt) {
    for (long i = 0; i < count; i++) {
      step(dt);
    }
  }

  /**
   * The gradient of the total energy {@link #energy()} at the current state: into
   * {@code gCochain} (rows like {@link #cochainRows()}; zero on the pinned x and y rows) and into
   * {@code gW[l]}, {@code gB[l]} (row-major like the weights). The velocities of eq. 29/42 are
   * {@code -alpha gCochain} and {@code -beta gW}, {@code -beta gB}. The ReLU edges use the current
   * pattern (R_jj = 1 iff z_j >= 0), so this is the gradient of the energy wherever no
   * pre-activation is exactly zero.
   */
  public void energyGradient(double[][] gCochain, double[][] gW, double[][] gB) {
    for (double[] row : gCochain) {
      java.util.Arrays.fill(row, 0.0);
    }
    sweep(0.0, gCochain);
    for (int l = 0; l < depth; l++) {
      System.arraycopy(gw[l], 0, gW[l], 0, gw[l].length);
      System.arraycopy(gb[l], 0, gB[l], 0, gb[l].length);
    }
  }

  /**
   * The core of a step. Layer by layer: the weight-edge residuals {@code r_l = z_l - W_l a_{l-1}
   * - b_l} and activation-edge residuals {@code a_l - R z_l} of the old state are stored; the
   * weight gradient {@code dE/dW_l = -sum_s r_l a_{l-1}^T} is accumulated from the old a_{l-1};
   * then z_l, and a_{l-1} (whose last use was this layer), get their gradient, which is either
   * applied ({@code out == null}: {@code v -= h * grad}) or written to {@code out}.
   * Arithmetic per coordinate is in the order of {@link sheafrank.diffusion.HeatEquation}.
   */
  private void sweep(double h, double[][] out) {
    final int m = batch;
    final boolean plain = out == null && lambda == 0;
    if (plain && fused) {
      sweepFused(h);
      return;
    }
    for (int l = 0; l < depth; l++) {
      final int nin = n[l];
      final int nout = n[l + 1];
      final double[][] prev = l == 0 ? xr : ar[l - 1];
      final double[][] zl = zr[l];
      final double[] wl = w[l];
      final double[][] rwl = rw[l];
      for (int i = 0; i < nout; i++) {
        Kernels.residualRow(wl, b[l], i, nin, prev, m, zl[i], rwl[i]);
      }
      // weight gradient (eq. 25, summed over the batch), from the old a_{l-1}
      if (beta != 0 || out != null) {
        double[] ge = gExt[l];
        BatchReductions.gram(rwl, nout, prevOnes[l], nin + 1, m, ge);
        weightGradient(l);
      }
      if (l < depth - 1) {
        // activation edge residual a - R z, then z_l's gradient r_w - R r_a
        final double[][] al = ar[l];
        final double[][] ral = ra[l];
        for (int i = 0; i < nout; i++) {
          final double[] z = zl[i];
          final double[] a = al[i];
          final double[] rr = ral[i];
          final double[] rv = rwl[i];
          if (plain) {
            for (int s = 0; s < m; s++) {
              double zz = z[s];
              double r = a[s] - Math.max(zz, 0.0);
              rr[s] = r;
              z[s] = zz - h * (rv[s] - Kernels.mask(zz) * r);
            }
          } else {
            for (int s = 0; s < m; s++) {
              double zz = z[s];
              double r = a[s] - Math.max(zz, 0.0);
              rr[s] = r;
              double g = rv[s] - Kernels.mask(zz) * r;
              if (lambda != 0) {
                g += lambda * (c0 == null ? zz : zz - c0[zRow[l] + i][s]);
              }
              if (out == null) {
                z[s] = zz - h * g;
              } else {
                out[zRow[l] + i][s] = g;
              }
            }
          }
        }
      } else {
        // output layer: weight edge plus the loss's output edge (eq. 27, App. B.3)
        loss.forceRows(zl, yr, nout, m, force, lossScratch);
        for (int i = 0; i < nout; i++) {
          final double[] z = zl[i];
          final double[] f = force[i];
          final double[] rv = rwl[i];
          if (plain) {
            for (int s = 0; s < m; s++) {
              z[s] = z[s] - h * (rv[s] + f[s]);
            }
          } else {
            for (int s = 0; s < m; s++) {
              double zz = z[s];
              double g = rv[s] + f[s];
              if (lambda != 0) {
                g += lambda * (c0 == null ? zz : zz - c0[zRow[l] + i][s]);
              }
              if (out == null) {
                z[s] = zz - h * g;
              } else {
                out[zRow[l] + i][s] = g;
              }
            }
          }
        }
      }
      if (l > 0) {
        // a_{l-1}: its activation edge r_a, and -W_l^T r_w from this layer's weight edge
        final double[][] rap = ra[l - 1];
        for (int j = 0; j < nin; j++) {
          final double[] a = prev[j];
          final double[] rj = rap[j];
          if (plain && nout == 1) {
            final double wj = wl[j];
            final double[] r0 = rwl[0];
            for (int s = 0; s < m; s++) {
              a[s] -= h * (rj[s] - wj * r0[s]);
            }
            continue;
          }
          System.arraycopy(rj, 0, tmp, 0, m);
          for (int i = 0; i < nout; i++) {
            final double wij = wl[i * nin + j];
            final double[] ri = rwl[i];
            for (int s = 0; s < m; s++) {
              tmp[s] -= wij * ri[s];
            }
          }
          if (lambda != 0) {
            final double[] anc = c0 == null ? null : c0[aRow[l - 1] + j];
            for (int s = 0; s < m; s++) {
              tmp[s] += lambda * (anc == null ? a[s] : a[s] - anc[s]);
            }
          }
          if (out == null) {
            for (int s = 0; s < m; s++) {
              a[s] -= h * tmp[s];
            }
          } else {
            System.arraycopy(tmp, 0, out[aRow[l - 1] + j], 0, m);
          }
        }
      }
    }
  }

  /**
   * dE/dW_l and dE/db_l from the batch sums {@code gExt[l]} (W_l's row i: entries
   * {@code i (n_l + 1) + j}, bias last): the negated sums plus the weight regulariser.
   */
  private void weightGradient(int l) {
    final int nin = n[l];
    final int nout = n[l + 1];
    final double[] gwl = gw[l];
    final double[] gbl = gb[l];
    final double[] ge = gExt[l];
    final double[] wl = w[l];
    for (int i = 0; i < nout; i++) {
      int base = i * (nin + 1);
      for (int j = 0; j < nin; j++) {
        gwl[i * nin + j] = -ge[base + j];
      }
      gbl[i] = -ge[base + nin];
    }
    if (mu != 0) {
      for (int i = 0; i < gwl.length; i++) {
        gwl[i] += mu * (w0 == null ? wl[i] : wl[i] - w0[l][i]);
      }
      for (int i = 0; i < gbl.length; i++) {
        gbl[i] += mu * (b0 == null ? b[l][i] : b[l][i] - b0[l][i]);
      }
    }
  }

  /**
   * {@link #sweep} for one hidden layer on two inputs and one output unit, plain step (Table 1's
   * regression and binary nets), arranged so that each hidden unit's rows are read from memory
   * once: a first pass over the activation rows builds the output unit's residual r (old state);
   * then per hidden unit i, while its rows are in the L1 cache, the output layer's gradient sum
   * {@code sum r a_i} (old a_i), one elementwise pass (weight-edge residual into a scratch row,
   * activation edge, z_i and a_i updates) and the sums of the residual against x and 1. The same
   * operations in the same order as the general sweep, only interleaved differently across
   * independent rows, with the batch sums in {@link BatchReductions}' order: the same bits
   * (tested). The general sweep stores every residual row and makes three to five passes per unit.
   */
  private void sweepFused(double h) {
    final int m = batch;
    final int hidden = n[1];
    final double[] w1 = w[0];
    final double[] b1 = b[0];
    final double[] w2 = w[1];
    final double[][] z1 = zr[0];
    final double[][] a1 = ar[0];
    final double[] x0 = xr[0];
    final double[] x1 = xr[1];
    // the output unit's residual from the old state, in the order of Kernels.residualRow
    final double[] r = rw[1][0];
    final double[] zo = zr[1][0];
    final double bo = b[1][0];
    for (int i = 0; i < hidden; i++) {
      final double[] a = a1[i];
      final double wi = w2[i];
      if (i == 0) {
        for (int s = 0; s < m; s++) {
          acc[s] = bo + wi * a[s];
        }
      } else {
        for (int s = 0; s < m; s++) {
          acc[s] += wi * a[s];
        }
      }
    }
    for (int s = 0; s < m; s++) {
      r[s] = zo[s] - acc[s];
    }
    loss.forceRows(zr[1], yr, 1, m, force, lossScratch);
    final double[] f = force[0];
    for (int s = 0; s < m; s++) {
      zo[s] = zo[s] - h * (r[s] + f[s]);
    }
    final double[] ge1 = gExt[0];
    final double[] ge2 = gExt[1];
    final double[] rv = tmp;
    final double[][] rvRow = fusedRows;
    for (int i = 0; i < hidden; i++) {
      final double[] z = z1[i];
      final double[] a = a1[i];
      ge2[i] = BatchReductions.dot(r, a, m);
      final double wa = w1[2 * i];
      final double wb = w1[2 * i + 1];
      final double bi = b1[i];
      final double wo = w2[i];
      for (int s = 0; s < m; s++) {
        double zz = z[s];
        double av = a[s];
        double q = zz - ((bi + wa * x0[s]) + wb * x1[s]);
        rv[s] = q;
        double ra = av - Math.max(zz, 0.0);
        z[s] = zz - h * (q - Kernels.mask(zz) * ra);
        a[s] = av - h * (ra - wo * r[s]);
      }
      BatchReductions.gram(rvRow, 1, prevOnes[0], 3, m, ge1, 3 * i);
    }
    ge2[hidden] = BatchReductions.dot(r, prevOnes[1][hidden], m);
    weightGradient(0);
    weightGradient(1);
  }

  /**
   * The regularised energy of eq. 28/41 at the current state: over all samples
   * {@code 1/2 sum_edges ||r_e||^2 + U_out}, plus {@code lambda/2 ||omega - omega_0||^2 +
   * mu/2 ||theta - theta_0||^2}.
   */
  public double energy() {
    double e = 0;
    final int m = batch;
    for (int l = 0; l < depth; l++) {
      int nin = n[l];
      int nout = n[l + 1];
      double[][] prev = l == 0 ? xr : ar[l - 1];
      for (int i = 0; i < nout; i++) {
        Kernels.residualRow(w[l], b[l], i, nin, prev, m, zr[l][i], tmp);
        for (int s = 0; s < m; s++) {
          e += 0.5 * tmp[s] * tmp[s];
        }
        if (l < depth - 1) {
          double[] z = zr[l][i];
          double[] a = ar[l][i];
          for (int s = 0; s < m; s++) {
            double r = a[s] - Math.max(z[s], 0.0);
            e += 0.5 * r * r;
          }
        }
      }
    }
    for (int s = 0; s < m; s++) {
      e += loss.potential(zr[depth - 1], yr, s);
    }
    if (lambda != 0) {
      double q = 0;
      for (int k = n[0]; k < yRow; k++) {
        for (int s = 0; s < m; s++) {
          double d = c0 == null ? c[k][s] : c[k][s] - c0[k][s];
          q += d * d;
        }
      }
      e += 0.5 * lambda * q;
    }
    if (mu != 0) {
      double q = 0;
      for (int l = 0; l < depth; l++) {
        for (int i = 0; i < w[l].length; i++) {
          double d = w0 == null ? w[l][i] : w[l][i] - w0[l][i];
          q += d * d;
        }
        for (int i = 0; i < b[l].length; i++) {
          double d = b0 == null ? b[l][i] : b[l][i] - b0[l][i];
          q += d * d;
        }
      }
      e += 0.5 * mu * q;
    }
    return e;
  }

  /** The current weights as a network (a copy) with the loss's output activation. */
  public Mlp network() {
    double[][] w2 = new double[depth][];
    double[][] b2 = new double[depth][];
    for (int l = 0; l < depth; l++) {
      w2[l] = w[l].clone();
      b2[l] = b[l].clone();
    }
    return new Mlp(n, w2, b2, loss.activation());
  }

  /** Whether plain steps take {@link #sweepFused} (one hidden layer, two inputs, one output). */
  boolean fusedSteps() {
    return fused;
  }

  /** Tests: use the general sweep even where the fused one applies. */
  void useGeneralKernels() {
    fused = false;
  }

  /** The live weight array of 0-based layer l (row-major). */
  double[] weightsLive(int l) {
    return w[l];
  }

  double[] biasLive(int l) {
    return b[l];
  }

  /** The live cochain rows: {@code cochainRows()[coord][s]}, coordinates as in {@link #layout()}. */
  public double[][] cochainRows() {
    return c;
  }

  /** The cochain in the sample-major layout of {@link SheafLayout} (with y = the target). */
  public double[] cochainSampleMajor() {
    int dim = layout.dim();
    double[] o = new double[dim * batch];
    for (int k = 0; k < dim; k++) {
      double[] row = c[k];
      for (int s = 0; s < batch; s++) {
        o[s * dim + k] = row[s];
      }
    }
    return o;
  }

  /**
   * Replaces the free coordinates from a sample-major cochain; the pinned x and y coordinates are
   * left at the data.
   */
  public void setCochainSampleMajor(double[] state) {
    int dim = layout.dim();
    if (state.length != dim * batch) {
      throw new IllegalArgumentException(
          "cochain has " + state.length + " values, expected " + dim + " x " + batch);
    }
    for (int k = n[0]; k < yRow; k++) {
      for (int s = 0; s < batch; s++) {
        c[k][s] = state[s * dim + k];
      }
    }
  }

  /** Largest absolute value over weights, biases and free cochain coordinates; NaN if any is NaN. */
  public double maxAbs() {
    double mx = 0;
    for (int l = 0; l < depth; l++) {
      mx = maxAbs(w[l], mx);
      mx = maxAbs(b[l], mx);
    }
    for (int k = n[0]; k < yRow && !Double.isNaN(mx); k++) {
      mx = maxAbs(c[k], mx);
    }
    return mx;
  }

  static double maxAbs(double[] v, double mx) {
    if (Double.isNaN(mx)) {
      return mx;
    }
    for (double x : v) {
      double a = Math.abs(x);
      if (!(a <= mx)) {
        if (Double.isNaN(a)) {
          return Double.NaN;
        }
        mx = a;
      }
    }
    return mx;
  }

  /** The training data this instance was built on. */
  public Samples data() {
    return data;
  }

  /** Output activation of the trained network (the loss's). */
  public OutputActivation outputActivation() {
    return loss.activation();
  }
}
