package sheafrank.topology;

import java.util.Arrays;

/**
 * Betti numbers of simplicial complexes, subcomplexes, pairs and quotients over a field.
 *
 * <h2>Conventions</h2>
 *
 * <ul>
 *   <li>Homology is simplicial homology with coefficients in the field, UNREDUCED for spaces
 *       (K, L, K/L): β_0 counts components; the empty complex has all Betti numbers 0.
 *   <li>Relative homology H(K, L) is that of the relative chain complex C(K)/C(L) (basis: the
 *       simplices of K not in L; the boundary drops faces in L). H(K, ∅) = H(K).
 *   <li>Quotient: for nonempty L, K/L collapses all of L to ONE point; (K, L) is a good pair, so
 *       H̃(K/L) ≅ H(K, L) and β_0(K/L) = β_0(K, L) + 1, β_i(K/L) = β_i(K, L) for i &gt; 0 (Hatcher
 *       Prop. 2.22). For L = ∅, K/∅ = K by convention (not K with a disjoint point). {@link
 *       #quotientBetti} computes it independently, as the homology of K ∪ CL (the cone on L, which
 *       is homotopy equivalent to K/L); {@link #quotientFromRelative} derives it from H(K, L).
 *   <li>Arrays are indexed by degree 0 .. dim K.
 * </ul>
 *
 * <h2>Fields</h2>
 *
 * {@link Field#Z2} and {@link Field#Q}. The rationals are computed exactly modulo the prime
 * p = 2^31 - 1: by the universal coefficient theorem, β_i(F_p) = β_i(Q) + t_i(p) + t_{i-1}(p), where
 * t_i(p) counts the summands Z/p^e of the torsion of H_i(K; Z); so β_i(F_p) = β_i(Q) unless p divides
 * the order of a torsion element of H_i or H_{i-1}. For every complex the pipeline builds from the
 * paper's manifolds (subcomplexes of orientable surfaces and circles, their pairs and quotients) the
 * integral homology is torsion-free (Lefschetz duality, see docs/homology.md), so every prime gives
 * the rational Betti numbers there; for a user's complex a torsion order divisible by 2^31 - 1 would
 * be needed to differ. Z/2 differs from Q exactly where there is 2-torsion (RP²: (1, 1, 1) against
 * (1, 0, 0)).
 *
 * <h2>Algorithm</h2>
 *
 * rank ∂_d for every d; β_d = n_d - rank ∂_d - rank ∂_{d+1}. rank ∂_1 by union-find (the incidence
 * matrix of a graph, with the rows of L's vertices deleted, has the same rank over every field: the
 * number of edges of a spanning forest in which all of L's vertices count as one); higher ranks by the
 * standard column reduction with {@code low} pivots, from the top dimension down with the twist
 * (clearing): a (d-1)-simplex that is the pivot row of a reduced column of ∂_d has a column in
 * ∂_{d-1} that reduces to zero, so it is skipped.
 */
public final class Homology {
  private Homology() {}

  /** The prime used for the rationals: 2^31 - 1. */
  public static final long P = 2147483647L;

  /** Coefficient fields. */
  public enum Field {
    /** The two-element field. */
    Z2("z2"),
    /** The rationals, computed exactly in F_p, p = 2^31 - 1 (see the class comment). */
    Q("q");

    private final String id;

    Field(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  /** Betti numbers of K, degrees 0 .. dim K. */
  public static int[] betti(SimplicialComplex k, Field f) {
    return betti(Subcomplex.all(k), Subcomplex.empty(k), f);
  }

  /** Betti numbers of L as a space, degrees 0 .. dim K. */
  public static int[] betti(Subcomplex l, Field f) {
    return betti(l, Subcomplex.empty(l.complex()), f);
  }

  /** Betti numbers of the pair (K, L) from the relative chain complex C(K)/C(L). */
  public static int[] relativeBetti(Subcomplex l, Field f) {
    return betti(Subcomplex.all(l.complex()), l, f);
  }

  /**
   * Betti numbers of K/L computed as the homology of K ∪ CL ({@link Subcomplex#cone}); K itself
   * for empty L. Degrees 0 .. dim K.
   */
  public static int[] quotientBetti(Subcomplex l, Field f) {
    SimplicialComplex k = l.complex();
    if (l.isEmpty()) {
      return betti(k, f);
    }
    int[] c = betti(l.cone(), f);
    for (int d = k.dim() + 1; d < c.length; d++) {
      if (c[d] != 0) {
        throw new IllegalStateException("H_" + d + " of K ∪ CL is nonzero above dim K: " + Arrays.toString(c));
      }
    }
    return Arrays.copyOf(c, k.dim() + 1);
  }

  /** Betti numbers of K/L from those of (K, L): H̃(K/L) ≅ H(K, L) for nonempty L; K/∅ = K. */
  public static int[] quotientFromRelative(int[] relative, boolean emptySubcomplex) {
    int[] q = relative.clone();
    if (!emptySubcomplex) {
      q[0] += 1;
    }
    return q;
  }

  /**
   * Betti numbers of the pair (A, B) of subcomplexes B ⊆ A of one complex: the homology of
   * C(A)/C(B), whose basis is the simplices of A not in B. (A, ∅) gives H(A).
   */
  public static int[] betti(Subcomplex a, Subcomplex b, Field f) {
    SimplicialComplex k = a.complex();
    if (b.complex() != k) {
      throw new IllegalArgumentException("subcomplexes of different complexes");
    }
    int top = k.dim();
    boolean[][] sel = new boolean[top + 1][];
    int[] n = new int[top + 1];
    for (int d = 0; d <= top; d++) {
      sel[d] = new boolean[k.count(d)];
      for (int i = 0; i < k.count(d); i++) {
        if (a.contains(d, i) && !b.contains(d, i)) {
          sel[d][i] = true;
          n[d]++;
        } else if (b.contains(d, i) && !a.contains(d, i)) {
          throw new IllegalArgumentException("B is not contained in A");
        }
      }
    }
    int[] rank = new int[top + 2];
    boolean[] cleared = null;
    for (int d = top; d >= 2; d--) {
      boolean[] pivotRows = new boolean[k.count(d - 1)];
      rank[d] = f == Field.Z2
          ? ColumnReduction.rankZ2(k, d, sel, cleared, pivotRows)
          : ColumnReduction.rankModP(k, d, sel, cleared, pivotRows);
      cleared = pivotRows;
    }
    if (top >= 1) {
      rank[1] = ColumnReduction.rankDim1(k, sel);
    }
    int[] betti = new int[top + 1];
    for (int d = 0; d <= top; d++) {
      betti[d] = n[d] - rank[d] - rank[d + 1];
    }
    return betti;
  }
}
