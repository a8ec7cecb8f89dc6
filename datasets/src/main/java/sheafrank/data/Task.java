package sheafrank.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;
import sheafrank.util.Rng;

/**
 * The four synthetic tasks of seed 001 §6.2 with the settings of EXPERIMENTS.md (shared
 * conventions), generated deterministically from a seed through {@link Rng} streams (the numbers
 * differ from the authors' PyTorch generator; the distributions are the same):
 *
 * <ul>
 *   <li>PARABOLOID: x uniform on [-2,2]^2, y = x1^2 + x2^2 - 2/3 + N(0, 0.02^2).
 *   <li>SADDLE: x uniform on [0,2]^2, y = x1^2 - x2^2 + 0.5 sin(2 x1) + N(0, 0.02^2).
 *   <li>CIRCULAR: (n_train + n_test)/2 points per class; angle uniform on [0, 2 pi); class 0 radius
 *       sqrt(U) + N(0, 0.1^2), class 1 radius sqrt(1.5^2 + U (2.5^2 - 1.5^2)) + N(0, 0.1^2);
 *       label y in {0, 1} (one sigmoid output); classes concatenated, then shuffled.
 *   <li>BLOBS: (n_train + n_test)/4 points per class from N(mu_k, Sigma_k) with the centres and
 *       covariances below; one-hot targets (four softmax outputs); concatenated, then shuffled.
 * </ul>
 *
 * In every case n_train + n_test points are drawn, the first n_train form the training set and the
 * rest the test set, as in the reference generator (for CIRCULAR and BLOBS a total not divisible
 * by the class count drops the remainder from the test set).
 */
public enum Task {
  PARABOLOID(TaskKind.REGRESSION, 2, 1),
  SADDLE(TaskKind.REGRESSION, 2, 1),
  CIRCULAR(TaskKind.BINARY, 2, 1),
  BLOBS(TaskKind.MULTICLASS, 2, 4);

  /** Blob centres (EXPERIMENTS.md). */
  public static final double[][] BLOB_CENTRES = {{-1.5, -1.5}, {1.8, -1.0}, {1.0, 2.0}, {-2.0, 1.5}};

  /** Blob covariances, row-major 2x2 (EXPERIMENTS.md). */
  public static final double[][] BLOB_COVARIANCES = {
    {0.80, 0.30, 0.30, 0.40}, {0.30, -0.20, -0.20, 1.00}, {1.20, 0.50, 0.50, 0.50}, {0.50, 0.0, 0.0, 0.80}
  };

  public static final int PAPER_N_TRAIN = 300;
  public static final int PAPER_N_TEST = 100;
  public static final long PAPER_SEED = 42;

  private static final long DATA_KEY = 0xDA7AL;

  private final TaskKind kind;
  private final int inDim;
  private final int outDim;

  Task(TaskKind kind, int inDim, int outDim) {
    this.kind = kind;
    this.inDim = inDim;
    this.outDim = outDim;
  }

