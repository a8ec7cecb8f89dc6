package sheafrank.data;

import java.util.Locale;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;

/**
 * A learning task made from a test function (seed 003 §4 and App 7.3): inputs uniform on the
 * function's domain in dimension d, targets derived from f by one of the {@link Target}s.
 *
 * <p>Points: training point i is {@code domain.point(seed, Box.TRAIN_STREAM, i)} and test point j is
 * {@code domain.point(seed, Box.TEST_STREAM, j)}, so a point depends only on (seed, split, index):
 * any subset or partitioning gives the same points, and the test set does not depend on n_train.
 * Every function of the same dimension sees the same unit-cube draws, scaled to its domain.
 *
 * <p>Everything a target needs from data (mean, standard deviation, percentiles) is computed on the
 * training sample and applied unchanged to the test sample.
 */
public record FunctionTask(TestFunction function, int dim, Target target) {
  public FunctionTask {
    function.checkDim(dim);
  }

  /** How targets are made from f; the fitted quantities come from the training sample. */
  public enum Kind {
    /** f itself (the paper's regression target and f_infinity): {@link TaskKind#REGRESSION}. */
    VALUE,
    /** (f - mean) / sd with the training mean and population standard deviation: regression. */
    STANDARDISED,
    /** 1 if f >= the training mean of f, else 0 (App 7.3 classification): {@link TaskKind#BINARY}. */
    ABOVE_MEAN,
    /** f_n = k/n by training percentiles ({@link PercentileBins}), n = {@code levels}: regression. */
    PERCENTILE_BINS
  }

  /** A target kind; {@code levels} is n for {@link Kind#PERCENTILE_BINS} and 0 otherwise. */
  public record Target(Kind kind, int levels) {
    public Target {
      if ((kind == Kind.PERCENTILE_BINS) != (levels >= 2) || (kind != Kind.PERCENTILE_BINS && levels != 0)) {
        throw new IllegalArgumentException(kind + " with " + levels + " levels: percentile bins need n >= 2,"
            + " other targets no n");
      }
    }

    public static Target value() {
      return new Target(Kind.VALUE, 0);
    }

    public static Target standardised() {
      return new Target(Kind.STANDARDISED, 0);
    }

    public static Target aboveMean() {
      return new Target(Kind.ABOVE_MEAN, 0);
    }

    public static Target bins(int n) {
      if (n < 2) {
        throw new IllegalArgumentException("percentile bins need n >= 2, got " + n);
      }
      return new Target(Kind.PERCENTILE_BINS, n);
    }

    /**
     * Parses {@code value}, {@code standardised} (or {@code standardized}), {@code above-mean} (or
     * {@code classification}), an integer n >= 2 (f_n), or {@code inf} (f_infinity = f itself).
     */
    public static Target parse(String s) {
      String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
      switch (t) {
        case "value", "inf", "infinity", "\u221e":
          return value();
        case "standardised", "standardized":
          return standardised();
        case "above-mean", "classification":
          return aboveMean();
        default:
          try {
            return bins(Integer.parseInt(t));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown target '" + s + "' (expected value, standardised,"
                + " above-mean, an integer n >= 2 for f_n, or inf)");
          }
      }
    }

    public TaskKind taskKind() {
      return kind == Kind.ABOVE_MEAN ? TaskKind.BINARY : TaskKind.REGRESSION;
    }

    public String id() {
      return kind == Kind.PERCENTILE_BINS ? "f" + levels : kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * The generated data: the {@link Dataset} for the trainer, the raw f values, and what was fitted
   * on the training sample (mean and population sd of f; the percentile bins, or null).
   */
  public record Data(Dataset dataset, double[] fTrain, double[] fTest, double trainMean, double trainSd,
      PercentileBins bins) {}

  /** The name of the task, e.g. {@code sphere-d20-f4}. */
  public String name() {
    return function.id() + "-d" + dim + "-" + target.id();
  }

  /** The domain, the box for uniform-noise inputs. */
  public Box box() {
    return function.domain(dim);
  }

  /** n_train training and n_test test points (n_test may be 0) from {@code seed}. */
  public Data generate(int nTrain, int nTest, long seed) {
    if (nTrain < 1) {
      throw new IllegalArgumentException("n_train must be >= 1, got " + nTrain);
    }
    if (nTest < 0) {
      throw new IllegalArgumentException("n_test must be >= 0, got " + nTest);
    }
    Box box = box();
    double[] xTrain = box.points(seed, Box.TRAIN_STREAM, 0, nTrain);
    double[] xTest = box.points(seed, Box.TEST_STREAM, 0, nTest);
    double[] fTrain = values(xTrain, nTrain);
    double[] fTest = values(xTest, nTest);
    double mean = 0;
    for (double v : fTrain) {
      mean += v;
    }
    mean /= nTrain;
    double ss = 0;
    for (double v : fTrain) {
      ss += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(ss / nTrain);
    if (target.kind() == Kind.STANDARDISED && !(sd > 0)) {
      throw new IllegalArgumentException(name() + ": f is constant on the training sample, cannot standardise");
    }
    PercentileBins bins = target.kind() == Kind.PERCENTILE_BINS ? PercentileBins.fit(fTrain, target.levels()) : null;
    Samples train = new Samples(xTrain, targets(fTrain, mean, sd, bins), nTrain, dim, 1);
    Samples test = nTest == 0 ? null : new Samples(xTest, targets(fTest, mean, sd, bins), nTest, dim, 1);
    return new Data(new Dataset(name(), target.taskKind(), train, test), fTrain, fTest, mean, sd, bins);
  }

  private double[] values(double[] x, int n) {
    double[] f = new double[n];
    for (int i = 0; i < n; i++) {
      f[i] = function.value(x, i * dim, dim);
    }
    return f;
  }

  private double[] targets(double[] f, double mean, double sd, PercentileBins bins) {
    double[] y = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      y[i] = switch (target.kind()) {
        case VALUE -> f[i];
        case STANDARDISED -> (f[i] - mean) / sd;
        case ABOVE_MEAN -> f[i] >= mean ? 1 : 0;
        case PERCENTILE_BINS -> bins.level(f[i]);
      };
    }
    return y;
  }
}
