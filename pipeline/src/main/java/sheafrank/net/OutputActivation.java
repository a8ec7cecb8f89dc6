package sheafrank.net;

import java.util.Locale;

/** The final activation phi of a network (seed 001, eq. 2). */
public enum OutputActivation {
  IDENTITY,
  SIGMOID,
  SOFTMAX;

  /** Parses "identity", "sigmoid" or "softmax" (case-insensitive). */
  public static OutputActivation parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown output activation '" + s + "' (expected identity, sigmoid or softmax)");
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** out = phi(z); {@code out} may alias {@code z}. */
  public void apply(double[] z, int zOff, double[] out, int outOff, int n) {
    switch (this) {
      case IDENTITY -> System.arraycopy(z, zOff, out, outOff, n);
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          out[outOff + i] = sigmoid(z[zOff + i]);
        }
      }
      case SOFTMAX -> {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
          max = Math.max(max, z[zOff + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
          double e = Math.exp(z[zOff + i] - max);
          out[outOff + i] = e;
          sum += e;
        }
        for (int i = 0; i < n; i++) {
          out[outOff + i] /= sum;
        }
      }
    }
  }

  /**
   * out = J_phi(z)^T v, the local adjoint of eq. 22, given p = phi(z) already computed. Both Jacobians
   * are symmetric (sigmoid: diag(p(1-p)); softmax: diag(p) - p p^T).
   */
  public void jacobianTransposeTimes(
      double[] p, int pOff, double[] v, int vOff, double[] out, int outOff, int n) {
    switch (this) {
      case IDENTITY -> System.arraycopy(v, vOff, out, outOff, n);
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          double pi = p[pOff + i];
          out[outOff + i] = pi * (1 - pi) * v[vOff + i];
        }
      }
      case SOFTMAX -> {
        double pv = 0;
        for (int i = 0; i < n; i++) {
          pv += p[pOff + i] * v[vOff + i];
        }
        for (int i = 0; i < n; i++) {
          out[outOff + i] = p[pOff + i] * (v[vOff + i] - pv);
        }
      }
    }
  }

  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }
}
