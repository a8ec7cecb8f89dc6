package sheafrank.train;

import sheafrank.linalg.BatchReductions;
import sheafrank.net.OutputActivation;

/**
 * The sheaf training loss of seed 002 Def. 11.3, {@code L(theta) = mean_i R(theta; x_i, y_i)},
 * where R is the residual energy of the two-sided pinned equilibrium (seed 002 eq. 11.1, Prop. 11.2;
 * seed 001 §5.2.1): the input stalk pinned to x, the output stalk pinned to the target y, the
 * interior cochain at the minimiser of {@code E(c) = 1/2 sum_edges ||r_e||^2 + U_out(z^(k+1), y)}
 * for a frozen activation pattern. Also its gradient by the local rule of Prop. 11.5 evaluated at
 * the equilibrium cochain (the envelope theorem: dR/dtheta = dE/dtheta at c*, Thm 11.6).
 *
 * <p><b>Exact solve.</b> For a frozen pattern, parametrise the cochain by its internal edge residuals
 * rho (weight edges {@code rho_w(l) = z_l - W_l a_{l-1} - b_l}, activation edges
 * {@code rho_a(l) = a_l - R_l z_l}); delta_Omega is unitriangular (Lemma 3.2) so this is a bijection,
 * and the output pre-activation is {@code z_L = z_L^fwd + J rho} where the rows of J are the
 * Jacobians {@code M_l = d z_L / d z_l} and {@code N_l = d z_L / d a_l} (backprop vectors; M_L = I,
 * {@code M_l = N_l R_l}, {@code N_{l-1} = M_l W_l}). Minimising {@code 1/2|rho|^2 + U_out(z_L)} gives
 * {@code rho = -J^T g} with {@code g = grad U_out(z*_L)}, and {@code u = z*_L - z_L^fwd = -K g} with
 * {@code K = J J^T = I + sum_l N_l (I + R_l) N_l^T} (m x m). So the equilibrium needs one
 * m-dimensional solve per sample: for L2 {@code (I + K) g = z^fwd - y}; for Huber, BCE and CE a
 * damped Newton iteration on the strictly convex {@code 1/2 u^T K^-1 u + U_out(z^fwd + u)}. Then
 * {@code delta_l = M_l^T g}, {@code eps_l = N_l^T g}, the cochain is rebuilt by forward
 * substitution ({@code z*_l = W_l a*_{l-1} + b_l - delta_l}, {@code a*_l = R_l z*_l - eps_l}),
 * {@code R = 1/2 sum |delta_l|^2 + 1/2 sum |eps_l|^2 + U_out(z*_L)} and
 * {@code dR/dW_l = delta_l a*_{l-1}^T}, {@code dR/db_l = delta_l} (Prop. 11.5). Cost: about one
 * forward and m backward passes per sample.
 *
 * <p><b>Pattern.</b> The joint dynamics use the state-dependent pattern R = [z >= 0]. Unless a
 * frozen pattern is given, the solve starts from the forward-pass pattern and re-solves with the
 * pattern of the equilibrium z* until it reproduces itself or {@code patternIterations} solves are
 * done (then the last solve stands; {@link #inconsistentSamples()} counts those).
 *
 * <p>L1 and p-norm output potentials are not smooth enough for this solve and are rejected.
 * Batches are held as rows ({@code x[k][s]}); buffers are reused across calls.
 */
