package sheafrank.pinning;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.TestNets;

/** Random pinned problems for tests: random nets, inputs, and mixtures of hard and soft pins. */
final class RandomProblems {
  private RandomProblems() {}

  record Case(Mlp net, PinSpec spec, String text) {}

  static Case random(SplittableRandom r, int trial, boolean allowNonlinear) {
    return random(r, trial, allowNonlinear, true);
  }

  static Case random(SplittableRandom r, int trial, boolean allowNonlinear, boolean allowImputation) {
    OutputActivation out = allowNonlinear ? OutputActivation.values()[trial % 3] : OutputActivation.IDENTITY;
    int depth = 1 + r.nextInt(3);
    int outDim = out == OutputActivation.IDENTITY ? 1 + r.nextInt(2) : out == OutputActivation.SIGMOID ? 1 : 2 + r.nextInt(2);
    int[] w = TestNets.randomWidths(r, depth + 1, 6, outDim);
    w[0] = 1 + r.nextInt(3);
    Mlp net = TestNets.random(w, out, 1000 + trial);
    List<String> pins = new ArrayList<>();
    // input: whole, or partially free (imputation) when something downstream is pinned
    boolean partialInput = allowImputation && w[0] > 1 && r.nextDouble() < 0.2;
    for (int i = 0; i < w[0]; i++) {
      if (!(partialInput && i == 0)) {
        pins.add("x[" + i + "] = " + fmt(4 * r.nextDouble() - 2));
      }
    }
    boolean pinY = r.nextDouble() < 0.7 || partialInput;
    if (pinY) {
      double[] y = target(r, out, outDim);
      StringBuilder sb = new StringBuilder("y = ");
      for (int i = 0; i < outDim; i++) {
        sb.append(i > 0 ? ", " : "").append(fmt(y[i]));
      }
      pins.add(sb.toString());
    }
    java.util.Set<String> used = new java.util.HashSet<>();
    int hidden = r.nextInt(3);
    for (int k = 0; k < hidden; k++) {
      int l = 1 + r.nextInt(depth);
      boolean isA = r.nextBoolean();
      int j = r.nextInt(w[l]);
      String name = (isA ? "a" : "z") + l + "[" + j + "]";
      if (!used.add(name)) {
        continue;
      }
      double v = 3 * r.nextGaussian();
      if (r.nextBoolean()) {
        pins.add(name + " = " + fmt(v));
      } else {
        pins.add(name + " ~ " + fmt(v) + " @ " + fmt(0.1 + 5 * r.nextDouble()));
      }
    }
    String text = String.join("; ", pins);
    return new Case(net, PinSpec.parse(text), text);
  }

  static double[] target(SplittableRandom r, OutputActivation out, int m) {
    double[] y = new double[m];
    switch (out) {
      case IDENTITY -> {
        for (int i = 0; i < m; i++) {
          y[i] = 4 * r.nextGaussian();
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < m; i++) {
          y[i] = r.nextBoolean() ? r.nextInt(2) : r.nextDouble();
        }
      }
      default -> {
        if (r.nextBoolean()) {
          y[r.nextInt(m)] = 1;
        } else {
          double s = 0;
          for (int i = 0; i < m; i++) {
            y[i] = r.nextDouble();
            s += y[i];
          }
          for (int i = 0; i < m; i++) {
            y[i] /= s;
          }
          double t = 0;
          for (int i = 0; i < m - 1; i++) {
            y[i] = Double.parseDouble(fmt(y[i]));
            t += y[i];
          }
          y[m - 1] = 1 - t;
        }
      }
    }
    return y;
  }

  static String fmt(double v) {
    return Double.toString(Math.round(v * 1e6) / 1e6);
  }

  /** A step size safely below 2 / lambda_max of every region Hessian (Frobenius bound on delta). */
  static double stableDt(PinnedProblem p) {
    Mlp net = p.network();
    double f = 0;
    int[] n = net.widths();
    for (int l = 0; l < net.depth(); l++) {
      for (double v : net.weights(l)) {
        f += v * v;
      }
      f += 2 * n[l + 1];
    }
    f += 2 * n[n.length - 1];
    for (double g : p.softGammas()) {
      f = Math.max(f, 0) + g;
    }
    return 1.0 / f;
  }
}
