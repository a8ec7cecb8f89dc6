package sheafrank.train;

import java.util.Locale;
import sheafrank.diffusion.OutputEdge;
import sheafrank.net.OutputActivation;

/**
 * The output-edge potential used in training, with the output stalk pinned to the target y
 * (seed 001 §5.2.3, eq. 27, App. B.3). {@link #potential} is U_out(z, y) as a function of the last
 * pre-activation z = z^(k+1); {@link #force} is the force the dynamics put on z.
 *
 * <ul>
 *   <li>Discrepancy losses, identity output, {@code d = z - y}: L2 {@code 1/2 |d|^2} (force d), L1
 *       {@code |d|_1} (force sign d), Huber {@code tau} (eq. 44, force clip(d, -tau, tau), eq. 45),
 *       p-norm {@code 1/p sum |d_i|^p} (force |d|^(p-2) d, eq. 43).
 *   <li>BCE with sigmoid output: {@code sum_i softplus(z_i) - y_i z_i} = binary cross-entropy of
 *       sigmoid(z); force sigmoid(z) - y (eq. 27).
 *   <li>CE with softmax output: {@code (sum_i y_i) logsumexp(z) - y.z} = cross-entropy of
 *       softmax(z); force softmax(z) - y (eq. 27), which is its gradient when the target sums to 1
 *       (one-hot or a probability vector).
 * </ul>
 *
 * All functions take strided views so they serve sample-major cochains (stride 1) and the trainers'
 * row layout (stride = batch size) alike.
 */
public final class Loss {
  public enum Kind {
    L2,
    L1,
    HUBER,
    PNORM,
    BCE,
    CE
  }

  private final Kind kind;
  private final double param;

  private Loss(Kind kind, double param) {
    this.kind = kind;
    this.param = param;
  }

  public static Loss l2() {
    return new Loss(Kind.L2, 0);
  }

  public static Loss l1() {
    return new Loss(Kind.L1, 0);
  }

  public static Loss huber(double tau) {
    if (!(tau > 0) || !Double.isFinite(tau)) {
      throw new IllegalArgumentException("Huber threshold tau must be positive and finite, got " + tau);
    }
    return new Loss(Kind.HUBER, tau);
  }

  public static Loss pNorm(double p) {
    if (!(p > 1) || !Double.isFinite(p)) {
      throw new IllegalArgumentException("p-norm loss needs 1 < p < infinity, got p = " + p);
    }
    return new Loss(Kind.PNORM, p);
  }

  public static Loss bce() {
    return new Loss(Kind.BCE, 0);
  }

  public static Loss ce() {
    return new Loss(Kind.CE, 0);
  }

  /** The paper's pairing: L2 for regression, BCE for binary, CE for multiclass. */
  public static Loss defaultFor(TaskKind kind) {
    return switch (kind) {
      case REGRESSION -> l2();
      case BINARY -> bce();
      case MULTICLASS -> ce();
    };
  }