public final class SheafLoss {
  private final int[] n;
  private final int depth;
  private final int m;
  private final int maxBatch;
  private final Loss loss;
  private final double[][][] zs; // equilibrium (and, during a solve, forward) pre-activations
  private final double[][][] as; // equilibrium activations (hidden)
  private final double[][][] pm; // pattern masks (hidden)
  private final double[][][] prevPm; // the final pattern of the previous call
  private final double[][][] pn; // the pattern of the latest equilibrium
  private int prevCount = -1;
  private int patternChanges;
  private final double[][][][] nj; // N_l[k][j][s] (hidden l)
  private final double[][][] del; // delta_l[j][s]
  private final double[][][] eps; // eps_l[j][s] (hidden)
  private final double[][][] kk; // K[k][k'][s]
  private final double[][] g; // g[k][s]
  private final double[][] zOut; // forward output pre-activation z_L^fwd
  private final double[][][] prevOnes;
  private final double[][] gExt;
  private final double[] rs; // R per sample
  private final double[] scratch;
  private final double[] kBuf;
  private final double[] zfBuf;
  private final double[] ysBuf;
  private final double[] gsBuf;
  private final double[] wChol;
  private final double[] wJac;
  private final double[] wH;
  private final double[] wU;
  private final double[] wV;
  private final double[] wF;
  private final double[] wGrad;
  private final double[] wDir;
  private final double[] wUt;
  private final double[] wKf;
  private final double[] wKu;
  private final double[] wP;
  private int inconsistent;
  private final double[][] uPrev; // per sample, the output shift u = z* - z_fwd of the last solve
  private boolean warmU;
  private double lastU;
  private int lastIterations;

  public SheafLoss(int[] widths, Loss loss, int maxBatch) {
    if (loss.kind() == Loss.Kind.L1 || loss.kind() == Loss.Kind.PNORM) {
      throw new IllegalArgumentException(
          "the exact two-sided equilibrium needs a smooth output potential (l2, huber, bce, ce), not "
              + loss.id());
    }
    this.n = widths.clone();
    this.depth = widths.length - 1;
    this.m = widths[depth];
    this.maxBatch = maxBatch;
    this.loss = loss;
    zs = new double[depth][][];
    as = new double[depth][][];
    pm = new double[depth][][];
    prevPm = new double[depth][][];
    pn = new double[depth][][];
    nj = new double[depth][][][];
    del = new double[depth][][];
    eps = new double[depth][][];
    prevOnes = new double[depth][][];
    gExt = new double[depth][];
    double[] ones = new double[maxBatch];
    java.util.Arrays.fill(ones, 1.0);
    for (int l = 0; l < depth; l++) {
      zs[l] = new double[n[l + 1]][maxBatch];
      del[l] = new double[n[l + 1]][maxBatch];
      if (l < depth - 1) {
        as[l] = new double[n[l + 1]][maxBatch];
        pm[l] = new double[n[l + 1]][maxBatch];
        prevPm[l] = new double[n[l + 1]][maxBatch];
        pn[l] = new double[n[l + 1]][maxBatch];
        eps[l] = new double[n[l + 1]][maxBatch];
        nj[l] = new double[m][n[l + 1]][maxBatch];
      }
      gExt[l] = new double[n[l + 1] * (n[l] + 1)];
    }
    for (int l = 0; l < depth; l++) {
      prevOnes[l] = new double[n[l] + 1][];
      if (l > 0) {
        System.arraycopy(as[l - 1], 0, prevOnes[l], 0, n[l]);
      }
      prevOnes[l][n[l]] = ones;
    }
    kk = new double[m][m][maxBatch];
    g = new double[m][maxBatch];
    zOut = new double[m][maxBatch];
    rs = new double[maxBatch];
    scratch = new double[8 * m * m + 16 * m];
    kBuf = new double[m * m];
    uPrev = new double[m][maxBatch];
    zfBuf = new double[m];
    ysBuf = new double[m];
    gsBuf = new double[m];
    wChol = new double[m * m];
    wJac = new double[m * m];
    wH = new double[m * m];
    wU = new double[m];
    wV = new double[m];
    wF = new double[m];
    wGrad = new double[m];
    wDir = new double[m];
    wUt = new double[m];
    wKf = new double[m];
    wKu = new double[m];
    wP = new double[m];
  }

  public Loss loss() {
    return loss;
  }

