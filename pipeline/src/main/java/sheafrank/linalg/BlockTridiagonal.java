package sheafrank.linalg;

/**
 * A symmetric positive definite block-tridiagonal system {@code M x = r} with dense blocks, solved
 * by block Cholesky along the chain, without allocation after construction.
 *
 * <p>Block {@code v} has size {@code d[v]}; {@link #diag}{@code [v]} is its {@code d[v] x d[v]}
 * diagonal block and {@link #sub}{@code [v]} ({@code d[v+1] x d[v]}, row-major) couples block
 * {@code v+1} (rows) with block {@code v} (columns). Diagonal and zero blocks are detected and
 * handled in O(d) / skipped, which is what makes the neural sheaf's Laplacian cheap: its
 * pre-activation blocks and ReLU couplings are diagonal.
 *
 * <p>Factorisation: {@code S_0 = D_0}, {@code X_v = L_{v-1}^{-1} B_{v-1}^T},
 * {@code S_v = D_v - X_v^T X_v}, {@code S_v = L_v L_v^T}; forward {@code y_v = L_v^{-1}(r_v -
 * X_v^T y_{v-1})}; back {@code x_v = L_v^{-T}(y_v - X_{v+1} x_{v+1})}.
 */
public final class BlockTridiagonal {
  /** Pivots below this fraction of the block's diagonal entry count as singular. */
  private static final double PIVOT_TOL = 1e-13;
  private static final int ZERO = 0;
  private static final int DIAG = 1;
  private static final int DENSE = 2;
  /** Coupling stored as G = S_{v-1}^{-1} B^T (previous block in explicit-inverse form). */
  private static final int GDENSE = 3;

  private final int nv;
  private final int[] d;
  /** Diagonal blocks, row-major d[v] x d[v]. */
  public final double[][] diag;
  /** Couplings, row-major d[v+1] x d[v]; {@code sub[nv-1]} is unused. */
  public final double[][] sub;
  /** Right-hand side per block. */
  public final double[][] rhs;

  private final double[][] fac;
  private final boolean[] facDiag;
  private final double[][] xb; // X_v = L_{v-1}^{-1} B_{v-1}^T, d[v-1] x d[v]
  private final int[] xKind;
  private final double[][] y;
  private final double[] col;
  private final boolean[] diagHint;
  private final boolean[] subHint;
  /**
   * Low-rank factors: for a block declared with {@link #lowRank}, the block is
   * {@code diag[v] + low[v]^T low[v]} with {@code diag[v]} diagonal and {@code low[v]} an
   * {@code r x d[v]} row-major matrix (null for ordinary blocks). The caller fills it with the
   * block like {@link #diag}.
   */
  public final double[][] low;
  private final int[] rank;
  private final boolean[] lu; // block v was eliminated in explicit-inverse (Woodbury) form
  private final double[][] kmat; // I_r + U D^-1 U^T, then its Cholesky factor
  private final double[][] dinv; // 1 / D' of an explicit-inverse block
  private final double[] wr;
  private final double[] wn;
  private final double[] wcol;
  private int failedBlock = -1;

  public BlockTridiagonal(int[] dims) {
    nv = dims.length;
    d = dims.clone();
    diag = new double[nv][];
    sub = new double[nv][];
    rhs = new double[nv][];
    fac = new double[nv][];
    facDiag = new boolean[nv];
    xb = new double[nv][];
    xKind = new int[nv];
    y = new double[nv][];
    int max = 0;
    for (int v = 0; v < nv; v++) {
      diag[v] = new double[d[v] * d[v]];
      fac[v] = new double[d[v] * d[v]];
      rhs[v] = new double[d[v]];
      y[v] = new double[d[v]];
      sub[v] = new double[v + 1 < nv ? d[v + 1] * d[v] : 0];
      xb[v] = new double[v > 0 ? d[v - 1] * d[v] : 0];
      max = Math.max(max, d[v]);
    }
    col = new double[max];
    diagHint = new boolean[nv];
    subHint = new boolean[nv];
    low = new double[nv][];
    rank = new int[nv];
    lu = new boolean[nv];
    kmat = new double[nv][];
    dinv = new double[nv][];
    wr = new double[max];
    wn = new double[max];
    wcol = new double[max];
  }

