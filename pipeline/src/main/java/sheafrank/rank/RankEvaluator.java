package sheafrank.rank;

import java.util.Arrays;
import sheafrank.linalg.NumericalRank;
import sheafrank.net.Mlp;

/**
 * Codewords and ranks of a ReLU network at a point (seed 003 §2.1, eq. 2-4). One instance per
 * thread: it holds every workspace, so {@link #evaluate} allocates nothing.
 *
 * <p>The first {@code layers} affine maps of the network are treated as the paper's layers
 * {@code T_k(x) = max(0, W_k x + b_k)}, whatever the network's own output activation (for the
 * paper's single-layer sweeps evaluate all layers; for a trained classifier evaluate its hidden
 * layers only). At a point x, for every evaluated layer K:
 *
 * <ul>
 *   <li>the codeword J_K: unit i is active iff its pre-activation is STRICTLY positive (eq. 2,
 *       {@code S(x) = 1 iff x > 0}; note the sheaf paper's pattern uses {@code >= 0});
 *   <li>the codeword size ||J_K||_0;
 *   <li>the rank of Phi^K at x, {@code rank(prod_{k<=K} Q_{J_k} W_k)} (eq. 3-4).
 * </ul>
 *
 * <h2>How the rank is computed</h2>
 *
 * Q_J zeroes the inactive rows, so only active units take part: with P_1 = W_1[J_1, :] and
 * {@code P_K = W_K[J_K, J_{K-1}] P_{K-1}}, P_K is the |J_K| x m matrix of the nonzero rows of the
 * eq. 3 product. It is built from the input side, so every product keeps the input dimension m as
 * its narrow side and each layer reuses the previous one (cost |J_K| |J_{K-1}| m). Its rank comes
 * from {@link NumericalRank} with NumPy's tolerance for the FULL n_K x m product,
 * {@code sigma_max * max(n_K, m) * eps} (the dropped rows are zero and do not change singular
 * values), so under {@link RankMethod#SVD} a rank equals {@code numpy.linalg.matrix_rank} of the
 * eq. 3 product up to the rounding of the product itself.
 *
 * <p>First layer: rank Phi^1 = rank(W_J). A Gram-matrix certificate ({@link GramCertificate},
 * W W^T formed once per network) proves at the cost of one small Cholesky factorisation, or for
 * n_1 &lt;= m once for all points, that W_J has full rank min(|J|, m) with
 * {@code sigma_min / sigma_max >= 7e-5}, far from the tolerance; only points it cannot certify are
 * factorised, so results are the same as without it (constructor flag {@code certify}).
 *
 * <p>Short cuts, all exact: a layer with no active unit has rank 0, and so do all deeper layers
 * (their codewords are still computed: biases can switch units on, but the map is constant); a
 * numerical rank of 0 means the product is exactly zero, with the same consequence;
 * {@code rank(P_K) <= min(|J_K|, m)} is guaranteed by the factorisation. Reported ranks are
 * non-increasing in K, as in exact arithmetic (a deeper rank is capped by the shallower one; the cap
 * can only act when a singular value sits within rounding of the tolerance).
 */
public final class RankEvaluator {
  private final int layers;
  private final int m;
  private final int[] widths; // n_0 = m, n_1 .. n_L
  private final double[][] w;
  private final double[][][] wt; // wt[l][t] = column t of W_l (length n_l), for the forward pass
  private final double[][] b;
  private final RankMethod method;
  private final CodewordLayout layout;
  private final double[] rtol;

  private final double[] act0;
  private final double[] act1;
  private final int[][] activeIdx;
  private double[] prodA;
  private double[] prodB;
  private double[] work;
  private final NumericalRank kernel;
  private final GramCertificate certificate;
  private long certified;
  private long factorised;

  /**
   * An evaluator for the first {@code layers} layers of {@code net} (1 <= layers <= depth), with
   * the first-layer full-rank certificate enabled. The network's arrays are read, not copied: do
   * not mutate them while evaluating.
   */
  public RankEvaluator(Mlp net, int layers, RankMethod method) {
    this(net, layers, method, true, NumericalRank.Backend.JAVA);
  }

