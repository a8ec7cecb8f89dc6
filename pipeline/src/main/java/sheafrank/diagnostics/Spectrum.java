package sheafrank.diagnostics;

import java.util.Arrays;
import sheafrank.linalg.Dense;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.NeuralSheaf;

/**
 * Spectral diagnostics of the restricted Laplacian L[Omega, Omega] (seed 001 §6.3, App. A.1,
 * C.3; experiments S11, S12).
 *
 * <p>The pattern is the forward pattern at the input. The free coordinates are those of eq. 32:
 * {@code (z1, a1, z2, ..., a_k, z_{k+1})} with the input and the ones blocks fixed and, for the
 * identity output, the redundant output edge eliminated, so the last diagonal block is I (eq. 36).
 * {@link OutputMode} selects the other two possible conventions (a free output stalk y; an output
 * stalk pinned to a target, as in the two-sided problem), which give different spectra. For a
 * sigmoid/softmax output the output vertex is always present and the output map is linearised at
 * the forward z_{k+1} (its Jacobian, the local adjoint of eq. 22).
 */
public final class Spectrum {
  private Spectrum() {}

  /** Which output stalk convention defines Omega. */
  public enum OutputMode {
    /** eq. 32/36: no output stalk (identity output only). */
    ELIMINATED,
    /** the output stalk y is a free coordinate. */
    FREE,
    /** the output stalk is boundary data (two-sided pinning). */
    PINNED
  }

  /** Spectrum and eigenvectors of L[Omega, Omega] at one input. */
  public record Result(double[] eigenvalues, double[] vectors, int n, String[] blockNames, int[] blockOffsets) {
    public double lambda1() {
      return eigenvalues[0];
    }

    public double lambdaMax() {
      return eigenvalues[n - 1];
    }

    public double condition() {
      return eigenvalues[n - 1] / eigenvalues[0];
    }

    /** Unit eigenvector of the k-th smallest eigenvalue. */
    public double[] vector(int k) {
      return Arrays.copyOfRange(vectors, k * n, (k + 1) * n);
    }

    /** The Fiedler vector (eigenvector of lambda_1). */
    public double[] fiedler() {
      return vector(0);
    }

    /** The eigenvector of lambda_max. */
    public double[] top() {
      return vector(n - 1);
    }

    /** Per-block energy (sum of squared components per vertex stalk z1, a1, ..., z_{k+1}[, y]). */
    public double[] blockEnergy(double[] v) {
      double[] e = new double[blockNames.length];
      for (int b = 0; b < e.length; b++) {
        for (int i = blockOffsets[b]; i < blockOffsets[b + 1]; i++) {
          e[b] += v[i] * v[i];
        }
      }
      return e;
    }
  }

  /** L[Omega, Omega] (dense, row-major) at input x with the forward pattern. */
  public static double[] restrictedLaplacian(Mlp net, double[] x, OutputMode mode) {
    Mlp.Forward f = net.forward(x);
    boolean outVertex = mode != OutputMode.ELIMINATED || net.output() != OutputActivation.IDENTITY;
    boolean pin = mode == OutputMode.PINNED;
    double[] y = pin ? f.output() : null;
    return NeuralSheaf.build(net, x, NeuralSheaf.forwardPattern(f), outVertex, pin, y, f.lastPreActivation())
        .laplacianOmega();
  }

