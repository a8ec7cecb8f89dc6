package sheafrank.sheaf;

import sheafrank.linalg.Dense;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;

/**
 * The neural sheaf of seed 001 §3.1 for a frozen activation pattern, assembled densely exactly as
 * the paper writes it: extended stalks with their ones blocks, extended weight matrices
 * {@code W-bar = (W | diag(b))} (eq. 10), ReLU projections R (eq. 12), projections P (eq. 16) and
 * the output map (eq. 17). This is the reference construction (S1 checks, spectra); the fast paths
 * ({@link sheafrank.diffusion.HeatEquation}, {@link HarmonicSolver}) are tested against it.
 *
 * <p>Extended coordinates in path order: {@code [x ; 1_{n1}], z1, [a1 ; 1_{n2}], ..., z^(k+1), y}.
 * Fixed (boundary) coordinates U: the whole input stalk, every ones block, and the output stalk if
 * pinned. Free coordinates Omega: the rest, in the same order, which is the order of
 * {@link SheafLayout} restricted to its free coordinates.
 */
public final class NeuralSheaf {
  private final int rows;
  private final int cols;
  private final double[] delta;
  private final boolean[] fixed;
  private final double[] boundary;
  private final int[] freeIdx;
  private final int[] fixedIdx;

  private NeuralSheaf(int rows, int cols, double[] delta, boolean[] fixed, double[] boundary) {
    this.rows = rows;
    this.cols = cols;
    this.delta = delta;
    this.fixed = fixed;
    this.boundary = boundary;
    int nf = 0;
    for (boolean f : fixed) {
      if (!f) {
        nf++;
      }
    }
    freeIdx = new int[nf];
    fixedIdx = new int[cols - nf];
    int a = 0;
    int b = 0;
    for (int i = 0; i < cols; i++) {
      if (fixed[i]) {
        fixedIdx[b++] = i;
      } else {
        freeIdx[a++] = i;
      }
    }
  }

  /**
   * Builds the sheaf of {@code net} at input {@code x} for the hidden activation pattern
   * {@code pattern[l][j]} (true = active, R_jj = 1).
   *
   * @param outputVertex whether the output edge and vertex y are modelled
   * @param pinOutput whether y is boundary data (then {@code y} gives its value)
   * @param zLast where to linearise a nonlinear phi on the output edge (its Jacobian is the local
   *     adjoint of eq. 22); ignored for the identity
   */
  public static NeuralSheaf build(
      Mlp net,
      double[] x,
      boolean[][] pattern,
      boolean outputVertex,
      boolean pinOutput,
      double[] y,
      double[] zLast) {
    int[] n = net.widths();
    int depth = n.length - 1;
    if (pinOutput && !outputVertex) {
      throw new IllegalArgumentException("pinOutput needs the output vertex");
    }
    // column offsets of the extended stalks
    int[] zCol = new int[depth];
    int[] aCol = new int[depth]; // start of a-part of v_a(l) (l < depth-1); aCol[-1] = x
    int c = 0;
    int xCol = c;
    c += n[0] + n[1];
    for (int l = 0; l < depth; l++) {
      zCol[l] = c;
      c += n[l + 1];
      if (l < depth - 1) {
        aCol[l] = c;
        c += n[l + 1] + n[l + 2];
      }
    }
    int yCol = c;
    if (outputVertex) {
      c += n[depth];
    }
    int cols = c;
    int rows = 0;
    for (int l = 0; l < depth; l++) {
      rows += n[l + 1] * (l < depth - 1 ? 2 : 1);
    }
    if (outputVertex) {
      rows += n[depth];
    }
    double[] d = new double[rows * cols];
    boolean[] fixed = new boolean[cols];
    double[] u = new double[cols];
    for (int i = 0; i < n[0]; i++) {
      fixed[xCol + i] = true;
      u[xCol + i] = x[i];
    }
    for (int i = 0; i < n[1]; i++) {
      fixed[xCol + n[0] + i] = true;
      u[xCol + n[0] + i] = 1.0;
    }
    int r = 0;
    for (int l = 0; l < depth; l++) {
      int nin = n[l];
      int nout = n[l + 1];
      int upCol = l == 0 ? xCol : aCol[l - 1];
      double[] w = net.weights(l);
      double[] b = net.bias(l);
      // weight edge: (delta x)_e = I z - W-bar a-bar
      for (int i = 0; i < nout; i++) {
        int row = (r + i) * cols;
        d[row + zCol[l] + i] = 1.0;
        for (int j = 0; j < nin; j++) {
          d[row + upCol + j] = -w[i * nin + j];
        }
        d[row + upCol + nin + i] = -b[i];
      }
      r += nout;
      if (l < depth - 1) {
        // activation edge: (delta x)_e = P a-bar - R z
        for (int i = 0; i < nout; i++) {
          int row = (r + i) * cols;
          d[row + aCol[l] + i] = 1.0;
          d[row + zCol[l] + i] = pattern[l][i] ? -1.0 : 0.0;
        }
        for (int i = 0; i < n[l + 2]; i++) {
          fixed[aCol[l] + nout + i] = true;
          u[aCol[l] + nout + i] = 1.0;
        }
        r += nout;
      }
    }
    if (outputVertex) {
      int m = n[depth];
      double[] jac = outputJacobian(net.output(), zLast, m);
      for (int i = 0; i < m; i++) {
        int row = (r + i) * cols;
        d[row + yCol + i] = 1.0;
        for (int j = 0; j < m; j++) {
          d[row + zCol[depth - 1] + j] = -jac[i * m + j];
        }
      }
      if (pinOutput) {
        for (int i = 0; i < m; i++) {
          fixed[yCol + i] = true;
          u[yCol + i] = y[i];
        }
      }
    }
    return new NeuralSheaf(rows, cols, d, fixed, u);
  }

