package sheafrank.pinning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.SheafLayout;

/**
 * A {@link PinSpec} compiled against a network: the pinned energy, its exact local minimiser and
 * the per-problem report (seed 001 §5.1, Note 5.1; seed 002 §13.4, eq. 11.1).
 *
 * <h2>The energy that is minimised</h2>
 *
 * Over the cochain {@code c} of {@link #layout()} with hard-pinned coordinates held at their
 * values,
 *
 * <pre>
 *   E(c) = 1/2 sum_l ||z_l - W_l a_{l-1} - b_l||^2          weight edges (a_0 = x)
 *        + 1/2 sum_l ||a_l - relu(z_l)||^2                  activation edges (true ReLU)
 *        + U_out(z_L, y)                                    output edge, see below
 *        + 1/2 sum_i gamma_i (c_i - p_i)^2                  soft pins (penalty edges, eq. 23)
 * </pre>
 *
 * {@code U_out}: identity output with an output stalk: {@code 1/2 ||y - z_L||^2}. Sigmoid/softmax
 * output with the output stalk hard-pinned to y (the TRAINING convention, eq. 27): the force on
 * z_L is {@code phi(z_L) - y}, whose potential is the cross-entropy of phi(z_L) against y minus its
 * minimum over phi, i.e. {@code KL(y || phi(z_L))} (sigmoid: per-coordinate Bernoulli KL, targets
 * in [0,1]; softmax: categorical KL, targets a probability vector). It is convex in z_L, zero iff
 * {@code phi(z_L) = y}. Sigmoid/softmax output with a free output stalk: the inference potential
 * {@code 1/2 ||phi(z_L) - y||^2} of eq. 21, which vanishes at the minimum with {@code y =
 * phi(z_L)}; the output stalk is then eliminated and set afterwards.
 *
 * <p>E is continuous and piecewise quadratic (plus the convex KL term): in the region of an
 * activation pattern sigma (z_j >= 0 for active units, z_j <= 0 for inactive ones) it equals the
 * convex function E_sigma with {@code relu(z_j)} replaced by {@code sigma_j z_j}. Forward Euler of
 * the pinned heat equation with the rule R_jj = 1 iff z_j >= 0 is gradient descent on E.
 *
 * <h2>The exact solver</h2>
 *
 * A primal active-set method on the sign constraints of the free hidden pre-activations, started
 * in the pattern of the start cochain (by default the forward pass at the pinned input with the
 * pins applied): (1) minimise E_sigma with the units of the working set H held at z_j = 0 (one
 * block-tridiagonal solve; Newton steps with the KL Hessian and an Armijo line search for a
 * pinned sigmoid/softmax output); (2) move toward that minimiser and stop at the first unit whose
 * z_j reaches 0 from its side, adding it to H; (3) at the face minimiser, check every held unit's
 * one-sided derivatives {@code g+ = dE/dz_j|_{0+} = -t_j - a_j + s_j} and {@code g- = -t_j + s_j}
 * (t_j = (W a + b)_j, s_j the soft-pin force at 0): if {@code g+ < 0} the energy decreases into
 * the active side and the unit is released there (the z>=0 convention also resolves the concave
 * kink {@code g+ < 0 < g-} to the active side), else if {@code g- > 0} it is released to the
 * inactive side. When no held unit can be released, the KKT conditions hold on both sides of every
 * active bound: the point is a local minimiser of E. A held unit with {@code a_j != 0} is an
 * equilibrium ON a switching surface (Note 5.1): Filippov sliding, {@code a_j != relu(z_j)}, not a
 * global section. Every step decreases E, so the method stops at a local minimiser reachable
 * downhill from the start, the one Euler reaches in the cases tested. The default mode first
 * follows the gradient flow with proximal steps, except where the direct iteration provably ends
 * at the flow's limit (one hidden layer with the input pinned; see {@link ExactSolver#pathStep}).
 *
 * <p>Instances are immutable and thread-safe; {@link #solver()} gives a per-thread workspace.
 */
public final class PinnedProblem {
  private final Mlp net;
  private final PinSpec spec;
  private final SheafLayout layout;
  private final int depth;
  private final int[] n;
  private final boolean nonlinear;
  private final boolean outputPinned;
  private final boolean[] fixed;
  // hard pins
  private final int[] hardIdx;
  private final double[] hardLit;
  private final PinSpec.Source[] hardSrc;
  private final int[] hardSrcIdx;
  // soft pins
  private final int[] softIdx;
  private final double[] softGamma;
  private final double[] softLit;
  private final PinSpec.Source[] softSrc;
  private final int[] softSrcIdx;
  private final int[] softAt;
  private final int[] edgeOff;
  // pattern-independent blocks of the quadratic part
  final double[][] baseDiag;
  final double[][] baseSub;
  final double[][] baseRhs;
  final int[] vdim;

