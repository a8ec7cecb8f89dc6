package sheafrank.train;

/**
 * One point of a loss curve: metrics of the network's forward pass after {@code step} steps
 * (accuracies NaN for regression; test values NaN without a test set), and the compute time so far.
 */
public record CurvePoint(long step, double trainLoss, double testLoss, double trainAccuracy,
    double testAccuracy, double seconds) {}
