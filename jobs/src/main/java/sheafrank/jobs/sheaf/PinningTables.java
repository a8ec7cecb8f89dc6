package sheafrank.jobs.sheaf;

import static sheafrank.jobs.core.NestedRows.array;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The sheaf-pinning tables. One pass over the samples produces rows of {@link #ALL}: the
 * equilibrium columns plus nested arrays for the per-edge discord, the per-coordinate values, the
 * spectrum, the local weight update and the gamma sweep, from which every table is derived.
 */
final class PinningTables {
  private PinningTables() {}


  static final StructType EQUILIBRIA = new StructType()
      .add("sample_id", DataTypes.LongType, false)
      .add("input", array(DataTypes.DoubleType), false)
      .add("target", array(DataTypes.DoubleType), true)
      .add("pins", DataTypes.StringType, false)
      .add("equilibrium_input", array(DataTypes.DoubleType), true)
      .add("output", array(DataTypes.DoubleType), true)
      .add("forward_output", array(DataTypes.DoubleType), false)
      .add("energy", DataTypes.DoubleType, true)
      .add("discord_total", DataTypes.DoubleType, true)
      .add("is_global_section", DataTypes.BooleanType, true)
      .add("distance_to_forward", DataTypes.DoubleType, true)
      .add("changed_units", array(DataTypes.StringType), true)
      .add("changed_count", DataTypes.IntegerType, true)
      .add("surface_units", array(DataTypes.StringType), true)
      .add("sliding_units", array(DataTypes.StringType), true)
      .add("iterations", DataTypes.IntegerType, true)
      .add("euler_status", DataTypes.StringType, true)
      .add("euler_steps", DataTypes.LongType, true)
      .add("exact_vs_euler", DataTypes.DoubleType, true)
      .add("status", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, true);

  static final StructType DISCORD = new StructType()
      .add("edge_index", DataTypes.IntegerType, false)
      .add("edge", DataTypes.StringType, false)
      .add("kind", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, true)
      .add("discord", DataTypes.DoubleType, false);

  static final StructType VALUES = new StructType()
      .add("coordinate", DataTypes.StringType, false)
      .add("stalk", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("neuron", DataTypes.IntegerType, false)
      .add("pin", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, false)
      .add("forward_value", DataTypes.DoubleType, false)
      .add("euler_value", DataTypes.DoubleType, true);

  static final StructType SPECTRUM = new StructType()
      .add("free_dim", DataTypes.IntegerType, false)
      .add("eigenvalues", array(DataTypes.DoubleType), false)
      .add("lambda_1", DataTypes.DoubleType, true)
      .add("lambda_max", DataTypes.DoubleType, true)
      .add("condition", DataTypes.DoubleType, true);

  static final StructType UPDATES = new StructType()
      .add("edge", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("parameter", DataTypes.StringType, false)
      .add("row", DataTypes.IntegerType, false)
      .add("col", DataTypes.IntegerType, true)
      .add("delta", DataTypes.DoubleType, false)
      .add("eta", DataTypes.DoubleType, false);

  static final StructType SWEEP = new StructType()
      .add("scale", DataTypes.DoubleType, false)
      .add("gamma", DataTypes.DoubleType, true)
      .add("gammas", array(DataTypes.DoubleType), false)
      .add("energy", DataTypes.DoubleType, true)
      .add("violation", DataTypes.DoubleType, true)
      .add("distance_to_free", DataTypes.DoubleType, true)
      .add("distance_to_hard", DataTypes.DoubleType, true)
      .add("changed_count", DataTypes.IntegerType, true)
      .add("status", DataTypes.StringType, false);

  static final StructType ALL;

  static {
    StructType t = EQUILIBRIA;
    t = t.add("discord", DataTypes.createArrayType(DISCORD, false), false);
    t = t.add("values", DataTypes.createArrayType(VALUES, false), false);
    t = t.add("spectrum", DataTypes.createArrayType(SPECTRUM, false), false);
    t = t.add("updates", DataTypes.createArrayType(UPDATES, false), false);
    t = t.add("sweep", DataTypes.createArrayType(SWEEP, false), false);
    ALL = t;
  }
}