  /**
   * Parses "l2" (or "mse"), "l1", "huber:TAU" (or "huber(TAU)", default tau 1), "pnorm:P" (or
   * "p-norm:P", "lp:P"), "bce", "ce" (or "cross_entropy").
   */
  public static Loss parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty loss name (expected l2, l1, huber:TAU, pnorm:P, bce or ce)");
    }
    String s = spec.trim().toLowerCase(Locale.ROOT);
    String name = s;
    String arg = null;
    int colon = s.indexOf(':');
    int paren = s.indexOf('(');
    if (colon > 0) {
      name = s.substring(0, colon).trim();
      arg = s.substring(colon + 1).trim();
    } else if (paren > 0 && s.endsWith(")")) {
      name = s.substring(0, paren).trim();
      arg = s.substring(paren + 1, s.length() - 1).trim();
    }
    try {
      return switch (name) {
        case "l2", "mse", "squared" -> noArg(l2(), arg, spec);
        case "l1", "abs" -> noArg(l1(), arg, spec);
        case "huber" -> huber(arg == null ? 1.0 : Double.parseDouble(arg));
        case "pnorm", "p-norm", "p_norm", "lp" -> {
          if (arg == null) {
            throw new IllegalArgumentException("p-norm loss needs its exponent, e.g. pnorm:3");
          }
          yield pNorm(Double.parseDouble(arg));
        }
        case "bce", "binary_cross_entropy" -> noArg(bce(), arg, spec);
        case "ce", "cross_entropy", "crossentropy" -> noArg(ce(), arg, spec);
        default -> throw new IllegalArgumentException(
            "unknown loss '" + spec + "' (expected l2, l1, huber:TAU, pnorm:P, bce or ce)");
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("loss '" + spec + "': parameter '" + arg + "' is not a number");
    }
  }

  private static Loss noArg(Loss l, String arg, String spec) {
    if (arg != null && !arg.isEmpty()) {
      throw new IllegalArgumentException("loss '" + spec + "' takes no parameter");
    }
    return l;
  }

  public Kind kind() {
    return kind;
  }

  /** Huber's tau or the p of the p-norm; 0 otherwise. */
  public double parameter() {
    return param;
  }

  public String id() {
    return switch (kind) {
      case HUBER -> "huber:" + param;
      case PNORM -> "pnorm:" + param;
      default -> kind.name().toLowerCase(Locale.ROOT);
    };
  }

  @Override
  public String toString() {
    return id();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Loss l && l.kind == kind && l.param == param;
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + Double.hashCode(param);
  }

  /** The final activation phi this loss is paired with. */
  public OutputActivation activation() {
    return switch (kind) {
      case BCE -> OutputActivation.SIGMOID;
      case CE -> OutputActivation.SOFTMAX;
      default -> OutputActivation.IDENTITY;
    };
  }

  /** Whether this loss can train a task of the given kind. */
  public boolean fits(TaskKind task) {
    return switch (task) {
      case REGRESSION -> activation() == OutputActivation.IDENTITY;
      case BINARY -> kind == Kind.BCE;
      case MULTICLASS -> kind == Kind.CE;
    };
  }

  /** U_out(z, y) for m outputs at {@code z[zo + k*zs]}, {@code y[yo + k*ys]}. */
  public double potential(double[] z, int zo, int zs, double[] y, int yo, int ys, int m) {
    double u = 0;
    switch (kind) {
      case L2 -> {
        for (int k = 0; k < m; k++) {
          double d = z[zo + k * zs] - y[yo + k * ys];
          u += 0.5 * d * d;
        }
      }
      case L1 -> {
        for (int k = 0; k < m; k++) {
          u += Math.abs(z[zo + k * zs] - y[yo + k * ys]);
        }
      }
      case HUBER -> {
        for (int k = 0; k < m; k++) {
          double d = Math.abs(z[zo + k * zs] - y[yo + k * ys]);
          u += d <= param ? 0.5 * d * d : param * (d - 0.5 * param);
        }
      }
      case PNORM -> {
        for (int k = 0; k < m; k++) {
          u += Math.pow(Math.abs(z[zo + k * zs] - y[yo + k * ys]), param) / param;
        }
      }
      case BCE -> {
        for (int k = 0; k < m; k++) {
          double zk = z[zo + k * zs];
          u += softplus(zk) - y[yo + k * ys] * zk;
        }
      }
      case CE -> {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < m; k++) {
          max = Math.max(max, z[zo + k * zs]);
        }
        double sum = 0;
        for (int k = 0; k < m; k++) {
          sum += Math.exp(z[zo + k * zs] - max);
        }
        double lse = max + Math.log(sum);
        for (int k = 0; k < m; k++) {
          double yk = y[yo + k * ys];
          u += yk * (lse - z[zo + k * zs]);
        }
      }
    }
    return u;
  }

  /**
   * The force on z (the gradient of {@link #potential} in z; for CE the eq. 27 form softmax(z) - y)
   * into {@code out[oo + k*os]}. {@code out} must not alias z or y.
   */
  public void force(double[] z, int zo, int zs, double[] y, int yo, int ys, int m,
      double[] out, int oo, int os) {
    switch (kind) {
      case L2 -> {
        for (int k = 0; k < m; k++) {
          out[oo + k * os] = z[zo + k * zs] - y[yo + k * ys];
        }
      }
      case L1 -> {
        for (int k = 0; k < m; k++) {
          out[oo + k * os] = Math.signum(z[zo + k * zs] - y[yo + k * ys]);
        }
      }
      case HUBER -> {
        for (int k = 0; k < m; k++) {
          double d = z[zo + k * zs] - y[yo + k * ys];
          out[oo + k * os] = Math.max(-param, Math.min(param, d));
        }
      }
      case PNORM -> {
        for (int k = 0; k < m; k++) {
          double d = z[zo + k * zs] - y[yo + k * ys];
          out[oo + k * os] = d == 0 ? 0.0 : Math.pow(Math.abs(d), param - 2) * d;
        }
      }
      case BCE -> {
        for (int k = 0; k < m; k++) {
          out[oo + k * os] = OutputActivation.sigmoid(z[zo + k * zs]) - y[yo + k * ys];
        }
      }
      case CE -> {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < m; k++) {
          max = Math.max(max, z[zo + k * zs]);
        }
        double sum = 0;
        for (int k = 0; k < m; k++) {
          double e = Math.exp(z[zo + k * zs] - max);
          out[oo + k * os] = e;
          sum += e;
        }
        for (int k = 0; k < m; k++) {
          out[oo + k * os] = out[oo + k * os] / sum - y[yo + k * ys];
        }
      }
    }
  }

  /**
   * The forces for a batch held as rows: {@code out[k][s]} = force k of sample s, from
   * {@code z[k][s]} and {@code y[k][s]}, for the first n samples.
   */
  public void forceRows(double[][] z, double[][] y, int m, int n, double[][] out) {
    forceRows(z, y, m, n, out, new double[Math.max(3 * m, n)]);
  }

  /**
   * As {@link #forceRows(double[][], double[][], int, int, double[][])} with caller-owned scratch
   * of at least max(3m, n) values.
   */
  public void forceRows(double[][] z, double[][] y, int m, int n, double[][] out, double[] scratch) {
    switch (kind) {
      case L2 -> {
        for (int k = 0; k < m; k++) {
          double[] zk = z[k];
          double[] yk = y[k];
          double[] ok = out[k];
          for (int s = 0; s < n; s++) {
            ok[s] = zk[s] - yk[s];
          }
        }
      }
      case BCE -> {
        for (int k = 0; k < m; k++) {
          double[] zk = z[k];
          double[] yk = y[k];
          double[] ok = out[k];
          for (int s = 0; s < n; s++) {
            ok[s] = OutputActivation.sigmoid(zk[s]) - yk[s];
          }
        }
      }
      case CE -> {
        // softmax(z) - y per sample, in the order of force(): max, exp, sum, divide
        double[] mx = out[0];
        java.util.Arrays.fill(mx, 0, n, Double.NEGATIVE_INFINITY);
        for (int k = 0; k < m; k++) {
          double[] zk = z[k];
          for (int s = 0; s < n; s++) {
            mx[s] = Math.max(mx[s], zk[s]);
          }
        }
        double[] sum = scratch;
        java.util.Arrays.fill(sum, 0, n, 0.0);
        for (int k = m - 1; k >= 0; k--) {
          double[] zk = z[k];
          double[] ok = out[k];
          for (int s = 0; s < n; s++) {
            ok[s] = Math.exp(zk[s] - mx[s]);
          }
        }
        for (int k = 0; k < m; k++) {
          double[] ok = out[k];
          for (int s = 0; s < n; s++) {
            sum[s] += ok[s];
          }
        }
        for (int k = 0; k < m; k++) {
          double[] ok = out[k];
          double[] yk = y[k];
          for (int s = 0; s < n; s++) {
            ok[s] = ok[s] / sum[s] - yk[s];
          }
        }
      }
      default -> {
        for (int s = 0; s < n; s++) {
          for (int k = 0; k < m; k++) {
            scratch[k] = z[k][s];
            scratch[m + k] = y[k][s];
          }
          force(scratch, 0, 1, scratch, m, 1, m, scratch, 2 * m, 1);
          for (int k = 0; k < m; k++) {
            out[k][s] = scratch[2 * m + k];
          }
        }
      }
    }
  }

  /**
   * {@code acc[s] += potential of sample s} for a batch held as rows, first n samples; scratch of
   * at least 2m values.
   */
  public void addPotentialRows(double[][] z, double[][] y, int m, int n, double[] acc, double[] scratch) {
    if (kind == Kind.L2) {
      for (int k = 0; k < m; k++) {
        double[] zk = z[k];
        double[] yk = y[k];
        for (int s = 0; s < n; s++) {
          double d = zk[s] - yk[s];
          acc[s] += 0.5 * d * d;
        }
      }
      return;
    }
    for (int s = 0; s < n; s++) {
      for (int k = 0; k < m; k++) {
        scratch[k] = z[k][s];
        scratch[m + k] = y[k][s];
      }
      acc[s] += potential(scratch, 0, 1, scratch, m, 1, m);
    }
  }

  /** The potential of sample s of a batch held as rows ({@code z[k][s]}, {@code y[k][s]}). */
  public double potential(double[][] z, double[][] y, int s) {
    int m = z.length;
    double[] zs = new double[m];
    double[] ys = new double[m];
    for (int k = 0; k < m; k++) {
      zs[k] = z[k][s];
      ys[k] = y[k][s];
    }
    return potential(zs, 0, 1, ys, 0, 1, m);
  }

  /**
   * This loss as the output edge of {@link sheafrank.diffusion.HeatEquation} for training: the
   * output stalk y must be pinned (it gets no force); z^(k+1) gets {@link #force}; the recorded
   * residual is {@code y - phi(z)}.
   */
  public OutputEdge outputEdge() {
    OutputActivation phi = activation();
    return (s, zOff, yOff, n, res, resOff, g, gzOff, gyOff, tmp) -> {
      force(s, zOff, 1, s, yOff, 1, n, tmp, 0, 1);
      for (int i = 0; i < n; i++) {
        g[gzOff + i] += tmp[i];
      }
      phi.apply(s, zOff, tmp, 0, n);
      for (int i = 0; i < n; i++) {
        res[resOff + i] = s[yOff + i] - tmp[i];
      }
    };
  }

  static double softplus(double z) {
    return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  }
}