  /**
   * Solves the two-sided problem for the first {@code count} samples of the rows x, y under the
   * weights w, b; returns {@code sum_s R_s} (not the mean) and, if {@code gW != null}, writes
   * {@code sum_s dR_s/dW} and {@code dR_s/db} there.
   *
   * @param frozen if non-null, the pattern {@code frozen[s][l][j]} for every sample (no iteration)
   * @param patternIterations maximum number of solves when the pattern is not frozen (>= 1)
   */
  public double evaluate(double[][] w, double[][] b, double[][] x, double[][] y, int count,
      boolean[][][] frozen, int patternIterations, double[][] gW, double[][] gB) {
    return evaluate(w, b, x, y, count, frozen, false, patternIterations, gW, gB);
  }

  /**
   * As above; with {@code fromPrevious} the pattern iteration starts from the pattern of the
   * equilibrium found by the previous call (same samples) instead of the forward-pass pattern, so
   * that a sequence of calls along a training trajectory follows one branch of equilibria, as the
   * cochain of the joint dynamics does, until that branch ceases to be self-consistent.
   */
  public double evaluate(double[][] w, double[][] b, double[][] x, double[][] y, int count,
      boolean[][][] frozen, boolean fromPrevious, int patternIterations, double[][] gW,
      double[][] gB) {
    if (count > maxBatch) {
      throw new IllegalArgumentException("batch of " + count + " exceeds " + maxBatch);
    }
    int iters = frozen != null ? 1 : Math.max(1, patternIterations);
    // initial pattern: frozen, or the forward pass's
    if (frozen != null) {
      for (int l = 0; l < depth - 1; l++) {
        for (int j = 0; j < n[l + 1]; j++) {
          double[] p = pm[l][j];
          for (int s = 0; s < count; s++) {
            p[s] = frozen[s][l][j] ? 1.0 : 0.0;
          }
        }
      }
    } else if (fromPrevious && prevCount == count) {
      for (int l = 0; l < depth - 1; l++) {
        for (int j = 0; j < n[l + 1]; j++) {
          System.arraycopy(pn[l][j], 0, pm[l][j], 0, count);
        }
      }
    } else {
      double[][] prev = x;
      for (int l = 0; l < depth - 1; l++) {
        for (int j = 0; j < n[l + 1]; j++) {
          Kernels.affineRow(w[l], b[l], j, n[l], prev, count, zs[l][j]);
          double[] z = zs[l][j];
          double[] p = pm[l][j];
          double[] a = as[l][j];
          for (int s = 0; s < count; s++) {
            p[s] = Kernels.mask(z[s]);
            a[s] = Math.max(z[s], 0.0);
          }
        }
        prev = as[l];
      }
    }
    warmU = fromPrevious && prevCount == count;
    int changed = 0;
    int it = 0;
    while (true) {
      solveFrozen(w, b, x, y, count);
      warmU = true;
      it++;
      // the pattern of the equilibrium just found, and how many entries differ from the one used
      changed = nextPattern(count);
      if (frozen != null || changed == 0 || it >= iters) {
        break;
      }
      for (int l = 0; l < depth - 1; l++) {
        for (int j = 0; j < n[l + 1]; j++) {
          System.arraycopy(pn[l][j], 0, pm[l][j], 0, count);
        }
      }
    }
    lastIterations = it;
    patternChanges = 0;
    for (int l = 0; l < depth - 1; l++) {
      for (int j = 0; j < n[l + 1]; j++) {
        if (prevCount == count) {
          patternChanges += differences(pm[l][j], prevPm[l][j], count);
        }
        System.arraycopy(pm[l][j], 0, prevPm[l][j], 0, count);
      }
    }
    if (prevCount != count) {
      patternChanges = -1;
    }
    prevCount = count;
    inconsistent = 0;
    if (changed > 0) {
      for (int s = 0; s < count; s++) {
        boolean ok = true;
        for (int l = 0; l < depth - 1 && ok; l++) {
          for (int j = 0; j < n[l + 1] && ok; j++) {
            ok = pn[l][j][s] == pm[l][j][s];
          }
        }
        inconsistent += ok ? 0 : 1;
      }
    }
    double total = 0;
    for (int s = 0; s < count; s++) {
      total += rs[s];
    }
    if (gW != null) {
      for (int l = 0; l < depth; l++) {
        double[][] po = prevOnes[l];
        if (l == 0) {
          System.arraycopy(x, 0, po, 0, n[0]);
        }
        int nin = n[l];
        double[] ge = gExt[l];
        BatchReductions.gram(del[l], n[l + 1], po, nin + 1, count, ge);
        for (int i = 0; i < n[l + 1]; i++) {
          System.arraycopy(ge, i * (nin + 1), gW[l], i * nin, nin);
          gB[l][i] = ge[i * (nin + 1) + nin];
        }
      }
    }
    return total;
  }

