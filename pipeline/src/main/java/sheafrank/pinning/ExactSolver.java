package sheafrank.pinning;

import sheafrank.linalg.BlockTridiagonal;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.SheafLayout;

/**
 * The exact equilibrium solver of {@link PinnedProblem} (primal active set over ReLU sign
 * constraints, block-tridiagonal solves, Newton for a cross-entropy output). One instance per
 * thread; it reuses its buffers across calls.
 */
public final class ExactSolver {
  private final PinnedProblem p;
  private final SheafLayout layout;
  private final Mlp net;
  private final int depth;
  private final int[] n;
  private final BlockTridiagonal sys;
  private final double[][] sol;
  private final int[] voff;
  private final int[] hardV;
  private final int[] hardK;
  private final double[] target;
  private final double[] dir;
  private final double[] grad;
  private final double[] trial;
  private final double[] tmp;
  private final boolean[][] sigma;
  private final boolean[][] held;
  /** The diagonal part of a1's block when it is handled as diagonal + W2^T W2, else null. */
  private final double[] a1Diag;
  private int maxIterations;
  private double pathStep = 0.1;
  private boolean convexShortcut = true;
  /** One hidden layer, every input coordinate hard-pinned, no soft pin on z1 (see {@link #pathStep}). */
  private final boolean shortcutClass;
  private static final double GROWTH = 4;
  private static final double FLAT_MU = 1e-8;
  /** The proximal path ends at h >= 100, beyond which its steps are straight for practical purposes. */
  private static final double PROX_END = 100;
  private int lastIterations;
  private int lastSolves;

  ExactSolver(PinnedProblem p) {
    this.p = p;
    layout = p.layout();
    net = p.network();
    depth = p.depth();
    n = p.widthsRef();
    sys = new BlockTridiagonal(p.vdim);
    int nv = p.vdim.length;
    // structurally diagonal blocks: every z_l (I + sigma + diagonal terms; a softmax KL Hessian
    // makes z_L dense), the output stalk y, the ReLU couplings z_l -> a_l and z_L -> y (-I or 0)
    boolean denseOut = p.crossEntropyOutput() && net.output() == OutputActivation.SOFTMAX;
    for (int l = 0; l < depth; l++) {
      int zv = 2 * l + 1;
      boolean last = l == depth - 1;
      sys.hintDiagonal(zv, !(last && denseOut), zv + 1 < nv);
    }
    if (layout.hasOutputVertex()) {
      sys.hintDiagonal(nv - 1, true, false);
    }
    // a1's block is D + W2^T W2 (D = 1 + soft gammas): with the input pinned, z1's factor is
    // diagonal, so a1's Schur complement stays diagonal + rank n2 and a narrow W2 (n2 <= n1 / 4)
    // is eliminated by Woodbury in O(n2^2 n1) instead of a dense Cholesky
    boolean inputPinned = true;
    for (int i = 0; i < n[0]; i++) {
      inputPinned &= p.fixedRef()[i];
    }
    if (depth >= 2 && inputPinned && 4 * n[2] <= n[1]) {
      sys.lowRank(2, n[2]);
      a1Diag = new double[n[1] * n[1]];
      int ao = layout.aOffset(0);
      for (int j = 0; j < n[1]; j++) {
        int s = p.softSlot(ao + j);
        a1Diag[j * n[1] + j] = 1 + (s >= 0 ? p.softGammaRef()[s] : 0);
      }
    } else {
      a1Diag = null;
    }
    sol = new double[nv][];
    voff = new int[nv];
    for (int v = 0; v < nv; v++) {
      sol[v] = new double[p.vdim[v]];
      voff[v] = layout.vertices().get(v).offset();
    }
    int[] hi = p.hardIdxRef();
    hardV = new int[hi.length];
    hardK = new int[hi.length];
    for (int i = 0; i < hi.length; i++) {
      hardV[i] = p.vertexOf(hi[i]);
      hardK[i] = hi[i] - voff[hardV[i]];
    }
    int dim = layout.dim();
    target = new double[dim];
    dir = new double[dim];
    grad = new double[dim];
    trial = new double[dim];
    int maxW = 0;
    int hidden = 0;
    for (int i = 0; i < n.length; i++) {
      maxW = Math.max(maxW, n[i]);
      if (i > 0 && i < n.length - 1) {
        hidden += n[i];
      }
    }
    tmp = new double[2 * maxW];
    sigma = new boolean[depth - 1][];
    held = new boolean[depth - 1][];
    for (int l = 0; l < depth - 1; l++) {
      sigma[l] = new boolean[n[l + 1]];
      held[l] = new boolean[n[l + 1]];
    }
    maxIterations = 100 + 10 * hidden;
    boolean cls = depth == 2;
    boolean[] fixed = p.fixedRef();
    for (int i = 0; i < n[0]; i++) {
      cls &= fixed[i];
    }
    int z1 = layout.zOffset(0);
    for (int j = 0; j < n[1]; j++) {
      cls &= p.softSlot(z1 + j) < 0;
    }
    shortcutClass = cls;
  }

