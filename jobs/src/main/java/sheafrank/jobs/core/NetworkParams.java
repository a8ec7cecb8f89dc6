package sheafrank.jobs.core;

import java.util.List;
import java.util.SplittableRandom;
import sheafrank.jobs.core.Param.Type;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.util.Rng;

/** The network keys shared by the sheaf jobs: architecture and initialisation. */
public final class NetworkParams {
  private NetworkParams() {}

  public static List<Param> params(String defaultWidths, String defaultOutput) {
    return List.of(
        Param.of("widths", Type.INT_LIST, defaultWidths, "layer widths [n0, n1, ..., nL]")
            .check(v -> {
              try {
                Mlp.validateWidths((int[]) v);
                return null;
              } catch (IllegalArgumentException e) {
                return e.getMessage();
              }
            }),
        Param.of("output", Type.STRING, defaultOutput, "output activation: identity, sigmoid or softmax")
            .oneOf("identity", "sigmoid", "softmax"),
        Param.of("network.seed", Type.LONG, "0", "seed of the He-normal weights"),
        Param.of("network.bias_sd", Type.DOUBLE, "0.0",
                "standard deviation of N(0, sd^2) biases (0 = zero biases, the papers' He init)")
            .nonNegative());
  }

  /** Cross-field checks of the network keys. */
  public static void validate(Spec spec) {
    int[] w = spec.getIntList("widths");
    if (spec.getString("output").equals("sigmoid") && w[w.length - 1] != 1) {
      throw new ConfigException("config key 'widths': a sigmoid output needs output width 1, got " + w[w.length - 1]);
    }
  }

  public static Mlp build(Spec spec) {
    int[] widths = spec.getIntList("widths");
    OutputActivation out = OutputActivation.parse(spec.getString("output"));
    SplittableRandom r = Rng.stream(spec.getLong("network.seed"), 0x4e45545L);
    Mlp net = Mlp.heNormal(widths, out, r);
    double sd = spec.getDouble("network.bias_sd");
    if (sd > 0) {
      for (int l = 0; l < net.depth(); l++) {
        double[] b = net.bias(l);
        for (int i = 0; i < b.length; i++) {
          b[i] = sd * r.nextGaussian();
        }
      }
    }
    return net;
  }
}
