package sheafrank.jobs.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import sheafrank.data.Task;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Limits;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Spec;
import sheafrank.jobs.train.TrainSweepParams.Reg;
import sheafrank.net.Mlp;
import sheafrank.pinning.PinSpec;
import sheafrank.train.Loss;
import sheafrank.train.Method;
import sheafrank.train.TaskKind;

/**
 * A train-sweep config expanded into its trials on the driver: the cross product of its axes, each
 * trial with every default resolved; every error names its key, before Spark starts.
 */
final class SweepExpansion {
  private SweepExpansion() {}

  /** Trials of one sweep at most (each is a Spark task; the list is built on the driver). */
  static final int MAX_TRIALS = 100_000;

  /** The expanded sweep. */
  record Sweep(List<Trial> trials, SweepSettings settings) {}

  /** Expands and validates the whole sweep on the driver; every error names its key. */
  static Sweep expand(Spec spec) {
    List<String> tasks = new ArrayList<>();
    for (String t : spec.getStringList("tasks")) {
      tasks.add(t.toLowerCase(Locale.ROOT));
    }
    UserData data = UserData.fromSpec(spec, tasks);
    String trainFile = spec.getString("data.train_file");
    Mlp initial = SweepSettings.initialWeights(spec);
    SweepSettings.checkUnchanged(spec, "init.weights", initial == null ? null : NetworkParams.sha256(initial));
    InitialCochain cochain = InitialCochain.fromSpec(spec);
    SweepSettings.checkUnchanged(spec, InitialCochain.KEY, cochain == null ? null : cochain.sha256());

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
        spec.getString("warm_start"), spec.getInt("adam.batch_size"), initial, cochain, spec.getInt("curve.every"),
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
                      Reg reg = TrainSweepParams.parseRegularisation(regText);
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
                          if (cochain != null) {
                            cochain.check(t, trials.isEmpty() ? null : trials.get(0));
                          }
                          try {
                            t.spec(settings, kind, settings.curveEvery()).checkDims(kind, inDim, outDim, n);
                          } catch (IllegalArgumentException e) {
                            throw new ConfigException("trial " + id + ": " + e.getMessage(), e);
                          }
                          checkSize(t, settings);
                          trials.add(t);
                          if (trials.size() > MAX_TRIALS) {
                            throw new ConfigException("config keys 'tasks', 'methods', 'seeds', 'n_train', 'beta', 'dt', "
                                + "'steps'/'times', 'losses', 'regularisation': the sweep has more than " + MAX_TRIALS
                                + " trials; split it into several runs");
                          }
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

  /** A trial's budget and memory: steps, its loss-curve rows and its training state fit one task. */
  static void checkSize(Trial t, SweepSettings s) {
    if (t.steps() > Limits.MAX_STEPS) {
      throw new ConfigException("config keys 'times' and 'dt': trial " + t.id() + " would take " + t.steps()
          + " steps, more than " + Limits.count(Limits.MAX_STEPS));
    }
    Limits.unitRows("steps, curve.every", "the loss curve of trial " + t.id(), t.steps() / s.curveEvery() + 2);
    long units = 0;
    for (int w : t.widths()) {
      units += w;
    }
    Limits.layerWeights("widths", t.widths(), Limits.MAX_TASK_DOUBLES / 8, "a trial keeps several copies of its weights");
    Limits.memory("n_train, widths", "the training state of trial " + t.id() + " (samples x stalks)",
        Limits.product(4, t.nTrain(), 2 * units));
  }
}