  /** pn := the pattern [z* >= 0] of the current equilibrium; returns the entries differing from pm. */
  private int nextPattern(int count) {
    int changed = 0;
    for (int l = 0; l < depth - 1; l++) {
      for (int j = 0; j < n[l + 1]; j++) {
        double[] z = zs[l][j];
        double[] q = pn[l][j];
        for (int s = 0; s < count; s++) {
          q[s] = Kernels.mask(z[s]);
        }
        changed += differences(q, pm[l][j], count);
      }
    }
    return changed;
  }

  /** Number of entries where two 0/1 rows differ (fast path: equal rows). */
  private static int differences(double[] a, double[] b, int count) {
    if (java.util.Arrays.equals(a, 0, count, b, 0, count)) {
      return 0;
    }
    int d = 0;
    for (int s = 0; s < count; s++) {
      d += a[s] != b[s] ? 1 : 0;
    }
    return d;
  }

  /**
   * The exact equilibrium for the current pattern masks {@code pm}. Split into small phases so the
   * JIT compiles each early.
   */
  private void solveFrozen(double[][] w, double[][] b, double[][] x, double[][] y, int count) {
    forwardFrozen(w, b, x, count);
    jacobians(w, count);
    kMatrix(count);
    solveOutput(y, count);
    deltas(count);
    substitute(w, b, x, count);
    residualEnergy(y, count);
  }

  private void forwardFrozen(double[][] w, double[][] b, double[][] x, int count) {
    // forward pass with the frozen pattern: z^fwd (into zs), a = R z (into as)
    double[][] prev = x;
    for (int l = 0; l < depth; l++) {
      for (int j = 0; j < n[l + 1]; j++) {
        Kernels.affineRow(w[l], b[l], j, n[l], prev, count, zs[l][j]);
      }
      if (l < depth - 1) {
        for (int j = 0; j < n[l + 1]; j++) {
          double[] z = zs[l][j];
          double[] p = pm[l][j];
          double[] a = as[l][j];
          for (int s = 0; s < count; s++) {
            a[s] = p[s] * z[s];
          }
        }
        prev = as[l];
      }
    }
    for (int k = 0; k < m; k++) {
      System.arraycopy(zs[depth - 1][k], 0, zOut[k], 0, count);
    }
  }

  private void jacobians(double[][] w, int count) {
    // Jacobians N_l (m x n_{l+1} rows), from the top: N_{L-2} = W_{L-1}, N_{l-1} = (N_l R_l) W_l
    for (int l = depth - 2; l >= 0; l--) {
      int nl = n[l + 1];
      for (int k = 0; k < m; k++) {
        for (int j = 0; j < nl; j++) {
          double[] row = nj[l][k][j];
          if (l == depth - 2) {
            java.util.Arrays.fill(row, 0, count, w[depth - 1][k * nl + j]);
          } else {
            // sum_i N_{l+1}[k][i] p_{l+1}[i] W_{l+1}[i][j]
            int nu = n[l + 2];
            double[] wn = w[l + 1];
            java.util.Arrays.fill(row, 0, count, 0.0);
            for (int i = 0; i < nu; i++) {
              double wij = wn[i * nl + j];
              double[] ni = nj[l + 1][k][i];
              double[] pi = pm[l + 1][i];
              for (int s = 0; s < count; s++) {
                row[s] += wij * (ni[s] * pi[s]);
              }
            }
          }
        }
      }
    }
  }

