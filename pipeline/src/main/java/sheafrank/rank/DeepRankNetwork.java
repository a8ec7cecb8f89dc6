package sheafrank.rank;

import java.util.Arrays;
import sheafrank.linalg.NumericalRank;
import sheafrank.net.Mlp;

/**
 * The per-network part of {@link DeepRankEvaluator}: weights, their transposes for the batched
 * forward pass, the first layer's Gram matrix {@code W_1 W_1^T} and norms, formed once. Immutable
 * after construction and safe to share between threads (one evaluator per thread reads it).
 *
 * <p><b>Which layers.</b> The first {@code reluLayers} affine maps are the rank paper's ReLU layers
 * (seed 003 eq. 2-4): each has a codeword J_K (unit i active iff its pre-activation is strictly
 * positive, as {@link RankEvaluator}), a codeword size and the rank of
 * {@code Phi^K = Q_K W_K ... Q_1 W_1}. With {@code outputLayer}, the next affine map is evaluated
 * as well, as a plain affine map WITHOUT mask: its "rank" is that of the whole network's local
 * linear map to the logits, {@code rank(W_{L} Q_{L-1} W_{L-1} ... Q_1 W_1)}, and it has no
 * codeword. For a classifier 784-2000-1000-500-100-10: {@link #classifier} gives the four hidden
 * layers plus the output map.
 */
