package sheafrank.jobs.mlp;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.jobs.core.JobContext;

/**
 * Several tables from one pass over the work units, streamed: each unit yields rows tagged with
 * their table ({@link #wrap}: the row sits in that table's struct column, the others are null), so
 * a unit never holds all its rows at once (a trial's checkpoints of a large network can be
 * gigabytes). The tagged rows are written once to the run's scratch folder; every table is then a
 * selection of its rows and columns, so no unit runs twice.
 */
final class TaggedRows implements Serializable {
  static final String TABLE_COLUMN = "unit_table";

  private final LinkedHashMap<String, StructType> tables;
  private final StructType schema;

  TaggedRows(Map<String, StructType> tables) {
    this.tables = new LinkedHashMap<>(tables);
    StructType s = new StructType().add(TABLE_COLUMN, DataTypes.StringType, false);
    for (Map.Entry<String, StructType> e : tables.entrySet()) {
      s = s.add(e.getKey(), e.getValue(), true);
    }
    this.schema = s;
  }

  /** The schema of the tagged rows. */
  StructType schema() {
    return schema;
  }

  /** A row of {@code table} as a tagged row. */
  Row wrap(String table, Row row) {
    Object[] v = new Object[tables.size() + 1];
    v[0] = table;
    int i = 1;
    for (String t : tables.keySet()) {
      v[i++] = t.equals(table) ? row : null;
    }
    if (!tables.containsKey(table)) {
      throw new IllegalArgumentException("no table " + table);
    }
    return RowFactory.create(v);
  }

  /**
   * Runs the units (writing their tagged rows to scratch), then writes every table, in
   * {@code files.get(table)} files at most (all tables: as many as the scratch has).
   */
  void write(JobContext ctx, Dataset<Row> tagged, Map<String, Integer> files) {
    // Rows can hold a layer of a large network (16 MB for the MNIST net's 2000 x 1000 layer):
    // - Spark's vectorized Parquet reader decodes 4,096 rows per batch (gigabytes per task); the row
    //   reader holds one row group at a time;
    // - Parquet checks a row group's size only every 100 rows by default, which put all 255 rows of
    //   51 MNIST checkpoints into one 1.6 GB row group; checked after every row, row groups stay near
    //   32 MB, so a reader looking for one checkpoint skips the others by their min/max statistics.
    Map<String, String> settings = Map.of("spark.sql.parquet.enableVectorizedReader", "false",
        "parquet.block.size", String.valueOf(32 << 20), "parquet.block.size.row.check.min", "1");
    RuntimeConfig conf = ctx.spark().conf();
    Map<String, String> before = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      before.put(e.getKey(), conf.contains(e.getKey()) ? conf.get(e.getKey()) : null);
      conf.set(e.getKey(), e.getValue());
    }
    try {
      String scratch = ctx.scratch("tagged_rows");
      tagged.write().parquet(scratch);
      Dataset<Row> all = ctx.spark().read().parquet(scratch);
      for (Map.Entry<String, StructType> e : tables.entrySet()) {
        Dataset<Row> rows = all.where(col(TABLE_COLUMN).equalTo(e.getKey())).select(col(e.getKey() + ".*"));
        // the struct's fields came back nullable: restore the table's own schema
        rows = ctx.spark().createDataFrame(rows.javaRDD(), e.getValue());
        Integer f = files.get(e.getKey());
        ctx.write(e.getKey(), f == null ? rows : rows.coalesce(f));
      }
    } finally {
      before.forEach((k, v) -> {
        if (v == null) {
          conf.unset(k);
        } else {
          conf.set(k, v);
        }
      });
    }
  }
}
