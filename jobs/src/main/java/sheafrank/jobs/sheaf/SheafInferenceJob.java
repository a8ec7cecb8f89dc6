package sheafrank.jobs.sheaf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.diffusion.BatchHeatEquation;
import sheafrank.diffusion.HeatEquation;
import sheafrank.diffusion.OutputEdge;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;
import sheafrank.linalg.Dense;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.HarmonicSolver;
import sheafrank.sheaf.NeuralSheaf;
import sheafrank.sheaf.SheafLayout;
import sheafrank.util.Rng;

/**
 * S1-S5: inference by sheaf diffusion (seed 001 §4, eq. 18 and 22) against the exact harmonic
 * extension (one block-tridiagonal solve, App. A.1) and the forward pass (Prop. 3.4), over inputs
 * generated on the executors from (seed, index); traces of a few samples (discord by edge, output
 * stalk, layer-1 trajectory, every ReLU boundary crossing); construction checks on random networks.
 */
public final class SheafInferenceJob implements Job {
  static final long KEY_INPUT = 1;
  static final long KEY_COCHAIN = 2;
  static final long KEY_CHECK_NET = 3;

  @Override
  public String name() {
    return "sheaf-inference";
  }

  @Override
  public String description() {
    return "Inference by sheaf diffusion (forward Euler of the heat equation, eq. 18/22) from a "
        + "random, zero or forward-pass cochain, compared per sample with the exact harmonic "
        + "extension (block-tridiagonal solve) and the forward pass. Optional traces (S2-S4) and "
        + "construction checks (S1).";
  }

  @Override
  public List<Param> params() {
    List<Param> p = new ArrayList<>(NetworkParams.params("[2, 4, 1]", "identity"));
    p.add(Param.of("inputs.count", Type.LONG, "1000", "number of input points").nonNegative());
    p.add(Param.of("inputs.low", Type.DOUBLE, "-2.0", "inputs are uniform in [low, high]^n0"));
    p.add(Param.of("inputs.high", Type.DOUBLE, "2.0", "upper end of the input box"));
    p.add(Param.of("alpha", Type.DOUBLE, "1.0", "diffusion rate alpha").positive());
    p.add(Param.of("dt", Type.DOUBLE, "0.01", "Euler step").positive());
    p.add(Param.of("max_steps", Type.LONG, "100000", "Euler steps at most per sample").positive());
    p.add(Param.of("tolerance", Type.DOUBLE, "1e-9",
        "a sample has converged when max |cochain - exact| <= tolerance").positive());
    p.add(Param.of("init", Type.STRING, "random", "initial free stalks: random (N(0,1)), zeros, forward_pass")
        .oneOf("random", "zeros", "forward_pass"));
    p.add(Param.of("identity_output_edge", Type.BOOL, "false",
        "model the output edge and stalk y also for identity output (the paper eliminates it)"));
    p.add(Param.of("traces.count", Type.INT, "0", "samples (ids 0..count-1) whose trajectories are traced").nonNegative());
    p.add(Param.of("traces.steps", Type.LONG, "10000", "Euler steps of each trace").positive());
    p.add(Param.of("traces.every", Type.INT, "10", "record the trace every this many steps").positive());
    p.add(Param.of("traces.sliding_window", Type.INT, "10",
        "a crossing of a coordinate within this many steps of its previous one counts as sliding").positive());
    p.add(Param.of("checks.networks", Type.INT, "0", "random networks for the construction checks (S1)").nonNegative());
    p.add(Param.of("checks.max_depth", Type.INT, "4", "checks: depths 1..max_depth").positive());
    p.add(Param.of("checks.max_width", Type.INT, "100", "checks: widths up to this").positive());
    p.add(Param.of("checks.patterns", Type.INT, "4", "checks: random activation patterns per network besides the forward one").nonNegative());
    return p;
  }

  @Override
  public List<String> tables() {
    return List.of(
        "inference_samples: sample_id, input, forward_output, exact_output, diffusion_output, "
            + "max_abs_error, output_abs_error, exact_vs_forward_error, self_consistent, iterations, "
            + "converged, final_discord, status",
        "inference_trace: sample_id, step, t, total_discord, weight_discord, activation_discord, "
            + "output_discord, output, z1",
        "inference_trace_edges: sample_id, step, edge, edge_kind, layer, discord",
        "relu_crossings: sample_id, step, layer, neuron, coordinate, direction, z_before, z_after, "
            + "steps_since_previous, sliding",
        "construction_checks: network_id, widths, output, pattern_id, pattern_kind, free_dim, "
            + "edge_dim, square, unitriangular, det, det_error, lambda_min, lambda_max, "
            + "positive_definite, exact_vs_forward_error");
  }

  @Override
  public Spec resolve(Spec spec) {
    return NetworkParams.resolve(spec);
  }

