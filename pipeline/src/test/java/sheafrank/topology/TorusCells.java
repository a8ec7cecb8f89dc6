package sheafrank.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Explicit subcomplexes of the a x b grid torus of {@link Manifold.Torus} (vertex (i, j) at
 * θ = 2πi/a around the central axis, φ = 2πj/b around the tube): the pieces seed 003 App 7.2
 * quotients out. Indices are taken mod a and b.
 */
final class TorusCells {
  final int a;
  final int b;
  final List<int[]> simplices = new ArrayList<>();

  TorusCells(int a, int b) {
    this.a = a;
    this.b = b;
  }

  int v(int i, int j) {
    return Manifold.Torus.vertex(i, j, a, b);
  }

  /** I²: the closed 2 x 2 block of grid squares with corner (i, j) (8 triangles): a disc. */
  TorusCells disc(int i, int j) {
    for (int di = 0; di < 2; di++) {
      for (int dj = 0; dj < 2; dj++) {
        int p = v(i + di, j + dj);
        int q = v(i + di + 1, j + dj + 1);
        simplices.add(new int[] {p, v(i + di + 1, j + dj), q});
        simplices.add(new int[] {p, v(i + di, j + dj + 1), q});
      }
    }
    return this;
  }

  /** A trivial S¹: the boundary 8-cycle of the 2 x 2 block with corner (i, j) (bounds a disc). */
  TorusCells trivialLoop(int i, int j) {
    int[][] walk = {{0, 0}, {1, 0}, {2, 0}, {2, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}};
    for (int s = 0; s < walk.length; s++) {
      int[] p = walk[s];
      int[] q = walk[(s + 1) % walk.length];
      simplices.add(new int[] {v(i + p[0], j + p[1]), v(i + q[0], j + q[1])});
    }
    return this;
  }

  /** S^{1,1}, the inner loop: the meridian θ = θ_i, around the tube (edges (i, j)-(i, j+1)). */
  TorusCells innerLoop(int i) {
    for (int j = 0; j < b; j++) {
      simplices.add(new int[] {v(i, j), v(i, j + 1)});
    }
    return this;
  }

  /** S^{1,2}, the outer loop: the longitude φ = φ_j, around the central axis (edges (i, j)-(i+1, j)). */
  TorusCells outerLoop(int j) {
    for (int i = 0; i < a; i++) {
      simplices.add(new int[] {v(i, j), v(i + 1, j)});
    }
    return this;
  }

  /** A thick inner loop: the annulus of the triangles between meridians i and i+1. */
  TorusCells innerAnnulus(int i) {
    for (int j = 0; j < b; j++) {
      int p = v(i, j);
      int q = v(i + 1, j + 1);
      simplices.add(new int[] {p, v(i + 1, j), q});
      simplices.add(new int[] {p, v(i, j + 1), q});
    }
    return this;
  }

  Subcomplex in(SimplicialComplex torus) {
    return Subcomplex.closureOf(torus, simplices);
  }
}