  /**
   * Declares block {@code v} as diagonal plus rank {@code r}: {@code diag[v]} holds only a diagonal
   * and {@link #low}{@code [v]} ({@code r x d[v]}) the factor U of the rest, {@code D + U^T U}.
   * When the block's Schur complement stays of that form (the coupling from block v-1 is zero or
   * diagonal through a diagonal factor) it is eliminated with the Woodbury identity,
   * {@code S^-1 = D'^-1 - D'^-1 U^T (I + U D'^-1 U^T)^-1 U D'^-1}, in O(r^2 d) instead of a
   * dense O(d^3 / 6) Cholesky; otherwise the dense block is formed and factored as usual.
   */
  public void lowRank(int v, int r) {
    if (r < 1 || r > d[v]) {
      throw new IllegalArgumentException("rank " + r + " for block " + v + " of size " + d[v]);
    }
    rank[v] = r;
    low[v] = new double[r * d[v]];
    kmat[v] = new double[r * r];
    dinv[v] = new double[d[v]];
    diagHint[v] = true;
  }

  /**
   * Declares that the off-diagonal entries of {@link #diag}{@code [v]} (and, if {@code sub}, of the
   * square {@link #sub}{@code [v]}) are always zero, so {@link #solve} checks only their diagonals
   * instead of scanning the whole block for its structure. A promise by the caller: a hinted block
   * with a non-zero off-diagonal entry is solved wrongly. {@link #pin} keeps blocks diagonal.
   */
  public void hintDiagonal(int v, boolean diagBlock, boolean subBlock) {
    if (subBlock && (v + 1 >= nv || d[v + 1] != d[v])) {
      throw new IllegalArgumentException("coupling " + v + " is not square");
    }
    diagHint[v] = diagBlock;
    subHint[v] = subBlock;
  }

  public int blocks() {
    return nv;
  }

  public int dim(int v) {
    return d[v];
  }

  /** Whether the last {@link #solve} eliminated block v in Woodbury form (see {@link #lowRank}). */
  public boolean woodburyUsed(int v) {
    return lu[v];
  }

  /** The block that failed to factor in the last {@link #solve}, or -1. */
  public int failedBlock() {
    return failedBlock;
  }

  /**
   * Holds coordinate {@code k} of block {@code v} at {@code value}: its row and column become
   * those of the identity and their couplings move to the right-hand side. Call after the matrix
   * and right-hand side are assembled, before {@link #solve}.
   */
  public void pin(int v, int k, double value) {
    int n = d[v];
    double[] a = diag[v];
    double[] r = rhs[v];
    if (low[v] != null) {
      // column k of U^T U is U^T U[:,k]: move it to the right-hand side, then drop column k of U
      double[] u = low[v];
      for (int p = 0; p < rank[v]; p++) {
        double upk = u[p * n + k] * value;
        if (upk != 0) {
          for (int i = 0; i < n; i++) {
            if (i != k) {
              r[i] -= u[p * n + i] * upk;
            }
          }
        }
        u[p * n + k] = 0;
      }
    }
    for (int i = 0; i < n; i++) {
      if (i != k) {
        r[i] -= a[i * n + k] * value;
        a[i * n + k] = 0;
        a[k * n + i] = 0;
      }
    }
    a[k * n + k] = 1;
    r[k] = value;
    if (v > 0) {
      int np = d[v - 1];
      double[] b = sub[v - 1];
      double[] rp = rhs[v - 1];
      for (int j = 0; j < np; j++) {
        rp[j] -= b[k * np + j] * value;
        b[k * np + j] = 0;
      }
    }
    if (v + 1 < nv) {
      int nn = d[v + 1];
      double[] b = sub[v];
      double[] rn = rhs[v + 1];
      for (int i = 0; i < nn; i++) {
        rn[i] -= b[i * n + k] * value;
        b[i * n + k] = 0;
      }
    }
  }

  /** ZERO or DIAG by the diagonal alone, for a block promised diagonal. */
  private static int diagonalKind(double[] m, int n) {
    for (int i = 0; i < n; i++) {
      if (m[i * n + i] != 0) {
        return DIAG;
      }
    }
    return ZERO;
  }

  private static int kind(double[] m, int rows, int cols) {
    boolean any = false;
    for (int i = 0; i < rows; i++) {
      int o = i * cols;
      for (int j = 0; j < cols; j++) {
        if (m[o + j] != 0) {
          if (i != j) {
            return DENSE;
          }
          any = true;
        }
      }
    }
    if (!any) {
      return ZERO;
    }
    return rows == cols ? DIAG : DENSE;
  }

