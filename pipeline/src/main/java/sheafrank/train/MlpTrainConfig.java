package sheafrank.train;

import java.util.Arrays;
import sheafrank.net.Mlp;

/**
 * Settings of an {@link MlpTrainer} run. Build with {@link #builder}; defaults are the rank
 * paper's (seed 003 §4): Adam with PyTorch's defaults, batch 64, PyTorch's default
 * initialisation, 50 epochs, both data sets evaluated after every epoch.
 */
public final class MlpTrainConfig implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int[] widths;
  private final TaskKind task;
  private final Optimizer optimizer;
  private final int batchSize;
  private final int epochs;
  private final long seed;
  private final MlpInit init;
  private final boolean evaluateTrain;
  private final int evalBlock;
  private final int progressEvery;

  private MlpTrainConfig(Builder b) {
    this.widths = b.widths.clone();
    this.task = b.task;
    this.optimizer = b.optimizer;
    this.batchSize = b.batchSize;
    this.epochs = b.epochs;
    this.seed = b.seed;
    this.init = b.init;
    this.evaluateTrain = b.evaluateTrain;
    this.evalBlock = b.evalBlock;
    this.progressEvery = b.progressEvery;
  }

  /**
   * A builder for a network of these widths (input, hidden..., output) trained on a task of this
   * kind: MULTICLASS = softmax cross-entropy, BINARY = sigmoid binary cross-entropy, REGRESSION =
   * MSE (see {@link BatchNet} for the exact formulas).
   */
  public static Builder builder(int[] widths, TaskKind task) {
    return new Builder(widths, task);
  }

  public int[] widths() {
    return widths.clone();
  }

  public TaskKind task() {
    return task;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public int batchSize() {
    return batchSize;
  }

  public int epochs() {
    return epochs;
  }

  public long seed() {
    return seed;
  }

  public MlpInit init() {
    return init;
  }

  /** Whether the whole training set is evaluated after every epoch (the test set always is). */
  public boolean evaluateTrain() {
    return evaluateTrain;
  }

  /** Samples per forward block of the evaluations (results do not depend on it). */
  public int evalBlock() {
    return evalBlock;
  }

  /** Batches between progress callbacks; 0 for none. */
  public int progressEvery() {
    return progressEvery;
  }

  @Override
  public String toString() {
    return "MlpTrainConfig" + Arrays.toString(widths) + " " + task.id() + " " + optimizer.id()
        + " batch=" + batchSize + " epochs=" + epochs + " seed=" + seed + " init=" + init.id();
  }

  /** Mutable settings; {@link #build} validates them. */
  public static final class Builder {
    private final int[] widths;
    private final TaskKind task;
    private Optimizer optimizer = Optimizer.adam();
    private int batchSize = 64;
    private int epochs = 50;
    private long seed = 0;
    private MlpInit init = MlpInit.TORCH_DEFAULT;
    private boolean evaluateTrain = true;
    private int evalBlock = 256;
    private int progressEvery = 0;

    private Builder(int[] widths, TaskKind task) {
      this.widths = widths == null ? null : widths.clone();
      this.task = task;
    }

    public Builder optimizer(Optimizer o) {
      this.optimizer = o;
      return this;
    }

    public Builder batchSize(int b) {
      this.batchSize = b;
      return this;
    }

    public Builder epochs(int e) {
      this.epochs = e;
      return this;
    }

    /** Seed of the initialisation stream and of every epoch's shuffle. */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder init(MlpInit i) {
      this.init = i;
      return this;
    }

    public Builder evaluateTrain(boolean e) {
      this.evaluateTrain = e;
      return this;
    }

    public Builder evalBlock(int b) {
      this.evalBlock = b;
      return this;
    }

    public Builder progressEvery(int p) {
      this.progressEvery = p;
      return this;
    }

    /** @throws IllegalArgumentException naming the setting and its bad value */
    public MlpTrainConfig build() {
      Mlp.validateWidths(widths);
      if (task == null || optimizer == null || init == null) {
        throw new IllegalArgumentException("task, optimizer and init must be given");
      }
      if (task == TaskKind.MULTICLASS && widths[widths.length - 1] < 2) {
        throw new IllegalArgumentException(
            "multiclass cross-entropy needs at least 2 outputs, widths are "
                + Arrays.toString(widths));
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
      }
      if (epochs < 0) {
        throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
      }
      if (evalBlock < 1) {
        throw new IllegalArgumentException("evaluation block must be >= 1, got " + evalBlock);
      }
      if (progressEvery < 0) {
        throw new IllegalArgumentException("progressEvery must be >= 0, got " + progressEvery);
      }
      return new MlpTrainConfig(this);
    }
  }
}