  /** The sheaf at x for the forward-pass activation pattern (the self-consistent one). */
  public static NeuralSheaf atForwardPattern(Mlp net, double[] x, boolean outputVertex) {
    Mlp.Forward f = net.forward(x);
    return build(net, x, forwardPattern(f), outputVertex, false, null, f.lastPreActivation());
  }

  /** The forward pattern of every hidden layer. */
  public static boolean[][] forwardPattern(Mlp.Forward f) {
    boolean[][] p = new boolean[f.z().length - 1][];
    for (int l = 0; l < p.length; l++) {
      p[l] = f.pattern(l);
    }
    return p;
  }

  static double[] outputJacobian(OutputActivation phi, double[] z, int m) {
    double[] j = new double[m * m];
    if (phi == OutputActivation.IDENTITY) {
      for (int i = 0; i < m; i++) {
        j[i * m + i] = 1.0;
      }
      return j;
    }
    double[] p = new double[m];
    phi.apply(z, 0, p, 0, m);
    for (int i = 0; i < m; i++) {
      if (phi == OutputActivation.SIGMOID) {
        j[i * m + i] = p[i] * (1 - p[i]);
      } else {
        for (int k = 0; k < m; k++) {
          j[i * m + k] = (i == k ? p[i] : 0.0) - p[i] * p[k];
        }
      }
    }
    return j;
  }

  /** Number of edge coordinates (rows of delta). */
  public int edgeDim() {
    return rows;
  }

  /** Number of extended vertex coordinates (columns of delta). */
  public int vertexDim() {
    return cols;
  }

  public int freeDim() {
    return freeIdx.length;
  }

  /** The full coboundary, rows x cols, row-major. */
  public double[] delta() {
    return delta.clone();
  }

  /** delta restricted to the free columns: the paper's delta_Omega (rows x |Omega|). */
  public double[] deltaOmega() {
    return columns(freeIdx);
  }

  /** delta restricted to the fixed columns: delta_U (rows x |U|). */
  public double[] deltaU() {
    return columns(fixedIdx);
  }

  /** The boundary data u on the fixed coordinates. */
  public double[] boundaryData() {
    double[] v = new double[fixedIdx.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = boundary[fixedIdx[i]];
    }
    return v;
  }

  private double[] columns(int[] idx) {
    double[] m = new double[rows * idx.length];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < idx.length; j++) {
        m[r * idx.length + j] = delta[r * cols + idx[j]];
      }
    }
    return m;
  }

  /** L[Omega, Omega] = delta_Omega^T delta_Omega. */
  public double[] laplacianOmega() {
    return Dense.gram(deltaOmega(), rows, freeIdx.length);
  }

  /** L[Omega, U] u = delta_Omega^T delta_U u, the inhomogeneous term of eq. 18. */
  public double[] laplacianOmegaUTimesBoundary() {
    double[] du = deltaU();
    double[] u = boundaryData();
    int nu = u.length;
    double[] t = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int j = 0; j < nu; j++) {
        s += du[r * nu + j] * u[j];
      }
      t[r] = s;
    }
    double[] dom = deltaOmega();
    int nf = freeIdx.length;
    double[] out = new double[nf];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < nf; j++) {
        out[j] += dom[r * nf + j] * t[r];
      }
    }
    return out;
  }
}