  /**
   * Solves {@code M x = rhs} into {@code out[v]}. Returns false (see {@link #failedBlock}) if the
   * matrix is not positive definite. The assembled blocks are left unchanged.
   */
  public boolean solve(double[][] out) {
    failedBlock = -1;
    for (int v = 0; v < nv; v++) {
      int n = d[v];
      double[] s = fac[v];
      System.arraycopy(diag[v], 0, s, 0, n * n);
      double[] yv = y[v];
      System.arraycopy(rhs[v], 0, yv, 0, n);
      boolean sDiag = diagHint[v] || kind(s, n, n) != DENSE;
      xKind[v] = ZERO;
      if (v > 0) {
        int np = d[v - 1];
        double[] b = sub[v - 1];
        int bk = subHint[v - 1] ? diagonalKind(b, n) : kind(b, n, np);
        double[] x = xb[v];
        double[] lp = fac[v - 1];
        double[] yp = y[v - 1];
        if (bk != ZERO) {
          if (lu[v - 1]) {
            // G = S_{v-1}^{-1} B^T column by column, S -= B G, y -= B g (g = S_{v-1}^{-1} r~_{v-1})
            for (int i = 0; i < n; i++) {
              System.arraycopy(b, i * np, wcol, 0, np);
              applyInverse(v - 1, wcol);
              for (int j = 0; j < np; j++) {
                x[j * n + i] = wcol[j];
              }
            }
            for (int i = 0; i < n; i++) {
              int bo = i * np;
              double acc = 0;
              for (int j = 0; j < np; j++) {
                acc += b[bo + j] * yp[j];
              }
              yv[i] -= acc;
              for (int k = 0; k <= i; k++) { // lower triangle, as below
                double bg = 0;
                for (int j = 0; j < np; j++) {
                  bg += b[bo + j] * x[j * n + k];
                }
                s[i * n + k] -= bg;
              }
            }
            xKind[v] = GDENSE;
            sDiag = false;
          } else if (facDiag[v - 1]) {
            if (bk == DIAG) {
              // only the diagonal of X is read for a DIAG coupling
              for (int i = 0; i < n; i++) {
                double xi = b[i * np + i] / lp[i * np + i];
                x[i * n + i] = xi;
                s[i * n + i] -= xi * xi;
                yv[i] -= xi * yp[i];
              }
              xKind[v] = DIAG;
            } else {
              for (int j = 0; j < np; j++) {
                double inv = 1.0 / lp[j * np + j];
                for (int i = 0; i < n; i++) {
                  x[j * n + i] = b[i * np + j] * inv;
                }
              }
              xKind[v] = DENSE;
            }
          } else {
            // X = L^{-1} B^T column by column (column i = L^{-1} B[i,:]^T)
            for (int i = 0; i < n; i++) {
              int start = np;
              for (int j = 0; j < np; j++) {
                col[j] = b[i * np + j];
                if (start == np && col[j] != 0) {
                  start = j;
                }
              }
              // forward substitution in place on the contiguous col (entries before start are 0)
              for (int j = start; j < np; j++) {
                double acc = col[j];
                int lo = j * np;
                for (int k = start; k < j; k++) {
                  acc -= lp[lo + k] * col[k];
                }
                col[j] = acc / lp[lo + j];
              }
              for (int j = 0; j < np; j++) {
                x[j * n + i] = col[j];
              }
            }
            xKind[v] = DENSE;
          }
          if (xKind[v] == DENSE) {
            // S -= X^T X (lower triangle: all that the Cholesky factorisation and the triangular
            // solves read), y -= X^T y_prev
            for (int j = 0; j < np; j++) {
              int xo = j * n;
              double ypj = yp[j];
              for (int i = 0; i < n; i++) {
                double xji = x[xo + i];
                if (xji == 0) {
                  continue;
                }
                yv[i] -= xji * ypj;
                int so = i * n;
                for (int k = 0; k <= i; k++) {
                  s[so + k] -= xji * x[xo + k];
                }
              }
            }
            sDiag = false;
          }
        }
      }
      lu[v] = false;
      if (low[v] != null) {
        if (sDiag && woodbury(v)) {
          lu[v] = true;
          facDiag[v] = false;
          applyInverse(v, yv);
          continue;
        }
        // the Schur complement is not diagonal plus U^T U: form the dense block
        double[] u = low[v];
        for (int p = 0; p < rank[v]; p++) {
          int o = p * n;
          for (int i = 0; i < n; i++) {
            double upi = u[o + i];
            if (upi != 0) {
              for (int k = 0; k < n; k++) {
                s[i * n + k] += upi * u[o + k];
              }
            }
          }
        }
        sDiag = false;
      }
      if (sDiag) {
        for (int i = 0; i < n; i++) {
          double p = s[i * n + i];
          if (!(p > PIVOT_TOL * Math.max(1.0, diag[v][i * n + i]))) {
            failedBlock = v;
            return false;
          }
          double l = Math.sqrt(p);
          s[i * n + i] = l;
          yv[i] /= l;
        }
      } else {
        if (!Dense.cholesky(s, n)) {
          failedBlock = v;
          return false;
        }
        for (int i = 0; i < n; i++) {
          double l = s[i * n + i];
          if (!(l * l > PIVOT_TOL * Math.max(1.0, diag[v][i * n + i]))) {
            failedBlock = v;
            return false;
          }
        }
        for (int i = 0; i < n; i++) {
          double acc = yv[i];
          int o = i * n;
          for (int k = 0; k < i; k++) {
            acc -= s[o + k] * yv[k];
          }
          yv[i] = acc / s[o + i];
        }
      }
      facDiag[v] = sDiag;
    }
    for (int v = nv - 1; v >= 0; v--) {
      int n = d[v];
      double[] xv = out[v];
      System.arraycopy(y[v], 0, xv, 0, n);
      if (v + 1 < nv && xKind[v + 1] != ZERO) {
        int nn = d[v + 1];
        double[] x = xb[v + 1];
        double[] xn = out[v + 1];
        if (xKind[v + 1] == DIAG) {
          for (int i = 0; i < n; i++) {
            xv[i] -= x[i * nn + i] * xn[i];
          }
        } else {
          for (int j = 0; j < n; j++) {
            double acc = 0;
            int o = j * nn;
            for (int i = 0; i < nn; i++) {
              acc += x[o + i] * xn[i];
            }
            xv[j] -= acc;
          }
        }
      }
      if (lu[v]) {
        continue;
      }
      double[] l = fac[v];
      if (facDiag[v]) {
        for (int i = 0; i < n; i++) {
          xv[i] /= l[i * n + i];
        }
      } else {
        for (int i = n - 1; i >= 0; i--) {
          double acc = xv[i];
          for (int k = i + 1; k < n; k++) {
            acc -= l[k * n + i] * xv[k];
          }
          xv[i] = acc / l[i * n + i];
        }
      }
    }
    return true;
  }

