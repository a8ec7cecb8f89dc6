package sheafrank.sheaf;

import java.util.SplittableRandom;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.util.Rng;

/** Random networks with random (non-zero) biases for tests. */
public final class TestNets {
  private TestNets() {}

  public static Mlp random(int[] widths, OutputActivation out, long seed) {
    SplittableRandom r = Rng.stream(seed, 7);
    Mlp net = Mlp.heNormal(widths, out, r);
    for (int l = 0; l < net.depth(); l++) {
      double[] b = net.bias(l);
      for (int i = 0; i < b.length; i++) {
        b[i] = 0.3 * r.nextGaussian();
      }
    }
    return net;
  }

  public static int[] randomWidths(SplittableRandom r, int depth, int maxWidth, int out) {
    int[] w = new int[depth + 1];
    w[0] = 1 + r.nextInt(Math.min(maxWidth, 5));
    for (int i = 1; i < depth; i++) {
      w[i] = 1 + r.nextInt(maxWidth);
    }
    w[depth] = out;
    return w;
  }

  public static double[] randomInput(SplittableRandom r, int n) {
    double[] x = new double[n];
    Rng.uniform(r, -2, 2, x);
    return x;
  }

  public static boolean[][] randomPattern(SplittableRandom r, int[] widths) {
    boolean[][] p = new boolean[widths.length - 2][];
    for (int l = 0; l < p.length; l++) {
      p[l] = new boolean[widths[l + 1]];
      for (int i = 0; i < p[l].length; i++) {
        p[l][i] = r.nextBoolean();
      }
    }
    return p;
  }
}
