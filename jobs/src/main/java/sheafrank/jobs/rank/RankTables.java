package sheafrank.jobs.rank;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.jobs.rank.SweepGrid.Setting;

/** Schemas of the rank-sweep tables and the SQL of the per-setting summary. */
final class RankTables {
  private RankTables() {}

  private static final DataType INT_ARRAY = DataTypes.createArrayType(DataTypes.IntegerType, false);
  private static final DataType LONG_ARRAY = DataTypes.createArrayType(DataTypes.LongType, false);

  /** The columns that identify a setting (first in every table). */
  private static StructType settingSchema() {
    return new StructType()
        .add("setting_id", DataTypes.IntegerType, false)
        .add("m", DataTypes.IntegerType, false)
        .add("n1", DataTypes.IntegerType, false)
        .add("depth", DataTypes.IntegerType, false)
        .add("widths", INT_ARRAY, false)
        .add("init", DataTypes.StringType, false)
        .add("init_template", DataTypes.StringType, false)
        .add("init_k", DataTypes.IntegerType, true)
        .add("init_mu", DataTypes.DoubleType, true);
  }

  static int settingColumns(Setting st, Object[] v) {
    v[0] = st.id();
    v[1] = st.m();
    v[2] = st.n1();
    v[3] = st.depth();
    v[4] = st.widths();
    v[5] = st.init().spec();
    v[6] = st.template();
    v[7] = st.k();
    v[8] = st.mu();
    return 9;
  }

  private static StructType addBounds(StructType t) {
    return t.add("rank_bound", DataTypes.IntegerType, true)
        .add("destructive_bound", DataTypes.DoubleType, true)
        .add("log2_destructive_bound", DataTypes.DoubleType, false)
        .add("total_codewords", DataTypes.DoubleType, true)
        .add("log2_total_codewords", DataTypes.DoubleType, false)
        .add("arrangement_regions", DataTypes.DoubleType, true);
  }

  static int boundColumns(Setting st, int layer, Object[] v, int c) {
    v[c++] = st.rankBound();
    v[c++] = finiteOrNull(st.destructiveBound()[layer]);
    v[c++] = st.log2DestructiveBound()[layer];
    v[c++] = finiteOrNull(st.totalCodewords()[layer]);
    v[c++] = (double) st.width(layer);
    v[c++] = layer == 0 ? finiteOrNull(st.arrangementRegions()) : null;
    return c;
  }

  private static Double finiteOrNull(double d) {
    return Double.isFinite(d) ? d : null;
  }

  /** rank_networks: one row per (setting, network, layer). */
  static final StructType NETWORKS = addBounds(settingSchema()
      .add("net_id", DataTypes.LongType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("width", DataTypes.IntegerType, false)
      .add("status", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, true)
      .add("points", DataTypes.LongType, true)
      .add("min_rank", DataTypes.IntegerType, true)
      .add("max_rank", DataTypes.IntegerType, true)
      .add("mean_rank", DataTypes.DoubleType, true)
      .add("rank_sum", DataTypes.LongType, true)
      .add("rank_histogram", LONG_ARRAY, true)
      .add("min_codeword_size", DataTypes.IntegerType, true)
      .add("max_codeword_size", DataTypes.IntegerType, true)
      .add("mean_codeword_size", DataTypes.DoubleType, true)
      .add("codeword_size_histogram", LONG_ARRAY, true)
      .add("distinct_codewords", DataTypes.LongType, true)
      .add("distinct_small_codewords", DataTypes.LongType, true)
      .add("distinct_global_codewords", DataTypes.LongType, true)
      .add("destructive_points", DataTypes.LongType, true)
      .add("preserving_points", DataTypes.LongType, true)
      .add("small_codeword_points", DataTypes.LongType, true));

  /** rank_points: one row per (setting, network, point), only with points.record. */
  static final StructType POINTS = new StructType()
      .add("setting_id", DataTypes.IntegerType, false)
      .add("m", DataTypes.IntegerType, false)
      .add("n1", DataTypes.IntegerType, false)
      .add("depth", DataTypes.IntegerType, false)
      .add("widths", INT_ARRAY, false)
      .add("init", DataTypes.StringType, false)
      .add("net_id", DataTypes.LongType, false)
      .add("point_id", DataTypes.LongType, false)
      .add("x", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("ranks", INT_ARRAY, false)
      .add("codeword_sizes", INT_ARRAY, false)
      .add("codewords", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("global_codeword", DataTypes.StringType, false);

  private static final String KEYS = "setting_id, m, n1, depth, widths, init, init_template, init_k, "
      + "init_mu, layer, width, rank_bound, destructive_bound, log2_destructive_bound, "
      + "total_codewords, log2_total_codewords, arrangement_regions";

  /**
   * rank_settings from the rank_networks view {@code view}: one row per (setting, layer). Every
   * aggregate is an exact integer sum or count before a final division, so the table does not depend
   * on the order Spark aggregates in.
   */
  static String settingsSql(String view) {
    String n = "count(min_rank)";
    return "SELECT " + KEYS.replace(", rank_bound, destructive_bound, log2_destructive_bound, "
            + "total_codewords, log2_total_codewords, arrangement_regions", "") + ", "
        + "count(*) AS networks, "
        + "count_if(status <> 'ok') AS failed_networks, "
        + "max(points) AS points_per_network, "
        + "sum(min_rank) / nullif(" + n + ", 0) AS min_rank_mean, "
        + "CASE WHEN " + n + " > 1 THEN sqrt(greatest(0D, (CAST(" + n + " AS DOUBLE) * "
        + "sum(CAST(min_rank AS BIGINT) * min_rank) - CAST(sum(min_rank) AS DOUBLE) * sum(min_rank))"
        + " / (CAST(" + n + " AS DOUBLE) * (" + n + " - 1)))) END AS min_rank_std, "
        + "min(min_rank) AS min_rank_min, "
        + "max(min_rank) AS min_rank_max, "
        + "sum(max_rank) / nullif(" + n + ", 0) AS max_rank_mean, "
        + "min(max_rank) AS max_rank_min, "
        + "max(max_rank) AS max_rank_max, "
        + "sum(rank_sum) / nullif(sum(points), 0) AS mean_rank, "
        + "count_if(min_rank < m) AS networks_destructive, "
        + "count_if(max_rank = m) AS networks_preserving, "
        + "count_if(min_rank < m AND max_rank = m) AS networks_mixed, "
        + "sum(destructive_points) / nullif(sum(points), 0) AS destructive_point_fraction, "
        + "sum(distinct_codewords) / nullif(" + n + ", 0) AS distinct_codewords_mean, "
        + "max(distinct_codewords) AS distinct_codewords_max, "
        + "sum(distinct_small_codewords) / nullif(" + n + ", 0) AS distinct_small_codewords_mean, "
        + "rank_bound, "
        + "CASE WHEN rank_bound IS NOT NULL THEN count_if(min_rank > rank_bound) END "
        + "AS networks_above_bound, "
        + "destructive_bound, log2_destructive_bound, total_codewords, log2_total_codewords, "
        + "arrangement_regions, "
        + "CASE WHEN arrangement_regions IS NOT NULL "
        + "THEN count_if(distinct_codewords = arrangement_regions) END AS networks_all_regions "
        + "FROM " + view + " GROUP BY " + KEYS;
  }
}
