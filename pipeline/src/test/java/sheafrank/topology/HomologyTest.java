package sheafrank.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.topology.Homology.Field;

/**
 * Betti numbers of spaces with known homology, over Z/2 and over Q (exactly, mod 2^31 - 1); the
 * reduction against dense elimination; relative homology by the relative chain complex against the
 * cone construction.
 */
class HomologyTest {
  static final Manifold.Placement PLANE = SimplicialComplexTest.PLANE;
  static final Manifold.Placement SPACE = SimplicialComplexTest.SPACE;

  static void assertBetti(int[] expected, SimplicialComplex k) {
    for (Field f : Field.values()) {
      assertArrayEquals(expected, Homology.betti(k, f), f.id());
    }
  }

  @Test
  void circleTorusSphere() {
    for (int n : new int[] {3, 4, 200}) {
      assertBetti(new int[] {1, 1}, new Manifold.Circle(1, PLANE).build(new int[] {n}).complex());
    }
    for (int[] r : new int[][] {{3, 3}, {4, 7}, {40, 30}}) {
      assertBetti(new int[] {1, 2, 1}, new Manifold.Torus(2, 1, SPACE).build(r).complex());
    }
    for (int[] r : new int[][] {{1, 3}, {5, 8}}) {
      assertBetti(new int[] {1, 0, 1}, new Manifold.Sphere(1, SPACE).build(r).complex());
    }
  }

  /** The 6-vertex real projective plane (every edge in two of its ten triangles; χ = 1). */
  static SimplicialComplex projectivePlane() {
    int[][] t = {{0, 1, 3}, {0, 1, 5}, {0, 2, 4}, {0, 2, 5}, {0, 3, 4}, {1, 2, 3}, {1, 2, 4}, {1, 4, 5},
        {2, 3, 5}, {3, 4, 5}};
    return SimplicialComplex.closureOf(6, List.of(t));
  }

  /**
   * RP²: H_1(RP²; Z) = Z/2, H_2 = 0. Over Z/2 the torsion contributes to H_1 and (by universal
   * coefficients, Tor(Z/2, Z/2)) to H_2: (1, 1, 1). Over Q, and over F_p for odd p: (1, 0, 0).
   */
  @Test
  void projectivePlaneSeesTheFieldItIsComputedOver() {
    SimplicialComplex rp2 = projectivePlane();
    SimplicialComplexTest.assertClosedSurface(rp2);
    assertEquals(1, rp2.eulerCharacteristic());
    assertArrayEquals(new int[] {1, 1, 1}, Homology.betti(rp2, Field.Z2));
    assertArrayEquals(new int[] {1, 0, 0}, Homology.betti(rp2, Field.Q));
    // the same complexes by dense elimination over F_2 and F_p
    assertArrayEquals(new int[] {1, 1, 1}, DenseBetti.betti(rp2, 2));
    assertArrayEquals(new int[] {1, 0, 0}, DenseBetti.betti(rp2, Homology.P));
    // RP² minus an open triangle is a Möbius band (≃ S¹): no torsion left, the fields agree; the
    // pair (RP², triangle) has H_2 = Z/2 over Z/2 only.
    Subcomplex tri = Subcomplex.closureOf(rp2, List.of(new int[] {0, 1, 3}));
    assertArrayEquals(new int[] {0, 1, 1}, Homology.relativeBetti(tri, Field.Z2));
    assertArrayEquals(new int[] {0, 0, 0}, Homology.relativeBetti(tri, Field.Q));
  }

  /** H(Dⁿ, Sⁿ⁻¹) = Z in degree n; Dⁿ/Sⁿ⁻¹ = Sⁿ; Sⁿ⁻¹ itself. For the n-simplex and its boundary. */
  @Test
  void discRelativeToItsBoundarySphere() {
    for (int n = 1; n <= 4; n++) {
      int[] all = new int[n + 1];
      for (int i = 0; i <= n; i++) {
        all[i] = i;
      }
      SimplicialComplex disc = SimplicialComplex.closureOf(n + 1, List.<int[]>of(all));
      List<int[]> facets = new ArrayList<>();
      for (int skip = 0; skip <= n; skip++) {
        int[] f = new int[n];
        for (int i = 0, t = 0; i <= n; i++) {
          if (i != skip) {
            f[t++] = i;
          }
        }
        facets.add(f);
      }
      Subcomplex sphere = Subcomplex.closureOf(disc, facets);
      int[] rel = new int[n + 1];
      rel[n] = 1;
      int[] quotient = rel.clone();
      quotient[0] = 1;
      int[] boundary = new int[n + 1];
      boundary[0] = 1;
      boundary[n - 1] += 1; // S⁰ has two points
      for (Field f : Field.values()) {
        assertArrayEquals(oneAt(0, n), Homology.betti(disc, f));
        assertArrayEquals(boundary, Homology.betti(sphere, f), "S^" + (n - 1));
        assertArrayEquals(rel, Homology.relativeBetti(sphere, f), "(D^" + n + ", S^" + (n - 1) + ")");
        assertArrayEquals(quotient, Homology.quotientBetti(sphere, f), "D^" + n + "/S^" + (n - 1));
      }
    }
  }

  private static int[] oneAt(int d, int top) {
    int[] b = new int[top + 1];
    b[d] = 1;
    return b;
  }