  private void kMatrix(int count) {
    // K = I + sum_l N_l diag(1 + p_l) N_l^T
    for (int k = 0; k < m; k++) {
      for (int q = 0; q <= k; q++) {
        double[] kr = kk[k][q];
        java.util.Arrays.fill(kr, 0, count, k == q ? 1.0 : 0.0);
        for (int l = 0; l < depth - 1; l++) {
          for (int j = 0; j < n[l + 1]; j++) {
            double[] a1 = nj[l][k][j];
            double[] a2 = nj[l][q][j];
            double[] p = pm[l][j];
            for (int s = 0; s < count; s++) {
              kr[s] += a1[s] * a2[s] * (1.0 + p[s]);
            }
          }
        }
        if (q != k) {
          System.arraycopy(kr, 0, kk[q][k], 0, count);
        }
      }
    }
  }

  private void deltas(int count) {
    // delta_L = g; delta_l = M_l^T g = p_l * (N_l^T g); eps_l = N_l^T g
    for (int k = 0; k < m; k++) {
      System.arraycopy(g[k], 0, del[depth - 1][k], 0, count);
    }
    for (int l = 0; l < depth - 1; l++) {
      for (int j = 0; j < n[l + 1]; j++) {
        double[] e = eps[l][j];
        double[] d = del[l][j];
        double[] p = pm[l][j];
        java.util.Arrays.fill(e, 0, count, 0.0);
        for (int k = 0; k < m; k++) {
          double[] nk = nj[l][k][j];
          double[] gk = g[k];
          for (int s = 0; s < count; s++) {
            e[s] += nk[s] * gk[s];
          }
        }
        for (int s = 0; s < count; s++) {
          d[s] = p[s] * e[s];
        }
      }
    }
  }

  private void substitute(double[][] w, double[][] b, double[][] x, int count) {
    double[][] prev;
    // the equilibrium cochain by forward substitution with residuals -delta, -eps
    prev = x;
    for (int l = 0; l < depth; l++) {
      for (int j = 0; j < n[l + 1]; j++) {
        double[] z = zs[l][j];
        Kernels.affineRow(w[l], b[l], j, n[l], prev, count, z);
        double[] d = del[l][j];
        for (int s = 0; s < count; s++) {
          z[s] -= d[s];
        }
      }
      if (l < depth - 1) {
        for (int j = 0; j < n[l + 1]; j++) {
          double[] z = zs[l][j];
          double[] p = pm[l][j];
          double[] a = as[l][j];
          double[] e = eps[l][j];
          for (int s = 0; s < count; s++) {
            a[s] = p[s] * z[s] - e[s];
          }
        }
        prev = as[l];
      }
    }
  }

  private void residualEnergy(double[][] y, int count) {
    // R per sample
    java.util.Arrays.fill(rs, 0, count, 0.0);
    for (int l = 0; l < depth; l++) {
      for (int j = 0; j < n[l + 1]; j++) {
        double[] d = del[l][j];
        for (int s = 0; s < count; s++) {
          rs[s] += 0.5 * d[s] * d[s];
        }
        if (l < depth - 1) {
          double[] e = eps[l][j];
          for (int s = 0; s < count; s++) {
            rs[s] += 0.5 * e[s] * e[s];
          }
        }
      }
    }
    loss.addPotentialRows(zs[depth - 1], y, m, count, rs, scratch);
  }

