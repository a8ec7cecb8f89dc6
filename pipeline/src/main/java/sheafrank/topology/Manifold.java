package sheafrank.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import sheafrank.util.Rng;

/**
 * The manifolds of seed 003 (circle, torus; the sphere for checks) triangulated at a chosen
 * resolution and embedded in R^m, and complexes built from a user's sample points.
 *
 * <p>Triangulations (all are combinatorial manifolds at every allowed resolution):
 *
 * <ul>
 *   <li>circle, resolution [n], n &gt;= 3: vertices i = 0..n-1 at θ_i = 2πi/n, edges {i, i+1 mod n};
 *       standard embedding r (cos θ, sin θ) in R^2.
 *   <li>torus, resolution [a, b], a, b &gt;= 3: vertex (i, j) = i b + j at θ_i = 2πi/a (around the
 *       central axis: the outer loop, a longitude) and φ_j = 2πj/b (around the tube: the inner loop,
 *       a meridian); each grid square [i, i+1] x [j, j+1] (indices mod a, b) split by its diagonal
 *       (i, j)-(i+1, j+1) into two triangles; standard embedding
 *       ((R + r cos φ) cos θ, (R + r cos φ) sin θ, r sin φ) in R^3, 0 &lt; r &lt; R. With a or b
 *       below 3 two grid vertices would span two different edges: no simplicial complex.
 *   <li>sphere, resolution [rings, segments], rings &gt;= 1, segments &gt;= 3: north pole,
 *       {@code rings} circles of latitude ϑ_i = π i/(rings+1) with {@code segments} vertices each,
 *       south pole; fans at the poles, split squares between rings; standard embedding
 *       r (sin ϑ cos φ, sin ϑ sin φ, cos ϑ) in R^3.
 *   <li>points: the Vietoris-Rips complex of the user's points at scale ε (a simplex for every set
 *       of points pairwise within ε) up to dimension {@code dim + 1} (so that small spurious
 *       top-dimensional cycles are filled); resolution [].
 * </ul>
 *
 * <p>Placement: the standard embedding lives in R^e (e = {@link #embeddingDim()}); with an ambient
 * dimension m &gt; e it is mapped isometrically into R^m by a fixed orthonormal frame drawn from
 * {@code Rng.stream(frameSeed, FRAME_KEY)} (Gram-Schmidt on Gaussian columns), then shifted by the
 * center.
 */
