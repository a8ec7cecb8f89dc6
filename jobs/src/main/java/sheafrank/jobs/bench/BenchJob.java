package sheafrank.jobs.bench;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.diffusion.BatchHeatEquation;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Limits;
import sheafrank.jobs.core.NetworkJob;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;
import sheafrank.net.Mlp;
import sheafrank.sheaf.SheafLayout;
import sheafrank.util.Rng;

/**
 * Throughput benchmarks run as Spark tasks: each task times its own copy of the kernel, first one
 * task alone (one core), then as many concurrent tasks as the config asks (scaling across cores).
 */
public final class BenchJob extends NetworkJob {
  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String description() {
    return "Throughput of the batched Euler heat-equation kernel (steps/s over a batch of inputs, "
        + "GFLOP/s), on one task and on several concurrent tasks.";
  }

  @Override
  public List<Param> params() {
    List<Param> p = networkParams("[2, 30, 1]", "identity");
    p.add(Param.of("inputs.count", Type.INT, "300", "batch size (inputs integrated together)").positive());
    p.add(Param.of("dt", Type.DOUBLE, "0.01", "Euler step").positive());
    p.add(Param.of("steps", Type.INT, "20000", "timed Euler steps per task").positive());
    p.add(Param.of("warmup_steps", Type.INT, "5000", "untimed steps first (JIT warm-up)").nonNegative());
    p.add(Param.of("concurrency", Type.INT_LIST, "[1, 2]", "numbers of concurrent tasks to time")
        .entriesBetween(1, Limits.MAX_PARTITIONS));
    return p;
  }

  @Override
  public List<String> tables() {
    return List.of("bench_results: benchmark, widths, batch, concurrent_tasks, task, steps, seconds, "
        + "cpu_seconds, steps_per_s, steps_per_cpu_s, flops_per_step, gflops");
  }

  @Override
  public void validate(Spec spec) {
    super.validate(spec);
    long dim = 0;
    for (int w : spec.getIntList("widths")) {
      dim += 2L * w;
    }
    Limits.memory("inputs.count, widths", "the batched cochain and its copies", Limits.product(3, dim, spec.getInt("inputs.count")));
  }

  static final StructType SCHEMA = new StructType()
      .add("benchmark", DataTypes.StringType, false)
      .add("widths", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("batch", DataTypes.IntegerType, false)
      .add("concurrent_tasks", DataTypes.IntegerType, false)
      .add("task", DataTypes.IntegerType, false)
      .add("steps", DataTypes.LongType, false)
      .add("seconds", DataTypes.DoubleType, false)
      .add("cpu_seconds", DataTypes.DoubleType, false)
      .add("steps_per_s", DataTypes.DoubleType, false)
      .add("steps_per_cpu_s", DataTypes.DoubleType, false)
      .add("flops_per_step", DataTypes.DoubleType, false)
      .add("gflops", DataTypes.DoubleType, false);

  static final int RESTART = 1000;

  record Setup(Mlp net, int batch, double dt, int steps, int warmup) implements java.io.Serializable {}

  @Override
  public long run(JobContext ctx, Spec spec) {
    Setup s = new Setup(NetworkParams.build(spec), spec.getInt("inputs.count"), spec.getDouble("dt"),
        spec.getInt("steps"), spec.getInt("warmup_steps"));
    Dataset<Row> all = null;
    for (int c : spec.getIntList("concurrency")) {
      final int conc = c;
      Dataset<Row> d = ctx.spark().range(0, c, 1, c)
          .map((MapFunction<Long, Row>) task -> heatEuler(s, conc, task.intValue()), Encoders.row(SCHEMA));
      List<Row> rows = d.collectAsList(); // run now, one concurrency level at a time
      Dataset<Row> part = ctx.spark().createDataFrame(rows, SCHEMA);
      all = all == null ? part : all.union(part);
      for (Row r : rows) {
        System.out.printf("bench heat_euler %s batch %d, %d concurrent: task %d %.0f steps/s (%.0f per CPU-s), %.2f GFLOP/s%n",
            java.util.Arrays.toString(s.net().widths()), s.batch(), conc, r.getInt(4), r.getDouble(8), r.getDouble(9), r.getDouble(11));
      }
    }
    ctx.write("bench_results", all.coalesce(1));
    return 0;
  }

  /** Floating-point operations of one Euler step of one sample (multiply-adds count 2). */
  static double flopsPerSampleStep(SheafLayout layout) {
    int[] n = layout.widths();
    double f = 0;
    for (int l = 0; l < n.length - 1; l++) {
      if (l == 0) {
        f += 2.0 * n[1]; // residual z - (W x + b) and its force; W x + b is cached (x is pinned)
      } else {
        f += 4.0 * n[l] * n[l + 1] + 2.0 * n[l + 1]; // W a + b, residual, force, adjoint W^T r
      }
      if (l < n.length - 2) {
        f += 3.0 * n[l + 1]; // ReLU edge residual and its two forces
      }
    }
    return f + 2.0 * (layout.dim() - n[0]); // the update of the free coordinates
  }

  static Row heatEuler(Setup s, int conc, int task) {
    Mlp net = s.net();
    SheafLayout layout = new SheafLayout(net.widths(), net.output() != sheafrank.net.OutputActivation.IDENTITY);
    BatchHeatEquation heat = new BatchHeatEquation(net, layout, 1.0, s.batch());
    int dim = layout.dim();
    double[][] state = heat.newState();
    SplittableRandom r = Rng.stream(1, task);
    for (double[] row : state) {
      for (int i = 0; i < row.length; i++) {
        row[i] = r.nextGaussian();
      }
    }
    double[][] start = new double[dim][];
    for (int c = 0; c < dim; c++) {
      start[c] = state[c].clone();
    }
    for (int k = 0; k < s.warmup(); k++) {
      heat.step(state, s.dt());
    }
    // Timed segments of RESTART steps from the same random stalks: the regime of an inference run
    // (long runs past convergence would time subnormal arithmetic in the decayed modes instead).
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long c0 = mx.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    for (int k = 0; k < s.steps(); k++) {
      if (k % RESTART == 0) {
        for (int c = 0; c < dim; c++) {
          System.arraycopy(start[c], 0, state[c], 0, state[c].length);
        }
      }
      heat.step(state, s.dt());
    }
    double sec = (System.nanoTime() - t0) * 1e-9;
    double cpu = (mx.getCurrentThreadCpuTime() - c0) * 1e-9;
    double flops = flopsPerSampleStep(layout) * s.batch();
    double sps = s.steps() / sec;
    return RowFactory.create("heat_euler", net.widths(), s.batch(), conc, task, (long) s.steps(), sec, cpu,
        sps, s.steps() / cpu, flops, sps * flops * 1e-9);
  }
}
