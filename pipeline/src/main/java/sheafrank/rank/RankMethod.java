package sheafrank.rank;

import java.util.Locale;
import sheafrank.linalg.NumericalRank;

/**
 * The rank-revealing factorisation used for the rank of a layer's local linear map. Both use
 * NumPy's {@code matrix_rank} tolerance convention; see {@link NumericalRank}.
 */
public enum RankMethod {
  /** Singular values (Golub-Kahan bidiagonalisation + Sturm count): NumPy's definition. */
  SVD,
  /** Householder QR with column pivoting: about half the cost of {@link #SVD}. */
  QR;

  /** Parses "svd" or "qr" (case-insensitive). */
  public static RankMethod parse(String s) {
    if (s != null) {
      for (RankMethod m : values()) {
        if (m.name().equalsIgnoreCase(s.trim())) {
          return m;
        }
      }
    }
    throw new IllegalArgumentException("unknown rank method '" + s + "' (expected svd or qr)");
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Rank of the column-major p x q matrix in {@code a} (destroyed) with relative tolerance rtol. */
  int rank(NumericalRank kernel, double[] a, int p, int q, double rtol) {
    return this == SVD ? kernel.rankSvd(a, p, q, rtol) : kernel.rankQr(a, p, q, rtol);
  }
}