  @Override
  public void validate(Spec spec) {
    NetworkParams.validate(spec);
    if (!(spec.getDouble("inputs.low") < spec.getDouble("inputs.high"))) {
      throw new ConfigException("config keys 'inputs.low' and 'inputs.high': need low < high, got "
          + spec.getDouble("inputs.low") + " and " + spec.getDouble("inputs.high"));
    }
    if (spec.getInt("traces.count") > spec.getLong("inputs.count")) {
      throw new ConfigException("config key 'traces.count': " + spec.getInt("traces.count")
          + " traces but only " + spec.getLong("inputs.count") + " inputs");
    }
  }

  /** Everything an executor needs, serialisable. */
  record Setup(Mlp net, boolean outputEdge, long seed, double low, double high, double alpha,
      double dt, long maxSteps, double tol, String init) implements java.io.Serializable {
    SheafLayout layout() {
      return SheafLayout.forInference(net, outputEdge);
    }

    HeatEquation heat(SheafLayout layout) {
      return new HeatEquation(net, layout, alpha, null,
          layout.hasOutputVertex() ? OutputEdge.adjoint(net.output()) : null);
    }

    double[] input(long id) {
      double[] x = new double[net.inputDim()];
      Rng.uniform(Rng.stream(seed, KEY_INPUT, id), low, high, x);
      return x;
    }

    /** Initial cochain of sample id (input stalk set). */
    void initialCochain(long id, double[] x, double[] fwd, double[] c, SheafLayout layout) {
      switch (init) {
        case "forward_pass" -> System.arraycopy(fwd, 0, c, 0, c.length);
        case "zeros" -> java.util.Arrays.fill(c, 0.0);
        default -> {
          SplittableRandom r = Rng.stream(seed, KEY_COCHAIN, id);
          for (int i = 0; i < c.length; i++) {
            c[i] = r.nextGaussian();
          }
        }
      }
      System.arraycopy(x, 0, c, 0, x.length);
    }
  }

  @Override
  public long run(JobContext ctx, Spec spec) {
    Mlp net = NetworkParams.build(spec);
    Setup setup = new Setup(net, spec.getBool("identity_output_edge"), spec.getLong("seed"),
        spec.getDouble("inputs.low"), spec.getDouble("inputs.high"), spec.getDouble("alpha"),
        spec.getDouble("dt"), spec.getLong("max_steps"), spec.getDouble("tolerance"), spec.getString("init"));
    long n = spec.getLong("inputs.count");
    Dataset<Row> samples = ctx.spark().range(0, n, 1, ctx.partitions())
        .mapPartitions((MapPartitionsFunction<Long, Row>) ids -> samplePartition(setup, ids),
            Encoders.row(SAMPLES));
    ctx.write("inference_samples", samples);
    long failed = ctx.readStaged("inference_samples")
        .filter("status <> 'converged'").count();

    int traces = spec.getInt("traces.count");
    if (traces > 0) {
      TraceSettings ts = new TraceSettings(spec.getLong("traces.steps"), spec.getInt("traces.every"),
          spec.getInt("traces.sliding_window"));
      int parts = Math.min(traces, ctx.partitions());
      // Each table re-runs the (cheap, deterministic) traces rather than caching a union.
      for (Traces.Kind kind : Traces.Kind.values()) {
        Dataset<Row> rows = ctx.spark().range(0, traces, 1, parts)
            .flatMap((FlatMapFunction<Long, Row>) id -> Traces.trace(setup, ts, id, kind).iterator(),
                Encoders.row(kind.schema));
        ctx.write(kind.table, rows);
      }
    }
    int nets = spec.getInt("checks.networks");
    if (nets > 0) {
      CheckSettings cs = new CheckSettings(spec.getLong("seed"), spec.getInt("checks.max_depth"),
          spec.getInt("checks.max_width"), spec.getInt("checks.patterns"));
      Dataset<Row> checks = ctx.spark().range(0, nets, 1, Math.min(nets, ctx.partitions()))
          .flatMap((FlatMapFunction<Long, Row>) id -> constructionChecks(cs, id).iterator(),
              Encoders.row(CHECKS));
      ctx.write("construction_checks", checks);
    }
    return failed;
  }

