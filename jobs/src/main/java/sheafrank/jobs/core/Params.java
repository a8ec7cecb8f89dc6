package sheafrank.jobs.core;

import java.util.ArrayList;
import java.util.List;
import sheafrank.jobs.core.Param.Type;

/** Params every job has. */
public final class Params {
  private Params() {}

  public static List<Param> common(String job) {
    List<Param> p = new ArrayList<>();
    p.add(Param.of("job", Type.STRING, job, "the job to run"));
    p.add(Param.of("experiment", Type.STRING, "adhoc", "experiment ID (EXPERIMENTS.md), prefix of the run id")
        .check(v -> ((String) v).matches("[A-Za-z0-9_.\\-]+") ? null : "must be letters, digits, '_', '-', '.'"));
    p.add(Param.of("seed", Type.LONG, "0", "experiment seed; every random draw derives from (seed, ids)"));
    p.add(Param.of("partitions", Type.INT, "0",
            "Spark partitions for the work units (at most the number of units); 0 = the default parallelism")
        .nonNegative().atMost(Limits.MAX_PARTITIONS, "Spark tasks per stage"));
    return p;
  }

  /** Common params followed by the job's own. */
  public static List<Param> all(Job job) {
    List<Param> p = common(job.name());
    p.addAll(job.params());
    return p;
  }
}
