package sheafrank.train;

import java.util.Locale;
import java.util.SplittableRandom;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.util.Rng;

/** Initial weights of {@link MlpTrainer}'s networks. */
public enum MlpInit {
  /**
   * PyTorch's default {@code nn.Linear} initialisation (the papers' code used PyTorch defaults):
   * {@code kaiming_uniform_(a=sqrt(5))} for W, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the
   * bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)). Draws: layer by layer, W row-major then b, each
   * {@code -bound + 2 bound u} with u uniform on [0, 1).
   */
  TORCH_DEFAULT,
  /** He (Kaiming) normal, {@code W ~ N(0, 2/fan_in)}, zero biases ({@link Mlp#heNormal}). */
  HE_NORMAL;

  /** Key of the initialisation stream under the trainer's seed. */
  static final long STREAM_KEY = 0x4d4c50494e4954L; // "MLPINIT"

  /**
   * Parses "torch_default" (or "torch", "pytorch", "default") and "he_normal" (or "he",
   * "kaiming").
   */
  public static MlpInit parse(String s) {
    String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    return switch (t) {
      case "torch_default", "torch", "pytorch", "default" -> TORCH_DEFAULT;
      case "he_normal", "he", "kaiming", "kaiming_normal" -> HE_NORMAL;
      default -> throw new IllegalArgumentException(
          "unknown initialisation '" + s + "' (expected torch_default or he_normal)");
    };
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A network with these widths drawn from the stream (seed, {@link #STREAM_KEY}). */
  public Mlp build(int[] widths, OutputActivation output, long seed) {
    return build(widths, output, Rng.stream(seed, STREAM_KEY));
  }

  /** A network with these widths drawn from r. */
  public Mlp build(int[] widths, OutputActivation output, SplittableRandom r) {
    if (this == HE_NORMAL) {
      return Mlp.heNormal(widths, output, r);
    }
    Mlp.validateWidths(widths);
    int depth = widths.length - 1;
    double[][] w = new double[depth][];
    double[][] b = new double[depth][];
    for (int l = 0; l < depth; l++) {
      double bound = 1 / Math.sqrt(widths[l]);
      w[l] = new double[widths[l + 1] * widths[l]];
      b[l] = new double[widths[l + 1]];
      Rng.uniform(r, -bound, bound, w[l]);
      Rng.uniform(r, -bound, bound, b[l]);
    }
    return new Mlp(widths, w, b, output);
  }
}