  private PinnedProblem(Mlp net, PinSpec spec) {
    this.net = net;
    this.spec = spec;
    n = net.widths();
    depth = n.length - 1;
    spec.validate(n);
    nonlinear = net.output() != OutputActivation.IDENTITY;
    boolean yPinned = false;
    for (PinSpec.Pin p : spec.pins()) {
      yPinned |= p.stalk() == PinSpec.Stalk.Y;
    }
    layout = new SheafLayout(n, nonlinear || yPinned);
    int dim = layout.dim();
    fixed = new boolean[dim];
    softAt = new int[dim];
    Arrays.fill(softAt, -1);
    List<int[]> hard = new ArrayList<>(); // coord, source, srcIdx
    List<Double> hardV = new ArrayList<>();
    List<int[]> soft = new ArrayList<>();
    List<double[]> softV = new ArrayList<>(); // value, gamma
    int yHard = 0;
    for (PinSpec.Pin p : spec.pins()) {
      int w = PinSpec.stalkWidth(p, n);
      int base = switch (p.stalk()) {
        case X -> 0;
        case Y -> layout.yOffset();
        case Z -> layout.zOffset(p.layer() - 1);
        case A -> layout.aOffset(p.layer() - 1);
      };
      int from = p.index() < 0 ? 0 : p.index();
      int to = p.index() < 0 ? w : p.index() + 1;
      if (nonlinear && p.stalk() == PinSpec.Stalk.Y && !p.hard()) {
        throw new IllegalArgumentException("pin '" + p.text() + "': a " + net.output().id()
            + " output stalk can only be hard-pinned (cross-entropy convention), not soft-pinned");
      }
      for (int j = from; j < to; j++) {
        int coord = base + j;
        double lit = p.values() == null ? Double.NaN : p.values()[j - from];
        int src = p.source().ordinal();
        if (p.hard()) {
          fixed[coord] = true;
          hard.add(new int[] {coord, src, j});
          hardV.add(lit);
          if (p.stalk() == PinSpec.Stalk.Y) {
            yHard++;
          }
        } else {
          softAt[coord] = soft.size();
          soft.add(new int[] {coord, src, j});
          softV.add(new double[] {lit, p.gamma()});
        }
      }
    }
    if (nonlinear && yHard > 0 && yHard < n[depth]) {
      throw new IllegalArgumentException("pin spec '" + spec + "': a " + net.output().id()
          + " output stalk must be pinned whole (" + n[depth] + " coordinates), got " + yHard);
    }
    outputPinned = nonlinear ? yHard > 0 : false;
    boolean anyInputFree = false;
    for (int i = 0; i < n[0]; i++) {
      anyInputFree |= !fixed[i];
    }
    if (anyInputFree) {
      boolean downstream = false;
      for (int i = n[0]; i < dim; i++) {
        downstream |= fixed[i] || softAt[i] >= 0;
      }
      if (!downstream) {
        throw new IllegalArgumentException("pin spec '" + spec + "': input coordinates are free but"
            + " nothing downstream of the input is pinned, so the equilibrium is not determined");
      }
    }
    hardIdx = new int[hard.size()];
    hardLit = new double[hard.size()];
    hardSrc = new PinSpec.Source[hard.size()];
    hardSrcIdx = new int[hard.size()];
    for (int i = 0; i < hardIdx.length; i++) {
      hardIdx[i] = hard.get(i)[0];
      hardSrc[i] = PinSpec.Source.values()[hard.get(i)[1]];
      hardSrcIdx[i] = hard.get(i)[2];
      hardLit[i] = hardV.get(i);
    }
    softIdx = new int[soft.size()];
    softLit = new double[soft.size()];
    softGamma = new double[soft.size()];
    softSrc = new PinSpec.Source[soft.size()];
    softSrcIdx = new int[soft.size()];
    for (int i = 0; i < softIdx.length; i++) {
      softIdx[i] = soft.get(i)[0];
      softSrc[i] = PinSpec.Source.values()[soft.get(i)[1]];
      softSrcIdx[i] = soft.get(i)[2];
      softLit[i] = softV.get(i)[0];
      softGamma[i] = softV.get(i)[1];
    }
    int e = layout.edgeCount();
    edgeOff = new int[e + 1];
    for (int i = 0; i < e; i++) {
      edgeOff[i + 1] = edgeOff[i] + layout.edges().get(i).dim();
    }
    // quadratic part, pattern independent
    int nv = layout.vertices().size();
    vdim = new int[nv];
    for (int v = 0; v < nv; v++) {
      vdim[v] = layout.vertices().get(v).dim();
    }
    baseDiag = new double[nv][];
    baseSub = new double[nv][];
    baseRhs = new double[nv][];
    for (int v = 0; v < nv; v++) {
      baseDiag[v] = new double[vdim[v] * vdim[v]];
      baseRhs[v] = new double[vdim[v]];
      baseSub[v] = new double[v + 1 < nv ? vdim[v + 1] * vdim[v] : 0];
    }
    for (int l = 0; l < depth; l++) {
      int u = l == 0 ? 0 : 2 * l;
      int zv = 2 * l + 1;
      int nin = n[l];
      int nout = n[l + 1];
      double[] w = net.weights(l);
      double[] b = net.bias(l);
      double[] du = baseDiag[u];
      for (int r = 0; r < nout; r++) {
        for (int i = 0; i < nin; i++) {
          double wi = w[r * nin + i];
          if (wi == 0) {
            continue;
          }
          for (int j = 0; j < nin; j++) {
            du[i * nin + j] += wi * w[r * nin + j];
          }
          baseRhs[u][i] -= wi * b[r];
        }
        baseDiag[zv][r * nout + r] += 1;
        baseRhs[zv][r] += b[r];
      }
      for (int i = 0; i < nout * nin; i++) {
        baseSub[u][i] = -w[i];
      }
      if (l < depth - 1) {
        int av = 2 * l + 2;
        for (int j = 0; j < nout; j++) {
          baseDiag[av][j * nout + j] += 1;
        }
      }
    }
    if (layout.hasOutputVertex()) {
      int zv = 2 * depth - 1;
      int yv = 2 * depth;
      int m = n[depth];
      for (int j = 0; j < m; j++) {
        baseDiag[yv][j * m + j] += 1;
        if (!nonlinear) {
          baseDiag[zv][j * m + j] += 1;
          baseSub[zv][j * m + j] = -1;
        }
      }
    }
    for (int i = 0; i < softIdx.length; i++) {
      int v = vertexOf(softIdx[i]);
      int k = softIdx[i] - layout.vertices().get(v).offset();
      baseDiag[v][k * vdim[v] + k] += softGamma[i];
    }
  }

