package sheafrank.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Complexes, faces, subcomplex rules, and the triangulations being combinatorial manifolds. */
class SimplicialComplexTest {
  static final Manifold.Placement PLANE = new Manifold.Placement(2, new double[0], 0);
  static final Manifold.Placement SPACE = new Manifold.Placement(3, new double[0], 0);

  @Test
  void closureAddsEveryFaceAndFacesAreIndexedConsistently() {
    SimplicialComplex k = SimplicialComplex.closureOf(6, List.of(new int[] {4, 1, 3, 0}, new int[] {5, 2}));
    assertArrayEquals(new long[] {6, 7, 4, 1}, k.counts()); // C(4,2)+1 edges, C(4,3) triangles
    assertEquals(6 - 7 + 4 - 1, k.eulerCharacteristic());
    for (int d = 1; d <= k.dim(); d++) {
      for (int i = 0; i < k.count(d); i++) {
        int[] s = k.simplex(d, i);
        int prev = -1;
        for (int j = d; j >= 0; j--) { // faces omitting later vertices come first
          int f = k.face(d, i, j);
          assertTrue(f > prev);
          prev = f;
          int[] face = k.simplex(d - 1, f);
          Set<Integer> expect = new HashSet<>();
          for (int t = 0; t <= d; t++) {
            if (t != j) {
              expect.add(s[t]);
            }
          }
          Set<Integer> got = new HashSet<>();
          for (int x : face) {
            got.add(x);
          }
          assertEquals(expect, got);
        }
      }
    }
    assertEquals(-1, k.indexOf(0, 5));
    assertTrue(k.indexOf(3, 1, 0) >= 0);
    assertThrows(IllegalArgumentException.class, () -> SimplicialComplex.closureOf(3, List.of(new int[] {0, 3})));
    assertThrows(IllegalArgumentException.class, () -> SimplicialComplex.closureOf(3, List.of(new int[] {1, 1})));
  }

