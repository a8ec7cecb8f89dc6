package sheafrank.rank;

import java.util.Arrays;
import sheafrank.linalg.NumericalRank;

/**
 * Codewords, codeword sizes and ranks of {@code Phi^K} (seed 003 §2.1, eq. 2-4) for any ReLU
 * network (weights and biases, any widths) at many points: the engine for MNIST-sized networks.
 * One instance per thread (it holds the workspaces); the {@link DeepRankNetwork} is shared.
 *
 * <h2>What is computed</h2>
 *
 * For each point x and evaluated layer K (see {@link DeepRankNetwork} for the layers and the output
 * map): J_K (unit active iff its pre-activation is strictly &gt; 0), |J_K| and the rank of the
 * n_K x m product {@code P_K = Q_K W_K ... Q_1 W_1} with NumPy's {@code matrix_rank} tolerance
 * {@code sigma_max(P_K) max(n_K, m) eps}. Non-finite inputs are rejected; a point whose
 * pre-activations overflow to a non-finite value gets the status {@link #NONFINITE} and the layer
 * where it happened, and its results from that layer on are -1.
 *
 * <h2>How</h2>
 *
 * Only active rows matter: {@code P_K = B_K P_{K-1}} with {@code B_K = W_K[J_K, J_{K-1}]}. The
 * engine keeps {@code P_{K-1} = R F} where F (c x m) has full row rank c with proven bounds
 * {@code fLo <= sigma_min(F)}, {@code sigma_max(F) <= fHi}, never formed, and R (|J_{K-1}| x c) is
 * either the identity or an explicit matrix of full column rank c. Then {@code P_K = (B_K R) F},
 * and with {@code M = B_K R}:
 *
 * <ul>
 *   <li>if M has full row rank |J_K| &lt;= c: {@code rank P_K = |J_K|}, and P_K = I (M F) with M F
 *       of full row rank: R becomes the identity, F becomes M F ({@code sigma_min(MF) >=
 *       sigma_min(M) sigma_min(F)}); the next layer's M is the plain submatrix B_{K+1}, so deeper
 *       layers work in the previous rank, not in m;
 *   <li>if M has full column rank c &lt; |J_K|: {@code rank P_K = c} and R becomes M.
 * </ul>
 *
 * Full rank of M is PROVEN, not assumed, by a Cholesky factorisation of its Gram matrix G
 * ({@code M M^T} or {@code M^T M}) shifted by delta: if it runs to completion in floating point,
 * {@code lambda_min(G) >= delta - err} with err bounding the rounding of forming G (chain length q,
 * {@code gamma_q trace G}), of the factorisation ({@code gamma_{k+2} trace G}) and of the shift.
 * Rounding in forming M itself is bounded by {@code ||B||_2 eps_R + gamma ||B||_F ||R||_F} and
 * subtracted. The layer's rank is accepted when the proven ratio
 * {@code sigma_min(P_K) / sigma_max(P_K) >= CERT_MARGIN max(n_K, m) eps}, i.e. ten thousand times
 * NumPy's threshold: then the exact product is that far from rank deficiency and NumPy's SVD of
 * its own rounded product counts every singular value. Cheaper proofs come first:
 *
 * <ol>
 *   <li>layer 1: G is a principal submatrix of {@code W_1 W_1^T} (formed once); when |J_1| &gt; m,
 *       the first m active rows W_S, {@code sigma_min(W_J) >= sigma_min(W_S)};
 *   <li>R explicit and |J_K| + {@link #SKETCH_PAD} &lt; c: the columns C of M are enough,
 *       {@code sigma_min(M) >= sigma_min(M[:, C])}, with {@code sigma_max(M) <= ||B||_F
 *       sigma_max(R)};
 *   <li>the Gram of the whole M;
 *   <li>the explicit product P_K rebuilt from layer 1 (F = I) and its Gram;
 *   <li>otherwise the singular values of the explicit P_K ({@link NumericalRank}, Java kernels:
 *       NumPy's definition; the state continues from the explicit P_K).
 * </ol>
 *
 * Every product, Gram matrix and factorisation runs in {@link FixedOrderKernels} (fixed order of
 * operations, no native BLAS/LAPACK), so results do not depend on the machine. Ranks are capped by
 * the previous layer's rank (they cannot grow); a layer with no active unit has rank 0, and so have
 * all deeper layers.
 */