  /** Random complexes up to dimension 3: sparse reduction with twist and union-find = dense elimination. */
  @Test
  void reductionAgreesWithDenseElimination() {
    SplittableRandom r = new SplittableRandom(7);
    for (int trial = 0; trial < 60; trial++) {
      int n = 5 + r.nextInt(6);
      List<int[]> gens = new ArrayList<>();
      int count = 3 + r.nextInt(12);
      for (int g = 0; g < count; g++) {
        int size = 2 + r.nextInt(3);
        int[] s = r.ints(0, n).distinct().limit(size).toArray();
        gens.add(s);
      }
      SimplicialComplex k = SimplicialComplex.closureOf(n, gens);
      assertArrayEquals(DenseBetti.betti(k, 2), Homology.betti(k, Field.Z2), "trial " + trial);
      assertArrayEquals(DenseBetti.betti(k, Homology.P), Homology.betti(k, Field.Q), "trial " + trial);
      boolean[] marked = new boolean[n];
      for (int v = 0; v < n; v++) {
        marked[v] = r.nextBoolean();
      }
      Subcomplex l = Subcomplex.spannedBy(k, marked);
      assertArrayEquals(DenseBetti.relativeBetti(l, 2), Homology.relativeBetti(l, Field.Z2), "trial " + trial);
      assertArrayEquals(DenseBetti.relativeBetti(l, Homology.P), Homology.relativeBetti(l, Field.Q));
    }
  }

  /**
   * On random subcomplexes of the torus, the sphere and RP² (both vertex rules): the relative chain
   * complex and the cone give the same quotient (H̃(K ∪ CL) ≅ H(K, L)); χ(K) = χ(L) + χ(K, L); and,
   * on the orientable surfaces, Z/2 and Q agree (their subcomplexes and pairs are torsion-free).
   */
  @Test
  void relativeChainComplexAndConeAgree() {
    SplittableRandom r = new SplittableRandom(11);
    List<SimplicialComplex> spaces = List.of(new Manifold.Torus(2, 1, SPACE).build(new int[] {9, 7}).complex(),
        new Manifold.Sphere(1, SPACE).build(new int[] {4, 6}).complex(), projectivePlane(),
        new Manifold.Circle(1, PLANE).build(new int[] {12}).complex());
    for (SimplicialComplex k : spaces) {
      boolean orientable = k.vertexCount() != 6;
      for (int trial = 0; trial < 25; trial++) {
        double p = r.nextDouble();
        boolean[] marked = new boolean[k.vertexCount()];
        for (int v = 0; v < marked.length; v++) {
          marked[v] = r.nextDouble() < p;
        }
        for (Subcomplex l : List.of(Subcomplex.spannedBy(k, marked), Subcomplex.closedStarOf(k, marked))) {
          for (Field f : Field.values()) {
            int[] rel = Homology.relativeBetti(l, f);
            int[] viaCone = Homology.quotientBetti(l, f);
            assertArrayEquals(Homology.quotientFromRelative(rel, l.isEmpty()), viaCone);
            assertEquals(k.eulerCharacteristic(), chi(Homology.betti(l, f)) + chi(rel));
            if (l.isAll()) {
              assertArrayEquals(oneAt(0, k.dim()), viaCone); // K/K is a point
            }
          }
          if (orientable) {
            assertArrayEquals(Homology.betti(l, Field.Z2), Homology.betti(l, Field.Q));
            assertArrayEquals(Homology.relativeBetti(l, Field.Z2), Homology.relativeBetti(l, Field.Q));
          }
        }
      }
    }
    // the empty subcomplex: H(K, ∅) = H(K) and K/∅ = K
    SimplicialComplex t = spaces.get(0);
    Subcomplex none = Subcomplex.empty(t);
    assertTrue(none.isEmpty());
    assertArrayEquals(new int[] {1, 2, 1}, Homology.relativeBetti(none, Field.Q));
    assertArrayEquals(new int[] {1, 2, 1}, Homology.quotientBetti(none, Field.Q));
    assertArrayEquals(new int[] {0, 0, 0}, Homology.betti(none, Field.Q));
  }

  private static long chi(int[] betti) {
    long c = 0;
    for (int d = 0; d < betti.length; d++) {
      c += (d % 2 == 0 ? 1 : -1) * (long) betti[d];
    }
    return c;
  }

  /** Rips complexes of sample points: an evenly sampled circle at a small scale is a circle; two circles two. */
  @Test
  void ripsComplexOfSampledCircles() {
    int n = 60;
    double[] pts = new double[4 * n];
    for (int i = 0; i < n; i++) {
      double t = 2 * Math.PI * i / n;
      pts[2 * i] = Math.cos(t);
      pts[2 * i + 1] = Math.sin(t);
      pts[2 * (n + i)] = 5 + Math.cos(t);
      pts[2 * (n + i) + 1] = Math.sin(t);
    }
    // neighbours within 2 steps (chord 0.209 at 2 steps, 0.313 at 3): VR(C_60; 2) ≃ S¹ (2/60 < 1/3)
    EmbeddedComplex one = new Manifold.Points(java.util.Arrays.copyOf(pts, 2 * n), 2, 1, 0.25).build(new int[0]);
    assertEquals(2, one.complex().dim());
    assertBetti(new int[] {1, 1, 0}, one.complex());
    EmbeddedComplex two = new Manifold.Points(pts, 2, 1, 0.25).build(new int[0]);
    assertBetti(new int[] {2, 2, 0}, two.complex());
    assertFalse(two.embedding().isEmpty());
  }
}
