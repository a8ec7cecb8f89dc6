package sheafrank.train;

/** Callbacks of a training run; all methods are optional. */
public interface TrainListener {
  /** Progress every {@link TrainSpec#progressEvery()} steps. */
  record Progress(long step, long totalSteps, double trainLoss, double stepsPerSecond,
      double seconds) {}

  default void onProgress(Progress p) {}

  /** Every recorded curve point (every {@link TrainSpec#curveEvery()} steps, and the last). */
  default void onCurvePoint(CurvePoint p) {}

  TrainListener NONE = new TrainListener() {};
}
