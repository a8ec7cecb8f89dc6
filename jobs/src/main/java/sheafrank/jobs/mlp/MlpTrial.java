package sheafrank.jobs.mlp;

import java.io.Serializable;
import java.util.Arrays;
import sheafrank.train.MlpInit;
import sheafrank.train.MlpTrainConfig;
import sheafrank.train.MlpTrainer;
import sheafrank.train.Optimizer;
import sheafrank.train.TaskKind;

/**
 * One trial of an {@code mlp-train} sweep: one data set, architecture, optimiser and seed, every
 * setting resolved. Its id is also the model id of its checkpoints in the models table.
 *
 * @param index position in the sweep (data, then widths, then optimisers, then seeds)
 * @param id {@code <data>/<widths joined by '-'>/<optimiser tag>/s<seed>}, e.g.
 *     {@code mnist/784-2000-1000-500-100-10/adam/s0}
 * @param seed the trainer's seed: initial weights and every epoch's shuffle
 * @param loss ce, bce or mse (the task kind: multiclass, binary, regression)
 * @param checkpoints the epochs stored in the models table, ascending
 * @param progressEvery epochs between progress lines (0: none)
 */
public record MlpTrial(int index, String id, MlpData data, int[] widths, long seed, Optimizer optimizer,
    String loss, int batchSize, int epochs, MlpInit init, int[] checkpoints, boolean evaluateTrain,
    int progressEvery) implements Serializable {

  /** The task kind of a loss: ce multiclass (softmax), bce binary (sigmoid), mse regression. */
  static TaskKind kindOf(String loss) {
    return switch (loss) {
      case "ce" -> TaskKind.MULTICLASS;
      case "bce" -> TaskKind.BINARY;
      case "mse" -> TaskKind.REGRESSION;
      default -> throw new IllegalArgumentException("unknown loss '" + loss + "'");
    };
  }

  TaskKind kind() {
    return kindOf(loss);
  }

  MlpTrainConfig config() {
    return MlpTrainConfig.builder(widths, kind()).optimizer(optimizer).batchSize(batchSize).epochs(epochs)
        .seed(seed).init(init).evaluateTrain(evaluateTrain).build();
  }

  boolean isCheckpoint(int epoch) {
    return Arrays.binarySearch(checkpoints, epoch) >= 0;
  }

  /** Parameters of the network. */
  long parameters() {
    long p = 0;
    for (int l = 0; l + 1 < widths.length; l++) {
      p += (long) widths[l] * widths[l + 1] + widths[l + 1];
    }
    return p;
  }

  /** Floating-point operations of training and evaluation: what schedules the longest trials first. */
  double cost() {
    double evals = (evaluateTrain ? data.nTrain() : 0) + (double) data.nTest();
    return epochs * (double) data.nTrain() * MlpTrainer.flopsPerSample(widths) + (epochs + 1) * evals * 2 * parameters();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MlpTrial t && t.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return id;
  }
}
