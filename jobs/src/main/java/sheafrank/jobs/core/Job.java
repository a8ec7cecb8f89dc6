package sheafrank.jobs.core;

import java.util.List;

/**
 * A batch job: its typed params, cross-field validation (before Spark starts) and its run, which
 * writes tables through the {@link JobContext}.
 */
public interface Job {
  /** The name used in configs ({@code job = NAME}). */
  String name();

  /** One paragraph for --help. */
  String description();

  /** The job's own params (the common ones are added by {@link Params#common()}). */
  List<Param> params();

  /** The tables it writes, with their columns, for --help. */
  List<String> tables();

  /**
   * Resolves values that come from outside the config (a network loaded from a weight file or the
   * model table: its widths, output and hash) into the spec; throws ConfigException for a missing
   * or bad file. Runs before {@link #validate}. No Spark here.
   */
  default Spec resolve(Spec spec) {
    return spec;
  }

  /** Checks across params and any files they name; throws ConfigException. No Spark here. */
  default void validate(Spec spec) {}

  /** Runs the job; returns the number of failed trials/samples (non-zero exit if any). */
  long run(JobContext ctx, Spec spec);
}
