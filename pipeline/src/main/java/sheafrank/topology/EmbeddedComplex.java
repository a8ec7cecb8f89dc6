package sheafrank.topology;

/**
 * A simplicial complex with a position in R^m for every vertex: a triangulated manifold (or a
 * complex built from sample points) ready to be pushed through a network.
 *
 * @param complex the complex
 * @param dim the dimension of the manifold it triangulates (1 circle, 2 torus and sphere)
 * @param embeddingDim the minimal embedding dimension the paper's threshold refers to (circle 2,
 *     torus 3, sphere 3; for sample points the points' dimension)
 * @param ambientDim m, the dimension of the coordinates (= the network's input dimension)
 * @param coordinates vertex v at {@code coordinates[v * m .. v * m + m)}
 * @param embedding how the coordinates were made, for tables and docs
 */
public record EmbeddedComplex(
    SimplicialComplex complex, int dim, int embeddingDim, int ambientDim, double[] coordinates, String embedding)
    implements java.io.Serializable {
  public EmbeddedComplex {
    if (coordinates.length != (long) complex.vertexCount() * ambientDim) {
      throw new IllegalArgumentException("need " + complex.vertexCount() + " x " + ambientDim
          + " coordinates, got " + coordinates.length);
    }
  }

  public int vertexCount() {
    return complex.vertexCount();
  }
}
