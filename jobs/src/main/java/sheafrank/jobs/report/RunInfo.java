package sheafrank.jobs.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run found in the folder: its row of the {@code runs} table (or, when that table is absent,
 * what its run id says: {@code <experiment>-<hash>}) and the tables it wrote.
 */
public record RunInfo(String runId, String job, String experiment, String config, String codeVersion,
    String sparkVersion, String javaVersion, String blas, String master, String startTime, String endTime,
    String status, long failedUnits, String message, List<String> tables) {

  /** A run known only from its tables' folders. */
  static RunInfo fromFolders(String runId, List<String> tables) {
    int dash = runId.lastIndexOf('-');
    String experiment = dash > 0 ? runId.substring(0, dash) : runId;
    return new RunInfo(runId, "?", experiment, "", "?", "?", "?", "?", "?", "", "", "unknown (no runs row)", 0,
        "", tables);
  }

  /** Whether the run's tables can be drawn (failed runs have their data tables discarded). */
  public boolean usable() {
    return !status.equals("failed");
  }

  /** The run's config as key to raw value text (from the sorted {@code key = value} lines). */
  public Map<String, String> configValues() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : config.split("\n")) {
      int eq = line.indexOf(" = ");
      if (eq > 0) {
        m.put(line.substring(0, eq).trim(), line.substring(eq + 3).trim());
      }
    }
    return m;
  }

  /** A config value as text, or {@code fallback} when the run does not record it. */
  public String configValue(String key, String fallback) {
    return configValues().getOrDefault(key, fallback);
  }
}