  /** Caps the number of active-set / Newton iterations (default 100 + 10 * hidden units). */
  public ExactSolver maxIterations(int m) {
    maxIterations = m;
    return this;
  }

  /**
   * Follow the gradient flow more closely: instead of heading straight for each region's
   * minimiser, take backward-Euler (proximal) steps {@code c+ = argmin E_sigma(c) + ||c - c_k||^2
   * / (2h)} with {@code h = h0, 4 h0, 16 h0, ...} up to 100 (still stopping at switching surfaces),
   * then finish with exact region solves: about log4(100 / h0) more solves (5 for the default).
   * Default 0.1; 0 = direct mode (straight to each region's minimiser: fewest solves, but more
   * often a different local minimiser than Euler's when several are reachable).
   *
   * <p><b>Where the path is provably unnecessary</b> (unless {@link #convexShortcut(boolean)
   * convexShortcut(false)}): one hidden layer, every input coordinate hard-pinned, no soft pin on
   * z1, and a start whose pattern on the free z1 units is the forward pattern at the pinned input
   * ({@code z_j >= 0 <=> t_j >= 0}, {@code t = W_1 x + b_1}; true for the default start, where
   * {@code z = t}). Then the direct mode returns the flow's limit, so it is used. Proof: z1 couples
   * only to the pinned x and to a1, so in the inactive region {@code dz_j/dt = t_j - z_j}. (i) The
   * closed region K of the forward pattern ({@code z_j <= 0} for {@code t_j < 0}, {@code z_j >= 0}
   * for {@code t_j >= 0}) is forward-invariant: an inactive unit with {@code t_j < 0} relaxes
   * towards {@code t_j < 0} and never reaches 0; an active unit that reaches 0 sees
   * {@code dz_j/dt = t_j >= 0} on the inactive side, so it can only slide on {@code z_j = 0}.
   * (ii) On K, E equals the region energy E_sigma0 (relu(z_j) = sigma0_j z_j there), strictly
   * convex (the chain x -> z1 -> a1 -> z2 (-> y) has an identity restriction on every free stalk;
   * hard pins remove coordinates, soft pins and the KL term add convex terms). The Clarke-stationary
   * points of E in K are exactly the KKT points of min E_sigma0 over K (on a face {@code z_j = 0}
   * the inactive-side derivative is {@code -t_j <= 0}, so stationarity needs the active-side one to
   * be {@code >= 0}, the multiplier of {@code z_j >= 0}): a single point, the flow's limit.
   * (iii) The direct active set from the same start stays in K and solves the same convex program:
   * every region solve puts an inactive unit at {@code z_j = t_j < 0} (never blocked), and a held
   * active unit is never released to the inactive side since there {@code g- = -t_j <= 0}.
   */
  public ExactSolver pathStep(double h0) {
    if (!(h0 >= 0) || !Double.isFinite(h0)) {
      throw new IllegalArgumentException("path step must be finite and >= 0, got " + h0);
    }
    pathStep = h0;
    return this;
  }

  /**
   * Whether to skip the proximal path where it provably ends where the direct mode ends (see
   * {@link #pathStep}); default true. False forces the path (for comparisons and tests).
   */
  public ExactSolver convexShortcut(boolean on) {
    convexShortcut = on;
    return this;
  }

  /** Iterations (solves) of the last call. */
  public int lastIterations() {
    return lastIterations;
  }

  /** Solves one sample and builds the full report. {@code start} null = default start. */
  public PinnedResult solve(PinnedProblem.Bound b, double[] start) {
    double[] c = start == null ? p.defaultStart(b) : start.clone();
    boolean ok = equilibrium(b, c);
    return PinnedResult.of(p, c, b.softTargets(), held, lastIterations, ok);
  }

