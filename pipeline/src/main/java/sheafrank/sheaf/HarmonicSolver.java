package sheafrank.sheaf;

import java.util.List;
import sheafrank.linalg.Dense;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;

/**
 * Exact harmonic extension for a frozen activation pattern: the minimiser of the Dirichlet energy
 * {@code 1/2 sum_e ||r_e||^2 + 1/2 sum_pins gamma_i (c_i - p_i)^2} over the free coordinates, with
 * hard-pinned coordinates held at their values (seed 001 Thm 2.5, Prop. 3.4, App. A.1; seed 002
 * Def. 11.1).
 *
 * <p>The sheaf lives on a path graph, so its Laplacian is block-tridiagonal with one block per
 * vertex stalk (eq. 36 is this matrix for the input-only boundary). The solve is one block
 * Cholesky / Thomas sweep along the path: cost O(sum_v d_v^3), no Euler steps.
 *
 * <p>A nonlinear output edge (sigmoid/softmax) with a free output stalk is handled exactly: its
 * residual vanishes at the minimum, so the linear problem is solved without it and then
 * {@code y = phi(z^(k+1))}. A nonlinear output edge with a pinned output stalk is not a linear
 * problem and is rejected here.
 */
public final class HarmonicSolver {
  private final SheafLayout layout;

  public HarmonicSolver(SheafLayout layout) {
    this.layout = layout;
  }

  /** Thrown when the restricted Laplacian of the requested problem is not positive definite. */
  public static final class SingularProblemException extends ArithmeticException {
    public SingularProblemException(String m) {
      super(m);
    }
  }

