package sheafrank.train;

import java.util.List;
import sheafrank.net.Mlp;

/**
 * The outcome of a training run.
 *
 * @param status COMPLETED, or DIVERGED (NaN, infinity or a value beyond the divergence threshold in
 *     the weights, the cochain or the loss); a diverged run reports NaN metrics
 * @param steps steps done (Euler steps, outer steps, GD epochs or Adam epochs)
 * @param divergedAtStep the step at which divergence was detected (-1 if none); checks run every
 *     {@link TrainSpec#checkEvery()} steps and at every curve point
 * @param message what diverged, or empty
 * @param train final metrics on the training set (forward pass of the final weights)
 * @param test final metrics on the test set (NaN without one)
 * @param network final weights; for a diverged run the last weights that passed a check (null if
 *     none did)
 * @param curve recorded curve points
 * @param seconds compute time of the steps (excluding metric evaluations)
 * @param stepsPerSecond steps / seconds
 * @param flops estimated floating-point operations of the steps (see {@link Trainer#flopsPerStep})
 * @param sheafLoss for SHEAF_EQUILIBRIUM the last L(theta) = mean R; NaN otherwise
 */
public record TrainResult(Method method, Status status, long steps, long divergedAtStep,
    String message, Metrics.Eval train, Metrics.Eval test, Mlp network, List<CurvePoint> curve,
    double seconds, double stepsPerSecond, double flops, double sheafLoss) {
  public enum Status {
    COMPLETED,
    DIVERGED
  }

  public boolean diverged() {
    return status == Status.DIVERGED;
  }
}
