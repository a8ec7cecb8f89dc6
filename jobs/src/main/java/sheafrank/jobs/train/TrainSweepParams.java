package sheafrank.jobs.train;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import sheafrank.jobs.core.Limits;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.train.Loss;
import sheafrank.train.Regularisation;

/** The config keys of train-sweep: the sweep's axes and the settings every trial shares. */
final class TrainSweepParams {
  private TrainSweepParams() {}

  static final List<String> TASKS = List.of("paraboloid", "saddle", "circular", "blobs", "file");
  /** Method names as they appear in tables (the pipeline's aliases are not accepted here). */
  /** Training or test samples of one trial at most. */
  static final int MAX_SAMPLES = 10_000_000;
  static final List<String> METHODS = List.of("sheaf", "sheaf_equilibrium", "gd", "adam");

  static List<Param> all() {
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
        .widthsEntries());
    p.add(Param.of("methods", Type.STRING_LIST, "[sheaf, gd]", "sheaf (joint dynamics, forward Euler), "
        + "sheaf_equilibrium (exact inner solve, beyond the paper), gd (full batch), adam")
        .check(v -> {
          @SuppressWarnings("unchecked")
          List<String> l = (List<String>) v;
          if (l.isEmpty()) {
            return "needs at least one method";
          }
          for (String m : l) {
            if (!METHODS.contains(m.trim().toLowerCase(Locale.ROOT))) {
              return "unknown method '" + m + "' (expected " + String.join(", ", METHODS) + "; gd is full-batch"
                  + " gradient descent, adam the mini-batch method: there is no plain stochastic gd)";
            }
          }
          return new LinkedHashSet<>(l).size() == l.size() ? null : "a method is listed twice";
        }));
    p.add(Param.of("seeds", Type.INT_LIST, "[]", "trial seeds (He weights, random cochain, Adam batches); [] = [seed]"));
    p.add(Param.of("n_train", Type.INT_LIST, "[]", "training set sizes; [] = 300 (tasks) / every row (file)")
        .entriesBetween(1, MAX_SAMPLES));
    p.add(Param.of("n_test", Type.INT, "100", "test set size of the generated tasks").nonNegative()
        .atMost(MAX_SAMPLES, "samples per trial"));
    p.add(Param.of("data.seed", Type.LONG, "42", "seed of the generated task data (the paper's 42)"));
    p.add(Param.of("beta", Type.DOUBLE_LIST, "[]", "weight rates beta of the sheaf dynamics; [] = 1/n_train")
        .check(TrainSweepParams::allPositive));
    p.add(Param.of("dt", Type.DOUBLE_LIST, "[]", "Euler steps; [] = 0.005 (one hidden layer) / 0.01 (deeper)")
        .check(TrainSweepParams::allPositive));
    p.add(Param.of("dt_scale", Type.DOUBLE_LIST, "[1.0]",
        "multiples of the default dt (when 'dt' is empty): the fixed-T control across dt")
        .check(TrainSweepParams::allPositive));
    p.add(Param.of("steps", Type.INT_LIST, "[]",
        "step budgets (Euler steps / GD epochs); [] = 'times', or 1e5 (one hidden layer) / 2e5 (deeper)")
        .entriesBetween(0, Limits.MAX_STEPS));
    p.add(Param.of("times", Type.DOUBLE_LIST, "[]",
        "integration times T: steps = round(T / dt) (GD/Adam: the same number of epochs)")
        .check(TrainSweepParams::allPositive));
    p.add(Param.of("losses", Type.STRING_LIST, "[]",
        "output losses of the sheaf methods: l2, l1, huber:TAU, pnorm:P, bce, ce; [] = by task (l2 / bce / ce)")
        .entriesParse(Loss::parse, null));
    p.add(Param.of("regularisation", Type.STRING_LIST, "[none]",
        "entries 'none' or 'lambda=L;mu=M;anchor=zero|initial' (eq. 28/41; lambda for the sheaf dynamics only)")
        .entriesParse(TrainSweepParams::parseRegularisation,
            "needs at least one entry (none for no regularisation)"));
    p.add(Param.of("alpha", Type.DOUBLE, "1.0", "cochain rate alpha of the sheaf dynamics").positive());
    p.add(Param.of("cochain_init", Type.STRING, "auto",
        "initial cochain: auto (random for regression, forward_pass for classification), random, zeros, forward_pass")
        .oneOf("auto", "random", "zeros", "forward_pass"));
    p.add(Param.of("warm_start", Type.STRING, "auto",
        "keep the cochain across epochs: auto (regression yes, classification no), true, false")
        .oneOf("auto", "true", "false"));
    p.add(Param.of("steps_per_epoch", Type.INT, "1000", "Euler steps per epoch of the sheaf dynamics").positive()
        .atMost(Limits.MAX_STEPS, "steps"));
    p.add(Param.of("gd.lr", Type.DOUBLE, "0.0", "GD learning rate; 0 = 0.005 (regression) / 0.01 (classification)")
        .nonNegative());
    p.add(Param.of("adam.lr", Type.DOUBLE, "0.0", "Adam learning rate; 0 = 1e-3").nonNegative());
    p.add(Param.of("adam.batch_size", Type.INT, "64", "Adam mini-batch size").positive()
        .atMost(MAX_SAMPLES, "samples per trial"));
    p.add(Param.of("equilibrium.outer_dt", Type.DOUBLE_LIST, "[1.0]",
        "sheaf_equilibrium: outer steps (the initial step under step-size control)").check(TrainSweepParams::allPositive));
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
        .entriesBetween(0, Limits.MAX_STEPS));
    p.add(Param.of("init.weights", Type.STRING, "\"\"",
        "safetensors file of initial weights for every trial (widths must match); empty = He-normal from the trial seed"));
    p.add(Param.of("init.cochain", Type.STRING, "\"\"",
        "method sheaf: starting cochain, CSV or safetensors, one row per training sample, columns the free "
            + "coordinates z1[0], ..., a1[0], ..., z<k+1>[..]; empty = cochain_init"));
    p.add(Param.of("init.weights.sha256", Type.STRING, "\"\"",
        "derived: SHA-256 of the init.weights network; if set, the file must match"));
    p.add(Param.of("init.cochain.sha256", Type.STRING, "\"\"",
        "derived: SHA-256 of the init.cochain values; if set, the file must match"));
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
        "S8: predictions on a size x size grid over the task's domain (0 = none; 2-D inputs)").nonNegative()
        .atMost(3000, "size^2 grid rows per trial are held in memory"));
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
    p.add(Param.of("diagnostics.inputs", Type.INT, "50", "diagnostic inputs: the first this many test samples").positive()
        .atMost(10_000, "a spectrum and a pinned solve each, at every stage"));
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
}