  /**
   * As {@link #RankEvaluator(Mlp, int, RankMethod)}; {@code certify = false} factorises at every
   * point and layer (same results, slower; for checks and timing); {@code backend} chooses where
   * the factorisations run ({@link NumericalRank.Backend}).
   */
  public RankEvaluator(
      Mlp net, int layers, RankMethod method, boolean certify, NumericalRank.Backend backend) {
    if (layers < 1 || layers > net.depth()) {
      throw new IllegalArgumentException(
          "layers must be between 1 and the network depth " + net.depth() + ", got " + layers);
    }
    if (method == null) {
      throw new IllegalArgumentException("rank method must be given (svd or qr)");
    }
    this.layers = layers;
    this.m = net.inputDim();
    this.widths = Arrays.copyOf(net.widths(), layers + 1);
    this.w = new double[layers][];
    this.wt = new double[layers][][];
    this.b = new double[layers][];
    for (int l = 0; l < layers; l++) {
      w[l] = net.weights(l);
      b[l] = net.bias(l);
      wt[l] = columns(w[l], net.widths()[l + 1], net.widths()[l]);
    }
    this.method = method;
    this.kernel = new NumericalRank(backend);
    this.layout = new CodewordLayout(Arrays.copyOfRange(widths, 1, layers + 1));
    this.rtol = new double[layers];
    int maxWidth = m;
    int maxProd = 0;
    this.activeIdx = new int[layers][];
    for (int l = 0; l < layers; l++) {
      int n = widths[l + 1];
      rtol[l] = NumericalRank.numpyRtol(n, m);
      maxWidth = Math.max(maxWidth, n);
      maxProd = Math.max(maxProd, n * m);
      activeIdx[l] = new int[n];
    }
    certificate =
        certify && GramCertificate.applicable(widths[1], m)
            ? new GramCertificate(w[0], widths[1], m)
            : null;
    act0 = new double[maxWidth];
    act1 = new double[maxWidth];
    prodA = new double[maxProd];
    prodB = new double[layers > 1 ? maxProd : 0];
    work = new double[layers > 1 ? maxProd : 0];
  }

  /** The columns of the row-major rows x cols matrix a, one array each (a small method: cheap to JIT). */
  private static double[][] columns(double[] a, int rows, int cols) {
    double[][] c = new double[cols][rows];
    for (int i = 0; i < rows; i++) {
      int ri = i * cols;
      for (int t = 0; t < cols; t++) {
        c[t][i] = a[ri + t];
      }
    }
    return c;
  }

  /** An evaluator for every layer of {@code net}, each treated as a ReLU layer. */
  public static RankEvaluator allLayers(Mlp net, RankMethod method) {
    return new RankEvaluator(net, net.depth(), method);
  }

  /** Input dimension m. */
  public int inputDim() {
    return m;
  }

  /** Number L of evaluated layers. */
  public int layers() {
    return layers;
  }

  public RankMethod method() {
    return method;
  }

  /** Where {@link #evaluate} puts the codeword bits. */
  public CodewordLayout layout() {
    return layout;
  }

  /** The relative tolerance used at 0-based layer {@code layer}: max(n_K, m) * eps. */
  public double relativeTolerance(int layer) {
    return rtol[layer];
  }

  /** {@link #evaluate(double[], int, int[], int[], long[])} at offset 0. */
  public int evaluate(double[] x, int[] ranks, int[] sizes, long[] codeword) {
    return evaluate(x, 0, ranks, sizes, codeword);
  }

  /** {@link #evaluate} result bit: some pre-activation was infinite or NaN (float64 overflow). */
  public static final int NON_FINITE = 1;

  /**
   * {@link #evaluate} result bit: some pre-activation was subnormal (below 2^-1022 in magnitude but
   * not zero): float64 underflow, where the sign that decides the codeword may be lost.
   */
  public static final int SUBNORMAL = 2;

