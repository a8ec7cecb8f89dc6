package sheafrank.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.bench.BenchJob;
import sheafrank.jobs.homology.HomologyJob;
import sheafrank.jobs.mlp.MlpTrainJob;
import sheafrank.jobs.rank.RankSweepJob;
import sheafrank.jobs.rankscan.RankScanJob;
import sheafrank.jobs.report.ReportJob;
import sheafrank.jobs.sheaf.ModelImportJob;
import sheafrank.jobs.sheaf.SheafInferenceJob;
import sheafrank.jobs.sheaf.SheafPinningJob;
import sheafrank.jobs.sheaf.SheafSpectrumJob;
import sheafrank.jobs.train.TrainSweepJob;

/** Every job the launcher knows, by config name. */
public final class Jobs {
  private Jobs() {}

  public static List<Job> all() {
    return List.of(new SheafInferenceJob(), new SheafPinningJob(), new SheafSpectrumJob(),
        new ModelImportJob(), new TrainSweepJob(), new RankSweepJob(), new RankScanJob(), new HomologyJob(),
        new MlpTrainJob(), new BenchJob(), new ReportJob());
  }

  public static Job byName(String name) {
    return byName(name, java.util.Set.of());
  }

  /** As {@link #byName(String)}; the error also lists {@code commands} (for the help topics). */
  static Job byName(String name, java.util.Set<String> commands) {
    Map<String, Job> m = new LinkedHashMap<>();
    for (Job j : all()) {
      m.put(j.name(), j);
    }
    Job j = m.get(name);
    if (j == null) {
      throw new ConfigException("unknown job '" + name + "' (known jobs: " + String.join(", ", m.keySet())
          + (commands.isEmpty() ? "" : "; commands: " + String.join(", ", new java.util.TreeSet<>(commands))) + ")");
    }
    return j;
  }
}
