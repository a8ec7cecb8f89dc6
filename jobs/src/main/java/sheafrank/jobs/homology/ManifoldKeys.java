package sheafrank.jobs.homology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;
import sheafrank.topology.Manifold;

/** The manifold keys of the homology job and the {@link Manifold} they describe (no Spark). */
final class ManifoldKeys {
  private ManifoldKeys() {}

  static List<Param> params() {
    return List.of(
        Param.of("manifold", Type.STRING, null, "circle, torus, sphere, or points (a user's sample)")
            .oneOf("circle", "torus", "sphere", "points"),
        Param.of("manifold.resolution", Type.INT_LIST_LIST, "[]",
            "triangulations to run, one work-unit set each: circle [[n]], torus [[a, b]] (vertices around the "
                + "outer and the inner loop), sphere [[rings, segments]]; [] for points"),
        Param.of("manifold.radius", Type.DOUBLE, "1.0", "circle and sphere radius; torus major radius R").positive(),
        Param.of("manifold.tube_radius", Type.DOUBLE, "0.5", "torus minor radius r, 0 < r < R").positive(),
        Param.of("manifold.center", Type.DOUBLE_LIST, "[]", "center in R^m ([] = the origin)"),
        Param.of("manifold.ambient_dim", Type.INT, "0",
            "m, the input dimension: 0 = the standard embedding's (circle 2, torus and sphere 3); larger m maps "
                + "it in by a random orthonormal frame from the seed").nonNegative(),
        Param.of("manifold.points", Type.STRING, "\"\"",
            "points: a text file, one point per line, coordinates separated by commas or blanks"),
        Param.of("manifold.points_dim", Type.INT, "1", "points: the dimension of the manifold they sample").positive(),
        Param.of("manifold.rips_scale", Type.DOUBLE, "0.0",
            "points: the Vietoris-Rips scale (simplices of points pairwise within it)").nonNegative());
  }

  static Manifold manifold(Spec spec) {
    String kind = spec.getString("manifold");
    if (kind.equals("points")) {
      String file = spec.getString("manifold.points");
      if (file.isEmpty()) {
        throw new ConfigException("config key 'manifold.points' is required for manifold = points (a points file)");
      }
      double[][] pts = readPoints("manifold.points", file);
      int m = pts[0].length;
      double eps = spec.getDouble("manifold.rips_scale");
      if (!(eps > 0)) {
        throw new ConfigException("config key 'manifold.rips_scale' must be > 0 for manifold = points, got " + eps);
      }
      int dim = spec.getInt("manifold.points_dim");
      if (dim > m) {
        throw new ConfigException("config key 'manifold.points_dim': " + dim + " exceeds the points' dimension " + m);
      }
      double[] flat = new double[pts.length * m];
      for (int i = 0; i < pts.length; i++) {
        System.arraycopy(pts[i], 0, flat, i * m, m);
      }
      return new Manifold.Points(flat, m, dim, eps);
    }
    int e = kind.equals("circle") ? 2 : 3;
    int m = spec.getInt("manifold.ambient_dim") == 0 ? e : spec.getInt("manifold.ambient_dim");
    if (m < e) {
      throw new ConfigException("config key 'manifold.ambient_dim': the " + kind + " is embedded in R^" + e
          + ", so the ambient dimension must be >= " + e + " (or 0), got " + m);
    }
    double[] center = spec.getDoubleList("manifold.center");
    if (center.length != 0 && center.length != m) {
      throw new ConfigException("config key 'manifold.center': " + center.length + " coordinates for a " + kind
          + " in R^" + m + " (give " + m + " or none)");
    }
    double r = spec.getDouble("manifold.radius");
    double tube = spec.getDouble("manifold.tube_radius");
    Manifold.Placement place = new Manifold.Placement(m, center, spec.getLong("seed"));
    switch (kind) {
      case "circle":
        return new Manifold.Circle(r, place);
      case "sphere":
        return new Manifold.Sphere(r, place);
      default:
        if (!(tube < r)) {
          throw new ConfigException("config key 'manifold.tube_radius': the torus's minor radius " + tube
              + " must be below its major radius manifold.radius = " + r + " (else it intersects itself)");
        }
        return new Manifold.Torus(r, tube, place);
    }
  }

  static List<int[]> resolutions(Spec spec, Manifold manifold) {
    int[][] res = spec.getIntListList("manifold.resolution");
    if (manifold instanceof Manifold.Points) {
      if (res.length != 0) {
        throw new ConfigException("config key 'manifold.resolution': points take no resolution (their complex is "
            + "the Rips complex at manifold.rips_scale), got " + Arrays.deepToString(res));
      }
      return List.of(new int[0]);
    }
    if (res.length == 0) {
      throw new ConfigException("config key 'manifold.resolution' is required for the " + manifold.name()
          + ", e.g. " + (manifold instanceof Manifold.Circle ? "[[360]]" : "[[100, 100]]"));
    }
    List<int[]> out = new ArrayList<>();
    for (int[] r : res) {
      try {
        manifold.checkResolution(r);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'manifold.resolution': " + e.getMessage());
      }
      for (int[] seen : out) {
        if (Arrays.equals(seen, r)) {
          throw new ConfigException("config key 'manifold.resolution': " + Arrays.toString(r) + " is listed twice");
        }
      }
      out.add(r.clone());
    }
    return out;
  }

  /** Reads a points file: one point per line, coordinates separated by commas or blanks, '#' comments. */
  static double[][] readPoints(String key, String file) {
    List<String> lines;
    try {
      if (!Files.isRegularFile(Paths.get(file))) {
        throw new ConfigException("config key '" + key + "': points file " + file + " does not exist or is not a file");
      }
      lines = Files.readAllLines(Paths.get(file));
    } catch (IOException e) {
      throw new ConfigException("config key '" + key + "': cannot read points file " + file + ": " + e.getMessage(), e);
    }
    List<double[]> pts = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String s = lines.get(i).replaceAll("#.*", "").trim();
      if (s.isEmpty()) {
        continue;
      }
      String[] parts = s.split("[,\\s]+");
      double[] p = new double[parts.length];
      try {
        for (int j = 0; j < parts.length; j++) {
          p[j] = Double.parseDouble(parts[j]);
          if (!Double.isFinite(p[j])) {
            throw new NumberFormatException();
          }
        }
      } catch (NumberFormatException e) {
        throw new ConfigException("config key '" + key + "': points file " + file + " line " + (i + 1)
            + ": expected finite numbers, got '" + s + "'");
      }
      if (!pts.isEmpty() && p.length != pts.get(0).length) {
        throw new ConfigException("config key '" + key + "': points file " + file + " line " + (i + 1) + " has "
            + p.length + " coordinates, the first point " + pts.get(0).length);
      }
      pts.add(p);
    }
    if (pts.isEmpty()) {
      throw new ConfigException("config key '" + key + "': points file " + file + " has no points");
    }
    return pts.toArray(new double[0][]);
  }
}