public final class DeepRankNetwork implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** Largest first-layer width for which {@code W_1 W_1^T} is formed (n1^2 doubles). */
  static final int MAX_GRAM_WIDTH = 4096;

  final int m;
  final int relu;
  final boolean output;
  final int layers;
  final int[] widths; // n_0 = m, n_1 .. n_layers
  final double[][] w;
  final double[][] b;
  final double[][] wt; // W_l^T, row-major n_l x n_{l+1}
  final double[] frob; // ||W_l||_F, rounded up
  final double[] spec; // proven upper bound of ||W_l||_2
  final double[] g1; // W_1 W_1^T (row-major n1 x n1, full) or null
  final int[] colOrder; // input coordinates by decreasing norm of the column of W_1
  final double[] tol; // NumPy's relative tolerance max(n_K, m) eps per evaluated layer
  final CodewordLayout layout; // the ReLU layers

  /**
   * Prepares {@code net} for evaluation of its first {@code reluLayers} layers as ReLU layers
   * (1 &lt;= reluLayers &lt;= depth) and, if {@code outputLayer}, of the following affine map
   * without mask (then reluLayers &lt; depth). The weights are read, not copied: do not mutate them.
   */
  public DeepRankNetwork(Mlp net, int reluLayers, boolean outputLayer) {
    int depth = net.depth();
    if (reluLayers < 1 || reluLayers > depth) {
      throw new IllegalArgumentException(
          "reluLayers must be between 1 and the network depth " + depth + ", got " + reluLayers);
    }
    if (outputLayer && reluLayers == depth) {
      throw new IllegalArgumentException(
          "an output map needs a layer after the " + reluLayers + " ReLU layers; the network has "
              + depth + " layers");
    }
    this.m = net.inputDim();
    this.relu = reluLayers;
    this.output = outputLayer;
    this.layers = reluLayers + (outputLayer ? 1 : 0);
    this.widths = Arrays.copyOf(net.widths(), layers + 1);
    this.w = new double[layers][];
    this.b = new double[layers][];
    this.wt = new double[layers][];
    this.frob = new double[layers];
    this.spec = new double[layers];
    this.tol = new double[layers];
    for (int l = 0; l < layers; l++) {
      int rows = widths[l + 1];
      int cols = widths[l];
      w[l] = net.weights(l);
      b[l] = net.bias(l);
      wt[l] = new double[rows * cols];
      FixedOrderKernels.transpose(w[l], 0, cols, rows, cols, wt[l]);
      double s = 0;
      for (double v : w[l]) {
        s += v * v;
      }
      frob[l] = Math.sqrt(s * (1 + FixedOrderKernels.gamma(w[l].length))) * (1 + 0x1p-50);
      tol[l] = NumericalRank.numpyRtol(rows, m);
      spec[l] = Math.min(frob[l], spectralBound(w[l], wt[l], rows, cols));
    }
    int n1 = widths[1];
    if (n1 <= MAX_GRAM_WIDTH) {
      g1 = new double[n1 * n1];
      FixedOrderKernels.mulAdd(n1, m, n1, w[0], 0, m, wt[0], 0, n1, g1, 0, n1);
    } else {
      g1 = null;
    }
    double[] colNorm = new double[m];
    for (int i = 0; i < n1; i++) {
      for (int t = 0; t < m; t++) {
        double v = w[0][i * m + t];
        colNorm[t] += v * v;
      }
    }
    Integer[] order = new Integer[m];
    for (int t = 0; t < m; t++) {
      order[t] = t;
    }
    Arrays.sort(order, (x, y) -> colNorm[x] != colNorm[y]
        ? Double.compare(colNorm[y], colNorm[x]) : Integer.compare(x, y));
    colOrder = new int[m];
    for (int t = 0; t < m; t++) {
      colOrder[t] = order[t];
    }
    layout = new CodewordLayout(Arrays.copyOfRange(widths, 1, relu + 1));
  }

  /**
   * A proven upper bound of the largest singular value of the rows x cols matrix w (wt its
   * transpose): power iteration on the smaller Gram matrix G gives an estimate mu, and a completed
   * Cholesky factorisation of {@code mu I - G} proves {@code lambda_max(G) <= mu} up to the
   * rounding of G and of the factorisation, which is added. Infinity if no proof was found.
   */
  static double spectralBound(double[] w, double[] wt, int rows, int cols) {
    int k = Math.min(rows, cols);
    int q = Math.max(rows, cols);
    double[] g = new double[k * k];
    if (rows <= cols) {
      FixedOrderKernels.lowerGram(w, wt, rows, cols, g);
    } else {
      FixedOrderKernels.lowerGram(wt, w, cols, rows, g);
    }
    double trace = 0;
    for (int i = 0; i < k; i++) {
      trace += g[i * k + i];
    }
    trace *= 1 + FixedOrderKernels.gamma(k);
    if (!(trace > 0)) {
      return 0;
    }
    double[] v = new double[k];
    double[] y = new double[k];
    for (int i = 0; i < k; i++) {
      v[i] = 1 + 0.01 * Math.sin(i);
    }
    double lam = 0;
    for (int it = 0; it < 60; it++) {
      Arrays.fill(y, 0.0);
      for (int i = 0; i < k; i++) {
        int gi = i * k;
        double s = 0;
        for (int j = 0; j < i; j++) {
          s += g[gi + j] * v[j];
          y[j] += g[gi + j] * v[i];
        }
        y[i] += s + g[gi + i] * v[i];
      }
      double ny = 0;
      double vy = 0;
      double nv = 0;
      for (int i = 0; i < k; i++) {
        ny += y[i] * y[i];
        vy += v[i] * y[i];
        nv += v[i] * v[i];
      }
      lam = vy / nv;
      double inv = 1 / Math.sqrt(ny);
      for (int i = 0; i < k; i++) {
        v[i] = y[i] * inv;
      }
    }
    double err = (FixedOrderKernels.gamma(q) + FixedOrderKernels.gamma(k + 2) * k) * trace;
    double mu = 1.02 * lam + 4 * err;
    double[] c = new double[k * k];
    double[] work = new double[FixedOrderKernels.CHOL_BLOCK * k];
    for (int attempt = 0; attempt < 40 && mu <= 2 * trace; attempt++) {
      for (int i = 0; i < k * k; i++) {
        c[i] = -g[i];
      }
      if (FixedOrderKernels.cholesky(c, k, -mu, work)) {
        // mu I - G + E = L L^T, ||E|| <= gamma_{k+2} trace(mu I - G) <= gamma_{k+2} k mu.
        double bound = mu * (1 + FixedOrderKernels.gamma(k + 2) * k)
            + FixedOrderKernels.gamma(q) * trace;
        return Math.sqrt(bound * 1.01);
      }
      mu *= 1.25;
    }
    return Double.POSITIVE_INFINITY;
  }

  /** A classifier: every layer but the last as ReLU layers, the last as the output map. */
  public static DeepRankNetwork classifier(Mlp net) {
    if (net.depth() < 2) {
      throw new IllegalArgumentException("a classifier needs at least one hidden layer");
    }
    return new DeepRankNetwork(net, net.depth() - 1, true);
  }

  /** Every layer as a ReLU layer (the paper's random sweeps). */
  public static DeepRankNetwork allRelu(Mlp net) {
    return new DeepRankNetwork(net, net.depth(), false);
  }

  /** Input dimension m. */
  public int inputDim() {
    return m;
  }

  /** Number of ReLU layers (with codewords). */
  public int reluLayers() {
    return relu;
  }

  /** Whether the output map (no mask) is evaluated after the ReLU layers. */
  public boolean hasOutputLayer() {
    return output;
  }

  /** ReLU layers plus the output map if any: the length of a point's rank list. */
  public int rankLayers() {
    return layers;
  }

  /** Width n_K of 0-based evaluated layer {@code layer}. */
  public int width(int layer) {
    return widths[layer + 1];
  }

  /** Where the codewords of the ReLU layers sit in a point's {@code long[]}. */
  public CodewordLayout layout() {
    return layout;
  }

  /** NumPy's relative tolerance {@code max(n_K, m) eps} of 0-based layer {@code layer}. */
  public double relativeTolerance(int layer) {
    return tol[layer];
  }
}
