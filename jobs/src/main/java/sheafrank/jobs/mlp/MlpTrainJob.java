package sheafrank.jobs.mlp;

import static org.apache.spark.sql.functions.col;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Spec;

/**
 * Trains ReLU MLPs on real images and on test-function tasks (seed 003 §4 and App 7.3: R6 MNIST,
 * R7 sphere discretisations, R8 other test functions) and stores every trial's network at its
 * checkpoint epochs in the project's models table, for any job to analyse.
 *
 * <p>Data flow: the config expands into trials ({@link MlpTrainParams}: data x widths x optimisers
 * x seeds, all checked before Spark starts); the driver reads the image bytes once and broadcasts
 * them; each trial is one Spark work unit, longest first ({@link LongestFirst}), trained
 * single-threaded by the pipeline's {@code MlpTrainer} in a lazy iterator of rows
 * ({@link TrialRun}); the rows go to the three tables ({@link TaggedRows}, {@link MlpTables}).
 * Every row depends on its trial alone, so the tables are the same for any partitioning.
 */
public final class MlpTrainJob implements Job {
  @Override
  public String name() {
    return "mlp-train";
  }

  @Override
  public String description() {
    return "Trains ReLU MLPs (MlpTrainer: Adam or SGD, cross-entropy, BCE or MSE) on MNIST / Fashion-MNIST and on "
        + "test-function tasks (value, standardised, above-mean, percentile bins f_n), one trial per data set x "
        + "architecture x optimiser x seed; checkpoints in the models table (model_id = trial_id, epoch), "
        + "per-epoch curves and per-trial results.";
  }

  @Override
  public List<Param> params() {
    return MlpTrainParams.params();
  }

  @Override
  public List<String> tables() {
    return MlpTables.describe();
  }

  @Override
  public void validate(Spec spec) {
    MlpTrainParams.plan(spec);
  }

  @Override
  public long run(JobContext ctx, Spec spec) {
    MlpTrainParams.Plan plan = MlpTrainParams.plan(spec);
    List<MlpTrial> trials = plan.trials();
    int n = trials.size();
    int parts = spec.getInt("partitions") > 0 ? Math.min(spec.getInt("partitions"), n) : n;
    double[] cost = trials.stream().mapToDouble(MlpTrial::cost).toArray();
    System.out.println(String.format(Locale.ROOT, "mlp-train: %d trials in %d partitions, %.3g GFLOP of training "
        + "and evaluation", n, parts, java.util.Arrays.stream(cost).sum() / 1e9));

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
    Broadcast<HashMap<String, ImageBytes>> images = jsc.broadcast(new HashMap<>(plan.images()));
    MlpTrial[] byIndex = trials.toArray(new MlpTrial[0]);
    TaggedRows tags = new TaggedRows(MlpTables.schemas());
    JavaRDD<Row> rows = jsc.parallelize(LongestFirst.order(cost, parts), parts)
        .flatMap((FlatMapFunction<Integer, Row>) i -> {
          MlpTrial t = byIndex[i];
          return new TrialRun(t, t.data().isImages() ? images.value().get(t.data().dataset()) : null, tags);
        });
    // small tables in one file; the models table in files of about 512 MB
    double modelBytes = trials.stream().mapToDouble(t -> 8.0 * t.parameters() * t.checkpoints().length).sum();
    Map<String, Integer> files = Map.of(MlpTables.TRIALS, 1, MlpTables.EPOCHS, 1,
        MlpTables.MODELS, (int) Math.max(1, Math.min(parts, Math.ceil(modelBytes / 512e6))));
    tags.write(ctx, ctx.spark().createDataFrame(rows, tags.schema()), files);
    images.destroy();

    List<Row> failed = ctx.readStaged(MlpTables.TRIALS).where(col("status").notEqual(MlpTables.COMPLETED))
        .select("trial_id", "message").collectAsList();
    for (Row r : failed) {
      System.out.println("mlp-train: trial " + r.getString(0) + " " + MlpTables.NON_FINITE + ": " + r.getString(1));
    }
    return failed.size();
  }
}