  /**
   * Evaluates the point {@code x[off .. off+m)}: fills {@code ranks[K]} with rank Phi^K,
   * {@code sizes[K]} with ||J_K||_0 (0-based K &lt; L) and {@code codeword} with the bits of every
   * J_K in the {@link #layout()} (cleared first). Any of the three arrays may be null when not
   * wanted; a null {@code ranks} skips the products and factorisations (codewords only).
   *
   * @return 0, or the bits {@link #NON_FINITE} and {@link #SUBNORMAL}: a pre-activation that float64
   *     could not represent, so that the point's codeword (and rank) cannot be trusted
   * @throws IllegalArgumentException if the point is too short or has a non-finite coordinate, or
   *     a result array is too short
   */
  public int evaluate(double[] x, int off, int[] ranks, int[] sizes, long[] codeword) {
    if (off < 0 || x.length - off < m) {
      throw new IllegalArgumentException(
          "point needs " + m + " values from offset " + off + ", array has " + x.length);
    }
    if (ranks != null && ranks.length < layers
        || sizes != null && sizes.length < layers
        || codeword != null && codeword.length < layout.totalWords()) {
      throw new IllegalArgumentException(
          "result arrays too short: need ranks[" + layers + "], sizes[" + layers + "], codeword["
              + layout.totalWords() + "]");
    }
    for (int i = 0; i < m; i++) {
      if (!Double.isFinite(x[off + i])) {
        throw new IllegalArgumentException(
            "point has a non-finite value " + x[off + i] + " at coordinate " + i);
      }
    }
    if (codeword != null) {
      Arrays.fill(codeword, 0, layout.totalWords(), 0L);
    }
    double[] in = x;
    int inOff = off;
    double[] out = act0;
    int prevRank = m;
    int prevActive = 0;
    double[] prev = prodA; // P_{K-1}, row-major |J_{K-1}| x m
    double[] next = prodB;
    boolean nonFinite = false;
    boolean subnormal = false;
    for (int l = 0; l < layers; l++) {
      int n = widths[l + 1];
      int cols = widths[l];
      double[] wl = w[l];
      double[] bl = b[l];
      int[] idx = activeIdx[l];
      int na = 0;
      int wordBase = layout.wordOffset(l);
      // z = W x as axpys over the columns of W (zero-offset loops, which C2 vectorises); each
      // z_i receives the same products in the same order t = 0, 1, ... as the dot product
      // sum_t W_it x_t would, so it is bit-for-bit that dot product.
      Arrays.fill(out, 0, n, 0.0);
      double[][] wc = wt[l];
      for (int t = 0; t < cols; t++) {
        double xt = in[inOff + t];
        double[] col = wc[t];
        for (int i = 0; i < n; i++) {
          out[i] += col[i] * xt;
        }
      }
      // Unit i is active iff b_i + (W x)_i > 0 (strictly); branch-free, the signs are random.
      long bits = 0;
      for (int i = 0; i < n; i++) {
        double s = bl[i] + out[i];
        double as = Math.abs(s);
        nonFinite |= !(as <= Double.MAX_VALUE);
        subnormal |= as < Double.MIN_NORMAL && as != 0;
        boolean on = s > 0;
        out[i] = on ? s : 0.0;
        idx[na] = i;
        na += on ? 1 : 0;
        bits |= (on ? 1L : 0L) << (i & 63);
        if ((i & 63) == 63 || i == n - 1) {
          if (codeword != null) {
            codeword[wordBase + (i >>> 6)] = bits;
          }
          bits = 0;
        }
      }
      if (sizes != null) {
        sizes[l] = na;
      }
      if (ranks != null) {
        int r;
        if (na == 0 || prevRank == 0) {
          r = 0;
        } else {
          boolean last = l == layers - 1;
          double[] p = l == 0 ? prev : next;
          boolean known = false;
          if (l == 0) {
            if (certificate != null && certificate.fullRank(idx, na)) {
              known = true; // rank(W_J) = min(|J|, m), proven; see GramCertificate
              certified++;
            }
            // P_1 = W_1[J_1, :]: copy the active rows (if needed by the factorisation or deeper).
            if (!known || !last) {
              for (int a = 0; a < na; a++) {
                System.arraycopy(wl, idx[a] * m, p, a * m, m);
              }
            }
          } else {
            // P_K = W_K[J_K, J_{K-1}] P_{K-1}: row a is a combination of the rows of P_{K-1}.
            int[] pidx = activeIdx[l - 1];
            for (int a = 0; a < na; a++) {
              int ra = a * m;
              Arrays.fill(p, ra, ra + m, 0.0);
              int base = idx[a] * cols;
              for (int c = 0; c < prevActive; c++) {
                double coef = wl[base + pidx[c]];
                if (coef != 0) {
                  int rc = c * m;
                  for (int t = 0; t < m; t++) {
                    p[ra + t] += coef * prev[rc + t];
                  }
                }
              }
            }
          }
          if (known) {
            r = Math.min(na, m);
          } else {
            double[] target = p;
            if (!last) {
              System.arraycopy(p, 0, work, 0, na * m);
              target = work;
            }
            // Row-major |J| x m is column-major m x |J|: the rank of its transpose, the same.
            r = method.rank(kernel, target, m, na, rtol[l]);
            factorised++;
          }
          r = Math.min(r, prevRank);
          if (l > 0) {
            double[] t = prev;
            prev = next;
            next = t;
          }
        }
        ranks[l] = r;
        prevRank = r;
      }
      prevActive = na;
      in = out;
      inOff = 0;
      out = out == act0 ? act1 : act0;
    }
    return (nonFinite ? NON_FINITE : 0) | (subnormal ? SUBNORMAL : 0);
  }

  /** Whether the first-layer certificate is in use (see {@link GramCertificate}). */
  public boolean certifying() {
    return certificate != null;
  }

  /** Points the pivoted certificate attempt ran on / certified: {tried, certified}; test hook. */
  long[] pivotedCounts() {
    return certificate == null
        ? new long[2]
        : new long[] {certificate.pivotedTried(), certificate.pivotedCertified()};
  }

  /** Layer factorisations skipped because the first-layer certificate proved full rank. */
  public long certifiedCount() {
    return certified;
  }

  /** Layer ranks computed by factorisation (SVD or QR). */
  public long factorisedCount() {
    return factorised;
  }

  /** One point's results, for callers that do not need allocation-free evaluation. */
  public record Result(int[] ranks, int[] sizes, long[] codeword) {}

  /** Allocating convenience form of {@link #evaluate(double[], int[], int[], long[])}. */
  public Result evaluate(double[] x) {
    int[] ranks = new int[layers];
    int[] sizes = new int[layers];
    long[] cw = new long[layout.totalWords()];
    evaluate(x, 0, ranks, sizes, cw);
    return new Result(ranks, sizes, cw);
  }
}
