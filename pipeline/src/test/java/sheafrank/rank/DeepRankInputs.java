package sheafrank.rank;

import java.util.SplittableRandom;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.util.Rng;

/** Networks and point sets for the rank engine's tests, benchmark and NumPy cross-check. */
public final class DeepRankInputs {
  private DeepRankInputs() {}

  /** The MNIST classifier's widths of seed 003 §4. */
  public static final int[] MNIST = {784, 2000, 1000, 500, 100, 10};

  /**
   * PyTorch's default {@code nn.Linear} initialisation: weights and biases uniform in
   * {@code (-1/sqrt(fan_in), 1/sqrt(fan_in))} (kaiming_uniform with a = sqrt 5).
   */
  public static Mlp torchDefault(int[] widths, long seed) {
    SplittableRandom r = Rng.stream(seed, 0x746f726368L);
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
    return new Mlp(widths, w, b, OutputActivation.IDENTITY);
  }

  /** He normal weights N(0, 2 / fan_in) with biases N(0, 0.1^2). */
  public static Mlp heWithBias(int[] widths, long seed) {
    Mlp net = Mlp.heNormal(widths, OutputActivation.IDENTITY, seed);
    SplittableRandom r = Rng.stream(seed, 0x62696173L);
    for (int l = 0; l < net.depth(); l++) {
      Rng.gaussian(r, 0, 0.1, net.bias(l));
    }
    return net;
  }

  /** {@code count} points uniform in [0, 1]^m, row-major. */
  public static double[] uniform(int count, int m, long seed) {
    double[] x = new double[count * m];
    Rng.uniform(Rng.stream(seed, 0x756e6966L), 0, 1, x);
    return x;
  }

  /**
   * {@code count} synthetic 28 x 28 "digits": a few random-walk strokes of width about 2 pixels
   * near the centre, intensities in (0, 1], every other pixel exactly 0 (about 10-25 % nonzero,
   * like MNIST), row-major.
   */
  public static double[] digitLike(int count, long seed) {
    SplittableRandom r = Rng.stream(seed, 0x64696769L);
    double[] x = new double[count * 784];
    for (int p = 0; p < count; p++) {
      int strokes = 2 + r.nextInt(3);
      for (int s = 0; s < strokes; s++) {
        double px = 8 + 12 * r.nextDouble();
        double py = 6 + 16 * r.nextDouble();
        double dir = 2 * Math.PI * r.nextDouble();
        int steps = 10 + r.nextInt(15);
        for (int t = 0; t < steps; t++) {
          dir += 0.5 * (r.nextDouble() - 0.5);
          px = Math.min(25, Math.max(2, px + Math.cos(dir)));
          py = Math.min(25, Math.max(2, py + Math.sin(dir)));
          for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
              int i = ((int) py + dy) * 28 + (int) px + dx;
              double v = (dx == 0 && dy == 0) ? 1.0 : 0.3 + 0.5 * r.nextDouble();
              x[p * 784 + i] = Math.max(x[p * 784 + i], v);
            }
          }
        }
      }
    }
    return x;
  }
}
