package sheafrank.diffusion;

import sheafrank.net.Mlp;
import sheafrank.sheaf.SheafLayout;

/**
 * Forward-Euler integration of the restricted sheaf heat equation (seed 001 eq. 18), batched with
 * per-sample ReLU masks (§5.2.5), with the output edge of §4.2 (eq. 22) when the layout has an
 * output vertex, hard pins (coordinates held fixed) and soft pins (penalty edges of eq. 23).
 *
 * <p>One instance holds scratch space for one thread. The cochains of a batch are one flat array,
 * sample after sample, {@link SheafLayout#dim()} values each. Each step computes every edge residual
 * {@code r_e = F_v x_v - F_u x_u} (eq. 4), the gradient of {@code 1/2 sum_e ||r_e||^2} on every
 * coordinate, and moves the free coordinates by {@code -dt * alpha * gradient}. The ReLU map uses
 * the paper's convention R_jj = 1 iff z_j >= 0 (eq. 12), which is Gould's fast selection rule.
 */
public final class HeatEquation {
  private final Mlp net;
  private final SheafLayout layout;
  private final double alpha;
  private final OutputEdge outputEdge;
  private final boolean[] fixed;
  private final boolean inputFree;
  private final int[] edgeOff;
  private final int edgeDim;
  private final double[] res;
  private final double[] grad;
  private final double[] tmp;
  private int[] softIdx = new int[0];
  private double[] softGamma = new double[0];

