package sheafrank.train;

import java.util.Locale;
import sheafrank.net.OutputActivation;

/** What a data set asks of the network's output (seed 001 §6.2). */
public enum TaskKind {
  /** Real-valued targets; identity output; loss reported as MSE (mean over entries, no 1/2). */
  REGRESSION,
  /** Targets in {0,1}; sigmoid output; loss reported as mean binary cross-entropy. */
  BINARY,
  /** One-hot targets; softmax output; loss reported as mean cross-entropy. */
  MULTICLASS;

  public static TaskKind parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "unknown task kind '" + s + "' (expected regression, binary or multiclass)");
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The output activation the paper pairs with this kind (identity, sigmoid, softmax). */
  public OutputActivation outputActivation() {
    return switch (this) {
      case REGRESSION -> OutputActivation.IDENTITY;
      case BINARY -> OutputActivation.SIGMOID;
      case MULTICLASS -> OutputActivation.SOFTMAX;
    };
  }

  public boolean isClassification() {
    return this != REGRESSION;
  }
}