  /** Per sample: the m-dimensional output problem u = -K grad U(z^fwd + u); g = grad U. */
  private void solveOutput(double[][] y, int count) {
    if (loss.kind() == Loss.Kind.L2 && m == 1) {
      double[] k0 = kk[0][0];
      double[] z0 = zOut[0];
      double[] y0 = y[0];
      double[] g0 = g[0];
      for (int s = 0; s < count; s++) {
        g0[s] = (z0[s] - y0[s]) / (1.0 + k0[s]);
      }
      return;
    }
    if (m == 1) {
      double[] k0 = kk[0][0];
      double[] z0 = zOut[0];
      double[] y0 = y[0];
      double[] g0 = g[0];
      for (int s = 0; s < count; s++) {
        g0[s] = scalarOutput(k0[s], z0[s], y0[s], warmU ? uPrev[0][s] : 0.0);
        uPrev[0][s] = lastU;
      }
      return;
    }
    double[] kmat = kBuf;
    double[] zf = zfBuf;
    double[] ys = ysBuf;
    double[] gs = gsBuf;
    for (int s = 0; s < count; s++) {
      for (int k = 0; k < m; k++) {
        zf[k] = zOut[k][s];
        ys[k] = y[k][s];
        for (int q = 0; q < m; q++) {
          kmat[k * m + q] = kk[k][q][s];
        }
      }
      for (int k = 0; k < m; k++) {
        wU[k] = warmU ? uPrev[k][s] : 0.0;
      }
      outputProblem(kmat, zf, ys, gs);
      for (int k = 0; k < m; k++) {
        uPrev[k][s] = wU[k];
      }
      for (int k = 0; k < m; k++) {
        g[k][s] = gs[k];
      }
    }
  }

  /**
   * One output (m = 1): the root u of the increasing function h(u) = u + K f(zf + u), f the force,
   * by Newton's method safeguarded by bisection on the bracket [-K |f|max, K |f|max]; returns f at
   * the root. For Huber f is piecewise linear and Newton ends in a few steps; for BCE f = sigmoid - y
   * lies in (-1, 1).
   */
  private double scalarOutput(double k, double zf, double y, double u0) {
    double lo;
    double hi;
    if (loss.kind() == Loss.Kind.BCE) {
      lo = -k * Math.max(1.0, Math.abs(y) + 1);
      hi = -lo;
    } else if (loss.kind() == Loss.Kind.HUBER) {
      lo = -k * loss.parameter();
      hi = -lo;
    } else { // L2 handled elsewhere; generic fallback bracket
      double e = Math.abs(zf - y);
      lo = -(k * e + e + 1);
      hi = -lo;
    }
    double u = u0 > lo && u0 < hi ? u0 : 0.0;
    double f = 0;
    for (int iter = 0; iter < 200; iter++) {
      double v = zf + u;
      double d;
      if (loss.kind() == Loss.Kind.BCE) {
        double p = OutputActivation.sigmoid(v);
        f = p - y;
        d = p * (1 - p);
      } else if (loss.kind() == Loss.Kind.HUBER) {
        double e = v - y;
        double t = loss.parameter();
        f = Math.max(-t, Math.min(t, e));
        d = Math.abs(e) <= t ? 1.0 : 0.0;
      } else {
        f = v - y;
        d = 1.0;
      }
      double h = u + k * f;
      if (Math.abs(h) <= 1e-15 * (1 + Math.abs(u) + k * Math.abs(f))) {
        break;
      }
      if (h > 0) {
        hi = u;
      } else {
        lo = u;
      }
      double next = u - h / (1 + k * d);
      if (!(next > lo && next < hi)) {
        next = 0.5 * (lo + hi);
      }
      if (next == u) {
        break;
      }
      u = next;
    }
    lastU = u;
    return f;
  }

