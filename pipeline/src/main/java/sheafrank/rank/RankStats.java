package sheafrank.rank;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.List;

/**
 * Summary of one network's rank decomposition over many points (seed 003 §2.1, §3, R1/R2/R10),
 * per evaluated layer K:
 *
 * <ul>
 *   <li>min / max / mean rank of Phi^K; histogram of ranks 0..m (the sizes of the sampled
 *       Omega_n^K);
 *   <li>min / max / mean codeword size ||J_K||_0 and its histogram 0..n_K;
 *   <li>points in destructive regions (rank &lt; m) and preserving ones (rank = m); points whose
 *       codeword has fewer than m active units (destructive by size, the counting bound's set);
 *   <li>distinct codewords J_K hit (and how many of them have size &lt; m); distinct global
 *       codewords.
 * </ul>
 *
 * <p>Mergeable for distributed aggregation: {@link #merge} adds counts and sums, takes min / max
 * and unites codeword sets; all state is exact integers or sets, so any merge order or grouping of
 * the same points gives an equal ({@link #equals}) result. Means are computed from the sums on
 * read. Memory grows with the number of distinct codewords (one {@code long[]} each).
 */
public final class RankStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int m;
  private final CodewordLayout layout;
  private long count;
  private final int[] minRank;
  private final int[] maxRank;
  private final long[] sumRank;
  private final long[][] rankHist;
  private final int[] minSize;
  private final int[] maxSize;
  private final long[] sumSize;
  private final long[][] sizeHist;
  private final long[] destructive;
  private final long[] smallCodeword;
  private final HashSet<Key>[] distinct;
  private final HashSet<Key> global;

  /** Empty statistics for an input dimension m and the codeword layout of the evaluated layers. */
  @SuppressWarnings("unchecked")
  public RankStats(int inputDim, CodewordLayout layout) {
    if (inputDim < 1) {
      throw new IllegalArgumentException("input dimension must be >= 1, got " + inputDim);
    }
    this.m = inputDim;
    this.layout = Objects.requireNonNull(layout, "layout");
    int layers = layout.layers();
    minRank = new int[layers];
    maxRank = new int[layers];
    sumRank = new long[layers];
    rankHist = new long[layers][m + 1];
    minSize = new int[layers];
    maxSize = new int[layers];
    sumSize = new long[layers];
    sizeHist = new long[layers][];
    destructive = new long[layers];
    smallCodeword = new long[layers];
    distinct = new HashSet[layers];
    for (int l = 0; l < layers; l++) {
      minRank[l] = Integer.MAX_VALUE;
      maxRank[l] = Integer.MIN_VALUE;
      minSize[l] = Integer.MAX_VALUE;
      maxSize[l] = Integer.MIN_VALUE;
      sizeHist[l] = new long[layout.width(l) + 1];
      distinct[l] = new HashSet<>();
    }
    global = new HashSet<>();
  }

  /** Empty statistics matching an evaluator. */
  public static RankStats of(RankEvaluator e) {
    return new RankStats(e.inputDim(), e.layout());
  }

  /**
   * Adds one point's results as filled by {@link RankEvaluator#evaluate}.
   *
   * @throws IllegalArgumentException if a rank is outside 0..min(m, n_K) or a size disagrees with
   *     the codeword
   */
  public void add(int[] ranks, int[] sizes, long[] codeword) {
    int layers = layout.layers();
    for (int l = 0; l < layers; l++) {
      int r = ranks[l];
      int s = sizes[l];
      if (r < 0 || r > Math.min(m, layout.width(l)) || s != layout.size(codeword, l) || r > s) {
        throw new IllegalArgumentException(
            "layer " + (l + 1) + ": inconsistent result rank=" + r + " size=" + s + " (m=" + m
                + ", width " + layout.width(l) + ", codeword size " + layout.size(codeword, l) + ")");
      }
    }
    count++;
    for (int l = 0; l < layers; l++) {
      int r = ranks[l];
      int s = sizes[l];
      minRank[l] = Math.min(minRank[l], r);
      maxRank[l] = Math.max(maxRank[l], r);
      sumRank[l] += r;
      rankHist[l][r]++;
      minSize[l] = Math.min(minSize[l], s);
      maxSize[l] = Math.max(maxSize[l], s);
      sumSize[l] += s;
      sizeHist[l][s]++;
      if (r < m) {
        destructive[l]++;
      }
      if (s < m) {
        smallCodeword[l]++;
      }
      distinct[l].add(new Key(layout.layerWords(codeword, l)));
    }
    global.add(new Key(Arrays.copyOf(codeword, layout.totalWords())));
  }

  /**
   * Adds {@code other}'s points into this one and returns this.
   *
   * @throws IllegalArgumentException if the two were built for different m or layer widths
   */
  public RankStats merge(RankStats other) {
    if (other.m != m || !other.layout.equals(layout)) {
      throw new IllegalArgumentException(
          "cannot merge rank statistics for m=" + other.m + " " + other.layout + " into m=" + m
              + " " + layout);
    }
    count += other.count;
    for (int l = 0; l < layout.layers(); l++) {
      minRank[l] = Math.min(minRank[l], other.minRank[l]);
      maxRank[l] = Math.max(maxRank[l], other.maxRank[l]);
      sumRank[l] += other.sumRank[l];
      minSize[l] = Math.min(minSize[l], other.minSize[l]);
      maxSize[l] = Math.max(maxSize[l], other.maxSize[l]);
      sumSize[l] += other.sumSize[l];
      for (int r = 0; r <= m; r++) {
        rankHist[l][r] += other.rankHist[l][r];
      }
      for (int s = 0; s < sizeHist[l].length; s++) {
        sizeHist[l][s] += other.sizeHist[l][s];
      }
      destructive[l] += other.destructive[l];
      smallCodeword[l] += other.smallCodeword[l];
      distinct[l].addAll(other.distinct[l]);
    }
    global.addAll(other.global);
    return this;
  }

  public int inputDim() {
    return m;
  }

  public CodewordLayout layout() {
    return layout;
  }

  public int layers() {
    return layout.layers();
  }

  /** Number of points added. */
  public long count() {
    return count;
  }

  private void nonEmpty() {
    if (count == 0) {
      throw new IllegalStateException("no points added");
    }
  }

  /** Minimum rank at 0-based layer {@code l} (the paper's "minimum rank" of Fig 2). */
  public int minRank(int l) {
    nonEmpty();
    return minRank[l];
  }

  public int maxRank(int l) {
    nonEmpty();
    return maxRank[l];
  }

  public long sumRank(int l) {
    return sumRank[l];
  }

  public double meanRank(int l) {
    nonEmpty();
    return (double) sumRank[l] / count;
  }

  /** Points per rank 0..m at layer {@code l} (a copy). */
  public long[] rankHistogram(int l) {
    return rankHist[l].clone();
  }

  public int minSize(int l) {
    nonEmpty();
    return minSize[l];
  }

  public int maxSize(int l) {
    nonEmpty();
    return maxSize[l];
  }

  public long sumSize(int l) {
    return sumSize[l];
  }

  public double meanSize(int l) {
    nonEmpty();
    return (double) sumSize[l] / count;
  }

  /** Points per codeword size 0..n_K at layer {@code l} (a copy). */
  public long[] sizeHistogram(int l) {
    return sizeHist[l].clone();
  }

  /** Points with rank &lt; m at layer {@code l}: in topologically destructive regions. */
  public long destructivePoints(int l) {
    return destructive[l];
  }

  /** Points with rank = m at layer {@code l}. */
  public long preservingPoints(int l) {
    return count - destructive[l];
  }

  /** Points whose layer-{@code l} codeword has fewer than m active units. */
  public long smallCodewordPoints(int l) {
    return smallCodeword[l];
  }

  /** Distinct codewords J_K hit at layer {@code l}. */
  public int distinctCodewords(int l) {
    return distinct[l].size();
  }

  /** Distinct codewords hit at layer {@code l} with fewer than m active units (cf. D(n_K, m)). */
  public int distinctSmallCodewords(int l) {
    int c = 0;
    for (Key k : distinct[l]) {
      if (k.size() < m) {
        c++;
      }
    }
    return c;
  }

  /** Distinct global codewords (all layers together) hit. */
  public int distinctGlobalCodewords() {
    return global.size();
  }

  /** The distinct layer-{@code l} codewords hit, each as its words (copies; in no order). */
  public List<long[]> codewords(int l) {
    List<long[]> out = new ArrayList<>(distinct[l].size());
    for (Key k : distinct[l]) {
      out.add(k.words.clone());
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RankStats s)) {
      return false;
    }
    return m == s.m
        && layout.equals(s.layout)
        && count == s.count
        && Arrays.equals(minRank, s.minRank)
        && Arrays.equals(maxRank, s.maxRank)
        && Arrays.equals(sumRank, s.sumRank)
        && Arrays.deepEquals(rankHist, s.rankHist)
        && Arrays.equals(minSize, s.minSize)
        && Arrays.equals(maxSize, s.maxSize)
        && Arrays.equals(sumSize, s.sumSize)
        && Arrays.deepEquals(sizeHist, s.sizeHist)
        && Arrays.equals(destructive, s.destructive)
        && Arrays.equals(smallCodeword, s.smallCodeword)
        && Arrays.equals(distinct, s.distinct)
        && global.equals(s.global);
  }

  @Override
  public int hashCode() {
    return Objects.hash(m, layout, count, Arrays.hashCode(sumRank), Arrays.hashCode(sumSize));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("RankStats[m=" + m + ", points=" + count);
    for (int l = 0; l < layout.layers() && count > 0; l++) {
      sb.append(String.format(
          java.util.Locale.ROOT,
          "; layer %d: rank min %d max %d mean %.3f, destructive %d, distinct codewords %d",
          l + 1, minRank[l], maxRank[l], meanRank(l), destructive[l], distinct[l].size()));
    }
    return sb.append(']').toString();
  }

  /** A codeword as a hashable value. */
  private static final class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    final long[] words;
    final int hash;

    Key(long[] words) {
      this.words = words;
      this.hash = Arrays.hashCode(words);
    }

    int size() {
      int s = 0;
      for (long w : words) {
        s += Long.bitCount(w);
      }
      return s;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && hash == k.hash && Arrays.equals(words, k.words);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
