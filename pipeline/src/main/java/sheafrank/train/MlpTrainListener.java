package sheafrank.train;

import sheafrank.net.Mlp;

/** Callbacks of an {@link MlpTrainer} run. */
public interface MlpTrainListener {
  /**
   * Metrics of the network after an epoch (epoch 0: the initial network), over the whole data
   * sets: mean loss (as {@link BatchNet} defines it) and accuracy (NaN for regression), NaN for a
   * set that was not evaluated.
   *
   * @param meanBatchLoss mean of the epoch's batch losses, each taken before its update (what
   *     PyTorch training loops usually print); NaN for epoch 0
   * @param trainSeconds wall time of the epoch's batches (forward, backward, updates)
   * @param evalSeconds wall time of this evaluation
   */
  record EpochMetrics(double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
      double meanBatchLoss, double trainSeconds, double evalSeconds) {}

  /**
   * A checkpoint: {@code network} is a copy owned by the receiver, with the output activation of
   * the loss (softmax for cross-entropy, sigmoid for binary cross-entropy, identity for MSE).
   *
   * @param steps optimiser updates so far
   */
  record Checkpoint(int epoch, long steps, Mlp network, EpochMetrics metrics) {}

  /** Progress inside an epoch (every {@link MlpTrainConfig#progressEvery()} batches). */
  record Progress(int epoch, int batch, int batches, long steps, double batchLoss,
      double trainSeconds) {}

  /** Called before training (epoch 0) and after every completed epoch. */
  void onCheckpoint(Checkpoint checkpoint);

  default void onProgress(Progress progress) {}

  MlpTrainListener NONE = c -> { };
}
