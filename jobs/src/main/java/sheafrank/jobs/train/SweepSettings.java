package sheafrank.jobs.train;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import sheafrank.io.MlpSafeTensors;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Spec;
import sheafrank.net.OutputActivation;
import sheafrank.net.Mlp;

/**
 * The settings every trial of a sweep shares (serialisable, shipped to the executors with the
 * trials).
 *
 * @param data the user's data set, or null when every task is a paper task
 * @param initialWeights starting weights for every trial (null: He-normal from the trial seed)
 * @param diagnosticsEvery spectra every this many steps (0: none)
 * @param stages steps at which distributions (spectra per input, pinned discord, model
 *     snapshots) are recorded
 */
public record SweepSettings(double alpha, int stepsPerEpoch, int checkEvery, double divergenceThreshold,
    String cochainInit, String warmStart, int adamBatchSize, Mlp initialWeights, long curveEvery, double progressSeconds, long dataSeed, int nTest, int gridSize,
    boolean spectra, boolean discord, long diagnosticsEvery, long[] stages, int diagnosticsInputs,
    String pins, String spectrumOutput, boolean writeModels, boolean modelSnapshots,
    UserData data) implements Serializable {

  boolean isStage(long step) {
    for (long s : stages) {
      if (s == step) {
        return true;
      }
    }
    return false;
  }

  /** Spectra summary due at this step (every diagnosticsEvery steps, and at the stages). */
  boolean spectraDue(long step) {
    return spectra && (diagnosticsEvery > 0 && step % diagnosticsEvery == 0 || isStage(step));
  }

  /** The initial weights of every trial from 'init.weights', or null for He init per trial. */
  static Mlp initialWeights(Spec spec) {
    Mlp initial = null;
    String wfile = spec.getString("init.weights");
    if (!wfile.isEmpty()) {
      Path wp = Paths.get(wfile);
      if (!Files.isRegularFile(wp)) {
        throw new ConfigException("config key 'init.weights': file " + wfile + " does not exist");
      }
      try {
        initial = MlpSafeTensors.read(wp, OutputActivation.IDENTITY);
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException("config key 'init.weights': " + e.getMessage(), e);
      }
      for (int l = 0; l < initial.depth(); l++) {
        for (double v : initial.weights(l)) {
          if (!Double.isFinite(v)) {
            throw new ConfigException("config key 'init.weights': " + wfile + " holds " + v + " in layer " + (l + 1));
          }
        }
        for (double v : initial.bias(l)) {
          if (!Double.isFinite(v)) {
            throw new ConfigException("config key 'init.weights': " + wfile + " holds " + v + " in bias " + (l + 1));
          }
        }
      }
    }

    return initial;
  }
}
