package sheafrank.net;

import java.util.Arrays;
import java.util.SplittableRandom;
import sheafrank.util.Rng;

/**
 * A feedforward ReLU network (seed 001 eq. 1-2; seed 003 eq. 1).
 *
 * <p>{@code widths = [n_0, n_1, ..., n_L]}; layer {@code l} (0-based, the paper's layer l+1) has
 * weight matrix {@code w[l]} of shape {@code n_{l+1} x n_l} stored row-major and bias {@code b[l]}.
 * Hidden layers apply ReLU; the last layer applies the {@link OutputActivation}. Instances are
 * immutable from the outside: the arrays handed out are the network's own and callers that mutate
 * them (trainers) own the network they mutate.
 */
public final class Mlp implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int[] widths;
  private final double[][] w;
  private final double[][] b;
  private final OutputActivation output;

  public Mlp(int[] widths, double[][] w, double[][] b, OutputActivation output) {
    validateWidths(widths);
    if (w.length != widths.length - 1 || b.length != widths.length - 1) {
      throw new IllegalArgumentException(
          "network with widths " + Arrays.toString(widths) + " needs " + (widths.length - 1)
              + " weight matrices and bias vectors, got " + w.length + " and " + b.length);
    }
    for (int l = 0; l < w.length; l++) {
      if (w[l].length != widths[l + 1] * widths[l]) {
        throw new IllegalArgumentException(
            "layer " + (l + 1) + ": weight matrix must be " + widths[l + 1] + "x" + widths[l]
                + " (" + widths[l + 1] * widths[l] + " values), got " + w[l].length);
      }
      if (b[l].length != widths[l + 1]) {
        throw new IllegalArgumentException(
            "layer " + (l + 1) + ": bias must have " + widths[l + 1] + " values, got " + b[l].length);
      }
      checkFinite(w[l], "layer " + (l + 1) + " weight");
      checkFinite(b[l], "layer " + (l + 1) + " bias");
    }
    this.widths = widths.clone();
    this.w = w;
    this.b = b;
    this.output = output;
  }

  /** Rejects width lists with fewer than two entries or a non-positive width. */
  public static void validateWidths(int[] widths) {
    if (widths == null || widths.length < 2) {
      throw new IllegalArgumentException(
          "widths must list at least an input and an output width, got "
              + Arrays.toString(widths));
    }
    for (int n : widths) {
      if (n < 1) {
        throw new IllegalArgumentException(
            "widths must all be positive, got " + Arrays.toString(widths));
      }
    }
  }

  private static void checkFinite(double[] v, String what) {
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalArgumentException(what + " has a non-finite value " + v[i] + " at index " + i);
      }
    }
  }

  /**
   * He (Kaiming) normal initialisation with zero biases, as in the papers' reference code:
   * {@code W ~ N(0, 2 / fan_in)}. Deterministic in {@code seed}.
   */
  public static Mlp heNormal(int[] widths, OutputActivation output, long seed) {
    return heNormal(widths, output, Rng.stream(seed, 0x4e45545L));
  }

  public static Mlp heNormal(int[] widths, OutputActivation output, SplittableRandom r) {
    validateWidths(widths);
    int depth = widths.length - 1;
    double[][] w = new double[depth][];
    double[][] b = new double[depth][];
    for (int l = 0; l < depth; l++) {
      w[l] = new double[widths[l + 1] * widths[l]];
      Rng.gaussian(r, 0.0, Math.sqrt(2.0 / widths[l]), w[l]);
      b[l] = new double[widths[l + 1]];
    }
    return new Mlp(widths, w, b, output);
  }

  public int[] widths() {
    return widths.clone();
  }

  public int width(int i) {
    return widths[i];
  }

  /** Number of affine layers (the paper's k+1). */
  public int depth() {
    return widths.length - 1;
  }

  /** Number of hidden (ReLU) layers (the paper's k). */
  public int hiddenLayers() {
    return widths.length - 2;
  }

  public int inputDim() {
    return widths[0];
  }

  public int outputDim() {
    return widths[widths.length - 1];
  }

  public OutputActivation output() {
    return output;
  }

  /** Row-major weights of 0-based layer {@code l}; the live array. */
  public double[] weights(int l) {
    return w[l];
  }

  /** Bias of 0-based layer {@code l}; the live array. */
  public double[] bias(int l) {
    return b[l];
  }

  /** A deep copy (trainers mutate their own copy). */
  public Mlp copy() {
    double[][] w2 = new double[w.length][];
    double[][] b2 = new double[b.length][];
    for (int l = 0; l < w.length; l++) {
      w2[l] = w[l].clone();
      b2[l] = b[l].clone();
    }
    return new Mlp(widths, w2, b2, output);
  }

  /** The same weights with another output activation. */
  public Mlp withOutput(OutputActivation o) {
    return new Mlp(widths, w, b, o);
  }

  /** Total number of trainable parameters. */
  public int parameterCount() {
    int n = 0;
    for (int l = 0; l < w.length; l++) {
      n += w[l].length + b[l].length;
    }
    return n;
  }

  /** out[0..rows) = W[l] in[inOff..) + b[l]. */
  public void affine(int l, double[] in, int inOff, double[] out, int outOff) {
    int rows = widths[l + 1];
    int cols = widths[l];
    double[] wl = w[l];
    double[] bl = b[l];
    for (int i = 0; i < rows; i++) {
      double s = bl[i];
      int base = i * cols;
      for (int j = 0; j < cols; j++) {
        s += wl[base + j] * in[inOff + j];
      }
      out[outOff + i] = s;
    }
  }

  /** The forward pass at {@code x}, keeping every pre- and post-activation. */
  public Forward forward(double[] x) {
    if (x.length != widths[0]) {
      throw new IllegalArgumentException(
          "input has " + x.length + " values, the network expects " + widths[0]);
    }
    int depth = depth();
    double[][] z = new double[depth][];
    double[][] a = new double[depth][];
    double[] prev = x;
    for (int l = 0; l < depth; l++) {
      z[l] = new double[widths[l + 1]];
      affine(l, prev, 0, z[l], 0);
      a[l] = new double[widths[l + 1]];
      if (l < depth - 1) {
        for (int i = 0; i < z[l].length; i++) {
          a[l][i] = z[l][i] >= 0 ? z[l][i] : 0.0;
        }
      } else {
        output.apply(z[l], 0, a[l], 0, z[l].length);
      }
      prev = a[l];
    }
    return new Forward(x.clone(), z, a);
  }

  /**
   * Pre- and post-activations of one forward pass. {@code z[l]} is the paper's z^(l+1);
   * {@code a[l]} is ReLU(z[l]) for hidden layers and phi(z[L-1]) for the last.
   */
  public record Forward(double[] x, double[][] z, double[][] a) {
    /** The network output phi(z^(k+1)). */
    public double[] output() {
      return a[a.length - 1];
    }

    /** The pre-activation of the last layer, z^(k+1). */
    public double[] lastPreActivation() {
      return z[z.length - 1];
    }

    /**
     * The activation pattern of hidden layer {@code l} with the paper's convention R_jj = 1 iff
     * z_j >= 0 (seed 001 eq. 12).
     */
    public boolean[] pattern(int l) {
      boolean[] p = new boolean[z[l].length];
      for (int i = 0; i < p.length; i++) {
        p[i] = z[l][i] >= 0;
      }
      return p;
    }
  }
}
