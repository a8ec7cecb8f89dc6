package sheafrank.sheaf;

import java.util.ArrayList;
import java.util.List;
import sheafrank.net.Mlp;

/**
 * Coordinates of the neural sheaf's 0-cochain (seed 001 §3.1, eq. 13-14), without the constant
 * ones blocks of the extended stalks (those are fixed boundary data and carry the biases).
 *
 * <p>Vertices in path order: {@code x, z^(1), a^(1), ..., a^(k), z^(k+1)} and, when the output edge
 * is modelled, {@code y-hat}. Per sample the cochain is one contiguous vector
 * {@code [x | z_0 | a_0 | z_1 | ... | z_{L-1} | y]} where {@code z_l, a_l} are the paper's
 * {@code z^(l+1), a^(l+1)}. For identity output the output edge is redundant and, as in the paper
 * (§4.1, App. A.1), is left out of inference unless asked for; it is needed whenever the output
 * stalk carries its own value (nonlinear output, or an output pinned to a target).
 */
public final class SheafLayout {
  /** Vertex kinds along the path. */
  public enum VertexKind {
    INPUT,
    PRE_ACTIVATION,
    POST_ACTIVATION,
    OUTPUT
  }

  /** Edge kinds (seed 001 eq. 15-17). */
  public enum EdgeKind {
    WEIGHT,
    ACTIVATION,
    OUTPUT
  }

  /** A vertex: kind, 1-based paper layer (0 for input, k+1 for output), offset and dimension. */
  public record Vertex(VertexKind kind, int layer, int offset, int dim, String name) {}

  /** An edge between vertices {@code from} and {@code from+1}; 1-based paper layer. */
  public record Edge(EdgeKind kind, int layer, int from, int dim, String name) {}

  private final int[] widths;
  private final boolean outputVertex;
  private final int dim;
  private final int[] zOff;
  private final int[] aOff;
  private final int yOff;
  private final List<Vertex> vertices;
  private final List<Edge> edges;

  public SheafLayout(int[] widths, boolean outputVertex) {
    Mlp.validateWidths(widths);
    this.widths = widths.clone();
    this.outputVertex = outputVertex;
    int depth = widths.length - 1;
    zOff = new int[depth];
    aOff = new int[Math.max(0, depth - 1)];
    List<Vertex> vs = new ArrayList<>();
    List<Edge> es = new ArrayList<>();
    int off = 0;
    vs.add(new Vertex(VertexKind.INPUT, 0, off, widths[0], "x"));
    off += widths[0];
    for (int l = 0; l < depth; l++) {
      int n = widths[l + 1];
      es.add(new Edge(EdgeKind.WEIGHT, l + 1, vs.size() - 1, n, "W" + (l + 1)));
      zOff[l] = off;
      vs.add(new Vertex(VertexKind.PRE_ACTIVATION, l + 1, off, n, "z" + (l + 1)));
      off += n;
      if (l < depth - 1) {
        es.add(new Edge(EdgeKind.ACTIVATION, l + 1, vs.size() - 1, n, "R" + (l + 1)));
        aOff[l] = off;
        vs.add(new Vertex(VertexKind.POST_ACTIVATION, l + 1, off, n, "a" + (l + 1)));
        off += n;
      }
    }
    if (outputVertex) {
      es.add(new Edge(EdgeKind.OUTPUT, depth, vs.size() - 1, widths[depth], "out"));
      yOff = off;
      vs.add(new Vertex(VertexKind.OUTPUT, depth, off, widths[depth], "y"));
      off += widths[depth];
    } else {
      yOff = -1;
    }
    dim = off;
    vertices = List.copyOf(vs);
    edges = List.copyOf(es);
  }

  /** The layout used for inference with {@code net}: an output vertex unless phi is the identity. */
  public static SheafLayout forInference(Mlp net, boolean identityOutputEdge) {
    boolean out = identityOutputEdge || net.output() != sheafrank.net.OutputActivation.IDENTITY;
    return new SheafLayout(net.widths(), out);
  }

  public int[] widths() {
    return widths.clone();
  }

  public int width(int i) {
    return widths[i];
  }

  /** Number of affine layers L = k+1. */
  public int depth() {
    return widths.length - 1;
  }

  public boolean hasOutputVertex() {
    return outputVertex;
  }

  /** Length of one sample's cochain vector. */
  public int dim() {
    return dim;
  }

  public int inputDim() {
    return widths[0];
  }

  public int zOffset(int l) {
    return zOff[l];
  }

  public int aOffset(int l) {
    return aOff[l];
  }

  /** Offset of the output stalk y-hat; -1 without an output vertex. */
  public int yOffset() {
    return yOff;
  }

  /** Offset of the stalk that carries the network's output: y-hat, or z^(k+1) without it. */
  public int outputStalkOffset() {
    return outputVertex ? yOff : zOff[zOff.length - 1];
  }

  public List<Vertex> vertices() {
    return vertices;
  }

  public List<Edge> edges() {
    return edges;
  }

  public int edgeCount() {
    return edges.size();
  }

  /** Index of the weight edge of 0-based layer l in {@link #edges()}. */
  public int weightEdge(int l) {
    return 2 * l;
  }

  /** Index of the activation edge of 0-based hidden layer l in {@link #edges()}. */
  public int activationEdge(int l) {
    return 2 * l + 1;
  }

  /** Index of the output edge, or -1. */
  public int outputEdge() {
    return outputVertex ? edges.size() - 1 : -1;
  }

  /**
   * The default boundary: the input stalk fixed, the output stalk fixed iff {@code pinOutput}.
   * Returns a mask over {@link #dim()} coordinates, true where the coordinate is fixed.
   */
  public boolean[] defaultFixed(boolean pinOutput) {
    boolean[] fixed = new boolean[dim];
    for (int i = 0; i < widths[0]; i++) {
      fixed[i] = true;
    }
    if (pinOutput) {
      if (!outputVertex) {
        throw new IllegalArgumentException("cannot pin the output stalk: layout has no output vertex");
      }
      for (int i = 0; i < widths[widths.length - 1]; i++) {
        fixed[yOff + i] = true;
      }
    }
    return fixed;
  }

  /** The cochain of the forward pass at x (a global section; seed 001 Prop. 3.4). */
  public double[] forwardCochain(Mlp net, double[] x) {
    Mlp.Forward f = net.forward(x);
    double[] c = new double[dim];
    writeForward(f, c, 0);
    return c;
  }

  /** Writes the forward-pass cochain of {@code f} into {@code c[off .. off+dim)}. */
  public void writeForward(Mlp.Forward f, double[] c, int off) {
    System.arraycopy(f.x(), 0, c, off, widths[0]);
    for (int l = 0; l < depth(); l++) {
      System.arraycopy(f.z()[l], 0, c, off + zOff[l], widths[l + 1]);
      if (l < depth() - 1) {
        System.arraycopy(f.a()[l], 0, c, off + aOff[l], widths[l + 1]);
      }
    }
    if (outputVertex) {
      System.arraycopy(f.output(), 0, c, off + yOff, widths[depth()]);
    }
  }

  /** Human-readable name of coordinate i, e.g. "z2[3]" (0-based neuron index). */
  public String coordinateName(int i) {
    for (Vertex v : vertices) {
      if (i >= v.offset() && i < v.offset() + v.dim()) {
        return v.name() + "[" + (i - v.offset()) + "]";
      }
    }
    throw new IndexOutOfBoundsException("coordinate " + i + " of " + dim);
  }
}
