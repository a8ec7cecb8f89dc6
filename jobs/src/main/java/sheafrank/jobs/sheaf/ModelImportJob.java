package sheafrank.jobs.sheaf;

import java.util.List;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Limits;
import sheafrank.jobs.core.ModelTable;
import sheafrank.jobs.core.NetworkJob;
import sheafrank.jobs.core.NetworkParams;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;

/**
 * Stores one network in the project's models table: a safetensors file (e.g. a PyTorch model), a
 * network of another models table, or a He-initialised one, under {@code model_id}. Other jobs then
 * read it with {@code network.model_table = OUT/models}, {@code network.model_id = ID}.
 */
public final class ModelImportJob extends NetworkJob {
  @Override
  public String name() {
    return "model-import";
  }

  @Override
  public String description() {
    return "Stores one network in the models table. The network comes from network.weights, another models "
        + "table or He init; the sheaf jobs load it with network.model_table / network.model_id.";
  }

  @Override
  public List<Param> params() {
    List<Param> p = networkParams("[2, 30, 1]", "identity");
    p.add(Param.of("model_id", Type.STRING, null, "id of the network in the models table")
        .check(v -> ((String) v).matches("[A-Za-z0-9_.:/\\-]+") ? null
            : "must be letters, digits, '_', '.', ':', '/', '-', got '" + v + "'"));
    return p;
  }

  @Override
  public List<String> tables() {
    return List.of("models: model_id, widths, output, layer, weights (row-major n_out x n_in), bias");
  }

  /** Only stores the network: its layers must fit a task, no solver bounds apply. */
  @Override
  public void validate(Spec spec) {
    NetworkParams.validate(spec);
    Limits.layerWeights("widths", spec.getIntList("widths"), Limits.MAX_TASK_DOUBLES, "one task holds the layer");
  }

  @Override
  public long run(JobContext ctx, Spec spec) {
    ModelTable.write(ctx, spec.getString("model_id"), NetworkParams.build(spec));
    return 0;
  }
}
