package sheafrank.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sheafrank.rank.RankEvaluator;
import sheafrank.topology.Homology.Field;

/**
 * How a network's low-rank regions change the homology of a manifold (seed 003 §2.2, App 7.1):
 * the rank of Φ^K at every vertex of an {@link EmbeddedComplex}, the subcomplex Ω^K of the simplices
 * in the low-rank region, and the Betti numbers of Ω^K, of the pair (M, Ω^K) and of the quotient
 * M/Ω^K over Z/2 and Q, per layer K.
 *
 * <p>Which vertices are low-rank ({@link Region}): rank Φ^K(v) below a threshold,
 * <ul>
 *   <li>{@code zero}: rank 0, the paper's Ω_0^K (eq. 5: all of it goes to one point when biases are
 *       zero);
 *   <li>{@code below_dim}: rank &lt; dim M. There the local affine map sends a dim M-dimensional
 *       piece of M into a space of lower dimension, so it cannot be injective on any open piece of M
 *       inside the region (invariance of domain);
 *   <li>{@code below_embedding}: rank &lt; m, the minimal embedding dimension, the paper's
 *       "topologically destructive" regions (§2.2, §3): a superset of the above.
 * </ul>
 * Which simplices join Ω ({@link Rule}): {@code all} (default) — the full subcomplex of the low-rank
 * vertices; {@code star} — their closed star. See {@link Subcomplex}.
 *
 * <p>M/Ω collapses all of Ω to one point, as in the paper's Ψ_0^K (eq. 5) and the wedge of n circles
 * of eq. 12-14; M/∅ = M. The quotient's Betti numbers come from the relative chain complex
 * (H̃(M/Ω) ≅ H(M, Ω)); with {@code coneCheck} they are computed a second time from M ∪ CΩ and
 * compared.
 */
public final class QuotientAnalysis {
  private QuotientAnalysis() {}

  /** Low-rank regions by threshold. */
  public enum Region {
    ZERO,
    BELOW_DIM,
    BELOW_EMBEDDING;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** A vertex is in the region iff its rank is below this. */
    public int threshold(EmbeddedComplex m) {
      return switch (this) {
        case ZERO -> 1;
        case BELOW_DIM -> m.dim();
        case BELOW_EMBEDDING -> m.embeddingDim();
      };
    }

    public static Region parse(String s) {
      for (Region r : values()) {
        if (r.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
          return r;
        }
      }
      throw new IllegalArgumentException("unknown region '" + s + "' (expected zero, below_dim, below_embedding)");
    }
  }

  /** How low-rank vertices become a subcomplex. */
  public enum Rule {
    /** Simplices all of whose vertices are low-rank (the full subcomplex). */
    ALL,
    /** Simplices with a low-rank vertex, and their faces (the closed star). */
    STAR;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public Subcomplex apply(SimplicialComplex k, boolean[] marked) {
      return this == ALL ? Subcomplex.spannedBy(k, marked) : Subcomplex.closedStarOf(k, marked);
    }

    public static Rule parse(String s) {
      for (Rule r : values()) {
        if (r.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
          return r;
        }
      }
      throw new IllegalArgumentException("unknown rule '" + s + "' (expected all, star)");
    }
  }

  /** Rank of Φ^K at every vertex: {@code ranks[K-1][v]}. */
  public static int[][] vertexRanks(EmbeddedComplex m, RankEvaluator e) {
    if (e.inputDim() != m.ambientDim()) {
      throw new IllegalArgumentException("network input dimension " + e.inputDim() + " differs from the manifold's "
          + "ambient dimension " + m.ambientDim());
    }
    int n = m.vertexCount();
    int layers = e.layers();
    int[][] ranks = new int[layers][n];
    int[] r = new int[layers];
    for (int v = 0; v < n; v++) {
      e.evaluate(m.coordinates(), v * m.ambientDim(), r, null, null);
      for (int l = 0; l < layers; l++) {
        ranks[l][v] = r[l];
      }
    }
    return ranks;
  }

  /**
   * The homology of one Ω: arrays indexed {@code [field.ordinal()][degree]}, degrees 0 .. dim M;
   * {@code cone} is null unless checked.
   */
  public record PairHomology(long[] omegaSimplices, int[][] omega, int[][] relative, int[][] quotient, int[][] cone) {
    public boolean isEmpty() {
      return omegaSimplices.length == 0 || omegaSimplices[0] == 0;
    }

    /** Whether the cone construction was run and agrees with the relative chain complex. */
    public Boolean coneAgrees() {
      return cone == null ? null : Arrays.deepEquals(cone, quotient);
    }
  }

  /** Betti numbers of Ω, (M, Ω) and M/Ω over both fields. */
  public static PairHomology analyse(Subcomplex omega, boolean coneCheck) {
    Field[] fields = Field.values();
    int[][] o = new int[fields.length][];
    int[][] rel = new int[fields.length][];
    int[][] quo = new int[fields.length][];
    int[][] cone = coneCheck ? new int[fields.length][] : null;
    for (Field f : fields) {
      int i = f.ordinal();
      o[i] = Homology.betti(omega, f);
      rel[i] = Homology.relativeBetti(omega, f);
      quo[i] = Homology.quotientFromRelative(rel[i], omega.isEmpty());
      if (coneCheck) {
        cone[i] = Homology.quotientBetti(omega, f);
      }
    }
    return new PairHomology(omega.counts(), o, rel, quo, cone);
  }

  /** One (layer, region) of a network on a manifold. */
  public record LayerResult(
      int layer, Region region, int threshold, int minRank, int maxRank, long[] rankHistogram, PairHomology homology) {}

  /**
   * Every layer and region of a network whose vertex ranks are {@code ranks}: Ω per the rule, its
   * homology (computed once per distinct set of low-rank vertices: Ω^K only grows with K, and
   * regions often coincide). Rank histograms have entries 0 .. ambient dimension.
   */
  public static List<LayerResult> analyse(
      EmbeddedComplex m, int[][] ranks, List<Region> regions, Rule rule, boolean coneCheck) {
    Map<ByteBuffer, PairHomology> done = new HashMap<>();
    List<LayerResult> out = new ArrayList<>();
    int n = m.vertexCount();
    for (int l = 0; l < ranks.length; l++) {
      long[] hist = new long[m.ambientDim() + 1];
      int min = Integer.MAX_VALUE;
      int max = Integer.MIN_VALUE;
      for (int v = 0; v < n; v++) {
        int r = ranks[l][v];
        hist[r]++;
        min = Math.min(min, r);
        max = Math.max(max, r);
      }
      for (Region region : regions) {
        int t = region.threshold(m);
        boolean[] marked = new boolean[n];
        for (int v = 0; v < n; v++) {
          marked[v] = ranks[l][v] < t;
        }
        ByteBuffer key = ByteBuffer.wrap(pack(marked));
        PairHomology h = done.get(key);
        if (h == null) {
          h = analyse(rule.apply(m.complex(), marked), coneCheck);
          done.put(key, h);
        }
        out.add(new LayerResult(l + 1, region, t, min, max, hist.clone(), h));
      }
    }
    return out;
  }

  private static byte[] pack(boolean[] b) {
    byte[] p = new byte[(b.length + 7) / 8];
    for (int i = 0; i < b.length; i++) {
      if (b[i]) {
        p[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    return p;
  }
}
