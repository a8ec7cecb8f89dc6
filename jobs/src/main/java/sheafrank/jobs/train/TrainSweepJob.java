package sheafrank.jobs.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Progress;
import sheafrank.jobs.core.Spec;
import sheafrank.jobs.train.SweepExpansion.Sweep;

/**
 * Training sweeps (S7-S10, S13, S15-S17): a config expands into trials ({@link SweepExpansion}),
 * the cross product of its axes (task x architecture x method x n_train x beta x dt x steps/T x
 * loss x regularisation x seed); each trial is one Spark task that generates its data from the data
 * seed (or unpacks the user's data), trains single-threaded from the trial seed with the pipeline's
 * trainers ({@link TrialRunner}), and returns the rows of every table for it. The results are
 * written once to a scratch folder and each table is derived from them, so no trial is trained
 * twice. The console shows a summary every progress.seconds and a line per failed trial.
 */
public final class TrainSweepJob implements Job {
  @Override
  public String name() {
    return "train-sweep";
  }

  @Override
  public String description() {
    return "Training sweeps: the cross product of tasks, architectures, methods (sheaf joint dynamics, "
        + "sheaf_equilibrium, full-batch gd, adam), n_train, beta, dt, steps or integration time T, "
        + "losses, regularisations and seeds, one trial per Spark task; loss curves, final metrics, "
        + "status, trained weights, optional prediction grids, spectra and pinned discord during training.";
  }

  @Override
  public List<Param> params() {
    return TrainSweepParams.all();
  }

  @Override
  public List<String> tables() {
    return TrainTables.describe();
  }

  @Override
  public Spec resolve(Spec spec) {
    return SweepSettings.resolve(spec);
  }

  @Override
  public void validate(Spec spec) {
    SweepExpansion.expand(spec);
  }

  static final StructType PAYLOAD = new StructType()
      .add("trial_index", DataTypes.IntegerType, false)
      .add("status", DataTypes.StringType, false)
      .add("payload", DataTypes.BinaryType, false);

  @Override
  public long run(JobContext ctx, Spec spec) {
    Sweep sw = SweepExpansion.expand(spec);
    List<Trial> trials = sw.trials();
    SweepSettings settings = sw.settings();
    int n = trials.size();
    // Longest trials first (Spark starts tasks in partition order): a shorter makespan on few cores.
    Trial[] byPosition = trials.stream()
        .sorted(Comparator.comparingDouble(Trial::cost).reversed().thenComparingInt(Trial::index))
        .toArray(Trial[]::new);
    int parts = spec.getInt("partitions") > 0 ? Math.min(spec.getInt("partitions"), n) : n;
    System.out.printf(Locale.ROOT, "train-sweep: %d trials in %d Spark tasks%n", n, parts);
    String scratch = ctx.scratch("trial_results");
    Progress progress = Progress.start(ctx, "train-sweep", n, "trials", settings.progressSeconds(), System.out);
    try {
      ctx.spark().range(0, n, 1, parts)
          .map((MapFunction<Long, Row>) pos -> {
            Trial t = byPosition[pos.intValue()];
            TrialRunner.Output o = TrialRunner.run(settings, t, System.out);
            progress.done(o.status, failed(o.status) ? "trial " + t.id() + " " + o.status + ": " + o.message : null);
            return RowFactory.create(t.index(), o.status, serialize(o));
          }, Encoders.row(PAYLOAD))
          .write().parquet(scratch);
    } finally {
      progress.finish();
    }
    Dataset<Row> results = ctx.spark().read().parquet(scratch);
    Trial[] byIndex = trials.toArray(new Trial[0]);
    int outParts = Math.max(1, Math.min(parts, (n + 31) / 32));
    for (Map.Entry<String, StructType> e : TrainTables.SCHEMAS.entrySet()) {
      String table = e.getKey();
      if (written(table, settings)) {
        ctx.write(table, results
            .flatMap((FlatMapFunction<Row, Row>) r -> tableRows(table, byIndex[r.getInt(0)], r.getAs(2)).iterator(),
                Encoders.row(e.getValue()))
            .coalesce(outParts));
      }
    }
    return results.filter("status in ('diverged', 'failed')").count();
  }

  static boolean failed(String status) {
    return status.equals("diverged") || status.equals("failed");
  }

  static boolean written(String table, SweepSettings s) {
    return switch (table) {
      case TrainTables.MODELS -> s.writeModels() || s.modelSnapshots();
      case TrainTables.GRID -> s.gridSize() > 0;
      case TrainTables.SPECTRA, TrainTables.SPECTRA_SAMPLES -> s.spectra();
      case TrainTables.DISCORD, TrainTables.DISCORD_SUMMARY, TrainTables.RESIDUALS -> s.discord();
      default -> true;
    };
  }

  static List<Row> tableRows(String table, Trial t, byte[] payload) {
    TrialRunner.Output o = deserialize(payload);
    List<Row> out = new ArrayList<>();
    if (table.equals(TrainTables.MODELS)) {
      for (Object[] v : o.rows(table)) {
        out.add(RowFactory.create(v));
      }
      return out;
    }
    Object[] keys = TrainTables.keyValues(t);
    for (Object[] v : o.rows(table)) {
      Object[] all = Arrays.copyOf(keys, keys.length + v.length);
      System.arraycopy(v, 0, all, keys.length, v.length);
      out.add(RowFactory.create(all));
    }
    return out;
  }

  static byte[] serialize(TrialRunner.Output o) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream s = new ObjectOutputStream(b)) {
      s.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static TrialRunner.Output deserialize(byte[] bytes) {
    try (ObjectInputStream s = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (TrialRunner.Output) s.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read a trial's results: " + e, e);
    }
  }
}