  /**
   * @param fixed per-coordinate mask of hard-pinned coordinates (their values stay as they are in
   *     the state array); null means the default boundary: the input stalk only
   * @param outputEdge the output edge, required iff the layout has an output vertex
   */
  public HeatEquation(
      Mlp net, SheafLayout layout, double alpha, boolean[] fixed, OutputEdge outputEdge) {
    if (!(alpha > 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha must be positive and finite, got " + alpha);
    }
    if (layout.hasOutputVertex() != (outputEdge != null)) {
      throw new IllegalArgumentException("an output edge is needed exactly when the layout has an output vertex");
    }
    this.net = net;
    this.layout = layout;
    this.alpha = alpha;
    this.outputEdge = outputEdge;
    this.fixed = fixed == null ? layout.defaultFixed(false) : fixed.clone();
    if (this.fixed.length != layout.dim()) {
      throw new IllegalArgumentException(
          "pin mask has " + this.fixed.length + " entries, the cochain has " + layout.dim());
    }
    boolean anyInputFree = false;
    for (int i = 0; i < layout.inputDim(); i++) {
      anyInputFree |= !this.fixed[i];
    }
    this.inputFree = anyInputFree;
    int e = layout.edgeCount();
    edgeOff = new int[e + 1];
    for (int i = 0; i < e; i++) {
      edgeOff[i + 1] = edgeOff[i] + layout.edges().get(i).dim();
    }
    edgeDim = edgeOff[e];
    res = new double[edgeDim];
    grad = new double[layout.dim()];
    int maxW = 0;
    for (int w : layout.widths()) {
      maxW = Math.max(maxW, w);
    }
    tmp = new double[2 * maxW];
  }

  /**
   * Soft pins (penalty edges, eq. 23): coordinate {@code idx[i]} is pulled toward a target with
   * strength {@code gamma[i] > 0}. Targets are passed per sample to {@link #step}.
   */
  public HeatEquation withSoftPins(int[] idx, double[] gamma) {
    if (idx.length != gamma.length) {
      throw new IllegalArgumentException("soft pins: " + idx.length + " coordinates but " + gamma.length + " strengths");
    }
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= layout.dim()) {
        throw new IllegalArgumentException("soft pin on coordinate " + idx[i] + " outside 0.." + (layout.dim() - 1));
      }
      if (!(gamma[i] > 0) || !Double.isFinite(gamma[i])) {
        throw new IllegalArgumentException("soft pin strength gamma must be positive and finite, got " + gamma[i]);
      }
    }
    softIdx = idx.clone();
    softGamma = gamma.clone();
    return this;
  }

  public SheafLayout layout() {
    return layout;
  }

  public Mlp network() {
    return net;
  }

  /** Number of discord slots per sample: one per edge of the layout, then the pin penalty edges. */
  public int discordSlots() {
    return layout.edgeCount() + 1;
  }

  /**
   * One Euler step for samples {@code from <= s < to} of {@code state}.
   *
   * @param softTargets per-sample soft-pin targets ({@code softIdx.length} per sample), or null
   *     when there are no soft pins
   * @param discord if non-null, receives for each sample, BEFORE the step, the squared norm of
   *     every edge residual ({@link #discordSlots()} values per sample, indexed from sample
   *     {@code from})
   */
  public void step(double[] state, int from, int to, double dt, double[] softTargets, double[] discord) {
    final int dim = layout.dim();
    final double h = dt * alpha;
    for (int s = from; s < to; s++) {
      int o = s * dim;
      residualsAndGradient(state, o, softTargets, softTargets == null ? 0 : (s) * softIdx.length);
      if (discord != null) {
        writeDiscord(state, o, softTargets, s * softIdx.length, discord, (s - from) * discordSlots());
      }
      for (int i = 0; i < dim; i++) {
        if (!fixed[i]) {
          state[o + i] -= h * grad[i];
        }
      }
    }
  }

  /**
   * The per-edge discord of sample {@code s} without moving it ({@link #discordSlots()} values into
   * {@code out[outOff ..]}): squared norm of each edge residual, then the pin penalty term.
   */
  public void measure(double[] state, int s, double[] softTargets, double[] out, int outOff) {
    int o = s * layout.dim();
    residualsAndGradient(state, o, softTargets, softTargets == null ? 0 : s * softIdx.length);
    writeDiscord(state, o, softTargets, s * softIdx.length, out, outOff);
  }

  /**
   * The edge residuals (into the internal buffer) and the energy gradient (into {@code grad}) of
   * the sample at offset {@code o}.
   */
  private void residualsAndGradient(double[] s, int o, double[] softTargets, int softOff) {
    final int depth = layout.depth();
    final int[] n = layout.widths();
    java.util.Arrays.fill(grad, 0.0);
    int prevOff = o; // x
    for (int l = 0; l < depth; l++) {
      int nin = n[l];
      int nout = n[l + 1];
      int zo = o + layout.zOffset(l);
      int ro = edgeOff[layout.weightEdge(l)];
      double[] w = net.weights(l);
      double[] b = net.bias(l);
      // weight edge residual r = z - (W prev + b)
      for (int i = 0; i < nout; i++) {
        double acc = b[i];
        int wb = i * nin;
        for (int j = 0; j < nin; j++) {
          acc += w[wb + j] * s[prevOff + j];
        }
        double r = s[zo + i] - acc;
        res[ro + i] = r;
        grad[zo - o + i] += r;
      }
      // its force on the upstream vertex: -W^T r
      if (l > 0 || inputFree) {
        int po = prevOff - o;
        for (int i = 0; i < nout; i++) {
          double r = res[ro + i];
          if (r != 0) {
            int wb = i * nin;
            for (int j = 0; j < nin; j++) {
              grad[po + j] -= w[wb + j] * r;
            }
          }
        }
      }
      if (l < depth - 1) {
        int ao = o + layout.aOffset(l);
        int rao = edgeOff[layout.activationEdge(l)];
        for (int i = 0; i < nout; i++) {
          double z = s[zo + i];
          boolean on = z >= 0;
          double r = s[ao + i] - (on ? z : 0.0);
          res[rao + i] = r;
          grad[ao - o + i] += r;
          if (on) {
            grad[zo - o + i] -= r;
          }
        }
        prevOff = ao;
      }
    }
    if (outputEdge != null) {
      int zl = layout.zOffset(depth - 1);
      int yo = layout.yOffset();
      outputEdge.apply(s, o + zl, o + yo, n[depth], res, edgeOff[layout.outputEdge()], grad, zl, yo, tmp);
    }
    for (int i = 0; i < softIdx.length; i++) {
      int c = softIdx[i];
      grad[c] += softGamma[i] * (s[o + c] - softTargets[softOff + i]);
    }
  }

  private void writeDiscord(double[] s, int o, double[] softTargets, int softOff, double[] out, int outOff) {
    int e = layout.edgeCount();
    for (int k = 0; k < e; k++) {
      double sum = 0;
      for (int i = edgeOff[k]; i < edgeOff[k + 1]; i++) {
        sum += res[i] * res[i];
      }
      out[outOff + k] = sum;
    }
    double pin = 0;
    for (int i = 0; i < softIdx.length; i++) {
      double d = s[o + softIdx[i]] - softTargets[softOff + i];
      pin += softGamma[i] * d * d;
    }
    out[outOff + e] = pin;
  }
}