  /**
   * Overwrites {@code c} (a start cochain; its hard-pinned coordinates are set from {@code b})
   * with the local minimiser reached from it. Returns false if the iteration cap was hit.
   */
  public boolean equilibrium(PinnedProblem.Bound b, double[] c) {
    int[] hi = p.hardIdxRef();
    double[] hv = b.hardValues();
    double[] soft = b.softTargets();
    boolean[] fixed = p.fixedRef();
    for (int i = 0; i < hi.length; i++) {
      c[hi[i]] = hv[i];
    }
    for (int l = 0; l < depth - 1; l++) {
      int zo = layout.zOffset(l);
      for (int j = 0; j < n[l + 1]; j++) {
        sigma[l][j] = c[zo + j] >= 0;
        held[l][j] = false;
      }
    }
    boolean cross = p.crossEntropyOutput();
    boolean nonlinear = p.nonlinear();
    int dim = layout.dim();
    lastSolves = 0;
    boolean converged = false;
    boolean flat = false;
    int it = 0;
    double h = pathStep > 0 && convexShortcut && shortcutClass && startInForwardRegion(c) ? 0 : pathStep;
    int cap = maxIterations + (h > 0 ? 64 : 0);
    while (it < cap) {
      it++;
      boolean prox = h > 0 && h < PROX_END;
      if (!assembleAndSolve(c, hv, soft, prox ? 1.0 / h : flat ? FLAT_MU : 0.0)) {
        // the region's energy is flat along some free coordinates (free inputs cut off by
        // inactive units): minimisers are not unique; damped steps converge to the one nearest
        // the current point, as gradient flow does
        flat = true;
        if (!assembleAndSolve(c, hv, soft, FLAT_MU)) {
          throw singular();
        }
      }
      double dmax = 0;
      double cmax = 0;
      for (int i = 0; i < dim; i++) {
        double di = target[i] - c[i];
        dir[i] = di;
        double ad = Math.abs(di);
        double ac = Math.abs(c[i]);
        // plain comparisons: Math.max(double, double) (NaN and -0 handling) stood out in the
        // profile; the values are finite
        dmax = ad > dmax ? ad : dmax;
        cmax = ac > cmax ? ac : cmax;
      }
      // ratio test on the sign constraints of the free, non-held hidden pre-activations
      double amax = 1.0;
      int bl = -1;
      int bj = -1;
      for (int l = 0; l < depth - 1; l++) {
        int zo = layout.zOffset(l);
        for (int j = 0; j < n[l + 1]; j++) {
          if (held[l][j] || fixed[zo + j]) {
            continue;
          }
          double z = c[zo + j];
          double dz = dir[zo + j];
          double lim;
          if (sigma[l][j] ? dz < 0 : dz > 0) {
            lim = -z / dz;
            lim = lim > 0 ? lim : 0.0;
            if (lim < amax) {
              amax = lim;
              bl = l;
              bj = j;
            }
          }
        }
      }
      double alpha = amax;
      boolean blocked = bl >= 0;
      boolean regionDone;
      if (!cross) {
        regionDone = flat ? !blocked && dmax <= 1e-13 * (1 + cmax) : !blocked;
      } else {
        // Newton step with Armijo backtracking on the true energy (convex within the region)
        p.regionGradient(c, sigma, soft, grad, tmp);
        double slope = 0;
        for (int i = 0; i < dim; i++) {
          slope += grad[i] * dir[i];
        }
        double e0 = p.energy(c, soft);
        boolean small = dmax <= 1e-11 * (1 + cmax) || slope >= 0;
        double noise = 1e-14 * (1 + Math.abs(e0));
        if (!small) {
          while (true) {
            for (int i = 0; i < dim; i++) {
              trial[i] = c[i] + alpha * dir[i];
            }
            if (p.energy(trial, soft) <= e0 + 1e-4 * alpha * slope + noise || alpha < 1e-14) {
              break;
            }
            alpha *= 0.5;
            blocked = false;
          }
        }
        regionDone = small;
      }
      for (int i = 0; i < dim; i++) {
        c[i] += alpha * dir[i];
      }
      if (blocked) {
        c[layout.zOffset(bl) + bj] = 0.0;
        held[bl][bj] = true;
        continue;
      }
      if (prox) {
        // a prox step that does not move means c is stationary for E_sigma: finish exactly
        h = dmax <= 1e-13 * (1 + cmax) ? Double.POSITIVE_INFINITY : h * GROWTH;
      } else if (!regionDone) {
        continue;
      }
      // KKT on the held units: release the one whose crossing decreases E most steeply
      double tol = 1e-12 * (1 + cmax);
      int rl = -1;
      int rj = -1;
      boolean rside = false;
      double worst = tol;
      for (int l = 0; l < depth - 1; l++) {
        int zo = layout.zOffset(l);
        int ao = layout.aOffset(l);
        for (int j = 0; j < n[l + 1]; j++) {
          if (!held[l][j]) {
            continue;
          }
          double t = affineAt(l, j, c);
          int s = p.softSlot(zo + j);
          double sf = s >= 0 ? p.softGammaRef()[s] * (0 - soft[s]) : 0;
          double gp = -t - c[ao + j] + sf;
          double gm = -t + sf;
          if (-gp > worst) {
            worst = -gp;
            rl = l;
            rj = j;
            rside = true;
          } else if (gp >= -tol && gm > worst) {
            worst = gm;
            rl = l;
            rj = j;
            rside = false;
          }
        }
      }
      if (rl < 0) {
        if (prox) {
          continue;
        }
        converged = true;
        break;
      }
      held[rl][rj] = false;
      sigma[rl][rj] = rside;
    }
    if (nonlinear && !cross) {
      net.output().apply(c, layout.zOffset(depth - 1), c, layout.yOffset(), n[depth]);
    }
    lastIterations = it;
    return converged;
  }