public final class DeepRankEvaluator {
  /** Status of a point: all results defined. */
  public static final byte OK = 0;
  /** Status of a point: a pre-activation was not finite (overflow); see {@link Batch#failedLayer}. */
  public static final byte NONFINITE = 1;

  /** How a layer's rank was obtained: no active unit (or a zero shallower rank). */
  public static final byte ROUTE_ZERO = 0;
  /** Proven full rank by a Gram-matrix certificate. */
  public static final byte ROUTE_CERTIFIED = 1;
  /** Singular values of the explicit product. */
  public static final byte ROUTE_FACTORISED = 2;
  /** Not evaluated (non-finite point). */
  public static final byte ROUTE_UNDEFINED = -1;

  /** Proven sigma_min / sigma_max must reach this multiple of NumPy's relative tolerance. */
  static final double CERT_MARGIN = 1e4;
  /** Largest first shift, relative to the upper bound of lambda_max(G). */
  static final double SHIFT_MAX = 1e-2;
  /** Columns beyond |J_K| kept by the column sketch. */
  static final int SKETCH_PAD = 32;
  /** Points per forward block. */
  static final int BLOCK = 16;

  private static final double U = 0x1p-53;

  private final DeepRankNetwork net;
  private final int m;
  private final int layers;
  private final int maxN;
  private final NumericalRank svd = new NumericalRank(NumericalRank.Backend.JAVA);

  // Forward workspaces.
  private final double[] h0;
  private final double[] h1;
  private final double[] z;
  private final int[][][] idx; // [point in block][layer][active units]
  private final int[][] count; // [point in block][layer]
  private final byte[] blockStatus;
  private final int[] blockFailed;

  // Rank workspaces (grown on demand).
  private double[] bufB = new double[0];
  private double[] bufM = new double[0];
  private double[] bufMt = new double[0];
  private double[] bufR = new double[0];
  private double[] gram = new double[0];
  private double[] chol = new double[0];
  private double[] cholWork = new double[0];
  private double[] bufSvd = new double[0];
  private double[] rowSums = new double[0];

  // Chain state of the current point.
  private boolean rIdentity;
  private int rRows;
  private int c;
  private double rHi; // >= sigma_max(R exact)
  private double rEps; // >= ||R computed - R exact||_2
  private double rFrob; // ||R computed||_F, rounded up
  private double fLo;
  private double fHi;
  private boolean fIdentity;
  private int[] prevIdx; // J_{K-1} (null: all m inputs)
  private int prevCount;

  // Layer results of the current attempt.
  private double bFrob;
  private double mEps;
  private int mRows;
  private int mCols;

  private final Profile profile;

  /** Per-layer counts of the routes taken and optional CPU time per kernel. */
  public static final class Profile {
    /** Kernels timed: forward, gather, product, gram, cholesky, svd, rebuild. */
    public static final String[] KERNELS =
        {"forward", "gather", "product", "gram", "cholesky", "svd", "rebuild"};
    final boolean timed;
    /** CPU nanoseconds per [layer][kernel] (forward: layer of the affine map). */
    public final long[][] nanos;
    /** Ranks proven by the cheap certificate (principal submatrix, subset or sketch). */
    public final long[] fast;
    /** Ranks proven by the Gram of the whole M. */
    public final long[] full;
    /** Ranks proven after rebuilding the explicit product. */
    public final long[] rebuilt;
    /** Ranks from singular values. */
    public final long[] factorised;
    /** Ranks 0 without work. */
    public final long[] zero;
    private final java.lang.management.ThreadMXBean mx =
        java.lang.management.ManagementFactory.getThreadMXBean();

    Profile(int layers, boolean timed) {
      this.timed = timed;
      nanos = new long[layers][KERNELS.length];
      fast = new long[layers];
      full = new long[layers];
      rebuilt = new long[layers];
      factorised = new long[layers];
      zero = new long[layers];
    }

    long now() {
      return timed ? mx.getCurrentThreadCpuTime() : 0;
    }

