package sheafrank.jobs.homology;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of the homology tables and the SQL of the per-setting summary. */
final class HomologyTables {
  private HomologyTables() {}

  static final DataType INTS = DataTypes.createArrayType(DataTypes.IntegerType, false);
  static final DataType LONGS = DataTypes.createArrayType(DataTypes.LongType, false);
  static final DataType DOUBLES = DataTypes.createArrayType(DataTypes.DoubleType, false);

  private static StructType manifoldColumns() {
    return new StructType()
        .add("manifold", DataTypes.StringType, false)
        .add("resolution", INTS, false)
        .add("vertices", DataTypes.IntegerType, false);
  }

  /** The columns naming a network (after the manifold's). */
  private static StructType networkColumns(StructType t) {
    return t.add("network", DataTypes.StringType, false)
        .add("source", DataTypes.StringType, false)
        .add("setting_id", DataTypes.IntegerType, true)
        .add("widths", INTS, false)
        .add("init", DataTypes.StringType, true)
        .add("init_template", DataTypes.StringType, true)
        .add("init_k", DataTypes.IntegerType, true)
        .add("init_mu", DataTypes.DoubleType, true)
        .add("bias_sd", DataTypes.DoubleType, true)
        .add("net_id", DataTypes.LongType, true)
        .add("network_sha256", DataTypes.StringType, true);
  }

  static final int NETWORK_COLUMNS = 11;

  /** homology_manifolds: one row per resolution. */
  static final StructType MANIFOLDS = manifoldColumns()
      .add("simplices", LONGS, false)
      .add("euler_characteristic", DataTypes.LongType, false)
      .add("dim", DataTypes.IntegerType, false)
      .add("embedding_dim", DataTypes.IntegerType, false)
      .add("ambient_dim", DataTypes.IntegerType, false)
      .add("embedding", DataTypes.StringType, false)
      .add("betti_z2", INTS, false)
      .add("betti_q", INTS, false);

  /** homology_layers: one row per (resolution, network, layer, region). */
  static final StructType LAYERS = networkColumns(manifoldColumns())
      .add("layer", DataTypes.IntegerType, false)
      .add("width", DataTypes.IntegerType, false)
      .add("region", DataTypes.StringType, false)
      .add("threshold", DataTypes.IntegerType, false)
      .add("rule", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, true)
      .add("min_rank", DataTypes.IntegerType, true)
      .add("max_rank", DataTypes.IntegerType, true)
      .add("rank_histogram", LONGS, true)
      .add("omega_vertices", DataTypes.LongType, true)
      .add("omega_simplices", LONGS, true)
      .add("omega_fraction", DataTypes.DoubleType, true)
      .add("betti_omega_z2", INTS, true)
      .add("betti_omega_q", INTS, true)
      .add("betti_relative_z2", INTS, true)
      .add("betti_relative_q", INTS, true)
      .add("betti_quotient_z2", INTS, true)
      .add("betti_quotient_q", INTS, true)
      .add("betti_change_q", INTS, true)
      .add("changed_z2", DataTypes.BooleanType, true)
      .add("changed_q", DataTypes.BooleanType, true)
      .add("cone_agrees", DataTypes.BooleanType, true);

  /** homology_vertices (vertices.record): the rank of Φ^K at every vertex. */
  static final StructType VERTICES = networkColumns(manifoldColumns())
      .add("vertex_id", DataTypes.IntegerType, false)
      .add("x", DOUBLES, false)
      .add("ranks", INTS, false);

  /**
   * homology_settings from the layers view: one row per (resolution, random setting, layer,
   * region); counts are exact integer sums, fractions one division, so the table does not depend on
   * the aggregation order.
   */
  static String settingsSql(String view) {
    return "SELECT manifold, resolution, vertices, setting_id, widths, init, init_template, init_k, init_mu, bias_sd, "
        + "layer, width, region, threshold, rule, "
        + "count(*) AS networks, "
        + "sum(CASE WHEN status = 'ok' THEN 0 ELSE 1 END) AS failed_networks, "
        + "sum(CASE WHEN omega_vertices > 0 THEN 1 ELSE 0 END) AS networks_with_omega, "
        + "sum(CASE WHEN omega_vertices = vertices THEN 1 ELSE 0 END) AS networks_collapsed, "
        + "sum(CASE WHEN changed_q THEN 1 ELSE 0 END) AS networks_changed_q, "
        + "sum(CASE WHEN changed_z2 THEN 1 ELSE 0 END) AS networks_changed_z2, "
        + "sum(CASE WHEN changed_q THEN 1 ELSE 0 END) / sum(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) "
        + "AS changed_fraction_q, "
        + "sum(CASE WHEN betti_change_q[1] > 0 THEN 1 ELSE 0 END) AS networks_loops_added, "
        + "sum(CASE WHEN betti_change_q[1] < 0 THEN 1 ELSE 0 END) AS networks_loops_removed, "
        + "sum(CASE WHEN size(betti_change_q) > 2 AND betti_change_q[2] > 0 THEN 1 ELSE 0 END) AS networks_voids_added, "
        + "sum(betti_quotient_q[1]) / sum(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS betti1_quotient_mean, "
        + "max(betti_quotient_q[1]) AS betti1_quotient_max, "
        + "sum(omega_vertices) / sum(CASE WHEN status = 'ok' THEN vertices ELSE 0 END) AS omega_fraction_mean, "
        + "sum(min_rank) / sum(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS min_rank_mean "
        + "FROM " + view + " WHERE setting_id IS NOT NULL "
        + "GROUP BY manifold, resolution, vertices, setting_id, widths, init, init_template, init_k, init_mu, bias_sd, "
        + "layer, width, region, threshold, rule";
  }
}