  /** Whether every free z1 unit of c is on the side of 0 of its forward value t_j = (W_1 x + b_1)_j. */
  private boolean startInForwardRegion(double[] c) {
    boolean[] fixed = p.fixedRef();
    int zo = layout.zOffset(0);
    for (int j = 0; j < n[1]; j++) {
      if (!fixed[zo + j] && (c[zo + j] >= 0) != (affineAt(0, j, c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /** (W_l u + b_l)_j with u the upstream stalk (x or a_{l-1}) of c. */
  private double affineAt(int l, int j, double[] c) {
    int prev = l == 0 ? 0 : layout.aOffset(l - 1);
    int nin = n[l];
    double[] w = net.weights(l);
    double acc = net.bias(l)[j];
    for (int i = 0; i < nin; i++) {
      acc += w[j * nin + i] * c[prev + i];
    }
    return acc;
  }

  private RuntimeException singular() {
    return new sheafrank.sheaf.HarmonicSolver.SingularProblemException(
        "pinned problem '" + p.spec() + "' has no unique equilibrium: the energy is flat along"
            + " some free coordinates of stalk " + layout.vertices().get(sys.failedBlock()).name());
  }

  private boolean assembleAndSolve(double[] c, double[] hv, double[] soft, double mu) {
    int nv = sys.blocks();
    for (int v = 0; v < nv; v++) {
      if (v == 2 && a1Diag != null) {
        System.arraycopy(a1Diag, 0, sys.diag[v], 0, a1Diag.length);
        double[] w2 = net.weights(1);
        System.arraycopy(w2, 0, sys.low[v], 0, w2.length);
      } else {
        System.arraycopy(p.baseDiag[v], 0, sys.diag[v], 0, p.baseDiag[v].length);
      }
      System.arraycopy(p.baseSub[v], 0, sys.sub[v], 0, p.baseSub[v].length);
      System.arraycopy(p.baseRhs[v], 0, sys.rhs[v], 0, p.baseRhs[v].length);
      if (mu > 0) {
        int d = p.vdim[v];
        for (int k = 0; k < d; k++) {
          sys.diag[v][k * d + k] += mu;
          sys.rhs[v][k] += mu * c[voff[v] + k];
        }
      }
    }
    int[] si = p.softIdxRef();
    double[] sg = p.softGammaRef();
    for (int i = 0; i < si.length; i++) {
      int v = p.vertexOf(si[i]);
      sys.rhs[v][si[i] - voff[v]] += sg[i] * soft[i];
    }
    for (int l = 0; l < depth - 1; l++) {
      int zv = 2 * l + 1;
      int m = n[l + 1];
      double[] dz = sys.diag[zv];
      double[] s = sys.sub[zv];
      for (int j = 0; j < m; j++) {
        if (sigma[l][j]) {
          dz[j * m + j] += 1;
          s[j * m + j] = -1;
        }
      }
    }
    if (p.crossEntropyOutput()) {
      int zv = 2 * depth - 1;
      int m = n[depth];
      int zo = layout.zOffset(depth - 1);
      int yo = layout.yOffset();
      net.output().apply(c, zo, tmp, 0, m);
      double[] dz = sys.diag[zv];
      double[] r = sys.rhs[zv];
      boolean soft1 = net.output() == OutputActivation.SOFTMAX;
      for (int i = 0; i < m; i++) {
        double pi = tmp[i];
        double hz = 0;
        for (int k = 0; k < m; k++) {
          double h = soft1 ? (i == k ? pi : 0) - pi * tmp[k] : (i == k ? pi * (1 - pi) : 0);
          dz[i * m + k] += h;
          hz += h * c[zo + k];
        }
        r[i] += hz - (pi - c[yo + i]);
      }
    }
    int[] hi = p.hardIdxRef();
    for (int i = 0; i < hi.length; i++) {
      sys.pin(hardV[i], hardK[i], hv[i]);
    }
    for (int l = 0; l < depth - 1; l++) {
      for (int j = 0; j < n[l + 1]; j++) {
        if (held[l][j]) {
          sys.pin(2 * l + 1, j, 0.0);
        }
      }
    }
    if (p.nonlinear() && !p.crossEntropyOutput()) {
      int yv = 2 * depth;
      for (int j = 0; j < n[depth]; j++) {
        sys.pin(yv, j, c[layout.yOffset() + j]);
      }
    }
    if (!sys.solve(sol)) {
      return false;
    }
    lastSolves++;
    for (int v = 0; v < nv; v++) {
      System.arraycopy(sol[v], 0, target, voff[v], p.vdim[v]);
    }
    return true;
  }
}
