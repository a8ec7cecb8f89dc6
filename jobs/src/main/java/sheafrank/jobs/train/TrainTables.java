package sheafrank.jobs.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The tables of the train-sweep job. Every per-trial table starts with the trial key columns
 * ({@link #KEYS}), so any table can be filtered and grouped by the sweep's axes without a join.
 */
public final class TrainTables {
  private TrainTables() {}

  static final DataType INTS = DataTypes.createArrayType(DataTypes.IntegerType, false);
  static final DataType DOUBLES = DataTypes.createArrayType(DataTypes.DoubleType, false);

  /** The trial key columns, first in every per-trial table. */
  static final StructType KEYS = new StructType()
      .add("trial_id", DataTypes.StringType, false)
      .add("task", DataTypes.StringType, false)
      .add("widths", INTS, false)
      .add("method", DataTypes.StringType, false)
      .add("seed", DataTypes.LongType, false)
      .add("n_train", DataTypes.IntegerType, false)
      .add("beta", DataTypes.DoubleType, true)
      .add("beta_m", DataTypes.DoubleType, true)
      .add("dt", DataTypes.DoubleType, true)
      .add("steps", DataTypes.LongType, false)
      .add("integration_time", DataTypes.DoubleType, true)
      .add("loss", DataTypes.StringType, false)
      .add("regularisation", DataTypes.StringType, false)
      .add("outer_dt", DataTypes.DoubleType, true)
      .add("step_control", DataTypes.StringType, true);

  static Object[] keyValues(Trial t) {
    return new Object[] {t.id(), t.task(), t.widths(), t.method(), t.seed(), t.nTrain(), t.beta(), t.betaM(),
        t.dt(), t.steps(), t.integrationTime(), t.loss(), t.regularisationId(), t.outerDt(), t.stepControl()};
  }

  private static StructType keyed(StructType own) {
    List<StructField> f = new ArrayList<>(List.of(KEYS.fields()));
    f.addAll(List.of(own.fields()));
    return new StructType(f.toArray(new StructField[0]));
  }

  public static final String TRIALS = "trials";
  public static final String CURVES = "loss_curves";
  public static final String MODELS = "models";
  public static final String GRID = "grid";
  public static final String SPECTRA = "spectra_during_training";
  public static final String SPECTRA_SAMPLES = "spectra_samples";
  public static final String DISCORD = "pinned_discord";
  public static final String DISCORD_SUMMARY = "pinned_discord_summary";
  public static final String RESIDUALS = "pinned_residuals";

  /** Table name -> schema, in the order they are written. */
  static final Map<String, StructType> SCHEMAS = new LinkedHashMap<>();

  /** The project's models table (jobs/core ModelTable): one row per layer, weights row-major. */
  static final StructType MODELS_SCHEMA = sheafrank.jobs.core.ModelTable.SCHEMA;

  static {
    SCHEMAS.put(TRIALS, keyed(new StructType()
        .add("lr", DataTypes.DoubleType, true)
        .add("n_test", DataTypes.IntegerType, false)
        .add("status", DataTypes.StringType, false)
        .add("diverged_at_step", DataTypes.LongType, true)
        .add("message", DataTypes.StringType, false)
        .add("steps_done", DataTypes.LongType, false)
        .add("initial_train_loss", DataTypes.DoubleType, true)
        .add("final_train_loss", DataTypes.DoubleType, true)
        .add("final_test_loss", DataTypes.DoubleType, true)
        .add("final_train_accuracy", DataTypes.DoubleType, true)
        .add("final_test_accuracy", DataTypes.DoubleType, true)
        .add("sheaf_loss", DataTypes.DoubleType, true)
        .add("train_seconds", DataTypes.DoubleType, false)
        .add("wall_seconds", DataTypes.DoubleType, false)
        .add("steps_per_s", DataTypes.DoubleType, false)
        .add("cpu_seconds", DataTypes.DoubleType, false)
        .add("steps_per_cpu_s", DataTypes.DoubleType, false)
        .add("gflops", DataTypes.DoubleType, false)));
    SCHEMAS.put(CURVES, keyed(new StructType()
        .add("step", DataTypes.LongType, false)
        .add("train_loss", DataTypes.DoubleType, false)
        .add("test_loss", DataTypes.DoubleType, true)
        .add("train_accuracy", DataTypes.DoubleType, true)
        .add("test_accuracy", DataTypes.DoubleType, true)
        .add("seconds", DataTypes.DoubleType, false)));
    SCHEMAS.put(MODELS, MODELS_SCHEMA);
    SCHEMAS.put(GRID, keyed(new StructType()
        .add("x1", DataTypes.DoubleType, false)
        .add("x2", DataTypes.DoubleType, false)
        .add("output", DOUBLES, false)
        .add("predicted_class", DataTypes.IntegerType, true)
        .add("target", DataTypes.DoubleType, true)));
    SCHEMAS.put(SPECTRA, keyed(new StructType()
        .add("step", DataTypes.LongType, false)
        .add("train_loss", DataTypes.DoubleType, false)
        .add("test_loss", DataTypes.DoubleType, true)
        .add("inputs", DataTypes.IntegerType, false)
        .add("lambda1_median", DataTypes.DoubleType, false)
        .add("lambda1_q25", DataTypes.DoubleType, false)
        .add("lambda1_q75", DataTypes.DoubleType, false)
        .add("lambda_max_median", DataTypes.DoubleType, false)
        .add("lambda_max_q25", DataTypes.DoubleType, false)
        .add("lambda_max_q75", DataTypes.DoubleType, false)
        .add("condition_median", DataTypes.DoubleType, false)
        .add("condition_q25", DataTypes.DoubleType, false)
        .add("condition_q75", DataTypes.DoubleType, false)
        .add("fiedler_cosine_median", DataTypes.DoubleType, true)
        .add("top_cosine_median", DataTypes.DoubleType, true)));
    SCHEMAS.put(SPECTRA_SAMPLES, keyed(new StructType()
        .add("step", DataTypes.LongType, false)
        .add("input_id", DataTypes.IntegerType, false)
        .add("input", DOUBLES, false)
        .add("lambda1", DataTypes.DoubleType, false)
        .add("lambda_max", DataTypes.DoubleType, false)
        .add("condition", DataTypes.DoubleType, false)));
    SCHEMAS.put(DISCORD, keyed(new StructType()
        .add("step", DataTypes.LongType, false)
        .add("input_id", DataTypes.IntegerType, false)
        .add("edge", DataTypes.StringType, false)
        .add("edge_kind", DataTypes.StringType, false)
        .add("layer", DataTypes.IntegerType, true)
        .add("discord", DataTypes.DoubleType, false)
        .add("converged", DataTypes.BooleanType, false)));
    SCHEMAS.put(DISCORD_SUMMARY, keyed(new StructType()
        .add("step", DataTypes.LongType, false)
        .add("edge", DataTypes.StringType, false)
        .add("inputs", DataTypes.IntegerType, false)
        .add("mean", DataTypes.DoubleType, false)
        .add("std", DataTypes.DoubleType, false)));
    SCHEMAS.put(RESIDUALS, keyed(new StructType()
        .add("step", DataTypes.LongType, false)
        .add("input_id", DataTypes.IntegerType, false)
        .add("edge", DataTypes.StringType, false)
        .add("layer", DataTypes.IntegerType, false)
        .add("neuron", DataTypes.IntegerType, false)
        .add("z", DataTypes.DoubleType, false)
        .add("residual", DataTypes.DoubleType, false)
        .add("active", DataTypes.BooleanType, false)));
  }

  /** "name: col, col, ..." lines for --help. */
  static List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, StructType> e : SCHEMAS.entrySet()) {
      out.add(e.getKey() + ": " + String.join(", ", e.getValue().fieldNames()));
    }
    return out;
  }
}