  /** Parses a task name (case-insensitive). */
  public static Task parse(String name) {
    String t = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
    try {
      return valueOf(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown task '" + name + "' (expected one of paraboloid, saddle, circular, blobs)");
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public TaskKind kind() {
    return kind;
  }

  public int inputDim() {
    return inDim;
  }

  public int outputDim() {
    return outDim;
  }

  /**
   * The paper's architectures (§6.2): one hidden layer [2,30,1] (regression), [2,25,1] (circular),
   * [2,25,4] (blobs); two hidden layers [2,10,8,out].
   */
  public int[] paperWidths(int hiddenLayers) {
    return switch (hiddenLayers) {
      case 1 -> new int[] {inDim, kind == TaskKind.REGRESSION ? 30 : 25, outDim};
      case 2 -> new int[] {inDim, 10, 8, outDim};
      default -> throw new IllegalArgumentException("the paper uses 1 or 2 hidden layers, not " + hiddenLayers);
    };
  }

  /** Rejects widths whose first entry is not this task's input dimension or last its output dimension. */
  public void validateWidths(int[] widths) {
    Dataset.validateWidths(id(), widths, inDim, outDim);
  }

  /** The paper's data: n_train 300, n_test 100, seed 42. */
  public Dataset paperData() {
    return generate(PAPER_N_TRAIN, PAPER_N_TEST, PAPER_SEED);
  }

  /** Generates n_train + n_test points from the seed; n_test may be 0 (no test set). */
  public Dataset generate(int nTrain, int nTest, long seed) {
    if (nTrain < 1) {
      throw new IllegalArgumentException("n_train must be >= 1, got " + nTrain);
    }
    if (nTest < 0) {
      throw new IllegalArgumentException("n_test must be >= 0, got " + nTest);
    }
    int total = nTrain + nTest;
    double[] x;
    double[] y;
    switch (this) {
      case PARABOLOID, SADDLE -> {
        double lo = this == PARABOLOID ? -2 : 0;
        double hi = 2;
        x = new double[2 * total];
        y = new double[total];
        Rng.uniform(Rng.stream(seed, DATA_KEY, ordinal(), 1), lo, hi, x);
        SplittableRandom noise = Rng.stream(seed, DATA_KEY, ordinal(), 2);
        for (int s = 0; s < total; s++) {
          y[s] = target(x[2 * s], x[2 * s + 1]) + 0.02 * noise.nextGaussian();
        }
      }
      case CIRCULAR -> {
        int per = total / 2;
        total = 2 * per;
        x = new double[2 * total];
        y = new double[total];
        SplittableRandom angle = Rng.stream(seed, DATA_KEY, ordinal(), 1);
        SplittableRandom radius = Rng.stream(seed, DATA_KEY, ordinal(), 2);
        SplittableRandom noise = Rng.stream(seed, DATA_KEY, ordinal(), 3);
        for (int s = 0; s < total; s++) {
          double th = 2 * Math.PI * angle.nextDouble();
          boolean outer = s >= per;
          double u = radius.nextDouble();
          double r = (outer ? Math.sqrt(1.5 * 1.5 + u * (2.5 * 2.5 - 1.5 * 1.5)) : Math.sqrt(u))
              + 0.1 * noise.nextGaussian();
          x[2 * s] = r * Math.cos(th);
          x[2 * s + 1] = r * Math.sin(th);
          y[s] = outer ? 1 : 0;
        }
        shuffle(x, y, 2, 1, total, Rng.stream(seed, DATA_KEY, ordinal(), 4));
      }
      case BLOBS -> {
        int per = total / 4;
        total = 4 * per;
        x = new double[2 * total];
        y = new double[4 * total];
        SplittableRandom g = Rng.stream(seed, DATA_KEY, ordinal(), 1);
        for (int c = 0; c < 4; c++) {
          double[] cov = BLOB_COVARIANCES[c];
          double l11 = Math.sqrt(cov[0]);
          double l21 = cov[2] / l11;
          double l22 = Math.sqrt(cov[3] - l21 * l21);
          for (int i = 0; i < per; i++) {
            int s = c * per + i;
            double z1 = g.nextGaussian();
            double z2 = g.nextGaussian();
            x[2 * s] = BLOB_CENTRES[c][0] + l11 * z1;
            x[2 * s + 1] = BLOB_CENTRES[c][1] + l21 * z1 + l22 * z2;
            y[4 * s + c] = 1;
          }
        }
        shuffle(x, y, 2, 4, total, Rng.stream(seed, DATA_KEY, ordinal(), 2));
      }
      default -> throw new AssertionError(this);
    }
    if (total < nTrain) {
      throw new IllegalArgumentException(
          id() + ": n_train + n_test = " + (nTrain + nTest) + " gives only " + total
              + " points after balancing the classes, fewer than n_train = " + nTrain);
    }
    Samples train = slice(x, y, 0, nTrain);
    Samples test = total > nTrain && nTest > 0 ? slice(x, y, nTrain, total) : null;
    return new Dataset(id(), kind, train, test);
  }

  /** The regression target without noise (identity for classification tasks is not defined). */
  public double target(double x1, double x2) {
    return switch (this) {
      case PARABOLOID -> x1 * x1 + x2 * x2 - 2.0 / 3.0;
      case SADDLE -> x1 * x1 - x2 * x2 + 0.5 * Math.sin(2 * x1);
      default -> throw new UnsupportedOperationException(id() + " is a classification task");
    };
  }

  private Samples slice(double[] x, double[] y, int from, int to) {
    return new Samples(Arrays.copyOfRange(x, from * inDim, to * inDim),
        Arrays.copyOfRange(y, from * outDim, to * outDim), to - from, inDim, outDim);
  }

  private static void shuffle(double[] x, double[] y, int dx, int dy, int n, SplittableRandom r) {
    double[] tx = new double[dx];
    double[] ty = new double[dy];
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      System.arraycopy(x, i * dx, tx, 0, dx);
      System.arraycopy(x, j * dx, x, i * dx, dx);
      System.arraycopy(tx, 0, x, j * dx, dx);
      System.arraycopy(y, i * dy, ty, 0, dy);
      System.arraycopy(y, j * dy, y, i * dy, dy);
      System.arraycopy(ty, 0, y, j * dy, dy);
    }
  }
}