  /**
   * Prepares block v (Schur complement D' + U^T U with D' = the diagonal now in fac[v]) for the
   * Woodbury form: 1/D' and the Cholesky factor of K = I + U D'^-1 U^T. False if some D'_i is not
   * safely positive (the caller then factors the dense block).
   */
  private boolean woodbury(int v) {
    int n = d[v];
    int r = rank[v];
    double[] s = fac[v];
    double[] di = dinv[v];
    for (int i = 0; i < n; i++) {
      double p = s[i * n + i];
      if (!(p > PIVOT_TOL * Math.max(1.0, diag[v][i * n + i]))) {
        return false;
      }
      di[i] = 1.0 / p;
    }
    double[] u = low[v];
    double[] k = kmat[v];
    for (int p = 0; p < r; p++) {
      int po = p * n;
      for (int q = 0; q <= p; q++) {
        int qo = q * n;
        double acc = p == q ? 1.0 : 0.0;
        for (int i = 0; i < n; i++) {
          acc += u[po + i] * u[qo + i] * di[i];
        }
        k[p * r + q] = acc;
        k[q * r + p] = acc;
      }
    }
    return Dense.cholesky(k, r);
  }

  /** w <- S_v^-1 w (first d[v] entries) for a block in Woodbury form. */
  private void applyInverse(int v, double[] w) {
    int n = d[v];
    int r = rank[v];
    double[] u = low[v];
    double[] di = dinv[v];
    for (int i = 0; i < n; i++) {
      w[i] *= di[i];
    }
    for (int p = 0; p < r; p++) {
      int o = p * n;
      double acc = 0;
      for (int i = 0; i < n; i++) {
        acc += u[o + i] * w[i];
      }
      wr[p] = acc;
    }
    Dense.choleskySolve(kmat[v], r, wr, 0);
    for (int i = 0; i < n; i++) {
      wn[i] = 0;
    }
    for (int p = 0; p < r; p++) {
      double t = wr[p];
      if (t != 0) {
        int o = p * n;
        for (int i = 0; i < n; i++) {
          wn[i] += u[o + i] * t;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      w[i] -= wn[i] * di[i];
    }
  }
}
