package sheafrank.train;

import java.util.List;
import sheafrank.net.Mlp;

/**
 * The outcome of an {@link MlpTrainer} run.
 *
 * @param status COMPLETED, or NON_FINITE: a batch loss or gradient, or a parameter after an epoch,
 *     was NaN or infinite; the run stopped there (before applying that batch's update)
 * @param epochs epochs completed
 * @param steps optimiser updates applied
 * @param message where and what was non-finite, or empty
 * @param network the final network; for NON_FINITE the last checkpoint's (whose parameters were
 *     all finite)
 * @param history the checkpoints' metrics, epoch 0 first
 */
public record MlpTrainResult(Status status, int epochs, long steps, String message, Mlp network,
    List<MlpTrainListener.EpochMetrics> history) {
  public enum Status {
    COMPLETED,
    NON_FINITE
  }

  public boolean completed() {
    return status == Status.COMPLETED;
  }
}