  /**
   * Solves in place: on entry {@code state[off ..]} holds the values of the fixed coordinates (the
   * others are ignored); on exit it holds the harmonic extension.
   *
   * @param pattern hidden activation pattern, {@code pattern[l][j]} true = R_jj = 1
   * @param fixed hard-pin mask over the layout's coordinates
   * @param softIdx soft-pinned coordinates (may be empty), with strengths {@code softGamma} and
   *     targets {@code softTargets[softOff ..]}
   */
  public void solve(
      Mlp net,
      boolean[][] pattern,
      double[] state,
      int off,
      boolean[] fixed,
      int[] softIdx,
      double[] softGamma,
      double[] softTargets,
      int softOff) {
    List<SheafLayout.Vertex> vs = layout.vertices();
    List<SheafLayout.Edge> es = layout.edges();
    int nv = vs.size();
    boolean nonlinearOut = layout.hasOutputVertex() && net.output() != OutputActivation.IDENTITY;
    int yOff = layout.yOffset();
    if (nonlinearOut) {
      for (int i = 0; i < layout.width(layout.depth()); i++) {
        if (fixed[yOff + i]) {
          throw new UnsupportedOperationException(
              "a pinned output stalk with a " + net.output().id()
                  + " output edge is a nonlinear problem; use the nonlinear equilibrium solver");
        }
      }
      // The output edge's residual vanishes at the minimum: solve without it (y held aside),
      // then set y = phi(z).
      fixed = fixed.clone();
      for (int i = 0; i < layout.width(layout.depth()); i++) {
        fixed[yOff + i] = true;
      }
    }
    // Quadratic form blocks over all coordinates of each vertex.
    double[][] diag = new double[nv][];
    double[][] sub = new double[nv][]; // sub[i] couples vertex i+1 (rows) with vertex i (cols)
    double[][] lin = new double[nv][];
    for (int i = 0; i < nv; i++) {
      int d = vs.get(i).dim();
      diag[i] = new double[d * d];
      lin[i] = new double[d];
    }
    for (int k = 0; k < es.size(); k++) {
      SheafLayout.Edge e = es.get(k);
      int u = e.from();
      int v = u + 1;
      int du = vs.get(u).dim();
      int dv = vs.get(v).dim();
      double[] gu; // edge x du
      double[] c = null;
      int m = e.dim();
      switch (e.kind()) {
        case WEIGHT -> {
          gu = net.weights(e.layer() - 1);
          c = net.bias(e.layer() - 1);
        }
        case ACTIVATION -> {
          gu = new double[m * m];
          boolean[] p = pattern[e.layer() - 1];
          for (int i = 0; i < m; i++) {
            gu[i * m + i] = p[i] ? 1.0 : 0.0;
          }
        }
        default -> {
          if (nonlinearOut) {
            sub[u] = new double[dv * du];
            continue;
          }
          gu = new double[m * m];
          for (int i = 0; i < m; i++) {
            gu[i * m + i] = 1.0;
          }
        }
      }
      // G_v = I (every edge's downstream map restricted to the non-ones coordinates)
      // diag[u] += G_u^T G_u ; diag[v] += I ; sub[u] = -G_u ; lin[u] += -G_u^T c ; lin[v] += c
      double[] gtg = Dense.gram(gu, m, du);
      for (int i = 0; i < du * du; i++) {
        diag[u][i] += gtg[i];
      }
      for (int i = 0; i < dv; i++) {
        diag[v][i * dv + i] += 1.0;
      }
      double[] s = new double[dv * du];
      for (int i = 0; i < dv * du; i++) {
        s[i] = -gu[i];
      }
      sub[u] = s;
      if (c != null) {
        for (int i = 0; i < m; i++) {
          lin[v][i] += c[i];
          for (int j = 0; j < du; j++) {
            lin[u][j] -= gu[i * du + j] * c[i];
          }
        }
      }
    }
    for (int i = 0; i < softIdx.length; i++) {
      int coord = softIdx[i];
      int vi = vertexOf(coord);
      int local = coord - vs.get(vi).offset();
      int d = vs.get(vi).dim();
      diag[vi][local * d + local] += softGamma[i];
      lin[vi][local] += softGamma[i] * softTargets[softOff + i];
    }
    // Free index sets and reduced right-hand sides.
    int[][] free = new int[nv][];
    for (int i = 0; i < nv; i++) {
      SheafLayout.Vertex v = vs.get(i);
      int cnt = 0;
      for (int j = 0; j < v.dim(); j++) {
        if (!fixed[v.offset() + j]) {
          cnt++;
        }
      }
      free[i] = new int[cnt];
      cnt = 0;
      for (int j = 0; j < v.dim(); j++) {
        if (!fixed[v.offset() + j]) {
          free[i][cnt++] = j;
        }
      }
    }
    double[][] rhs = new double[nv][];
    for (int i = 0; i < nv; i++) {
      SheafLayout.Vertex v = vs.get(i);
      int d = v.dim();
      int[] f = free[i];
      double[] r = new double[f.length];
      for (int a = 0; a < f.length; a++) {
        int row = f[a];
        double acc = lin[i][row];
        for (int j = 0; j < d; j++) {
          if (fixed[v.offset() + j]) {
            acc -= diag[i][row * d + j] * state[off + v.offset() + j];
          }
        }
        if (i > 0) { // coupling with vertex i-1: sub[i-1] is d x d_{i-1}
          SheafLayout.Vertex p = vs.get(i - 1);
          for (int j = 0; j < p.dim(); j++) {
            if (fixed[p.offset() + j]) {
              acc -= sub[i - 1][row * p.dim() + j] * state[off + p.offset() + j];
            }
          }
        }
        if (i < nv - 1) { // coupling with vertex i+1: (sub[i])^T
          SheafLayout.Vertex q = vs.get(i + 1);
          for (int j = 0; j < q.dim(); j++) {
            if (fixed[q.offset() + j]) {
              acc -= sub[i][j * d + row] * state[off + q.offset() + j];
            }
          }
        }
        r[a] = acc;
      }
      rhs[i] = r;
    }
    // Block Thomas: S_i = A_i - B_{i-1} S_{i-1}^{-1} B_{i-1}^T, Cholesky-factored.
    double[][] chol = new double[nv][];
    double[][] bred = new double[nv][]; // reduced sub blocks B_i: |F_{i+1}| x |F_i|
    for (int i = 0; i < nv - 1; i++) {
      int[] fr = free[i + 1];
      int[] fc = free[i];
      int dc = vs.get(i).dim();
      double[] b = new double[fr.length * fc.length];
      for (int a = 0; a < fr.length; a++) {
        for (int c2 = 0; c2 < fc.length; c2++) {
          b[a * fc.length + c2] = sub[i][fr[a] * dc + fc[c2]];
        }
      }
      bred[i] = b;
    }
    for (int i = 0; i < nv; i++) {
      int[] f = free[i];
      int nf = f.length;
      int d = vs.get(i).dim();
      double[] s = new double[nf * nf];
      for (int a = 0; a < nf; a++) {
        for (int c2 = 0; c2 < nf; c2++) {
          s[a * nf + c2] = diag[i][f[a] * d + f[c2]];
        }
      }
      if (i > 0 && free[i - 1].length > 0 && nf > 0) {
        int np = free[i - 1].length;
        double[] b = bred[i - 1]; // nf x np
        // X = S_{i-1}^{-1} B^T (np x nf), column by column; y correction likewise
        double[] col = new double[np];
        for (int c2 = 0; c2 < nf; c2++) {
          for (int j = 0; j < np; j++) {
            col[j] = b[c2 * np + j];
          }
          Dense.choleskySolve(chol[i - 1], np, col, 0);
          for (int a = 0; a < nf; a++) {
            double acc = 0;
            for (int j = 0; j < np; j++) {
              acc += b[a * np + j] * col[j];
            }
            s[a * nf + c2] -= acc;
          }
        }
        double[] y = rhs[i - 1].clone();
        Dense.choleskySolve(chol[i - 1], np, y, 0);
        for (int a = 0; a < nf; a++) {
          double acc = 0;
          for (int j = 0; j < np; j++) {
            acc += b[a * np + j] * y[j];
          }
          rhs[i][a] -= acc;
        }
      }
      if (!Dense.cholesky(s, nf)) {
        throw new SingularProblemException(
            "restricted Laplacian is not positive definite at vertex " + vs.get(i).name()
                + " (too few boundary conditions for a unique equilibrium)");
      }
      chol[i] = s;
    }
    // Back substitution: x_i = S_i^{-1} (y_i - B_i^T x_{i+1}).
    double[][] x = new double[nv][];
    for (int i = nv - 1; i >= 0; i--) {
      int nf = free[i].length;
      double[] y = rhs[i].clone();
      if (i < nv - 1 && free[i + 1].length > 0) {
        int nn = free[i + 1].length;
        double[] b = bred[i]; // nn x nf
        for (int a = 0; a < nf; a++) {
          double acc = 0;
          for (int j = 0; j < nn; j++) {
            acc += b[j * nf + a] * x[i + 1][j];
          }
          y[a] -= acc;
        }
      }
      Dense.choleskySolve(chol[i], nf, y, 0);
      x[i] = y;
      SheafLayout.Vertex v = vs.get(i);
      for (int a = 0; a < nf; a++) {
        state[off + v.offset() + free[i][a]] = y[a];
      }
    }
    if (nonlinearOut) {
      int zl = layout.zOffset(layout.depth() - 1);
      net.output().apply(state, off + zl, state, off + yOff, layout.width(layout.depth()));
    }
  }

  /** Input-only boundary: the harmonic extension at input x for the given pattern. */
  public double[] solveInputBoundary(Mlp net, double[] x, boolean[][] pattern) {
    double[] c = new double[layout.dim()];
    System.arraycopy(x, 0, c, 0, x.length);
    solve(net, pattern, c, 0, layout.defaultFixed(false), new int[0], new double[0], new double[0], 0);
    return c;
  }

  private int vertexOf(int coord) {
    List<SheafLayout.Vertex> vs = layout.vertices();
    for (int i = 0; i < vs.size(); i++) {
      SheafLayout.Vertex v = vs.get(i);
      if (coord >= v.offset() && coord < v.offset() + v.dim()) {
        return i;
      }
    }
    throw new IndexOutOfBoundsException("coordinate " + coord);
  }
}