public sealed interface Manifold extends java.io.Serializable
    permits Manifold.Circle, Manifold.Torus, Manifold.Sphere, Manifold.Points {

  /** Key of the random frame stream. */
  long FRAME_KEY = 0x4652414d45L; // "FRAME"

  /** circle, torus, sphere or points. */
  String name();

  /** Dimension of the manifold. */
  int dim();

  /** The dimension of the standard embedding (the paper's minimal embedding dimension m). */
  int embeddingDim();

  /** The dimension of the coordinates handed to a network. */
  int ambientDim();

  /** Checks a resolution; IllegalArgumentException says what is wrong. */
  void checkResolution(int[] resolution);

  /** The embedded complex at this resolution. */
  EmbeddedComplex build(int[] resolution);

  /** Where the standard embedding goes: ambient dimension, center, frame seed. */
  record Placement(int ambientDim, double[] center, long frameSeed) implements java.io.Serializable {
    /** Checks the placement for a standard embedding in R^e. */
    void check(int e) {
      if (ambientDim < e) {
        throw new IllegalArgumentException("ambient dimension " + ambientDim + " is below the embedding dimension " + e);
      }
      if (center.length != 0 && center.length != ambientDim) {
        throw new IllegalArgumentException("center has " + center.length + " coordinates, the ambient space "
            + ambientDim);
      }
      for (double c : center) {
        if (!Double.isFinite(c)) {
          throw new IllegalArgumentException("center has a non-finite coordinate " + c);
        }
      }
    }

    /** Maps n points of R^e (flat) into R^m. */
    double[] place(double[] std, int e) {
      int n = std.length / e;
      int m = ambientDim;
      double[] frame = frame(e); // m x e, row-major, orthonormal columns
      double[] out = new double[n * m];
      for (int v = 0; v < n; v++) {
        for (int i = 0; i < m; i++) {
          double s = center.length == 0 ? 0 : center[i];
          for (int t = 0; t < e; t++) {
            s += frame[i * e + t] * std[v * e + t];
          }
          out[v * m + i] = s;
        }
      }
      return out;
    }

    private double[] frame(int e) {
      int m = ambientDim;
      double[] q = new double[m * e];
      if (m == e) {
        for (int i = 0; i < e; i++) {
          q[i * e + i] = 1;
        }
        return q;
      }
      SplittableRandom r = Rng.stream(frameSeed, FRAME_KEY, m, e);
      for (int t = 0; t < e; t++) {
        double norm;
        do {
          for (int i = 0; i < m; i++) {
            q[i * e + t] = r.nextGaussian();
          }
          for (int s = 0; s < t; s++) { // modified Gram-Schmidt, twice for stability
            for (int pass = 0; pass < 2; pass++) {
              double dot = 0;
              for (int i = 0; i < m; i++) {
                dot += q[i * e + s] * q[i * e + t];
              }
              for (int i = 0; i < m; i++) {
                q[i * e + t] -= dot * q[i * e + s];
              }
            }
          }
          norm = 0;
          for (int i = 0; i < m; i++) {
            norm += q[i * e + t] * q[i * e + t];
          }
          norm = Math.sqrt(norm);
        } while (norm < 1e-8);
        for (int i = 0; i < m; i++) {
          q[i * e + t] /= norm;
        }
      }
      return q;
    }

    String describe(int e) {
      String c = center.length == 0 ? "" : " + " + Arrays.toString(center);
      return (ambientDim == e ? "" : ", mapped into R^" + ambientDim + " by a random orthonormal frame") + c;
    }
  }

  private static void positive(String what, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(what + " must be a positive number, got " + v);
    }
  }

  private static void length(String name, int[] resolution, int n, String form) {
    if (resolution.length != n) {
      throw new IllegalArgumentException(name + " resolution must be " + form + ", got " + Arrays.toString(resolution));
    }
  }

  /** The circle of radius r. */
  record Circle(double radius, Placement placement) implements Manifold {
    public Circle {
      positive("circle radius", radius);
      placement.check(2);
    }

    @Override
    public String name() {
      return "circle";
    }

    @Override
    public int dim() {
      return 1;
    }

    @Override
    public int embeddingDim() {
      return 2;
    }

    @Override
    public int ambientDim() {
      return placement.ambientDim();
    }

    @Override
    public void checkResolution(int[] res) {
      length("circle", res, 1, "[n] (vertices)");
      if (res[0] < 3) {
        throw new IllegalArgumentException("a triangulated circle needs n >= 3 vertices, got " + res[0]);
      }
    }

    @Override
    public EmbeddedComplex build(int[] res) {
      checkResolution(res);
      int n = res[0];
      List<int[]> edges = new ArrayList<>();
      double[] std = new double[2 * n];
      for (int i = 0; i < n; i++) {
        edges.add(new int[] {i, (i + 1) % n});
        double t = 2 * Math.PI * i / n;
        std[2 * i] = radius * Math.cos(t);
        std[2 * i + 1] = radius * Math.sin(t);
      }
      return new EmbeddedComplex(SimplicialComplex.closureOf(n, edges), 1, 2, ambientDim(), placement.place(std, 2),
          String.format(Locale.ROOT, "%s (cos t, sin t), t = 2 pi i/%d%s", num(radius), n, placement.describe(2)));
    }
  }

  /** The torus with major radius R (center of the tube) and minor radius r (the tube), 0 &lt; r &lt; R. */
  record Torus(double majorRadius, double minorRadius, Placement placement) implements Manifold {
    public Torus {
      positive("torus major radius", majorRadius);
      positive("torus minor radius", minorRadius);
      if (!(minorRadius < majorRadius)) {
        throw new IllegalArgumentException("torus minor radius " + minorRadius + " must be below the major radius "
            + majorRadius + " (else the surface intersects itself)");
      }
      placement.check(3);
    }

    @Override
    public String name() {
      return "torus";
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public int embeddingDim() {
      return 3;
    }

    @Override
    public int ambientDim() {
      return placement.ambientDim();
    }

    @Override
    public void checkResolution(int[] res) {
      length("torus", res, 2, "[a, b] (vertices around the outer and the inner loop)");
      if (res[0] < 3 || res[1] < 3) {
        throw new IllegalArgumentException("a triangulated torus needs a, b >= 3, got " + Arrays.toString(res));
      }
    }

    /** Vertex id of grid point (i, j), indices taken mod a and b. */
    public static int vertex(int i, int j, int a, int b) {
      return Math.floorMod(i, a) * b + Math.floorMod(j, b);
    }

    @Override
    public EmbeddedComplex build(int[] res) {
      checkResolution(res);
      int a = res[0];
      int b = res[1];
      List<int[]> tri = new ArrayList<>(2 * a * b);
      double[] std = new double[3 * a * b];
      for (int i = 0; i < a; i++) {
        double th = 2 * Math.PI * i / a;
        for (int j = 0; j < b; j++) {
          double ph = 2 * Math.PI * j / b;
          int v = vertex(i, j, a, b);
          double rho = majorRadius + minorRadius * Math.cos(ph);
          std[3 * v] = rho * Math.cos(th);
          std[3 * v + 1] = rho * Math.sin(th);
          std[3 * v + 2] = minorRadius * Math.sin(ph);
          int d = vertex(i + 1, j + 1, a, b);
          tri.add(new int[] {v, vertex(i + 1, j, a, b), d});
          tri.add(new int[] {v, vertex(i, j + 1, a, b), d});
        }
      }
      return new EmbeddedComplex(SimplicialComplex.closureOf(a * b, tri), 2, 3, ambientDim(), placement.place(std, 3),
          String.format(Locale.ROOT, "((%s + %s cos p) cos t, (%s + %s cos p) sin t, %s sin p), t = 2 pi i/%d, "
              + "p = 2 pi j/%d%s", num(majorRadius), num(minorRadius), num(majorRadius), num(minorRadius),
              num(minorRadius), a, b, placement.describe(3)));
    }
  }

  /** The round sphere of radius r. */
  record Sphere(double radius, Placement placement) implements Manifold {
    public Sphere {
      positive("sphere radius", radius);
      placement.check(3);
    }

    @Override
    public String name() {
      return "sphere";
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public int embeddingDim() {
      return 3;
    }

    @Override
    public int ambientDim() {
      return placement.ambientDim();
    }

    @Override
    public void checkResolution(int[] res) {
      length("sphere", res, 2, "[rings, segments]");
      if (res[0] < 1 || res[1] < 3) {
        throw new IllegalArgumentException("a triangulated sphere needs rings >= 1 and segments >= 3, got "
            + Arrays.toString(res));
      }
    }

    @Override
    public EmbeddedComplex build(int[] res) {
      checkResolution(res);
      int rings = res[0];
      int s = res[1];
      int n = rings * s + 2;
      int north = 0;
      int south = n - 1;
      double[] std = new double[3 * n];
      std[2] = radius;
      std[3 * south + 2] = -radius;
      List<int[]> tri = new ArrayList<>();
      for (int i = 0; i < rings; i++) {
        double th = Math.PI * (i + 1) / (rings + 1);
        for (int j = 0; j < s; j++) {
          int v = 1 + i * s + j;
          int vn = 1 + i * s + (j + 1) % s;
          double ph = 2 * Math.PI * j / s;
          std[3 * v] = radius * Math.sin(th) * Math.cos(ph);
          std[3 * v + 1] = radius * Math.sin(th) * Math.sin(ph);
          std[3 * v + 2] = radius * Math.cos(th);
          if (i == 0) {
            tri.add(new int[] {north, v, vn});
          }
          if (i == rings - 1) {
            tri.add(new int[] {v, vn, south});
          } else {
            int w = v + s;
            int wn = vn + s;
            tri.add(new int[] {v, vn, wn});
            tri.add(new int[] {v, w, wn});
          }
        }
      }
      return new EmbeddedComplex(SimplicialComplex.closureOf(n, tri), 2, 3, ambientDim(), placement.place(std, 3),
          String.format(Locale.ROOT, "%s (sin u cos p, sin u sin p, cos u), u = pi i/%d, p = 2 pi j/%d, poles%s",
              num(radius), rings + 1, s, placement.describe(3)));
    }
  }

  /**
   * Sample points (flat, {@code coordinates.length / m} points of R^m) of a manifold of dimension
   * {@code dim}; the complex is their Vietoris-Rips complex at scale {@code epsilon}.
   */
  record Points(double[] coordinates, int m, int dim, double epsilon) implements Manifold {
    public Points {
      if (m < 1 || coordinates.length == 0 || coordinates.length % m != 0) {
        throw new IllegalArgumentException("points need at least one point of dimension >= 1, got "
            + coordinates.length + " values for dimension " + m);
      }
      for (int i = 0; i < coordinates.length; i++) {
        if (!Double.isFinite(coordinates[i])) {
          throw new IllegalArgumentException("point " + i / m + " has a non-finite coordinate " + coordinates[i]);
        }
      }
      if (dim < 1 || dim > m) {
        throw new IllegalArgumentException("manifold dimension must be between 1 and the points' dimension " + m
            + ", got " + dim);
      }
      positive("Rips scale", epsilon);
    }

    @Override
    public String name() {
      return "points";
    }

    @Override
    public int embeddingDim() {
      return m;
    }

    @Override
    public int ambientDim() {
      return m;
    }

    @Override
    public void checkResolution(int[] res) {
      if (res.length != 0) {
        throw new IllegalArgumentException("points take no resolution (the complex is their Rips complex), got "
            + Arrays.toString(res));
      }
    }

    @Override
    public EmbeddedComplex build(int[] res) {
      checkResolution(res);
      SimplicialComplex k = Rips.complex(coordinates, m, epsilon, dim + 1);
      return new EmbeddedComplex(k, dim, m, m, coordinates.clone(), String.format(Locale.ROOT,
          "%d points in R^%d, Vietoris-Rips complex at scale %s up to dimension %d", k.vertexCount(), m,
          num(epsilon), dim + 1));
    }
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
