package sheafrank.jobs.rankscan;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import sheafrank.data.Box;
import sheafrank.jobs.core.ModelTable;
import sheafrank.jobs.mlp.MlpData;
import sheafrank.net.Mlp;

/**
 * Everything the executors need for a scan, built on the driver before Spark starts
 * ({@link ScanSources}): the networks (model, checkpoint, where to read it), the trials they were
 * trained in, the point sets and the work units. A work unit is (network, point set, block of
 * points); units are numbered network-major, so the units of one network are contiguous and a
 * partition (a contiguous range of unit numbers) builds each network's rank engine once.
 */
record ScanPlan(List<Net> nets, List<Trial> trials, List<String> sets, long[] setPoints,
    long[] unitStart, int block, long seed, double[] tablePoints, int tableDim, double noiseLow, double noiseHigh,
    boolean rows) implements Serializable {

  /** The point sets by name. */
  static final String TEST = "test";
  static final String TRAIN = "train";
  static final String NOISE = "noise";
  static final String TABLE = "table";

  /**
   * A network to scan: {@code modelId} at {@code epoch} (null: no checkpoint) read from
   * {@code modelTable}, or the network {@code mlp} itself (weight file, He initialisation);
   * {@code trial} indexes {@link #trials} (-1: none); the checkpoint's stored metrics.
   */
  record Net(String modelId, Integer epoch, String modelTable, Mlp mlp, int trial, int[] widths,
      ModelTable.Checkpoint metrics) implements Serializable {
    Mlp load() {
      return mlp != null ? mlp : ModelTable.read(modelTable, modelId, epoch);
    }
  }

  /** An mlp-train trial: its data and the settings that group trials for the tests. */
  record Trial(String id, MlpData data, int[] widths, String optimizer, long seed) implements Serializable {
    /** The trials pooled by a before/after test share this key (all but the seed). */
    String groupKey() {
      return data.dataset() + "|" + data.function() + "|" + data.target() + "|" + Arrays.toString(widths) + "|"
          + optimizer;
    }
  }

  int setCount() {
    return sets.size();
  }

  long units() {
    return unitStart[unitStart.length - 1];
  }

  /** Points of (network n, set s) ({@code setPoints} is network-major). */
  long points(int n, int s) {
    return setPoints[n * setCount() + s];
  }

  /** The (network, set) pair of a unit: index {@code n * sets + s}. */
  int pairOf(long unit) {
    int i = Arrays.binarySearch(unitStart, unit);
    if (i < 0) {
      i = -i - 2;
    }
    while (i + 1 < unitStart.length && unitStart[i + 1] == unit) {
      i++; // skip pairs without points
    }
    return i;
  }

  long firstPoint(long unit, int pair) {
    return (unit - unitStart[pair]) * block;
  }

  Trial trialOf(Net n) {
    return n.trial() < 0 ? null : trials.get(n.trial());
  }

  /** The box of a network's noise points: its trial's data box, else the configured cube. */
  Box noiseBox(Net n) {
    Trial t = trialOf(n);
    return t == null ? Box.cube(n.widths()[0], noiseLow, noiseHigh) : t.data().noiseBox();
  }

  /** Total points over all units. */
  long totalPoints() {
    long s = 0;
    for (long p : setPoints) {
      s += p;
    }
    return s;
  }
}