    void add(int layer, int kernel, long t0) {
      if (timed) {
        nanos[layer][kernel] += mx.getCurrentThreadCpuTime() - t0;
      }
    }
  }

  private static final int T_FORWARD = 0;
  private static final int T_GATHER = 1;
  private static final int T_PRODUCT = 2;
  private static final int T_GRAM = 3;
  private static final int T_CHOL = 4;
  private static final int T_SVD = 5;
  private static final int T_REBUILD = 6;

  /** An evaluator for {@code net}; route counts are kept, kernel times are not. */
  public DeepRankEvaluator(DeepRankNetwork net) {
    this(net, false);
  }

  /** As {@link #DeepRankEvaluator(DeepRankNetwork)}; {@code timed} also measures CPU per kernel. */
  public DeepRankEvaluator(DeepRankNetwork net, boolean timed) {
    this.net = net;
    this.m = net.m;
    this.layers = net.layers;
    int mx = m;
    for (int l = 1; l <= layers; l++) {
      mx = Math.max(mx, net.widths[l]);
    }
    this.maxN = mx;
    h0 = new double[BLOCK * mx];
    h1 = new double[BLOCK * mx];
    z = new double[BLOCK * mx];
    idx = new int[BLOCK][layers][];
    for (int p = 0; p < BLOCK; p++) {
      for (int l = 0; l < layers; l++) {
        idx[p][l] = new int[net.widths[l + 1]];
      }
    }
    count = new int[BLOCK][layers];
    blockStatus = new byte[BLOCK];
    blockFailed = new int[BLOCK];
    profile = new Profile(layers, timed);
  }

  public DeepRankNetwork network() {
    return net;
  }

  /** Route counts and kernel times accumulated so far. */
  public Profile profile() {
    return profile;
  }

  /** Results of a batch of points, in flat arrays (point-major). */
  public static final class Batch {
    private final int layers;
    private final int words;
    private final int capacity;
    private int count;
    final int[] ranks;
    final int[] sizes;
    final long[] codewords;
    final byte[] routes;
    final byte[] status;
    final int[] failedLayer;

    /** Room for {@code capacity} points of {@code net}. */
    public Batch(DeepRankNetwork net, int capacity) {
      this.layers = net.layers;
      this.words = net.layout.totalWords();
      this.capacity = capacity;
      ranks = new int[capacity * layers];
      sizes = new int[capacity * layers];
      codewords = new long[capacity * words];
      routes = new byte[capacity * layers];
      status = new byte[capacity];
      failedLayer = new int[capacity];
    }

    public int capacity() {
      return capacity;
    }

    /** Points filled by the last evaluation. */
    public int count() {
      return count;
    }

    /** {@link #OK} or {@link #NONFINITE}. */
    public byte status(int point) {
      return status[point];
    }

    /** 0-based layer whose pre-activation was not finite, or -1. */
    public int failedLayer(int point) {
      return failedLayer[point];
    }

    /** rank Phi^K at 0-based evaluated layer K (the output map last, if any); -1 if undefined. */
    public int rank(int point, int layer) {
      return ranks[point * layers + layer];
    }

    /** |J_K| (the output map: its width); -1 if undefined. */
    public int size(int point, int layer) {
      return sizes[point * layers + layer];
    }

    /** How the rank was obtained: a ROUTE_ constant. */
    public byte route(int point, int layer) {
      return routes[point * layers + layer];
    }

    /** The codewords of the ReLU layers, in the network's {@link CodewordLayout}. */
    public long[] codeword(int point) {
      return Arrays.copyOfRange(codewords, point * words, (point + 1) * words);
    }

    /** One point's results as a record. */
    public PointRanks point(int point) {
      return new PointRanks(status[point], failedLayer[point],
          Arrays.copyOfRange(ranks, point * layers, (point + 1) * layers),
          Arrays.copyOfRange(sizes, point * layers, (point + 1) * layers), codeword(point),
          Arrays.copyOfRange(routes, point * layers, (point + 1) * layers));
    }
  }