  /** Compiles {@code spec} for {@code net}; all validation happens here, before any work. */
  public static PinnedProblem of(Mlp net, PinSpec spec) {
    return new PinnedProblem(net, spec);
  }

  /** Parses and compiles a config string (see {@link PinSpec}). */
  public static PinnedProblem of(Mlp net, String spec) {
    return new PinnedProblem(net, PinSpec.parse(spec));
  }

  public Mlp network() {
    return net;
  }

  public PinSpec spec() {
    return spec;
  }

  /** The cochain layout: an output stalk iff the output is pinned or phi is not the identity. */
  public SheafLayout layout() {
    return layout;
  }

  /** Hard-pin mask over the layout's coordinates. */
  public boolean[] fixedMask() {
    return fixed.clone();
  }

  public int[] hardIndices() {
    return hardIdx.clone();
  }

  public int[] softIndices() {
    return softIdx.clone();
  }

  public double[] softGammas() {
    return softGamma.clone();
  }

  /** Whether a sigmoid/softmax output stalk is pinned (cross-entropy output potential). */
  public boolean crossEntropyOutput() {
    return outputPinned;
  }

  /** Whether the spec uses the sample's input ('input' values). */
  public boolean usesInput() {
    for (PinSpec.Source s : hardSrc) {
      if (s == PinSpec.Source.INPUT) {
        return true;
      }
    }
    return Arrays.asList(softSrc).contains(PinSpec.Source.INPUT);
  }

  /** Whether the spec uses the sample's target ('target' values). */
  public boolean usesTarget() {
    return Arrays.asList(hardSrc).contains(PinSpec.Source.TARGET)
        || Arrays.asList(softSrc).contains(PinSpec.Source.TARGET);
  }