  /**
   * For one sample: finds g = grad U(zf + u) with u = -K g. L2: (I + K) g = zf - y. Otherwise
   * damped Newton on Phi(u) = 1/2 u^T K^-1 u + U(zf + u), strictly convex since K >= I.
   */
  void outputProblem(double[] kmat, double[] zf, double[] ys, double[] gOut) {
    int mm = m;
    if (loss.kind() == Loss.Kind.L2) {
      double[] a = wJac;
      for (int i = 0; i < mm * mm; i++) {
        a[i] = kmat[i];
      }
      for (int i = 0; i < mm; i++) {
        a[i * mm + i] += 1.0;
        gOut[i] = zf[i] - ys[i];
      }
      if (!sheafrank.linalg.Dense.cholesky(a, mm)) {
        throw new ArithmeticException("I + K is not positive definite");
      }
      sheafrank.linalg.Dense.choleskySolve(a, mm, gOut, 0);
      return;
    }
    double[] kchol = wChol;
    System.arraycopy(kmat, 0, kchol, 0, mm * mm);
    if (!sheafrank.linalg.Dense.cholesky(kchol, mm)) {
      throw new ArithmeticException("K is not positive definite");
    }
    double[] u = wU; // the starting point (0, or the previous solution of this sample)
    double[] v = wV;
    double[] f = wF;
    double[] grad = wGrad;
    double[] h = wH;
    double[] jac = wJac;
    double[] dir = wDir;
    double[] ut = wUt;
    double[] kf = wKf;
    double phi = phi(kchol, zf, ys, u, v);
    for (int iter = 0; iter < 100; iter++) {
      for (int k = 0; k < mm; k++) {
        v[k] = zf[k] + u[k];
      }
      loss.force(v, 0, 1, ys, 0, 1, mm, grad, 0, 1);
      double fmax = 0;
      double scale = 1;
      for (int k = 0; k < mm; k++) {
        double s = u[k];
        double kg = 0;
        for (int q = 0; q < mm; q++) {
          kg += kmat[k * mm + q] * grad[q];
        }
        f[k] = s + kg;
        fmax = Math.max(fmax, Math.abs(f[k]));
        scale = Math.max(scale, Math.max(Math.abs(s), Math.abs(kg)));
      }
      if (fmax <= 1e-13 * scale) {
        break;
      }
      hessian(v, ys, h);
      // J = I + K H; dir = -J^{-1} f
      for (int k = 0; k < mm; k++) {
        for (int q = 0; q < mm; q++) {
          double s = k == q ? 1.0 : 0.0;
          for (int t = 0; t < mm; t++) {
            s += kmat[k * mm + t] * h[t * mm + q];
          }
          jac[k * mm + q] = s;
        }
        dir[k] = -f[k];
      }
      luSolve(jac, dir, mm);
      double dmax = 0;
      for (int k = 0; k < mm; k++) {
        dmax = Math.max(dmax, Math.abs(dir[k]));
      }
      // Armijo on Phi; grad Phi = K^-1 f
      System.arraycopy(f, 0, kf, 0, mm);
      sheafrank.linalg.Dense.choleskySolve(kchol, mm, kf, 0);
      double slope = 0;
      for (int k = 0; k < mm; k++) {
        slope += kf[k] * dir[k];
      }
      double t = 1.0;
      double next = 0;
      boolean decreased = false;
      for (int ls = 0; ls < 40; ls++) {
        for (int k = 0; k < mm; k++) {
          ut[k] = u[k] + t * dir[k];
        }
        next = phi(kchol, zf, ys, ut, v);
        if (next <= phi + 1e-4 * t * slope || slope >= 0) {
          decreased = true;
          break;
        }
        t *= 0.5;
      }
      if (!decreased) {
        // no decrease to be had at rounding level: take the Newton step and stop
        for (int k = 0; k < mm; k++) {
          u[k] += dir[k];
        }
        break;
      }
      System.arraycopy(ut, 0, u, 0, mm);
      phi = next;
      if (t * dmax <= 1e-15 * scale) {
        break;
      }
    }
    for (int k = 0; k < mm; k++) {
      v[k] = zf[k] + u[k];
    }
    loss.force(v, 0, 1, ys, 0, 1, mm, gOut, 0, 1);
  }

