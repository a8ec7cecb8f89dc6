package sheafrank.jobs.sheaf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.diffusion.BatchHeatEquation;
import sheafrank.diffusion.HeatEquation;
import sheafrank.net.Mlp;
import sheafrank.sheaf.HarmonicSolver;
import sheafrank.sheaf.NeuralSheaf;
import sheafrank.sheaf.SheafLayout;

/**
 * The inference_samples rows (S2-S5): per sample, forward Euler of the heat equation (eq. 18/22)
 * from its initial cochain until it is within tolerance of the exact harmonic extension (one
 * block-tridiagonal solve, App. A.1), which is compared with the forward pass (Prop. 3.4).
 */
final class InferenceSamples {
  private InferenceSamples() {}

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
  static Iterator<Row> partition(InferenceSetup setup, Iterator<Long> ids) {
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
          setup.initialCochain(id, x, fwd, c);
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
}