  /** Eigen-decomposition (LAPACK dsyev) of L[Omega, Omega] at x. */
  public static Result at(Mlp net, double[] x, OutputMode mode) {
    double[] l = restrictedLaplacian(net, x, mode);
    int[] w = net.widths();
    int depth = w.length - 1;
    boolean outVertex = mode == OutputMode.FREE || (mode == OutputMode.ELIMINATED && net.output() != OutputActivation.IDENTITY);
    int nb = 2 * depth - 1 + (outVertex ? 1 : 0);
    String[] names = new String[nb];
    int[] off = new int[nb + 1];
    int b = 0;
    for (int l1 = 1; l1 <= depth; l1++) {
      names[b] = "z" + l1;
      off[b + 1] = off[b] + w[l1];
      b++;
      if (l1 < depth) {
        names[b] = "a" + l1;
        off[b + 1] = off[b] + w[l1];
        b++;
      }
    }
    if (outVertex) {
      names[b] = "y";
      off[b + 1] = off[b] + w[depth];
    }
    int n = off[nb];
    Dense.SymmetricEigen e = Dense.symmetricEigen(l, n, true);
    return new Result(e.values(), e.vectors(), n, names, off);
  }

  /** Eq. 36 assembled from the blocks A_l, C_l, D_{k+1} of eq. 35 (identity output, eliminated). */
  public static double[] blockForm36(Mlp net, boolean[][] pattern) {
    int[] w = net.widths();
    int depth = w.length - 1;
    int[] off = new int[2 * depth];
    for (int b = 0; b < 2 * depth - 1; b++) {
      off[b + 1] = off[b] + w[b / 2 + 1];
    }
    int n = off[2 * depth - 1];
    double[] m = new double[n * n];
    for (int l = 1; l <= depth - 1; l++) {
      int nl = w[l];
      int zo = off[2 * l - 2];
      int ao = off[2 * l - 1];
      double[] wn = net.weights(l); // W^(l+1): n_{l+1} x n_l
      int nn = w[l + 1];
      for (int i = 0; i < nl; i++) {
        double r = pattern[l - 1][i] ? 1 : 0;
        m[(zo + i) * n + zo + i] = 1 + r; // I + R
        m[(zo + i) * n + ao + i] = -r; // -R
        m[(ao + i) * n + zo + i] = -r;
        for (int j = 0; j < nl; j++) { // I + W^T W
          double s = i == j ? 1 : 0;
          for (int k = 0; k < nn; k++) {
            s += wn[k * nl + i] * wn[k * nl + j];
          }
          m[(ao + i) * n + ao + j] = s;
        }
        // C_{l+1} / D_{k+1}: row block z^(l+1), column block a^(l): -W^(l+1)
        int zn = off[2 * l];
        for (int k = 0; k < nn; k++) {
          m[(zn + k) * n + ao + i] = -wn[k * nl + i];
          m[(ao + i) * n + zn + k] = -wn[k * nl + i];
        }
      }
    }
    int zl = off[2 * depth - 2];
    for (int i = 0; i < w[depth]; i++) {
      m[(zl + i) * n + zl + i] = 1; // I_{n_{k+1}}
    }
    return m;
  }

  /** |cos| between two vectors (eigenvector signs are arbitrary). */
  public static double absCosine(double[] u, double[] v) {
    double uv = 0;
    double uu = 0;
    double vv = 0;
    for (int i = 0; i < u.length; i++) {
      uv += u[i] * v[i];
      uu += u[i] * u[i];
      vv += v[i] * v[i];
    }
    return Math.abs(uv) / Math.sqrt(uu * vv);
  }

  /** Median and sample standard deviation. */
  public record Stats(double median, double std, double mean, int count) {}

  public static Stats stats(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    double med = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    double mean = 0;
    for (double a : s) {
      mean += a;
    }
    mean /= n;
    double var = 0;
    for (double a : s) {
      var += (a - mean) * (a - mean);
    }
    return new Stats(med, n > 1 ? Math.sqrt(var / (n - 1)) : 0, mean, n);
  }

  /** lambda_1 at each input (rows of {@code inputs}). */
  public static double[] lambda1(Mlp net, double[][] inputs, OutputMode mode) {
    double[] out = new double[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      double[] l = restrictedLaplacian(net, inputs[i], mode);
      int n = (int) Math.round(Math.sqrt(l.length));
      out[i] = Dense.symmetricEigen(l, n, false).values()[0];
    }
    return out;
  }
}
