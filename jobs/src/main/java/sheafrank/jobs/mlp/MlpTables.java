package sheafrank.jobs.mlp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.jobs.core.ModelTable;
import sheafrank.train.MlpTrainListener.EpochMetrics;

/**
 * The tables of {@code mlp-train}: {@code models} (the project's model table, one row per layer and
 * checkpoint), {@code mlp_epochs} (one row per trial and epoch: the training curve) and
 * {@code mlp_trials} (one row per trial: its keys, data, settings, status, final metrics and
 * speed). Metrics that were not measured or do not apply (accuracy of a regression, the training
 * set when it is not evaluated) are null.
 */
public final class MlpTables {
  private MlpTables() {}

  static final String MODELS = ModelTable.TABLE;
  static final String EPOCHS = "mlp_epochs";
  public static final String TRIALS = "mlp_trials";

  static final String COMPLETED = "completed";
  static final String NON_FINITE = "non_finite";

  /** Columns that measure time, not results (they differ between runs of the same config). */
  static final List<String> TIMING = List.of("train_seconds", "eval_seconds", "wall_seconds", "cpu_seconds",
      "samples_per_s");

  private static final DataType INTS = DataTypes.createArrayType(DataTypes.IntegerType, false);

  static final StructType EPOCHS_SCHEMA = new StructType()
      .add("trial_id", DataTypes.StringType, false)
      .add("epoch", DataTypes.IntegerType, false)
      .add("steps", DataTypes.LongType, false)
      .add("train_loss", DataTypes.DoubleType, true)
      .add("train_accuracy", DataTypes.DoubleType, true)
      .add("test_loss", DataTypes.DoubleType, true)
      .add("test_accuracy", DataTypes.DoubleType, true)
      .add("mean_batch_loss", DataTypes.DoubleType, true)
      .add("checkpoint", DataTypes.BooleanType, false)
      .add("train_seconds", DataTypes.DoubleType, false)
      .add("eval_seconds", DataTypes.DoubleType, false);

  public static final StructType TRIALS_SCHEMA = new StructType()
      .add("trial_id", DataTypes.StringType, false)
      .add("trial_index", DataTypes.IntegerType, false)
      .add("data", DataTypes.StringType, false)
      .add("dataset", DataTypes.StringType, false)
      .add("function", DataTypes.StringType, true)
      .add("target", DataTypes.StringType, true)
      .add("target_levels", DataTypes.IntegerType, true)
      .add("d", DataTypes.IntegerType, false)
      .add("outputs", DataTypes.IntegerType, false)
      .add("n_train", DataTypes.IntegerType, false)
      .add("n_test", DataTypes.IntegerType, false)
      .add("data_seed", DataTypes.LongType, true)
      .add("data_dir", DataTypes.StringType, true)
      .add("data_sha256", DataTypes.StringType, true)
      .add("f_train_mean", DataTypes.DoubleType, true)
      .add("f_train_sd", DataTypes.DoubleType, true)
      .add("widths", INTS, false)
      .add("parameters", DataTypes.LongType, false)
      .add("seed", DataTypes.LongType, false)
      .add("optimizer", DataTypes.StringType, false)
      .add("loss", DataTypes.StringType, false)
      .add("batch_size", DataTypes.IntegerType, false)
      .add("epochs", DataTypes.IntegerType, false)
      .add("init", DataTypes.StringType, false)
      .add("checkpoints", INTS, false)
      .add("status", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, false)
      .add("epochs_completed", DataTypes.IntegerType, false)
      .add("steps", DataTypes.LongType, false)
      .add("train_loss", DataTypes.DoubleType, true)
      .add("train_accuracy", DataTypes.DoubleType, true)
      .add("test_loss", DataTypes.DoubleType, true)
      .add("test_accuracy", DataTypes.DoubleType, true)
      .add("best_test_loss", DataTypes.DoubleType, true)
      .add("best_test_loss_epoch", DataTypes.IntegerType, true)
      .add("train_seconds", DataTypes.DoubleType, false)
      .add("eval_seconds", DataTypes.DoubleType, false)
      .add("wall_seconds", DataTypes.DoubleType, false)
      .add("cpu_seconds", DataTypes.DoubleType, false)
      .add("samples_per_s", DataTypes.DoubleType, true);

  /** Every table by name, in writing order. */
  static Map<String, StructType> schemas() {
    Map<String, StructType> m = new LinkedHashMap<>();
    m.put(TRIALS, TRIALS_SCHEMA);
    m.put(EPOCHS, EPOCHS_SCHEMA);
    m.put(MODELS, ModelTable.SCHEMA);
    return m;
  }

  /** NaN (not measured, not applicable) as null. */
  static Double value(double v) {
    return Double.isNaN(v) ? null : v;
  }

  static ModelTable.Checkpoint checkpoint(int epoch, EpochMetrics m) {
    return new ModelTable.Checkpoint(epoch, value(m.trainLoss()), value(m.testLoss()), value(m.trainAccuracy()),
        value(m.testAccuracy()));
  }

  static Row epochRow(MlpTrial t, int epoch, long steps, EpochMetrics m) {
    return RowFactory.create(t.id(), epoch, steps, value(m.trainLoss()), value(m.trainAccuracy()), value(m.testLoss()),
        value(m.testAccuracy()), value(m.meanBatchLoss()), t.isCheckpoint(epoch), m.trainSeconds(), m.evalSeconds());
  }

  /** What a finished trial reports besides its keys. */
  record Outcome(String status, String message, int epochs, long steps, EpochMetrics last, double bestTestLoss,
      Integer bestEpoch, Double fMean, Double fSd, String dataSha256, double trainSeconds, double evalSeconds,
      double wallSeconds, double cpuSeconds) {}

  static Row trialRow(MlpTrial t, Outcome o) {
    MlpData d = t.data();
    EpochMetrics m = o.last();
    Double perSecond = o.trainSeconds() > 0 ? (double) d.nTrain() * o.epochs() / o.trainSeconds() : null;
    return RowFactory.create(t.id(), t.index(), d.source(), d.dataset(), d.function(), d.target(), d.levels(), d.dim(),
        d.outputs(), d.nTrain(), d.nTest(), d.dataSeed(), d.dataDir(), o.dataSha256(), o.fMean(), o.fSd(),
        t.widths(), t.parameters(), t.seed(), t.optimizer().id(), t.loss(), t.batchSize(), t.epochs(), t.init().id(),
        t.checkpoints(), o.status(), o.message(), o.epochs(), o.steps(), value(m.trainLoss()),
        value(m.trainAccuracy()), value(m.testLoss()), value(m.testAccuracy()), value(o.bestTestLoss()),
        o.bestEpoch(), o.trainSeconds(), o.evalSeconds(), o.wallSeconds(), o.cpuSeconds(), perSecond);
  }

  /** One line per table for --help. */
  static List<String> describe() {
    return List.of(
        TRIALS + ": " + String.join(", ", TRIALS_SCHEMA.fieldNames()),
        EPOCHS + ": " + String.join(", ", EPOCHS_SCHEMA.fieldNames()),
        MODELS + ": " + String.join(", ", ModelTable.SCHEMA.fieldNames())
            + " (one row per layer of every checkpoint; model_id = trial_id)");
  }
}
