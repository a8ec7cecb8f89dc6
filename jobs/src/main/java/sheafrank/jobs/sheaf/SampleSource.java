package sheafrank.jobs.sheaf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Limits;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;
import sheafrank.net.Mlp;
import sheafrank.pinning.PinSpec;
import sheafrank.pinning.PinnedProblem;
import sheafrank.util.Rng;

/**
 * Inputs and targets of the pinning and spectral jobs, generated on the executors from
 * {@code (seed, sample index)}: input i is uniform in {@code [inputs.low, inputs.high]^n0} (the
 * same stream as {@code sheaf-inference}, so one seed gives the same inputs in every sheaf job);
 * its target is {@code f(x) + targets.offset + N(0, targets.noise_sd^2)} with f one of
 *
 * <ul>
 *   <li>{@code forward}: the network's own output phi(forward pass) at x (with offset 0 the two-sided
 *       problem is solved by the forward pass, R = 0: seed 002 §13.8 exercise 2);
 *   <li>{@code constant}: {@code targets.value} (one value per output coordinate);
 *   <li>{@code paraboloid}: x1^2 + x2^2 - 2/3; {@code saddle}: x1^2 - x2^2 + 0.5 sin(2 x1) (the
 *       regression tasks of seed 001 §6.2, noise-free; [2, ..., 1] networks).
 * </ul>
 */
public record SampleSource(long seed, double low, double high, String function, double[] value,
    double[] offset, double noiseSd) implements java.io.Serializable {
  static final long KEY_INPUT = 1;
  static final long KEY_TARGET_NOISE = 4;

  public static List<Param> params(long defaultCount) {
    List<Param> p = new ArrayList<>();
    p.add(Param.of("inputs.count", Type.LONG, Long.toString(defaultCount), "number of input points (samples)").positive()
        .atMost(Limits.MAX_ROWS, "rows of the per-sample tables"));
    p.add(Param.of("inputs.low", Type.DOUBLE, "-2.0", "inputs are uniform in [low, high]^n0"));
    p.add(Param.of("inputs.high", Type.DOUBLE, "2.0", "upper end of the input box"));
    p.add(Param.of("targets.function", Type.STRING, "forward",
            "target f(x) for 'target' pins: forward (the network's output), constant (targets.value), paraboloid, saddle")
        .oneOf("forward", "constant", "paraboloid", "saddle"));
    p.add(Param.of("targets.value", Type.DOUBLE_LIST, "[]", "the constant target, one value per output coordinate"));
    p.add(Param.of("targets.offset", Type.DOUBLE_LIST, "[0.0]",
        "added to every target: one value (all coordinates) or one per output coordinate"));
    p.add(Param.of("targets.noise_sd", Type.DOUBLE, "0.0", "N(0, sd^2) noise added to targets, drawn from (seed, sample)")
        .nonNegative());
    return p;
  }

  public static SampleSource of(Spec spec) {
    return new SampleSource(spec.getLong("seed"), spec.getDouble("inputs.low"), spec.getDouble("inputs.high"),
        spec.getString("targets.function"), spec.getDoubleList("targets.value"), spec.getDoubleList("targets.offset"),
        spec.getDouble("targets.noise_sd"));
  }

  /** Checks the input and target keys against the network's widths; errors name the key. */
  public static void validate(Spec spec, int[] widths) {
    if (!(spec.getDouble("inputs.low") < spec.getDouble("inputs.high"))) {
      throw new ConfigException("config keys 'inputs.low' and 'inputs.high': need low < high, got "
          + spec.getDouble("inputs.low") + " and " + spec.getDouble("inputs.high"));
    }
    int m = widths[widths.length - 1];
    String f = spec.getString("targets.function");
    double[] v = spec.getDoubleList("targets.value");
    if (f.equals("constant") && v.length != m) {
      throw new ConfigException("config key 'targets.value': the output stalk y has " + m + " coordinate"
          + (m == 1 ? "" : "s") + ", got " + v.length + " value" + (v.length == 1 ? "" : "s") + " " + Arrays.toString(v));
    }
    if (!f.equals("constant") && v.length > 0) {
      throw new ConfigException("config key 'targets.value' is only used with targets.function = constant, got "
          + "targets.function = " + f);
    }
    if ((f.equals("paraboloid") || f.equals("saddle")) && (widths[0] != 2 || m != 1)) {
      throw new ConfigException("config key 'targets.function': " + f + " maps R^2 to R and needs widths [2, ..., 1], got "
          + Arrays.toString(widths));
    }
    int o = spec.getDoubleList("targets.offset").length;
    if (o != 1 && o != m) {
      throw new ConfigException("config key 'targets.offset': needs 1 value or one per output coordinate (" + m + "), got " + o);
    }
  }

  /**
   * The pinned problem of the pins in key {@code key} on {@code net}, checked against the input and
   * target keys by binding sample 0 (the same pins fit every sample); errors name the keys.
   */
  public static PinnedProblem pinned(Spec spec, Mlp net, String key) {
    validate(spec, net.widths());
    PinnedProblem p;
    try {
      p = PinnedProblem.of(net, PinSpec.parse(spec.getString(key)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + key + "': " + e.getMessage(), e);
    }
    SampleSource src = of(spec);
    double[] x = src.input(0, net.inputDim());
    try {
      p.bind(x, src.target(0, x, net));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config keys '" + key + "' / 'targets.*': " + e.getMessage(), e);
    }
    return p;
  }

  public double[] input(long id, int n0) {
    double[] x = new double[n0];
    Rng.uniform(Rng.stream(seed, KEY_INPUT, id), low, high, x);
    return x;
  }

  public double[] target(long id, double[] x, Mlp net) {
    int m = net.outputDim();
    double[] y;
    switch (function) {
      case "forward" -> y = net.forward(x).output().clone();
      case "constant" -> y = value.clone();
      case "paraboloid" -> y = new double[] {x[0] * x[0] + x[1] * x[1] - 2.0 / 3.0};
      case "saddle" -> y = new double[] {x[0] * x[0] - x[1] * x[1] + 0.5 * Math.sin(2 * x[0])};
      default -> throw new IllegalStateException("unknown target function " + function);
    }
    SplittableRandom r = noiseSd > 0 ? Rng.stream(seed, KEY_TARGET_NOISE, id) : null;
    for (int i = 0; i < m; i++) {
      y[i] += offset.length == 1 ? offset[0] : offset[i];
      if (r != null) {
        y[i] += noiseSd * r.nextGaussian();
      }
    }
    return y;
  }
}