  /** The same problem with every soft-pin strength multiplied by {@code factor} (gamma sweep). */
  public PinnedProblem withGammaScaled(double factor) {
    if (!(factor > 0) || !Double.isFinite(factor)) {
      throw new IllegalArgumentException("gamma scale factor must be positive and finite, got " + factor);
    }
    List<PinSpec.Pin> scaled = new ArrayList<>();
    for (PinSpec.Pin p : spec.pins()) {
      scaled.add(p.hard() ? p : new PinSpec.Pin(p.text(), p.stalk(), p.layer(), p.index(), p.values(),
          p.source(), p.gamma() * factor));
    }
    return new PinnedProblem(net, PinSpec.fromPins(scaled));
  }

  /** The same problem without its soft pins (the gamma -> 0 limit). */
  public PinnedProblem withoutSoftPins() {
    List<PinSpec.Pin> kept = new ArrayList<>();
    for (PinSpec.Pin p : spec.pins()) {
      if (p.hard()) {
        kept.add(p);
      }
    }
    return new PinnedProblem(net, PinSpec.fromPins(kept));
  }

  /** The same problem with every soft pin made hard (the gamma -> infinity limit). */
  public PinnedProblem withSoftPinsHard() {
    List<PinSpec.Pin> hardened = new ArrayList<>();
    for (PinSpec.Pin p : spec.pins()) {
      hardened.add(new PinSpec.Pin(p.text(), p.stalk(), p.layer(), p.index(), p.values(), p.source(),
          Double.POSITIVE_INFINITY));
    }
    return new PinnedProblem(net, PinSpec.fromPins(hardened));
  }

