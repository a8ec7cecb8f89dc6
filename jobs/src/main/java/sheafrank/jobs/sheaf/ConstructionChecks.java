package sheafrank.jobs.sheaf;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.linalg.Dense;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.HarmonicSolver;
import sheafrank.sheaf.NeuralSheaf;
import sheafrank.sheaf.SheafLayout;
import sheafrank.util.Rng;

/**
 * S1, the construction checks of seed 001 on random networks (depths 1..max_depth, widths up to
 * max_width, every output activation): for the forward pattern and random patterns, the coboundary
 * restricted to the free stalks is square and unitriangular with determinant 1, the restricted
 * Laplacian is positive definite (its spectrum's ends), and the exact harmonic extension equals the
 * forward pass.
 */
final class ConstructionChecks {
  private ConstructionChecks() {}

  static final long KEY_CHECK_NET = 3;

  record Settings(long seed, int maxDepth, int maxWidth, int patterns) implements java.io.Serializable {}

  static final StructType SCHEMA = new StructType()
      .add("network_id", DataTypes.LongType, false)
      .add("widths", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("output", DataTypes.StringType, false)
      .add("pattern_id", DataTypes.IntegerType, false)
      .add("pattern_kind", DataTypes.StringType, false)
      .add("free_dim", DataTypes.IntegerType, false)
      .add("edge_dim", DataTypes.IntegerType, false)
      .add("square", DataTypes.BooleanType, false)
      .add("unitriangular", DataTypes.BooleanType, false)
      .add("det", DataTypes.DoubleType, false)
      .add("det_error", DataTypes.DoubleType, false)
      .add("lambda_min", DataTypes.DoubleType, false)
      .add("lambda_max", DataTypes.DoubleType, false)
      .add("positive_definite", DataTypes.BooleanType, false)
      .add("exact_vs_forward_error", DataTypes.DoubleType, true);

  /** S1 for one random network: the forward pattern and random patterns. */
  static List<Row> of(Settings cs, long netId) {
    SplittableRandom r = Rng.stream(cs.seed(), KEY_CHECK_NET, netId);
    int depth = 1 + (int) (netId % cs.maxDepth());
    OutputActivation out = OutputActivation.values()[(int) ((netId / cs.maxDepth()) % 3)];
    int[] widths = new int[depth + 1];
    widths[0] = 1 + r.nextInt(Math.min(cs.maxWidth(), 10));
    for (int i = 1; i < depth; i++) {
      widths[i] = 1 + r.nextInt(cs.maxWidth());
    }
    widths[depth] = out == OutputActivation.SIGMOID ? 1 : 1 + r.nextInt(Math.min(cs.maxWidth(), 10));
    Mlp net = Mlp.heNormal(widths, out, r);
    for (int l = 0; l < net.depth(); l++) {
      double[] b = net.bias(l);
      for (int i = 0; i < b.length; i++) {
        b[i] = 0.1 * r.nextGaussian();
      }
    }
    double[] x = new double[widths[0]];
    Rng.uniform(r, -2, 2, x);
    Mlp.Forward f = net.forward(x);
    boolean outputVertex = out != OutputActivation.IDENTITY;
    SheafLayout layout = new SheafLayout(widths, outputVertex);
    List<Row> rows = new ArrayList<>();
    for (int p = 0; p <= cs.patterns(); p++) {
      boolean[][] pattern;
      if (p == 0) {
        pattern = NeuralSheaf.forwardPattern(f);
      } else {
        pattern = new boolean[depth - 1][];
        for (int l = 0; l < depth - 1; l++) {
          pattern[l] = new boolean[widths[l + 1]];
          for (int i = 0; i < pattern[l].length; i++) {
            pattern[l][i] = r.nextBoolean();
          }
        }
      }
      NeuralSheaf sh = NeuralSheaf.build(net, x, pattern, outputVertex, false, null, f.lastPreActivation());
      int nf = sh.freeDim();
      int ne = sh.edgeDim();
      boolean square = nf == ne;
      double[] d = sh.deltaOmega();
      boolean unitri = square && unitriangular(d, nf, layout);
      double det = square ? Dense.determinant(d, nf) : Double.NaN;
      double[] lap = sh.laplacianOmega();
      boolean pd = Dense.cholesky(lap.clone(), nf);
      Dense.SymmetricEigen eig = Dense.symmetricEigen(lap, nf, false);
      Double exactErr = null;
      if (p == 0) {
        double[] exact = new HarmonicSolver(layout).solveInputBoundary(net, x, pattern);
        exactErr = InferenceSamples.maxAbsDiff(exact, layout.forwardCochain(net, x), 0, layout.dim());
      }
      rows.add(RowFactory.create(netId, widths, out.id(), p, p == 0 ? "forward" : "random", nf, ne,
          square, unitri, det, Math.abs(det - 1), eig.values()[0], eig.values()[nf - 1], pd, exactErr));
    }
    return rows;
  }

  /** Edge block i has an identity block on vertex block i and zeros to its right. */
  static boolean unitriangular(double[] d, int n, SheafLayout layout) {
    int off = 0;
    for (SheafLayout.Edge e : layout.edges()) {
      for (int i = 0; i < e.dim(); i++) {
        int row = (off + i) * n;
        for (int j = off; j < n; j++) {
          double expected = (j - off == i) ? 1.0 : 0.0;
          if (d[row + j] != expected) {
            return false;
          }
        }
      }
      off += e.dim();
    }
    return off == n;
  }
}
