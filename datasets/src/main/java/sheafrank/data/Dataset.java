package sheafrank.data;

import java.util.Arrays;
import sheafrank.net.OutputActivation;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;

/**
 * A training set and an optional test set (row-major {@link Samples}), with what the task asks of
 * the network's output.
 *
 * @param name the task name or the source of user data
 * @param test null when there is no test set
 */
public record Dataset(String name, TaskKind kind, Samples train, Samples test) {
  public Dataset {
    if (train == null) {
      throw new IllegalArgumentException("data set '" + name + "' has no training samples (n_train must be >= 1)");
    }
    if (test != null && (test.inDim() != train.inDim() || test.outDim() != train.outDim())) {
      throw new IllegalArgumentException("data set '" + name + "': test and training dimensions differ");
    }
  }

  public int inputDim() {
    return train.inDim();
  }

  public int outputDim() {
    return train.outDim();
  }

  public int nTrain() {
    return train.n();
  }

  public int nTest() {
    return test == null ? 0 : test.n();
  }

  /** The output activation the paper uses for this kind of task (identity, sigmoid, softmax). */
  public OutputActivation recommendedOutput() {
    return kind.outputActivation();
  }

  /**
   * Rejects a width list whose first entry is not the input dimension or whose last entry is not
   * the output dimension.
   */
  public void validateWidths(int[] widths) {
    validateWidths(name, widths, inputDim(), outputDim());
  }

  static void validateWidths(String name, int[] widths, int in, int out) {
    sheafrank.net.Mlp.validateWidths(widths);
    if (widths[0] != in) {
      throw new IllegalArgumentException(
          "widths " + Arrays.toString(widths) + " do not fit '" + name + "': the first width must be the"
              + " input dimension " + in + ", got " + widths[0]);
    }
    if (widths[widths.length - 1] != out) {
      throw new IllegalArgumentException(
          "widths " + Arrays.toString(widths) + " do not fit '" + name + "': the last width must be the"
              + " output dimension " + out + ", got " + widths[widths.length - 1]);
    }
  }
}