  static final StructType SAMPLES = new StructType()
      .add("sample_id", DataTypes.LongType, false)
      .add("input", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("forward_output", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("exact_output", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("diffusion_output", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("max_abs_error", DataTypes.DoubleType, false)
      .add("output_abs_error", DataTypes.DoubleType, false)
      .add("exact_vs_forward_error", DataTypes.DoubleType, false)
      .add("self_consistent", DataTypes.BooleanType, false)
      .add("iterations", DataTypes.LongType, true)
      .add("converged", DataTypes.BooleanType, false)
      .add("final_discord", DataTypes.DoubleType, false)
      .add("status", DataTypes.StringType, false);

  static final int CHUNK = 256;

  /**
   * Samples of one partition, in chunks integrated together by the batch-major kernel. A sample's
   * result is taken at the first step its cochain is within tolerance of the exact solution (its
   * trajectory does not depend on the chunk it is in).
   */
  static Iterator<Row> samplePartition(Setup setup, Iterator<Long> ids) {
    SheafLayout layout = setup.layout();
    HeatEquation ref = setup.heat(layout);
    HarmonicSolver solver = new HarmonicSolver(layout);
    Mlp net = setup.net();
    int dim = layout.dim();
    int outOff = layout.outputStalkOffset();
    int m = net.outputDim();
    double[] disc = new double[ref.discordSlots()];
    return new Iterator<>() {
      final List<Row> ready = new ArrayList<>();
      int pos = 0;

      @Override
      public boolean hasNext() {
        if (pos < ready.size()) {
          return true;
        }
        ready.clear();
        pos = 0;
        List<Long> chunk = new ArrayList<>();
        while (ids.hasNext() && chunk.size() < CHUNK) {
          chunk.add(ids.next());
        }
        if (!chunk.isEmpty()) {
          runChunk(chunk);
        }
        return pos < ready.size();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return ready.get(pos++);
      }

      private void runChunk(List<Long> chunk) {
        int b = chunk.size();
        BatchHeatEquation heat = new BatchHeatEquation(net, layout, setup.alpha(), b);
        double[] init = new double[b * dim];
        double[] exactSm = new double[b * dim];
        double[][] xs = new double[b][];
        double[][] fwdOut = new double[b][];
        double[] exactVsForward = new double[b];
        boolean[] selfConsistent = new boolean[b];
        double[] c = new double[dim];
        for (int s = 0; s < b; s++) {
          long id = chunk.get(s);
          double[] x = setup.input(id);
          Mlp.Forward f = net.forward(x);
          double[] fwd = new double[dim];
          layout.writeForward(f, fwd, 0);
          boolean[][] pattern = NeuralSheaf.forwardPattern(f);
          double[] exact = solver.solveInputBoundary(net, x, pattern);
          exactVsForward[s] = maxAbsDiff(exact, fwd, 0, dim);
          boolean sc = true;
          for (int l = 0; l < pattern.length; l++) {
            for (int i = 0; i < pattern[l].length; i++) {
              sc &= (exact[layout.zOffset(l) + i] >= 0) == pattern[l][i];
            }
          }
          selfConsistent[s] = sc;
          setup.initialCochain(id, x, fwd, c, layout);
          System.arraycopy(c, 0, init, s * dim, dim);
          System.arraycopy(exact, 0, exactSm, s * dim, dim);
          xs[s] = x;
          fwdOut[s] = f.output().clone();
        }
        double[][] st = heat.newState();
        double[][] ex = heat.newState();
        heat.toBatchMajor(init, st);
        heat.toBatchMajor(exactSm, ex);
        double[] err = new double[b];
        long[] iterations = new long[b];
        String[] status = new String[b];
        double[][] snapshot = new double[b][];
        int open = b;
        for (long step = 0; ; step++) {
          Arrays.fill(err, 0.0);
          for (int k = 0; k < dim; k++) {
            double[] sk = st[k];
            double[] ek = ex[k];
            for (int s = 0; s < b; s++) {
              double d = Math.abs(sk[s] - ek[s]);
              err[s] = d > err[s] || d != d ? d : err[s];
            }
          }
          for (int s = 0; s < b; s++) {
            if (status[s] != null) {
              continue;
            }
            String done = !(err[s] <= 1e100) ? "diverged"
                : err[s] <= setup.tol() ? "converged"
                : step >= setup.maxSteps() ? "max_steps" : null;
            if (done != null) {
              status[s] = done;
              iterations[s] = step;
              snapshot[s] = new double[dim];
              heat.gather(st, s, snapshot[s]);
              open--;
            }
          }
          if (open == 0) {
            break;
          }
          heat.step(st, setup.dt());
        }
        double[] exact = new double[dim];
        for (int s = 0; s < b; s++) {
          double[] cs = snapshot[s];
          System.arraycopy(exactSm, s * dim, exact, 0, dim);
          ref.measure(cs, 0, null, disc, 0);
          double total = 0;
          for (double d : disc) {
            total += d;
          }
          boolean conv = status[s].equals("converged");
          ready.add(RowFactory.create(chunk.get(s), xs[s], fwdOut[s],
              Arrays.copyOfRange(exact, outOff, outOff + m), Arrays.copyOfRange(cs, outOff, outOff + m),
              maxAbsDiff(cs, exact, 0, dim), maxAbsDiff(cs, exact, outOff, m), exactVsForward[s],
              selfConsistent[s], conv ? iterations[s] : null, conv, Double.isFinite(total) ? total : Double.NaN,
              status[s]));
        }
      }
    };
  }

  static double maxAbsDiff(double[] a, double[] b, int off, int len) {
    double m = 0;
    for (int i = off; i < off + len; i++) {
      double d = Math.abs(a[i] - b[i]);
      if (!(d <= m)) {
        m = d; // also propagates NaN
      }
    }
    return m;
  }

  record TraceSettings(long steps, int every, int slidingWindow) implements java.io.Serializable {}

  record CheckSettings(long seed, int maxDepth, int maxWidth, int patterns) implements java.io.Serializable {}

  static final StructType CHECKS = new StructType()
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
  static List<Row> constructionChecks(CheckSettings cs, long netId) {
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
        exactErr = maxAbsDiff(exact, layout.forwardCochain(net, x), 0, layout.dim());
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
