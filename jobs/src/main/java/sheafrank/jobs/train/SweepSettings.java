package sheafrank.jobs.train;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import sheafrank.io.MlpSafeTensors;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Spec;
import sheafrank.net.OutputActivation;
import sheafrank.net.Mlp;

/**
 * The settings every trial of a sweep shares (serialisable, shipped to the executors with the
 * trials).
 *
 * @param data the user's data set, or null when every task is a paper task
 * @param initialWeights starting weights for every trial (null: He-normal from the trial seed)
 * @param initialCochain starting cochain of every (sheaf) trial (null: as cochain_init says)
 * @param diagnosticsEvery spectra every this many steps (0: none)
 * @param stages steps at which distributions (spectra per input, pinned discord, model
 *     snapshots) are recorded
 */
public record SweepSettings(double alpha, int stepsPerEpoch, int checkEvery, double divergenceThreshold,
    String cochainInit, String warmStart, int adamBatchSize, Mlp initialWeights, InitialCochain initialCochain,
    long curveEvery, double progressSeconds, long dataSeed, int nTest, int gridSize,
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

  /**
   * Records the SHA-256 of the 'init.weights' and 'init.cochain' files in the spec
   * ({@code init.weights.sha256}, {@code init.cochain.sha256}), so that the run id changes with
   * their contents; a hash given in the config must match the file.
   */
  static Spec resolve(Spec spec) {
    Mlp w = initialWeights(spec);
    Spec s = recordHash(spec, "init.weights", w == null ? null : NetworkParams.sha256(w));
    InitialCochain c = InitialCochain.fromSpec(s);
    return recordHash(s, InitialCochain.KEY, c == null ? null : c.sha256());
  }

  private static Spec recordHash(Spec spec, String fileKey, String sha) {
    String key = fileKey + ".sha256";
    String given = spec.getString(key);
    if (sha == null) {
      if (!given.isEmpty()) {
        throw new ConfigException("config key '" + key + "' applies to a file, but '" + fileKey + "' is not set");
      }
      return spec;
    }
    if (!given.isEmpty() && !given.equalsIgnoreCase(sha)) {
      throw new ConfigException("config key '" + key + "' = " + given + " but " + spec.getString(fileKey)
          + " has hash " + sha + " (the file changed since the config was written)");
    }
    return spec.with(key, sha);
  }

  /** A loaded file against the hash the resolved spec recorded (none recorded: not checked). */
  static void checkUnchanged(Spec spec, String fileKey, String sha) {
    String recorded = spec.getString(fileKey + ".sha256");
    if (sha != null && !recorded.isEmpty() && !recorded.equalsIgnoreCase(sha)) {
      throw new IllegalStateException(spec.getString(fileKey) + " ('" + fileKey + "') changed after the run was validated");
    }
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