  /**
   * One point's results: status ({@link #OK}/{@link #NONFINITE}), failed layer (-1 if none),
   * ranks and sizes per evaluated layer (output map last; -1 where undefined), the ReLU layers'
   * codewords and the route per layer.
   */
  public record PointRanks(
      byte status, int failedLayer, int[] ranks, int[] sizes, long[] codeword, byte[] routes) {}

  /** Evaluates one point (allocating convenience form). */
  public PointRanks evaluate(double[] x) {
    Batch out = new Batch(net, 1);
    evaluate(x, 0, 1, out);
    return out.point(0);
  }

  /**
   * Evaluates {@code count} points stored row-major from {@code points[off]} (m values each) into
   * {@code out} (positions 0 .. count-1).
   *
   * @throws IllegalArgumentException if the array is too short, {@code out} too small, or a
   *     coordinate is not finite (naming the point and coordinate)
   */
  public void evaluate(double[] points, int off, int count, Batch out) {
    if (count < 0 || off < 0 || (long) off + (long) count * m > points.length) {
      throw new IllegalArgumentException(
          count + " points of " + m + " values from offset " + off + " do not fit in an array of "
              + points.length);
    }
    if (out.capacity < count || out.layers != layers) {
      throw new IllegalArgumentException("result batch too small or for another network");
    }
    for (int p = 0; p < count; p++) {
      for (int t = 0; t < m; t++) {
        double v = points[off + p * m + t];
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException(
              "point " + p + " has a non-finite value " + v + " at coordinate " + t);
        }
      }
    }
    out.count = count;
    for (int p0 = 0; p0 < count; p0 += BLOCK) {
      int nb = Math.min(BLOCK, count - p0);
      forward(points, off + p0 * m, nb, out, p0);
      for (int p = 0; p < nb; p++) {
        ranks(p, out, p0 + p);
      }
    }
  }

  /** Batched forward pass of nb points: codewords, sizes, status into out; masks into idx. */
  private void forward(double[] points, int off, int nb, Batch out, int o0) {
    int words = out.words;
    Arrays.fill(out.codewords, o0 * words, (o0 + nb) * words, 0L);
    System.arraycopy(points, off, h0, 0, nb * m);
    double[] in = h0;
    double[] nxt = h1;
    for (int p = 0; p < nb; p++) {
      blockStatus[p] = OK;
      blockFailed[p] = -1;
    }
    for (int l = 0; l < layers; l++) {
      long t0 = profile.now();
      int cols = net.widths[l];
      int n = net.widths[l + 1];
      Arrays.fill(z, 0, nb * n, 0.0);
      FixedOrderKernels.mulAdd(nb, cols, n, in, 0, cols, net.wt[l], 0, n, z, 0, n);
      double[] bl = net.b[l];
      boolean masked = l < net.relu;
      for (int p = 0; p < nb; p++) {
        int zp = p * n;
        int[] ip = idx[p][l];
        if (blockStatus[p] != OK) {
          Arrays.fill(nxt, zp, zp + n, 0.0);
          count[p][l] = 0;
          continue;
        }
        int na = 0;
        boolean finite = true;
        int wordBase = (o0 + p) * words + (masked ? net.layout.wordOffset(l) : 0);
        for (int i = 0; i < n; i++) {
          double s = bl[i] + z[zp + i];
          finite &= Double.isFinite(s);
          boolean on = !masked || s > 0;
          nxt[zp + i] = on ? s : 0.0;
          ip[na] = i;
          na += on ? 1 : 0;
          if (masked && on) {
            out.codewords[wordBase + (i >>> 6)] |= 1L << (i & 63);
          }
        }
        if (!finite) {
          blockStatus[p] = NONFINITE;
          blockFailed[p] = l;
          Arrays.fill(nxt, zp, zp + n, 0.0);
          if (masked) {
            Arrays.fill(out.codewords, wordBase, wordBase + net.layout.words(l), 0L);
          }
          count[p][l] = 0;
          continue;
        }
        count[p][l] = na;
      }
      profile.add(l, T_FORWARD, t0);
      double[] t = in;
      in = nxt;
      nxt = t;
    }
    for (int p = 0; p < nb; p++) {
      out.status[o0 + p] = blockStatus[p];
      out.failedLayer[o0 + p] = blockFailed[p];
    }
  }

  /** The rank chain of point p of the current block. */
  private void ranks(int p, Batch out, int o) {
    int base = o * layers;
    rIdentity = true;
    rRows = m;
    c = m;
    rHi = 1;
    rEps = 0;
    rFrob = Math.sqrt(m);
    fLo = 1;
    fHi = 1;
    fIdentity = true;
    prevIdx = null;
    prevCount = m;
    int prevRank = m;
    boolean failed = false;
    for (int l = 0; l < layers; l++) {
      if (failed || blockStatus[p] != OK && l >= blockFailed[p]) {
        failed = true;
        out.ranks[base + l] = -1;
        out.sizes[base + l] = -1;
        out.routes[base + l] = ROUTE_UNDEFINED;
        continue;
      }
      int na = count[p][l];
      out.sizes[base + l] = na;
      int r;
      if (na == 0 || prevRank == 0) {
        r = 0;
        out.routes[base + l] = ROUTE_ZERO;
        profile.zero[l]++;
      } else {
        r = layerRank(p, l, out, base);
      }
      r = Math.min(r, prevRank);
      out.ranks[base + l] = r;
      prevRank = r;
      prevIdx = idx[p][l];
      prevCount = na;
    }
  }

  /** rank P_K at layer l (na &gt; 0); updates the chain state. */
  private int layerRank(int p, int l, Batch out, int base) {
    int[] rows = idx[p][l];
    int na = count[p][l];
    out.routes[base + l] = ROUTE_CERTIFIED;
    double need = CERT_MARGIN * net.tol[l];
    // 1. The cheap certificate.
    if (l == 0 && net.g1 != null) {
      if (firstLayerFromGram(rows, na, need)) {
        profile.fast[l]++;
        return Math.min(na, m);
      }
    } else if (!rIdentity && na + SKETCH_PAD < c) {
      if (sketch(l, rows, na, need)) {
        profile.fast[l]++;
        return na;
      }
    }
    // 2. The Gram of the whole M.
    int r = wholeGram(l, rows, na, need);
    if (r >= 0) {
      profile.full[l]++;
      return r;
    }
    // 3. The explicit product (F = I), rebuilt from layer 1.
    if (!fIdentity) {
      long t0 = profile.now();
      rebuild(p, l);
      profile.add(l, T_REBUILD, t0);
      r = wholeGram(l, rows, na, need);
      if (r >= 0) {
        profile.rebuilt[l]++;
        return r;
      }
    }
    // 4. Singular values of the explicit product M = P_K (F = I here).
    long t0 = profile.now();
    ensureSvd(mRows * mCols);
    System.arraycopy(bufM, 0, bufSvd, 0, mRows * mCols);
    r = svd.rankSvd(bufSvd, mCols, mRows, net.tol[l]); // row-major na x m = column-major m x na
    profile.add(l, T_SVD, t0);
    profile.factorised[l]++;
    out.routes[base + l] = ROUTE_FACTORISED;
    becomeR(frobenius(bufM, mRows * mCols));
    return r;
  }

  /**
   * Layer 1 with W_1 W_1^T formed: |J| &lt;= m uses its principal submatrix G[J, J]; |J| &gt; m the
   * first m active rows S (sigma_min(W_J) &gt;= sigma_min(W_S)), sigma_max(W_J) bounded by
   * Gershgorin on G[J, J].
   */
  private boolean firstLayerFromGram(int[] rows, int na, double need) {
    long t0 = profile.now();
    int n1 = net.widths[1];
    double[] g1 = net.g1;
    int k = Math.min(na, m);
    ensureGram(k);
    for (int a = 0; a < k; a++) {
      int ga = rows[a] * n1;
      for (int bb = 0; bb <= a; bb++) {
        gram[a * k + bb] = g1[ga + rows[bb]];
      }
    }
    // sigma_max(W_J) <= ||W_1||_2 (a submatrix); for |J| <= m also the Gram's own bound.
    double hi = net.spec[0];
    if (na <= m) {
      hi = Math.min(hi,
          Math.sqrt(lambdaMaxBound(k) + FixedOrderKernels.gamma(m) * traceOf(k) * 1.01));
    }
    profile.add(0, T_GATHER, t0);
    // A square subset is poorly conditioned: go straight to the smallest provable shift.
    double lo = certify(0, k, m);
    if (!(lo > 0)) {
      return false;
    }
    if (lo < need * hi) {
      return false;
    }
    if (na <= m) {
      fLo = lo;
      fHi = hi;
      fIdentity = false;
      rIdentity = true;
      c = na;
    } else if (net.layers > 1) {
      // R = W_J with its columns in colOrder (F = the permutation's transpose: orthogonal), so
      // that a column sketch of a deeper layer takes the leading columns of R.
      t0 = profile.now();
      double[] rr = ensureR(na * m);
      double[] w1 = net.w[0];
      int[] order = net.colOrder;
      double s = 0;
      for (int a = 0; a < na; a++) {
        int wa = rows[a] * m;
        int ra = a * m;
        for (int j = 0; j < m; j++) {
          double v = w1[wa + order[j]];
          rr[ra + j] = v;
          s += v * v;
        }
      }
      bFrob = roundUp(Math.sqrt(s * (1 + FixedOrderKernels.gamma((long) na * m))));
      profile.add(0, T_GATHER, t0);
      rIdentity = false;
      rRows = na;
      c = m;
      rHi = hi;
      rEps = 0;
      rFrob = bFrob;
    }
    return true;
  }

  /** R explicit, |J| + pad &lt; c: certify the row rank of M[:, C] = B R[:, C], C the leading t. */
  private boolean sketch(int l, int[] rows, int na, double need) {
    long t0 = profile.now();
    int t = na + SKETCH_PAD;
    gatherB(l, rows, na);
    profile.add(l, T_GATHER, t0);
    t0 = profile.now();
    double[] mm = ensureM(na * t);
    Arrays.fill(mm, 0, na * t, 0.0);
    FixedOrderKernels.mulAdd(na, prevCount, t, bufB, 0, prevCount, bufR, 0, c, mm, 0, t);
    profile.add(l, T_PRODUCT, t0);
    double eps = bFrob * rEps + FixedOrderKernels.gamma(prevCount) * bFrob * rFrob;
    t0 = profile.now();
    double[] mt = ensureMt(na * t);
    FixedOrderKernels.transpose(mm, 0, t, na, t, mt);
    ensureGram(na);
    FixedOrderKernels.lowerGram(mm, mt, na, t, gram);
    profile.add(l, T_GRAM, t0);
    double lo = certify(l, na, t) - eps;
    // sigma_max(B R) <= ||B||_2 ||R||_2 (+ rounding of M), ||B||_2 <= ||W_l||_2.
    double hi = Math.min(bFrob, net.spec[l]) * rHi + eps;
    return acceptRow(lo, hi, na, need);
  }

  /**
   * Certificate from the Gram of the whole M = B R: the rank (|J| or c) or -1 when not proven.
   * Leaves M in bufM (mRows x mCols) when it returns -1.
   */
  private int wholeGram(int l, int[] rows, int na, double need) {
    formM(l, rows, na);
    long t0 = profile.now();
    int cols = mCols;
    double[] mt = ensureMt(na * cols);
    FixedOrderKernels.transpose(bufM, 0, cols, na, cols, mt);
    boolean byRows = na <= cols;
    int k = byRows ? na : cols;
    ensureGram(k);
    if (byRows) {
      FixedOrderKernels.lowerGram(bufM, mt, na, cols, gram);
    } else {
      FixedOrderKernels.lowerGram(mt, bufM, cols, na, gram);
    }
    profile.add(l, T_GRAM, t0);
    double hiM = Math.sqrt(lambdaMaxBound(k) + FixedOrderKernels.gamma(byRows ? cols : na)
        * traceOf(k) * 1.01) + mEps;
    int q = byRows ? cols : na;
    double lo = certify(l, k, q) - mEps;
    if (!(lo > 0)) {
      return -1;
    }
    if (byRows) {
      return acceptRow(lo, hiM, na, need) ? na : -1;
    }
    if (lo * fLo < need * hiM * fHi) {
      return -1;
    }
    int rank = c;
    becomeR(frobenius(bufM, na * cols));
    rHi = hiM;
    return rank;
  }

  /** Accepts a proven full row rank of M (lo, hi bounds of its singular values). */
  private boolean acceptRow(double lo, double hi, int na, double need) {
    if (!(lo > 0)) {
      return false;
    }
    double nLo = lo * fLo;
    double nHi = hi * fHi;
    if (nLo < need * nHi) {
      return false;
    }
    fLo = nLo;
    fHi = nHi;
    fIdentity = false;
    rIdentity = true;
    c = na;
    return true;
  }

  /** The state continues from the explicit M in bufM: R = M (|J| x c), F unchanged. */
  private void becomeR(double frob) {
    double[] t = bufR;
    bufR = bufM;
    bufM = t;
    rIdentity = false;
    rRows = mRows;
    c = mCols;
    rEps = mEps;
    rFrob = frob;
    rHi = frob + mEps;
  }

  /** M = B R (or B when R is the identity) in bufM, with its rounding bound mEps. */
  private void formM(int l, int[] rows, int na) {
    long t0 = profile.now();
    gatherB(l, rows, na);
    profile.add(l, T_GATHER, t0);
    if (rIdentity) {
      double[] mm = ensureM(na * prevCount);
      System.arraycopy(bufB, 0, mm, 0, na * prevCount);
      mRows = na;
      mCols = prevCount;
      mEps = 0;
    } else {
      t0 = profile.now();
      double[] mm = ensureM(na * c);
      Arrays.fill(mm, 0, na * c, 0.0);
      FixedOrderKernels.mulAdd(na, prevCount, c, bufB, 0, prevCount, bufR, 0, c, mm, 0, c);
      profile.add(l, T_PRODUCT, t0);
      mRows = na;
      mCols = c;
      mEps = bFrob * rEps + FixedOrderKernels.gamma(prevCount) * bFrob * rFrob;
    }
  }

  /** B = W_l[rows, J_{l-1}] into bufB (na x prevCount) and its Frobenius norm into bFrob. */
  private void gatherB(int l, int[] rows, int na) {
    int cols = net.widths[l];
    double[] wl = net.w[l];
    double[] bb = ensureB(na * prevCount);
    double s = 0;
    for (int a = 0; a < na; a++) {
      int wa = rows[a] * cols;
      int ba = a * prevCount;
      if (prevIdx == null) {
        System.arraycopy(wl, wa, bb, ba, cols);
      } else {
        for (int t = 0; t < prevCount; t++) {
          bb[ba + t] = wl[wa + prevIdx[t]];
        }
      }
      for (int t = 0; t < prevCount; t++) {
        s += bb[ba + t] * bb[ba + t];
      }
    }
    bFrob = roundUp(Math.sqrt(s * (1 + FixedOrderKernels.gamma((long) na * prevCount))));
  }

  /**
   * The explicit P_{l-1} = B_{l-1} ... B_1 (F = I, c = m) into R, with its rounding bound, from the
   * stored masks of point p.
   */
  private void rebuild(int p, int l) {
    int[] savedIdx = prevIdx;
    int savedCount = prevCount;
    rIdentity = true;
    fIdentity = true;
    fLo = 1;
    fHi = 1;
    c = m;
    rEps = 0;
    rFrob = Math.sqrt(m);
    prevIdx = null;
    prevCount = m;
    for (int k = 0; k < l; k++) {
      formM(k, idx[p][k], count[p][k]);
      becomeR(frobenius(bufM, mRows * mCols));
      prevIdx = idx[p][k];
      prevCount = count[p][k];
    }
    prevIdx = savedIdx;
    prevCount = savedCount;
  }

  /**
   * Shifted Cholesky certificate on the k x k Gram in {@code gram} (lower triangle) of a k x q (or
   * q x k) matrix, formed by fma chains of length q: returns a proven lower bound of sigma_min of
   * that matrix (before subtracting its own rounding), or 0 when nothing is proven.
   *
   * <p>Two shifts at most. The first is a tenth of what a Gaussian matrix of that shape would
   * allow, {@code lambda_min / Gershgorin ~ (sqrt q - sqrt k)^2 / (q + 0.8 k sqrt q)}, at most
   * {@link #SHIFT_MAX} of the lambda_max bound (a square matrix starts at the second); the second
   * is the smallest the rounding allows, {@code 2 err}. The choice changes the cost and the
   * strength of the proof, never a rank: an unproven layer goes on to the next route.
   */
  private double certify(int l, int k, int q) {
    long t0 = profile.now();
    double trace = traceOf(k);
    if (!(trace > 0) || !Double.isFinite(trace)) {
      profile.add(l, T_CHOL, t0);
      return 0;
    }
    double err = 1.01 * (FixedOrderKernels.gamma(q) + FixedOrderKernels.gamma(k + 2) + 2 * U)
        * trace;
    double lam = lambdaMaxBound(k);
    ensureChol(k);
    double lo = 0;
    double gap = Math.sqrt(q) - Math.sqrt(k);
    double rel = Math.min(SHIFT_MAX, 0.1 * gap * gap / (q + 0.8 * k * Math.sqrt(q)));
    double first = rel * lam;
    if (q > k && first > 4 * err) {
      System.arraycopy(gram, 0, chol, 0, k * k);
      if (FixedOrderKernels.cholesky(chol, k, first, cholWork)) {
        lo = Math.sqrt(first - err);
      }
    }
    if (lo == 0) {
      System.arraycopy(gram, 0, chol, 0, k * k);
      if (FixedOrderKernels.cholesky(chol, k, 2 * err, cholWork)) {
        lo = Math.sqrt(err);
      }
    }
    profile.add(l, T_CHOL, t0);
    return lo;
  }

  private double traceOf(int k) {
    double t = 0;
    for (int i = 0; i < k; i++) {
      t += gram[i * k + i];
    }
    return t * (1 + FixedOrderKernels.gamma(k));
  }

  /** An upper bound of lambda_max of the k x k symmetric matrix in gram: min(trace, Gershgorin). */
  private double lambdaMaxBound(int k) {
    if (rowSums.length < k) {
      rowSums = new double[k];
    }
    double[] rs = rowSums;
    Arrays.fill(rs, 0, k, 0.0);
    for (int i = 0; i < k; i++) {
      int gi = i * k;
      double s = 0;
      for (int j = 0; j < i; j++) {
        double v = Math.abs(gram[gi + j]);
        s += v;
        rs[j] += v;
      }
      rs[i] += s + Math.abs(gram[gi + i]);
    }
    double g = 0;
    for (int i = 0; i < k; i++) {
      g = Math.max(g, rs[i]);
    }
    return Math.min(g, traceOf(k)) * (1 + FixedOrderKernels.gamma(k) + 1e-12);
  }

  private static double frobenius(double[] a, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += a[i] * a[i];
    }
    return roundUp(Math.sqrt(s * (1 + FixedOrderKernels.gamma(n))));
  }

  private static double roundUp(double v) {
    return v * (1 + 0x1p-50);
  }

  private double[] ensureB(int n) {
    if (bufB.length < n) {
      bufB = new double[n];
    }
    return bufB;
  }

  private double[] ensureM(int n) {
    if (bufM.length < n) {
      bufM = new double[Math.max(n, maxN * Math.min(m, maxN))];
    }
    return bufM;
  }

  private double[] ensureR(int n) {
    if (bufR.length < n) {
      bufR = new double[Math.max(n, maxN * Math.min(m, maxN))];
    }
    return bufR;
  }

  private double[] ensureMt(int n) {
    if (bufMt.length < n) {
      bufMt = new double[n];
    }
    return bufMt;
  }

  private void ensureGram(int k) {
    if (gram.length < k * k) {
      gram = new double[k * k];
    }
  }

  private void ensureChol(int k) {
    if (chol.length < k * k) {
      chol = new double[k * k];
    }
    if (cholWork.length < FixedOrderKernels.CHOL_BLOCK * k) {
      cholWork = new double[FixedOrderKernels.CHOL_BLOCK * k];
    }
  }

  private void ensureSvd(int n) {
    if (bufSvd.length < n) {
      bufSvd = new double[n];
    }
  }
}