  /**
   * Values of the hard pins (in {@link #hardIndices()} order) and targets of the soft pins for one
   * sample. {@code x} / {@code y} fill the 'input' / 'target' placeholders and may be null when
   * the spec has none. Checks dimensions, finiteness and, for a cross-entropy output, that the
   * target is a probability (vector).
   */
  public Bound bind(double[] x, double[] y) {
    double[] hv = new double[hardIdx.length];
    for (int i = 0; i < hv.length; i++) {
      hv[i] = value(hardSrc[i], hardSrcIdx[i], hardLit[i], x, y, hardIdx[i]);
    }
    double[] sv = new double[softIdx.length];
    for (int i = 0; i < sv.length; i++) {
      sv[i] = value(softSrc[i], softSrcIdx[i], softLit[i], x, y, softIdx[i]);
    }
    if (outputPinned) {
      int yo = layout.yOffset();
      double sum = 0;
      for (int i = 0; i < hardIdx.length; i++) {
        if (hardIdx[i] >= yo) {
          double t = hv[i];
          if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("output pin " + layout.coordinateName(hardIdx[i]) + " = " + t
                + ": a " + net.output().id() + " target must lie in [0, 1]");
          }
          sum += t;
        }
      }
      if (net.output() == OutputActivation.SOFTMAX && Math.abs(sum - 1) > 1e-9) {
        throw new IllegalArgumentException(
            "softmax output target must sum to 1 (a probability vector), got sum " + sum);
      }
    }
    return new Bound(hv, sv);
  }

  private double value(PinSpec.Source src, int j, double lit, double[] x, double[] y, int coord) {
    String name = layout.coordinateName(coord);
    double[] from;
    switch (src) {
      case LITERAL -> {
        return lit;
      }
      case INPUT -> from = x;
      default -> from = y;
    }
    String what = src == PinSpec.Source.INPUT ? "input" : "target";
    int need = src == PinSpec.Source.INPUT ? n[0] : n[depth];
    if (from == null) {
      throw new IllegalArgumentException("pin on " + name + " takes its value from the sample's " + what
          + ", but no " + what + " was given");
    }
    if (from.length != need) {
      throw new IllegalArgumentException("sample " + what + " has " + from.length + " values, the network's "
          + (src == PinSpec.Source.INPUT ? "input" : "output") + " stalk has " + need);
    }
    if (!Double.isFinite(from[j])) {
      throw new IllegalArgumentException("sample " + what + "[" + j + "] = " + from[j] + " is not finite");
    }
    return from[j];
  }

  /** Per-sample pin values: hard values in {@link #hardIndices()} order, soft targets likewise. */
  public record Bound(double[] hardValues, double[] softTargets) {}

  /** The problem's literal values (no placeholders allowed). */
  public Bound bind() {
    return bind(null, null);
  }

  /**
   * The default start: the forward pass at the pinned input (free input coordinates at their
   * soft target, else 0) with every hard pin applied.
   */
  public double[] defaultStart(Bound b) {
    double[] x = new double[n[0]];
    for (int i = 0; i < softIdx.length; i++) {
      if (softIdx[i] < n[0]) {
        x[softIdx[i]] = b.softTargets()[i];
      }
    }
    for (int i = 0; i < hardIdx.length; i++) {
      if (hardIdx[i] < n[0]) {
        x[hardIdx[i]] = b.hardValues()[i];
      }
    }
    double[] c = layout.forwardCochain(net, x);
    for (int i = 0; i < hardIdx.length; i++) {
      c[hardIdx[i]] = b.hardValues()[i];
    }
    return c;
  }

  /** Solves with the spec's literal values from the default start. */
  public PinnedResult solve() {
    return solver().solve(bind(), null);
  }

  /** Solves for one sample ('input'/'target' placeholders from x / y) from the default start. */
  public PinnedResult solve(double[] x, double[] y) {
    return solver().solve(bind(x, y), null);
  }

  /** A workspace for solving this problem repeatedly on one thread. */
  public ExactSolver solver() {
    return new ExactSolver(this);
  }

  int vertexOf(int coord) {
    List<SheafLayout.Vertex> vs = layout.vertices();
    for (int i = 0; i < vs.size(); i++) {
      SheafLayout.Vertex v = vs.get(i);
      if (coord >= v.offset() && coord < v.offset() + v.dim()) {
        return i;
      }
    }
    throw new IndexOutOfBoundsException("coordinate " + coord);
  }

  int depth() {
    return depth;
  }

  int[] widthsRef() {
    return n;
  }

  boolean nonlinear() {
    return nonlinear;
  }

  boolean[] fixedRef() {
    return fixed;
  }

  int[] hardIdxRef() {
    return hardIdx;
  }

  int[] softIdxRef() {
    return softIdx;
  }

  double[] softGammaRef() {
    return softGamma;
  }

  int softSlot(int coord) {
    return softAt[coord];
  }

  /** Offsets of each edge's residual in a residual vector; last entry = total length. */
  public int[] edgeOffsets() {
    return edgeOff.clone();
  }

  /**
   * The edge residuals of {@code c} (true ReLU), in layout edge order: weight edges
   * {@code z - W a - b}, activation edges {@code a - relu(z)}, output edge {@code y - phi(z_L)}.
   */
  public double[] residuals(double[] c) {
    double[] res = new double[edgeOff[edgeOff.length - 1]];
    int prev = 0;
    for (int l = 0; l < depth; l++) {
      int zo = layout.zOffset(l);
      int ro = edgeOff[layout.weightEdge(l)];
      double[] w = net.weights(l);
      double[] b = net.bias(l);
      int nin = n[l];
      for (int i = 0; i < n[l + 1]; i++) {
        double acc = b[i];
        for (int j = 0; j < nin; j++) {
          acc += w[i * nin + j] * c[prev + j];
        }
        res[ro + i] = c[zo + i] - acc;
      }
      if (l < depth - 1) {
        int ao = layout.aOffset(l);
        int ra = edgeOff[layout.activationEdge(l)];
        for (int i = 0; i < n[l + 1]; i++) {
          double z = c[zo + i];
          res[ra + i] = c[ao + i] - (z >= 0 ? z : 0);
        }
        prev = ao;
      }
    }
    if (layout.hasOutputVertex()) {
      int m = n[depth];
      int zo = layout.zOffset(depth - 1);
      double[] p = new double[m];
      net.output().apply(c, zo, p, 0, m);
      int ro = edgeOff[layout.outputEdge()];
      for (int i = 0; i < m; i++) {
        res[ro + i] = c[layout.yOffset() + i] - p[i];
      }
    }
    return res;
  }

  /** The pinned energy E(c) of the class comment (true ReLU), with soft targets {@code soft}. */
  public double energy(double[] c, double[] soft) {
    double[] res = residuals(c);
    int outStart = layout.hasOutputVertex() ? edgeOff[layout.outputEdge()] : res.length;
    double e = 0;
    for (int i = 0; i < outStart; i++) {
      e += res[i] * res[i];
    }
    e *= 0.5;
    if (layout.hasOutputVertex()) {
      if (outputPinned) {
        e += klOutput(c);
      } else {
        for (int i = outStart; i < res.length; i++) {
          e += 0.5 * res[i] * res[i];
        }
      }
    }
    for (int i = 0; i < softIdx.length; i++) {
      double d = c[softIdx[i]] - soft[i];
      e += 0.5 * softGamma[i] * d * d;
    }
    return e;
  }

  /** KL(y || phi(z_L)) for a pinned sigmoid/softmax output stalk. */
  double klOutput(double[] c) {
    int m = n[depth];
    int zo = layout.zOffset(depth - 1);
    int yo = layout.yOffset();
    if (net.output() == OutputActivation.SIGMOID) {
      double s = 0;
      for (int i = 0; i < m; i++) {
        double z = c[zo + i];
        double y = c[yo + i];
        double softplus = Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
        s += softplus - y * z + xlogx(y) + xlogx(1 - y);
      }
      return s;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < m; i++) {
      max = Math.max(max, c[zo + i]);
    }
    double sum = 0;
    for (int i = 0; i < m; i++) {
      sum += Math.exp(c[zo + i] - max);
    }
    double lse = max + Math.log(sum);
    double s = lse;
    for (int i = 0; i < m; i++) {
      double y = c[yo + i];
      s += -y * c[zo + i] + xlogx(y);
    }
    return s;
  }

  private static double xlogx(double v) {
    return v <= 0 ? 0 : v * Math.log(v);
  }

  /**
   * The per-edge discord d_e = ||r_e||^2 (seed 002 §13.6) in layout edge order, followed by one
   * slot for the soft pins' penalty edges, {@code sum_i gamma_i (c_i - p_i)^2}. For quadratic
   * output edges {@code sum d_e = 2 E}; for a cross-entropy output the output slot is
   * {@code ||y - phi(z_L)||^2} while E carries the KL term instead.
   */
  public double[] edgeDiscord(double[] c, double[] soft) {
    double[] res = residuals(c);
    int e = layout.edgeCount();
    double[] d = new double[e + 1];
    for (int k = 0; k < e; k++) {
      double s = 0;
      for (int i = edgeOff[k]; i < edgeOff[k + 1]; i++) {
        s += res[i] * res[i];
      }
      d[k] = s;
    }
    for (int i = 0; i < softIdx.length; i++) {
      double t = c[softIdx[i]] - soft[i];
      d[e] += softGamma[i] * t * t;
    }
    return d;
  }

  /** Names of the discord slots: the layout's edges ("W1", "R1", ..., "out") then "pins". */
  public String[] discordNames() {
    int e = layout.edgeCount();
    String[] s = new String[e + 1];
    for (int k = 0; k < e; k++) {
      s[k] = layout.edges().get(k).name();
    }
    s[e] = "pins";
    return s;
  }

  /**
   * Gradient of E_sigma (the region energy of pattern {@code pattern}) at {@code c} over all
   * coordinates (pinned ones included; callers mask them). For a free sigmoid/softmax output the
   * eliminated output edge contributes nothing.
   */
  void regionGradient(double[] c, boolean[][] pattern, double[] soft, double[] g, double[] tmp) {
    Arrays.fill(g, 0.0);
    int prev = 0;
    for (int l = 0; l < depth; l++) {
      int zo = layout.zOffset(l);
      double[] w = net.weights(l);
      double[] b = net.bias(l);
      int nin = n[l];
      for (int i = 0; i < n[l + 1]; i++) {
        double acc = b[i];
        int wb = i * nin;
        for (int j = 0; j < nin; j++) {
          acc += w[wb + j] * c[prev + j];
        }
        double r = c[zo + i] - acc;
        g[zo + i] += r;
        if (r != 0) {
          for (int j = 0; j < nin; j++) {
            g[prev + j] -= w[wb + j] * r;
          }
        }
      }
      if (l < depth - 1) {
        int ao = layout.aOffset(l);
        boolean[] p = pattern[l];
        for (int i = 0; i < n[l + 1]; i++) {
          double r = c[ao + i] - (p[i] ? c[zo + i] : 0);
          g[ao + i] += r;
          if (p[i]) {
            g[zo + i] -= r;
          }
        }
        prev = ao;
      }
    }
    if (layout.hasOutputVertex()) {
      int m = n[depth];
      int zo = layout.zOffset(depth - 1);
      int yo = layout.yOffset();
      if (!nonlinear) {
        for (int i = 0; i < m; i++) {
          double r = c[yo + i] - c[zo + i];
          g[yo + i] += r;
          g[zo + i] -= r;
        }
      } else if (outputPinned) {
        net.output().apply(c, zo, tmp, 0, m);
        for (int i = 0; i < m; i++) {
          g[zo + i] += tmp[i] - c[yo + i];
        }
      }
    }
    for (int i = 0; i < softIdx.length; i++) {
      g[softIdx[i]] += softGamma[i] * (c[softIdx[i]] - soft[i]);
    }
  }
}
