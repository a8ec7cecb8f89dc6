package sheafrank.pinning;

import java.util.Arrays;
import sheafrank.linalg.Dense;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.SheafLayout;

/**
 * The free Laplacian {@code L_free(sigma; U)} of a pinned problem (seed 002 §13.6, Prop. 11.2) at a
 * cochain c: the restricted sheaf Laplacian {@code delta_sigma^T delta_sigma} on the coordinates
 * that are not hard-pinned, for the activation pattern of c (R_jj = 1 iff z_j >= 0), plus gamma_i on
 * the diagonal of every soft-pinned coordinate (the penalty edges of seed 001 eq. 23). Within the
 * region of sigma this is the Hessian of the problem's energy E over its free coordinates.
 *
 * <p>Output edge: identity output {@code y - z_L}; a free sigmoid/softmax output stalk is linearised
 * at c's z_L ({@code y - J z_L}, J the Jacobian of phi: the local adjoint of eq. 22, as in
 * {@link sheafrank.diagnostics.Spectrum}); a hard-pinned sigmoid/softmax output adds the Hessian of
 * the cross-entropy potential, J itself, to the z_L block (eq. 27). For input + output pins and the
 * identity output this is exactly the chapter's L_free; for the input pin alone it is eq. 32/36.
 */
public final class PinnedLaplacian {
  private PinnedLaplacian() {}

  /** L_free (row-major {@code n x n}) over the free coordinates {@code free} (layout indices). */
  public record Result(double[] matrix, int n, int[] free, String[] names) {
    /** Eigenvalues, ascending (LAPACK dsyev). */
    public double[] eigenvalues() {
      return n == 0 ? new double[0] : Dense.symmetricEigen(matrix, n, false).values();
    }
  }

  public static Result at(PinnedProblem p, double[] c) {
    SheafLayout layout = p.layout();
    Mlp net = p.network();
    int[] w = net.widths();
    int depth = w.length - 1;
    int dim = layout.dim();
    if (c.length != dim) {
      throw new IllegalArgumentException("cochain has " + c.length + " coordinates, the layout " + dim);
    }
    double[] h = new double[dim * dim];
    double[] row = new double[dim];
    int prev = 0;
    for (int l = 0; l < depth; l++) {
      int nin = w[l];
      int zo = layout.zOffset(l);
      double[] wl = net.weights(l);
      for (int i = 0; i < w[l + 1]; i++) {
        Arrays.fill(row, 0.0);
        row[zo + i] = 1;
        for (int j = 0; j < nin; j++) {
          row[prev + j] -= wl[i * nin + j];
        }
        addOuter(h, row, dim);
      }
      if (l < depth - 1) {
        int ao = layout.aOffset(l);
        for (int i = 0; i < w[l + 1]; i++) {
          double s = c[zo + i] >= 0 ? 1 : 0;
          h[(ao + i) * dim + ao + i] += 1;
          h[(ao + i) * dim + zo + i] -= s;
          h[(zo + i) * dim + ao + i] -= s;
          h[(zo + i) * dim + zo + i] += s;
        }
        prev = ao;
      }
    }
    if (layout.hasOutputVertex()) {
      int m = w[depth];
      int zo = layout.zOffset(depth - 1);
      int yo = layout.yOffset();
      double[] jac = jacobian(net.output(), c, zo, m);
      if (p.crossEntropyOutput()) {
        for (int i = 0; i < m; i++) {
          for (int k = 0; k < m; k++) {
            h[(zo + i) * dim + zo + k] += jac[i * m + k];
          }
        }
      } else {
        for (int i = 0; i < m; i++) {
          Arrays.fill(row, 0.0);
          row[yo + i] = 1;
          for (int k = 0; k < m; k++) {
            row[zo + k] -= jac[i * m + k];
          }
          addOuter(h, row, dim);
        }
      }
    }
    int[] si = p.softIndices();
    double[] g = p.softGammas();
    for (int i = 0; i < si.length; i++) {
      h[si[i] * dim + si[i]] += g[i];
    }
    boolean[] fixed = p.fixedMask();
    int n = 0;
    for (boolean f : fixed) {
      n += f ? 0 : 1;
    }
    int[] free = new int[n];
    String[] names = new String[n];
    int k = 0;
    for (int i = 0; i < dim; i++) {
      if (!fixed[i]) {
        free[k] = i;
        names[k++] = layout.coordinateName(i);
      }
    }
    double[] out = new double[n * n];
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        out[a * n + b] = h[free[a] * dim + free[b]];
      }
    }
    return new Result(out, n, free, names);
  }

  /** Jacobian of phi at z = c[zo .. zo+m) (identity: I; sigmoid: diag s(1-s); softmax: diag p - p p^T). */
  static double[] jacobian(OutputActivation phi, double[] c, int zo, int m) {
    double[] j = new double[m * m];
    double[] v = new double[m];
    phi.apply(c, zo, v, 0, m);
    for (int i = 0; i < m; i++) {
      switch (phi) {
        case IDENTITY -> j[i * m + i] = 1;
        case SIGMOID -> j[i * m + i] = v[i] * (1 - v[i]);
        default -> {
          for (int k = 0; k < m; k++) {
            j[i * m + k] = (i == k ? v[i] : 0) - v[i] * v[k];
          }
        }
      }
    }
    return j;
  }

  private static void addOuter(double[] h, double[] r, int dim) {
    for (int a = 0; a < dim; a++) {
      double ra = r[a];
      if (ra == 0) {
        continue;
      }
      for (int b = 0; b < dim; b++) {
        h[a * dim + b] += ra * r[b];
      }
    }
  }
}
