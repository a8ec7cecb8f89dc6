package sheafrank.jobs.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A job on one network given by the {@link NetworkParams} keys (a weight file, the models table or
 * He initialisation): the network is loaded and checked before Spark starts, and its size is
 * bounded by what the job's solvers hold in one task ({@link Limits#sheafNetwork}).
 */
public abstract class NetworkJob implements Job {
  /** The network keys with this job's default widths and output, followed by its own keys. */
  protected static List<Param> networkParams(String defaultWidths, String defaultOutput) {
    return new ArrayList<>(NetworkParams.params(defaultWidths, defaultOutput));
  }

  /** Whether the job forms dense Laplacians of the free stalks (spectra), bounding their side. */
  protected boolean denseLaplacian(Spec spec) {
    return false;
  }

  @Override
  public Spec resolve(Spec spec) {
    return NetworkParams.resolve(spec);
  }

  @Override
  public void validate(Spec spec) {
    NetworkParams.validate(spec);
    Limits.sheafNetwork("widths", spec.getIntList("widths"), denseLaplacian(spec));
  }
}
