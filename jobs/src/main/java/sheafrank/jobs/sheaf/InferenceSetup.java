package sheafrank.jobs.sheaf;

import java.util.Arrays;
import java.util.SplittableRandom;
import sheafrank.diffusion.HeatEquation;
import sheafrank.diffusion.OutputEdge;
import sheafrank.net.Mlp;
import sheafrank.sheaf.SheafLayout;
import sheafrank.util.Rng;

/**
 * Everything an executor needs for sheaf-inference samples and traces (serialisable): the network,
 * the input box, the diffusion and its stopping rule, and how a sample's cochain starts. Input i
 * and its random start derive from (seed, i) alone.
 */
record InferenceSetup(Mlp net, boolean outputEdge, long seed, double low, double high, double alpha,
    double dt, long maxSteps, double tol, String init) implements java.io.Serializable {
  static final long KEY_INPUT = 1;
  static final long KEY_COCHAIN = 2;

  /** Trace settings: steps, recording cadence and the sliding window of ReLU crossings. */
  record Traces(long steps, int every, int slidingWindow) implements java.io.Serializable {}

  SheafLayout layout() {
    return SheafLayout.forInference(net, outputEdge);
  }

  HeatEquation heat(SheafLayout layout) {
    return new HeatEquation(net, layout, alpha, null,
        layout.hasOutputVertex() ? OutputEdge.adjoint(net.output()) : null);
  }

  double[] input(long id) {
    double[] x = new double[net.inputDim()];
    Rng.uniform(Rng.stream(seed, KEY_INPUT, id), low, high, x);
    return x;
  }

  /** Initial cochain of sample id (input stalk set). */
  void initialCochain(long id, double[] x, double[] fwd, double[] c) {
    switch (init) {
      case "forward_pass" -> System.arraycopy(fwd, 0, c, 0, c.length);
      case "zeros" -> Arrays.fill(c, 0.0);
      default -> {
        SplittableRandom r = Rng.stream(seed, KEY_COCHAIN, id);
        for (int i = 0; i < c.length; i++) {
          c[i] = r.nextGaussian();
        }
      }
    }
    System.arraycopy(x, 0, c, 0, x.length);
  }
}