  /** Phi(u) = 1/2 u^T K^-1 u + U(zf + u), with U the potential whose gradient is the force. */
  private double phi(double[] kchol, double[] zf, double[] ys, double[] u, double[] v) {
    int mm = m;
    double[] ku = wKu;
    System.arraycopy(u, 0, ku, 0, mm);
    sheafrank.linalg.Dense.choleskySolve(kchol, mm, ku, 0);
    double q = 0;
    for (int k = 0; k < mm; k++) {
      q += u[k] * ku[k];
      v[k] = zf[k] + u[k];
    }
    double pot;
    if (loss.kind() == Loss.Kind.CE) {
      // logsumexp(v) - y.v: the potential whose gradient is eq. 27's softmax(v) - y
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < mm; k++) {
        max = Math.max(max, v[k]);
      }
      double sum = 0;
      double yv = 0;
      for (int k = 0; k < mm; k++) {
        sum += Math.exp(v[k] - max);
        yv += ys[k] * v[k];
      }
      pot = max + Math.log(sum) - yv;
    } else {
      pot = loss.potential(v, 0, 1, ys, 0, 1, mm);
    }
    return 0.5 * q + pot;
  }

  /** Hessian (or a generalised Jacobian) of the force in z. */
  private void hessian(double[] v, double[] ys, double[] h) {
    int mm = m;
    java.util.Arrays.fill(h, 0.0);
    switch (loss.kind()) {
      case HUBER -> {
        for (int k = 0; k < mm; k++) {
          h[k * mm + k] = Math.abs(v[k] - ys[k]) <= loss.parameter() ? 1.0 : 0.0;
        }
      }
      case BCE -> {
        for (int k = 0; k < mm; k++) {
          double p = OutputActivation.sigmoid(v[k]);
          h[k * mm + k] = p * (1 - p);
        }
      }
      case CE -> {
        double[] p = wP;
        OutputActivation.SOFTMAX.apply(v, 0, p, 0, mm);
        for (int k = 0; k < mm; k++) {
          for (int q = 0; q < mm; q++) {
            h[k * mm + q] = (k == q ? p[k] : 0.0) - p[k] * p[q];
          }
        }
      }
      default -> {
        for (int k = 0; k < mm; k++) {
          h[k * mm + k] = 1.0;
        }
      }
    }
  }

  /** Solves a x = r in place (r := x, a destroyed) by Gaussian elimination with partial pivoting. */
  private static void luSolve(double[] a, double[] r, int mm) {
    for (int c = 0; c < mm; c++) {
      int piv = c;
      for (int i = c + 1; i < mm; i++) {
        if (Math.abs(a[i * mm + c]) > Math.abs(a[piv * mm + c])) {
          piv = i;
        }
      }
      if (piv != c) {
        for (int j = 0; j < mm; j++) {
          double t = a[c * mm + j];
          a[c * mm + j] = a[piv * mm + j];
          a[piv * mm + j] = t;
        }
        double t = r[c];
        r[c] = r[piv];
        r[piv] = t;
      }
      double d = a[c * mm + c];
      for (int i = c + 1; i < mm; i++) {
        double f = a[i * mm + c] / d;
        if (f != 0) {
          for (int j = c; j < mm; j++) {
            a[i * mm + j] -= f * a[c * mm + j];
          }
          r[i] -= f * r[c];
        }
      }
    }
    for (int i = mm - 1; i >= 0; i--) {
      double s = r[i];
      for (int j = i + 1; j < mm; j++) {
        s -= a[i * mm + j] * r[j];
      }
      r[i] = s / a[i * mm + i];
    }
  }

  /**
   * Number of (sample, hidden unit) entries whose pattern in the last call's final solve differs
   * from the previous call's; -1 after a first call.
   */
  public int patternChanges() {
    return patternChanges;
  }

  /** Number of solves in the last {@link #evaluate} call. */
  public int lastPatternIterations() {
    return lastIterations;
  }

  /**
   * Samples whose last solve's pattern differs from the pattern of its own z* (with a frozen
   * pattern: samples whose equilibrium is not consistent with it).
   */
  public int inconsistentSamples() {
    return inconsistent;
  }

  /** R of sample s from the last call. */
  public double residual(int s) {
    return rs[s];
  }

  /** Equilibrium pre-activation rows of layer l ({@code [j][s]}) from the last call. */
  public double[][] equilibriumZ(int l) {
    return zs[l];
  }

  /** Equilibrium activation rows of hidden layer l from the last call. */
  public double[][] equilibriumA(int l) {
    return as[l];
  }

  /** Pattern mask rows (1 active, 0 inactive) of hidden layer l used by the last solve. */
  public double[][] patternMask(int l) {
    return pm[l];
  }

  /** g = grad U_out at the equilibrium output, rows {@code [k][s]}, from the last call. */
  public double[][] outputForce() {
    return g;
  }
}
