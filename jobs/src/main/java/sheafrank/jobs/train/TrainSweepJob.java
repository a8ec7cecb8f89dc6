package sheafrank.jobs.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.data.Task;
import sheafrank.io.MlpSafeTensors;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.pinning.PinSpec;
import sheafrank.train.Loss;
import sheafrank.train.Method;
import sheafrank.train.Regularisation;
import sheafrank.train.TaskKind;

/**
 * Training sweeps (issue 4; S7-S10, S13, S15-S17): a config expands into trials, the cross product
 * of its axes (task x architecture x method x n_train x beta x dt x steps/T x loss x
 * regularisation x seed); each trial is one Spark task that generates its data from the data seed
 * (or unpacks the user's data), trains single-threaded from the trial seed with the pipeline's
 * trainers, and returns the rows of every table for it. The results are written once to a scratch
 * folder and each table is derived from them, so no trial is trained twice.
 */
public final class TrainSweepJob implements Job {
  static final List<String> TASKS = List.of("paraboloid", "saddle", "circular", "blobs", "file");

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
    List<Param> p = new ArrayList<>();
    p.add(Param.of("tasks", Type.STRING_LIST, "[paraboloid]",
        "tasks: paraboloid, saddle, circular, blobs (generated from data.seed), file (data.train_file)")
        .check(v -> {
          @SuppressWarnings("unchecked")
          List<String> l = (List<String>) v;
          if (l.isEmpty()) {
            return "needs at least one task";
          }
          for (String t : l) {
            if (!TASKS.contains(t.toLowerCase(Locale.ROOT))) {
              return "unknown task '" + t + "' (expected " + String.join(", ", TASKS) + ")";
            }
          }
          return new LinkedHashSet<>(l).size() == l.size() ? null : "a task is listed twice";
        }));
    p.add(Param.of("hidden_layers", Type.INT_LIST, "[1]",
        "paper architectures per task when 'widths' is empty: 1 -> [2,30,1] / [2,25,1] / [2,25,4], 2 -> [2,10,8,out]")
        .check(v -> {
          for (int h : (int[]) v) {
            if (h != 1 && h != 2) {
              return "entries must be 1 or 2 (the paper's architectures), got " + h;
            }
          }
          return ((int[]) v).length == 0 ? "needs at least one entry" : null;
        }));
    p.add(Param.of("widths", Type.INT_LIST_LIST, "[]",
        "explicit architectures, crossed with every task (first/last width must match the task); [] = hidden_layers")
        .check(v -> {
          for (int[] w : (int[][]) v) {
            try {
              Mlp.validateWidths(w);
            } catch (IllegalArgumentException e) {
              return e.getMessage();
            }
          }
          return null;
        }));
    p.add(Param.of("methods", Type.STRING_LIST, "[sheaf, gd]", "sheaf (joint dynamics, forward Euler), "
        + "sheaf_equilibrium (exact inner solve, beyond the paper), gd (full batch), adam")
        .check(v -> {
          @SuppressWarnings("unchecked")
          List<String> l = (List<String>) v;
          if (l.isEmpty()) {
            return "needs at least one method";
          }
          for (String m : l) {
            try {
              Method.parse(m);
            } catch (IllegalArgumentException e) {
              return e.getMessage();
            }
          }
          return null;
        }));
    p.add(Param.of("seeds", Type.INT_LIST, "[]", "trial seeds (He weights, random cochain, Adam batches); [] = [seed]"));
    p.add(Param.of("n_train", Type.INT_LIST, "[]", "training set sizes; [] = 300 (tasks) / every row (file)")
        .check(v -> {
          for (int n : (int[]) v) {
            if (n < 1) {
              return "entries must be >= 1, got " + n;
            }
          }
          return null;
        }));
    p.add(Param.of("n_test", Type.INT, "100", "test set size of the generated tasks").nonNegative());
    p.add(Param.of("data.seed", Type.LONG, "42", "seed of the generated task data (the paper's 42)"));
    p.add(Param.of("beta", Type.DOUBLE_LIST, "[]", "weight rates beta of the sheaf dynamics; [] = 1/n_train")
        .check(TrainSweepJob::allPositive));
    p.add(Param.of("dt", Type.DOUBLE_LIST, "[]", "Euler steps; [] = 0.005 (one hidden layer) / 0.01 (deeper)")
        .check(TrainSweepJob::allPositive));
    p.add(Param.of("dt_scale", Type.DOUBLE_LIST, "[1.0]",
        "multiples of the default dt (when 'dt' is empty): the fixed-T control across dt")
        .check(TrainSweepJob::allPositive));
    p.add(Param.of("steps", Type.INT_LIST, "[]",
        "step budgets (Euler steps / GD epochs); [] = 'times', or 1e5 (one hidden layer) / 2e5 (deeper)")
        .check(v -> {
          for (int s : (int[]) v) {
            if (s < 0) {
              return "entries must be >= 0, got " + s;
            }
          }
          return null;
        }));
    p.add(Param.of("times", Type.DOUBLE_LIST, "[]",
        "integration times T: steps = round(T / dt) (GD/Adam: the same number of epochs)")
        .check(TrainSweepJob::allPositive));
    p.add(Param.of("losses", Type.STRING_LIST, "[]",
        "output losses of the sheaf methods: l2, l1, huber:TAU, pnorm:P, bce, ce; [] = by task (l2 / bce / ce)")
        .check(v -> {
          @SuppressWarnings("unchecked")
          List<String> l = (List<String>) v;
          for (String s : l) {
            try {
              Loss.parse(s);
            } catch (IllegalArgumentException e) {
              return e.getMessage();
            }
          }
          return null;
        }));
    p.add(Param.of("regularisation", Type.STRING_LIST, "[none]",
        "entries 'none' or 'lambda=L;mu=M;anchor=zero|initial' (eq. 28/41; lambda for the sheaf dynamics only)")
        .check(v -> {
          @SuppressWarnings("unchecked")
          List<String> l = (List<String>) v;
          if (l.isEmpty()) {
            return "needs at least one entry (none for no regularisation)";
          }
          for (String s : l) {
            try {
              parseRegularisation(s);
            } catch (IllegalArgumentException e) {
              return e.getMessage();
            }
          }
          return null;
        }));
    p.add(Param.of("alpha", Type.DOUBLE, "1.0", "cochain rate alpha of the sheaf dynamics").positive());
    p.add(Param.of("cochain_init", Type.STRING, "auto",
        "initial cochain: auto (random for regression, forward_pass for classification), random, zeros, forward_pass")
        .oneOf("auto", "random", "zeros", "forward_pass"));
    p.add(Param.of("warm_start", Type.STRING, "auto",
        "keep the cochain across epochs: auto (regression yes, classification no), true, false")
        .oneOf("auto", "true", "false"));
    p.add(Param.of("steps_per_epoch", Type.INT, "1000", "Euler steps per epoch of the sheaf dynamics").positive());
    p.add(Param.of("gd.lr", Type.DOUBLE, "0.0", "GD learning rate; 0 = 0.005 (regression) / 0.01 (classification)")
        .nonNegative());
    p.add(Param.of("adam.lr", Type.DOUBLE, "0.0", "Adam learning rate; 0 = 1e-3").nonNegative());
    p.add(Param.of("adam.batch_size", Type.INT, "64", "Adam mini-batch size").positive());
    p.add(Param.of("equilibrium.outer_dt", Type.DOUBLE_LIST, "[1.0]",
        "sheaf_equilibrium: outer steps (the initial step under step-size control)").check(TrainSweepJob::allPositive));
    p.add(Param.of("equilibrium.step_control", Type.STRING_LIST, "[armijo]",
        "sheaf_equilibrium: armijo (non-monotone Armijo step-size control) and/or fixed")
        .check(v -> {
          @SuppressWarnings("unchecked")
          List<String> l = (List<String>) v;
          if (l.isEmpty()) {
            return "needs at least one entry";
          }
          for (String c : l) {
            if (!c.equals("armijo") && !c.equals("fixed")) {
              return "unknown step control '" + c + "' (expected armijo or fixed)";
            }
          }
          return null;
        }));
    p.add(Param.of("equilibrium.steps", Type.INT_LIST, "[]",
        "sheaf_equilibrium: outer step budgets; [] = the same budgets as the other methods")
        .check(v -> {
          for (int s : (int[]) v) {
            if (s < 0) {
              return "entries must be >= 0, got " + s;
            }
          }
          return null;
        }));
    p.add(Param.of("init.weights", Type.STRING, "\"\"",
        "safetensors file of initial weights for every trial (widths must match); empty = He-normal from the trial seed"));
    p.add(Param.of("data.train_file", Type.STRING, "\"\"", "the user's training data (CSV with header, or Parquet) for task 'file'"));
    p.add(Param.of("data.test_file", Type.STRING, "\"\"", "optional test data in the same format"));
    p.add(Param.of("data.inputs", Type.STRING_LIST, "[]", "input column names of the user's data"));
    p.add(Param.of("data.targets", Type.STRING_LIST, "[]", "target column names (one per output; one-hot for multiclass)"));
    p.add(Param.of("data.kind", Type.STRING, "regression", "regression, binary or multiclass")
        .oneOf("regression", "binary", "multiclass"));
    p.add(Param.of("curve.every", Type.INT, "1000", "record the loss curve every this many steps").positive());
    p.add(Param.of("progress.seconds", Type.DOUBLE, "10.0",
        "executors print a progress line (step, loss, steps/s) at most this often per trial").nonNegative());
    p.add(Param.of("check_every", Type.INT, "100", "divergence check every this many steps").positive());
    p.add(Param.of("divergence_threshold", Type.DOUBLE, "1e8",
        "a state value or loss beyond this (or NaN) stops the trial as diverged").positive());
    p.add(Param.of("grid.size", Type.INT, "0",
        "S8: predictions on a size x size grid over the task's domain (0 = none; 2-D inputs)").nonNegative());
    p.add(Param.of("diagnostics.spectra", Type.BOOL, "false",
        "S13: lambda_1, lambda_max, condition number of L[Omega,Omega] during training"));
    p.add(Param.of("diagnostics.discord", Type.BOOL, "false",
        "S15/S16: output-pinned per-edge discord (exact pinned equilibrium) at the stages"));
    p.add(Param.of("diagnostics.every", Type.INT, "0", "spectra summary every this many steps (0 = stages only)")
        .nonNegative());
    p.add(Param.of("diagnostics.stages", Type.INT_LIST, "[]",
        "steps with per-input distributions (spectra, discord) and model snapshots, e.g. [1000, 20000, 100000]")
        .check(v -> {
          for (int s : (int[]) v) {
            if (s < 0) {
              return "entries must be >= 0, got " + s;
            }
          }
          return null;
        }));
    p.add(Param.of("diagnostics.inputs", Type.INT, "50", "diagnostic inputs: the first this many test samples").positive());
    p.add(Param.of("diagnostics.pins", Type.STRING, "x = input ; y = target", "pins of the discord problem"));
    p.add(Param.of("diagnostics.spectrum_output", Type.STRING, "eliminated",
        "output convention of Omega: eliminated (eq. 32/36), free, pinned").oneOf("eliminated", "free", "pinned"));
    p.add(Param.of("models.write", Type.BOOL, "true", "write the final weights of every trial to the models table"));
    p.add(Param.of("models.snapshots", Type.BOOL, "false",
        "also write the weights at every stage (model_id = trial_id:step)"));
    return p;
  }

  private static String allPositive(Object v) {
    for (double d : (double[]) v) {
      if (!(d > 0)) {
        return "entries must be > 0, got " + d;
      }
    }
    return null;
  }

  @Override
  public List<String> tables() {
    return TrainTables.describe();
  }

  /** A parsed regularisation entry. */
  record Reg(double lambda, double mu, String anchor) {}

  static Reg parseRegularisation(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("none")) {
      return new Reg(0, 0, "zero");
    }
    double lambda = 0;
    double mu = 0;
    String anchor = "zero";
    for (String part : t.split(";")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("regularisation '" + s + "': expected none or lambda=L;mu=M;anchor=zero|initial");
      }
      String k = kv[0].trim();
      String v = kv[1].trim();
      try {
        switch (k) {
          case "lambda" -> lambda = Double.parseDouble(v);
          case "mu" -> mu = Double.parseDouble(v);
          case "anchor" -> anchor = Regularisation.parseAnchor(v).name().toLowerCase(Locale.ROOT);
          default -> throw new IllegalArgumentException(
              "regularisation '" + s + "': unknown part '" + k + "' (expected lambda, mu, anchor)");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("regularisation '" + s + "': '" + v + "' is not a number");
      }
    }
    new Regularisation(lambda, mu, Regularisation.parseAnchor(anchor)); // range checks
    return new Reg(lambda, mu, anchor);
  }

  /** The expanded sweep. */
  record Sweep(List<Trial> trials, SweepSettings settings) {}

  @Override
  public void validate(Spec spec) {
    expand(spec);
  }

  /** Expands and validates the whole sweep on the driver; every error names its key. */
  static Sweep expand(Spec spec) {
    List<String> tasks = new ArrayList<>();
    for (String t : spec.getStringList("tasks")) {
      tasks.add(t.toLowerCase(Locale.ROOT));
    }
    UserData data = null;
    String trainFile = spec.getString("data.train_file");
    if (tasks.contains("file")) {
      if (trainFile.isEmpty()) {
        throw new ConfigException("config key 'data.train_file': task 'file' needs the training data file");
      }
      if (spec.getStringList("data.inputs").isEmpty()) {
        throw new ConfigException("config key 'data.inputs': name the input columns of " + trainFile);
      }
      if (spec.getStringList("data.targets").isEmpty()) {
        throw new ConfigException("config key 'data.targets': name the target columns of " + trainFile);
      }
      TaskKind kind = TaskKind.parse(spec.getString("data.kind"));
      String testFile = spec.getString("data.test_file");
      try {
        UserData.read(trainFile, spec.getStringList("data.inputs"), spec.getStringList("data.targets"));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'data.train_file': " + e.getMessage(), e);
      }
      try {
        data = UserData.load(trainFile, testFile, spec.getStringList("data.inputs"),
            spec.getStringList("data.targets"), kind);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'data.test_file': " + e.getMessage(), e);
      }
      if (kind == TaskKind.MULTICLASS && data.outDim() < 2) {
        throw new ConfigException("config key 'data.targets': a multiclass task needs one-hot targets (>= 2 columns)");
      }
    } else if (!trainFile.isEmpty()) {
      throw new ConfigException("config key 'data.train_file' is set but 'tasks' has no 'file' entry");
    }

    Mlp initial = null;
    String wfile = spec.getString("init.weights");
    if (!wfile.isEmpty()) {
      Path wp = Paths.get(wfile);
      if (!Files.isRegularFile(wp)) {
        throw new ConfigException("config key 'init.weights': file " + wfile + " does not exist");
      }
      try {
        initial = MlpSafeTensors.read(wp, OutputActivation.IDENTITY);
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException("config key 'init.weights': " + e.getMessage(), e);
      }
      for (int l = 0; l < initial.depth(); l++) {
        for (double v : initial.weights(l)) {
          if (!Double.isFinite(v)) {
            throw new ConfigException("config key 'init.weights': " + wfile + " holds " + v + " in layer " + (l + 1));
          }
        }
        for (double v : initial.bias(l)) {
          if (!Double.isFinite(v)) {
            throw new ConfigException("config key 'init.weights': " + wfile + " holds " + v + " in bias " + (l + 1));
          }
        }
      }
    }

    long[] stages = Arrays.stream(spec.getIntList("diagnostics.stages")).asLongStream().toArray();
    boolean spectra = spec.getBool("diagnostics.spectra");
    boolean discord = spec.getBool("diagnostics.discord");
    boolean snapshots = spec.getBool("models.snapshots");
    long every = spec.getInt("diagnostics.every");
    if ((discord || snapshots) && stages.length == 0) {
      throw new ConfigException("config key 'diagnostics.stages': " + (discord ? "diagnostics.discord" : "models.snapshots")
          + " needs the steps at which to record, e.g. [1000, 20000, 100000]");
    }
    if (spectra && stages.length == 0 && every == 0) {
      throw new ConfigException("config key 'diagnostics.every': diagnostics.spectra needs diagnostics.every > 0 or diagnostics.stages");
    }
    String pins = spec.getString("diagnostics.pins");
    PinSpec pinSpec = null;
    if (discord) {
      try {
        pinSpec = PinSpec.parse(pins);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'diagnostics.pins': " + e.getMessage(), e);
      }
    }

    SweepSettings settings = new SweepSettings(spec.getDouble("alpha"), spec.getInt("steps_per_epoch"),
        spec.getInt("check_every"), spec.getDouble("divergence_threshold"), spec.getString("cochain_init"),
        spec.getString("warm_start"), spec.getInt("adam.batch_size"), initial, spec.getInt("curve.every"),
        spec.getDouble("progress.seconds"), spec.getLong("data.seed"), spec.getInt("n_test"),
        spec.getInt("grid.size"), spectra, discord, every, stages, spec.getInt("diagnostics.inputs"), pins,
        spec.getString("diagnostics.spectrum_output"), spec.getBool("models.write"), snapshots, data);

    int[][] widthsList = spec.getIntListList("widths");
    int[] hidden = spec.getIntList("hidden_layers");
    List<String> methods = spec.getStringList("methods");
    int[] seeds = spec.getIntList("seeds");
    long[] seedList = seeds.length == 0 ? new long[] {spec.getLong("seed")}
        : Arrays.stream(seeds).asLongStream().toArray();
    int[] nTrains = spec.getIntList("n_train");
    double[] betas = spec.getDoubleList("beta");
    double[] dts = spec.getDoubleList("dt");
    double[] dtScales = spec.getDoubleList("dt_scale");
    int[] stepsList = spec.getIntList("steps");
    double[] times = spec.getDoubleList("times");
    List<String> losses = spec.getStringList("losses");
    List<String> regs = spec.getStringList("regularisation");
    if (stepsList.length > 0 && times.length > 0) {
      throw new ConfigException("config keys 'steps' and 'times': give the budget as steps or as integration times, not both");
    }
    if (dts.length > 0 && !(dtScales.length == 1 && dtScales[0] == 1.0)) {
      throw new ConfigException("config keys 'dt' and 'dt_scale': give explicit steps or multiples of the default, not both");
    }
    double gdLr = spec.getDouble("gd.lr");
    double adamLr = spec.getDouble("adam.lr");
    int[] eqSteps = spec.getIntList("equilibrium.steps");
    double[] outerDts = spec.getDoubleList("equilibrium.outer_dt");
    List<String> controls = spec.getStringList("equilibrium.step_control");

    List<Trial> trials = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    long maxSteps = 0;
    for (String task : tasks) {
      boolean file = task.equals("file");
      Task paper = file ? null : Task.parse(task);
      TaskKind kind = file ? data.kind() : paper.kind();
      int inDim = file ? data.inDim() : paper.inputDim();
      int outDim = file ? data.outDim() : paper.outputDim();
      List<int[]> archs = new ArrayList<>();
      if (widthsList.length > 0) {
        archs.addAll(Arrays.asList(widthsList));
      } else if (file) {
        throw new ConfigException("config key 'widths': task 'file' needs explicit widths, e.g. [[" + inDim + ", 30, " + outDim + "]]");
      } else {
        for (int h : hidden) {
          archs.add(paper.paperWidths(h));
        }
      }
      for (int[] w : archs) {
        if (w[0] != inDim || w[w.length - 1] != outDim) {
          throw new ConfigException("config key 'widths': " + Arrays.toString(w) + " does not fit task '" + task
              + "': the first width must be its input dimension " + inDim + " and the last its output dimension " + outDim);
        }
        if (initial != null && !Arrays.equals(initial.widths(), w)) {
          throw new ConfigException("config key 'init.weights': the file holds a network with widths "
              + Arrays.toString(initial.widths()) + " but the sweep trains " + Arrays.toString(w) + " on task '" + task + "'");
        }
        if (pinSpec != null) {
          try {
            pinSpec.validate(w);
          } catch (IllegalArgumentException e) {
            throw new ConfigException("config key 'diagnostics.pins': " + e.getMessage(), e);
          }
        }
        if (settings.gridSize() > 0 && w[0] != 2) {
          throw new ConfigException("config key 'grid.size': prediction grids need 2-D inputs, task '" + task + "' has " + w[0]);
        }
        for (String mName : methods) {
          Method m = Method.parse(mName);
          int[] ns = nTrains.length > 0 ? nTrains : new int[] {file ? data.nTrainRows() : Task.PAPER_N_TRAIN};
          for (int n : ns) {
            if (file && n > data.nTrainRows()) {
              throw new ConfigException("config key 'n_train': " + n + " training samples asked for but "
                  + trainFile + " has " + data.nTrainRows() + " rows");
            }
            double[] betaAxis = m.isSheaf() && betas.length > 0 ? betas : new double[] {Double.NaN};
            for (double beta : betaAxis) {
              double defaultDt = w.length == 3 ? 0.005 : 0.01;
              double[] dtAxis;
              if (dts.length > 0) {
                dtAxis = dts;
              } else {
                dtAxis = new double[dtScales.length];
                for (int i = 0; i < dtScales.length; i++) {
                  dtAxis[i] = defaultDt * dtScales[i];
                }
              }
              for (double dt : dtAxis) {
                List<long[]> budgets = new ArrayList<>(); // {steps, T index or -1}
                if (times.length > 0) {
                  for (int i = 0; i < times.length; i++) {
                    budgets.add(new long[] {Math.round(times[i] / dt), i});
                  }
                } else if (stepsList.length > 0) {
                  for (int st : stepsList) {
                    budgets.add(new long[] {st, -1});
                  }
                } else {
                  budgets.add(new long[] {w.length == 3 ? 100_000 : 200_000, -1});
                }
                if (m == Method.SHEAF_EQUILIBRIUM && eqSteps.length > 0) {
                  budgets.clear();
                  for (int st : eqSteps) {
                    budgets.add(new long[] {st, -1});
                  }
                }
                for (long[] budget : budgets) {
                  long steps = budget[0];
                  boolean euler = m == Method.SHEAF;
                  // dt matters for the Euler dynamics, and for the others only through T / dt
                  Double dtCol = euler || budget[1] >= 0 && m != Method.SHEAF_EQUILIBRIUM ? dt : null;
                  Double tCol = euler ? dt * steps : null;
                  List<String> lossAxis = new ArrayList<>();
                  if (!m.isSheaf() || losses.isEmpty()) {
                    lossAxis.add(Loss.defaultFor(kind).id());
                  } else {
                    for (String l : losses) {
                      Loss loss = Loss.parse(l);
                      if (!loss.fits(kind)) {
                        throw new ConfigException("config key 'losses': loss " + loss.id() + " does not fit task '" + task
                            + "' (" + kind.id() + "; regression: l2, l1, huber, pnorm; binary: bce; multiclass: ce)");
                      }
                      lossAxis.add(loss.id());
                    }
                  }
                  for (String loss : lossAxis) {
                    for (String regText : regs) {
                      Reg reg = parseRegularisation(regText);
                      if (!m.isSheaf() && reg.lambda() != 0) {
                        throw new ConfigException("config key 'regularisation': '" + regText + "' has a cochain term lambda,"
                            + " which applies to the sheaf dynamics only, but the sweep also runs method " + m.id());
                      }
                      if (m == Method.SHEAF_EQUILIBRIUM && reg.lambda() != 0) {
                        throw new ConfigException("config key 'regularisation': sheaf_equilibrium solves the"
                            + " unregularised cochain problem exactly; '" + regText + "' has lambda > 0");
                      }
                      Double lr = switch (m) {
                        case GD -> gdLr > 0 ? gdLr : kind == TaskKind.REGRESSION ? 0.005 : 0.01;
                        case ADAM -> adamLr > 0 ? adamLr : 1e-3;
                        default -> null;
                      };
                      Double betaCol = m.isSheaf() ? (Double.isNaN(beta) ? 1.0 / n : beta) : null;
                      List<Object[]> variants = new ArrayList<>(); // {outer dt, step control} of sheaf_equilibrium
                      if (m == Method.SHEAF_EQUILIBRIUM) {
                        for (double od : outerDts) {
                          for (String c : controls) {
                            variants.add(new Object[] {od, c});
                          }
                        }
                      } else {
                        variants.add(new Object[] {null, null});
                      }
                      for (Object[] variant : variants) {
                        Double outerCol = (Double) variant[0];
                        String control = (String) variant[1];
                        for (long seed : seedList) {
                          String key = String.join("|", task, Arrays.toString(w), m.id(), String.valueOf(n),
                              String.valueOf(betaCol), String.valueOf(dtCol), String.valueOf(steps), loss,
                              reg.toString(), String.valueOf(lr), String.valueOf(outerCol), String.valueOf(control),
                              String.valueOf(seed));
                          if (!seen.add(key)) {
                            continue; // an axis that does not apply to this method
                          }
                          int idx = trials.size();
                          String id = String.format(Locale.ROOT, "t%03d-%s-%s-%s-s%d", idx, task,
                              String.join("x", Arrays.stream(w).mapToObj(String::valueOf).toList()), m.id(), seed);
                          Trial t = new Trial(idx, id, task, w.clone(), m.id(), seed, betaCol, n, dtCol, steps, tCol,
                              loss, reg.lambda(), reg.mu(), reg.anchor(), lr, outerCol, control);
                          try {
                            t.spec(settings, kind, settings.curveEvery()).checkDims(kind, inDim, outDim, n);
                          } catch (IllegalArgumentException e) {
                            throw new ConfigException("trial " + id + ": " + e.getMessage(), e);
                          }
                          trials.add(t);
                          maxSteps = Math.max(maxSteps, steps);
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    for (long s : stages) {
      if (s > maxSteps && (spectra || discord || snapshots)) {
        throw new ConfigException("config key 'diagnostics.stages': stage " + s + " lies beyond every trial's budget (at most "
            + maxSteps + " steps)");
      }
    }
    return new Sweep(List.copyOf(trials), settings);
  }

  static final StructType PAYLOAD = new StructType()
      .add("trial_index", DataTypes.IntegerType, false)
      .add("status", DataTypes.StringType, false)
      .add("payload", DataTypes.BinaryType, false);

  @Override
  public long run(JobContext ctx, Spec spec) {
    Sweep sw = expand(spec);
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
    ctx.spark().range(0, n, 1, parts)
        .map((MapFunction<Long, Row>) pos -> {
          Trial t = byPosition[pos.intValue()];
          TrialRunner.Output o = TrialRunner.run(settings, t, System.out);
          return RowFactory.create(t.index(), o.status, serialize(o));
        }, Encoders.row(PAYLOAD))
        .write().parquet(scratch);
    Dataset<Row> results = ctx.spark().read().parquet(scratch);
    Trial[] byIndex = trials.toArray(new Trial[0]);
    int outParts = Math.max(1, Math.min(parts, (n + 31) / 32));
    for (Map.Entry<String, StructType> e : TrainTables.SCHEMAS.entrySet()) {
      String table = e.getKey();
      if (!written(table, settings)) {
        continue;
      }
      Dataset<Row> rows = results
          .flatMap((FlatMapFunction<Row, Row>) r -> tableRows(table, byIndex[r.getInt(0)], r.getAs(2)).iterator(),
              Encoders.row(e.getValue()))
          .coalesce(outParts);
      ctx.write(table, rows);
    }
    List<Row> failed = results.filter("status in ('diverged', 'failed')").select("trial_index", "status").collectAsList();
    for (Row r : failed) {
      System.out.println("train-sweep: trial " + byIndex[r.getInt(0)].id() + " " + r.getString(1));
    }
    return failed.size();
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