  @Test
  void subcomplexRulesAreClosedAndNested() {
    SimplicialComplex t = new Manifold.Torus(2, 1, SPACE).build(new int[] {6, 5}).complex();
    boolean[] marked = new boolean[t.vertexCount()];
    for (int v = 0; v < marked.length; v += 3) {
      marked[v] = true;
    }
    Subcomplex all = Subcomplex.spannedBy(t, marked);
    Subcomplex star = Subcomplex.closedStarOf(t, marked);
    for (int d = 0; d <= 2; d++) {
      for (int i = 0; i < t.count(d); i++) {
        boolean every = true;
        boolean some = false;
        for (int v : t.simplex(d, i)) {
          every &= marked[v];
          some |= marked[v];
        }
        assertEquals(every, all.contains(d, i));
        if (some) {
          assertTrue(star.contains(d, i));
        }
        if (all.contains(d, i)) {
          assertTrue(star.contains(d, i));
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> Subcomplex.closureOf(t, List.of(new int[] {0, 7, 8, 9})));
    // the cone K ∪ CL: every simplex of K, the apex, and σ + apex for σ in L, nothing else
    for (Subcomplex l : List.of(all, star, Subcomplex.empty(t), Subcomplex.all(t))) {
      SimplicialComplex c = l.cone();
      int apex = t.vertexCount();
      List<int[]> gens = new ArrayList<>();
      gens.add(new int[] {apex});
      for (int d = 0; d <= 2; d++) {
        for (int i = 0; i < t.count(d); i++) {
          int[] s = t.simplex(d, i);
          gens.add(s);
          if (l.contains(d, i)) {
            int[] cs = java.util.Arrays.copyOf(s, d + 2);
            cs[d + 1] = apex;
            gens.add(cs);
          }
        }
      }
      SimplicialComplex expected = SimplicialComplex.closureOf(apex + 1, gens);
      assertArrayEquals(expected.counts(), c.counts());
      for (int d = 0; d <= c.dim(); d++) {
        for (int i = 0; i < c.count(d); i++) {
          assertArrayEquals(expected.simplex(d, i), c.simplex(d, i));
        }
      }
    }
  }

  /** Every edge in exactly two triangles and the link of every vertex one cycle: a closed surface. */
  static void assertClosedSurface(SimplicialComplex k) {
    assertEquals(2, k.dim());
    int[] perEdge = new int[k.count(1)];
    Map<Integer, List<int[]>> link = new HashMap<>();
    for (int i = 0; i < k.count(2); i++) {
      for (int j = 0; j < 3; j++) {
        perEdge[k.face(2, i, j)]++;
        int[] s = k.simplex(2, i);
        int v = s[j];
        List<Integer> rest = new ArrayList<>();
        for (int x : s) {
          if (x != v) {
            rest.add(x);
          }
        }
        link.computeIfAbsent(v, x -> new ArrayList<>()).add(new int[] {rest.get(0), rest.get(1)});
      }
    }
    for (int c : perEdge) {
      assertEquals(2, c);
    }
    for (int v = 0; v < k.vertexCount(); v++) {
      List<int[]> edges = link.get(v);
      // a single cycle: every link vertex has degree 2 and walking from one edge visits all
      Map<Integer, List<Integer>> adj = new HashMap<>();
      for (int[] e : edges) {
        adj.computeIfAbsent(e[0], x -> new ArrayList<>()).add(e[1]);
        adj.computeIfAbsent(e[1], x -> new ArrayList<>()).add(e[0]);
      }
      for (List<Integer> n : adj.values()) {
        assertEquals(2, n.size(), "vertex " + v);
      }
      int start = edges.get(0)[0];
      int prev = start;
      int cur = adj.get(start).get(0);
      int steps = 1;
      while (cur != start) {
        List<Integer> n = adj.get(cur);
        int next = n.get(0) == prev ? n.get(1) : n.get(0);
        prev = cur;
        cur = next;
        steps++;
      }
      assertEquals(adj.size(), steps, "link of vertex " + v + " is one cycle");
    }
  }

  @Test
  void triangulationsAreCombinatorialManifoldsDownToTheSmallestResolution() {
    for (int n : new int[] {3, 4, 17}) {
      SimplicialComplex c = new Manifold.Circle(1, PLANE).build(new int[] {n}).complex();
      assertArrayEquals(new long[] {n, n}, c.counts());
      int[] degree = new int[n];
      for (int e = 0; e < n; e++) {
        degree[c.vertex(1, e, 0)]++;
        degree[c.vertex(1, e, 1)]++;
      }
      for (int d : degree) {
        assertEquals(2, d);
      }
    }
    for (int[] r : new int[][] {{3, 3}, {3, 7}, {10, 4}}) {
      SimplicialComplex t = new Manifold.Torus(2, 1, SPACE).build(r).complex();
      assertClosedSurface(t);
      assertEquals(0, t.eulerCharacteristic());
      assertArrayEquals(new long[] {r[0] * r[1], 3L * r[0] * r[1], 2L * r[0] * r[1]}, t.counts());
    }
    for (int[] r : new int[][] {{1, 3}, {2, 5}, {6, 9}}) {
      SimplicialComplex s = new Manifold.Sphere(1, SPACE).build(r).complex();
      assertClosedSurface(s);
      assertEquals(2, s.eulerCharacteristic());
    }
    assertThrows(IllegalArgumentException.class, () -> new Manifold.Circle(1, PLANE).build(new int[] {2}));
    assertThrows(IllegalArgumentException.class, () -> new Manifold.Torus(2, 1, SPACE).build(new int[] {2, 5}));
    assertThrows(IllegalArgumentException.class, () -> new Manifold.Torus(2, 1, SPACE).build(new int[] {5}));
    assertThrows(IllegalArgumentException.class, () -> new Manifold.Sphere(1, SPACE).build(new int[] {0, 5}));
    assertThrows(IllegalArgumentException.class, () -> new Manifold.Torus(1, 1, SPACE));
    assertThrows(IllegalArgumentException.class, () -> new Manifold.Sphere(1, PLANE)); // R^2 is too small
    assertThrows(IllegalArgumentException.class,
        () -> new Manifold.Circle(1, new Manifold.Placement(3, new double[] {1, 2}, 0))); // center in R^2
  }

  @Test
  void embeddingsLieOnTheirManifoldsAndTheAmbientFrameIsAnIsometry() {
    EmbeddedComplex t = new Manifold.Torus(2, 0.5, SPACE).build(new int[] {12, 8});
    for (int v = 0; v < t.vertexCount(); v++) {
      double x = t.coordinates()[3 * v];
      double y = t.coordinates()[3 * v + 1];
      double z = t.coordinates()[3 * v + 2];
      double rho = Math.hypot(x, y) - 2;
      assertEquals(0.25, rho * rho + z * z, 1e-12); // distance r from the central circle
    }
    double[] c = {0.5, -1, 0, 2, 0, 0.25};
    EmbeddedComplex lifted = new Manifold.Torus(2, 0.5, new Manifold.Placement(6, c, 9)).build(new int[] {12, 8});
    assertEquals(6, lifted.ambientDim());
    for (int u = 0; u < t.vertexCount(); u++) {
      for (int v = u + 1; v < t.vertexCount(); v++) {
        assertEquals(dist(t.coordinates(), 3, u, v), dist(lifted.coordinates(), 6, u, v), 1e-12);
      }
    }
    double[] mean = new double[6];
    for (int v = 0; v < lifted.vertexCount(); v++) {
      for (int i = 0; i < 6; i++) {
        mean[i] += lifted.coordinates()[6 * v + i] / lifted.vertexCount();
      }
    }
    assertArrayEquals(c, mean, 1e-12); // the torus's vertices average to its center
    EmbeddedComplex s = new Manifold.Circle(3, PLANE).build(new int[] {7});
    for (int v = 0; v < 7; v++) {
      assertEquals(3, Math.hypot(s.coordinates()[2 * v], s.coordinates()[2 * v + 1]), 1e-12);
    }
  }

  private static double dist(double[] x, int m, int u, int v) {
    double s = 0;
    for (int i = 0; i < m; i++) {
      double d = x[u * m + i] - x[v * m + i];
      s += d * d;
    }
    return Math.sqrt(s);
  }
}
