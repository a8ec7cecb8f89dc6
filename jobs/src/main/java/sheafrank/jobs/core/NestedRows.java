package sheafrank.jobs.core;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Several tables from one pass over the work units: each unit's row carries, besides its own
 * columns, nested arrays of rows for the other tables; the Dataset is cached once and every table
 * is a projection or an explode of it, so no unit is computed twice.
 */
public final class NestedRows {
  private NestedRows() {}

  /** A non-null-element array type. */
  public static DataType array(DataType t) {
    return DataTypes.createArrayType(t, false);
  }

  /** Nested array columns take Java arrays (Spark's row encoder does not accept java.util.List). */
  public static Row[] rows(List<Row> rows) {
    return rows.toArray(new Row[0]);
  }

  /** The columns of {@code schema}, for selecting a table out of the wider unit rows. */
  public static Column[] columns(StructType schema) {
    Column[] c = new Column[schema.fields().length];
    for (int i = 0; i < c.length; i++) {
      c[i] = col(schema.fields()[i].name());
    }
    return c;
  }

  /** The {@code keys} columns plus the fields of one nested array column, one row per element. */
  public static Dataset<Row> explodeColumn(Dataset<Row> all, String column, String... keys) {
    Column[] sel = new Column[keys.length + 1];
    Column[] out = new Column[keys.length + 1];
    for (int i = 0; i < keys.length; i++) {
      sel[i] = col(keys[i]);
      out[i] = col(keys[i]);
    }
    sel[keys.length] = explode(col(column)).as("e");
    out[keys.length] = col("e.*");
    return all.select(sel).select(out);
  }

  /**
   * Caches {@code all} (memory, spilling to disk) while {@code tables} writes the tables derived
   * from it, then releases it; returns what {@code tables} returns (the failed unit count).
   */
  public static long cached(Dataset<Row> all, ToLongFunction<Dataset<Row>> tables) {
    Dataset<Row> c = all.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return tables.applyAsLong(c);
    } finally {
      c.unpersist();
    }
  }
}
