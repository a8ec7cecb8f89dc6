package sheafrank.jobs.core;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The work units of a job as a Spark Dataset: units {@code 0 .. n-1} come from
 * {@code spark.range} (never from a list on the driver), spread over {@link
 * JobContext#partitionsFor} partitions, and each unit's rows are a pure function of its id, so
 * every table is the same for any partitioning, executor count or task retry.
 *
 * <p>{@link #map} builds one {@link Worker} per partition (solvers, workspaces) and maps each unit
 * to one row; {@link #flatMap} maps each unit to a list of rows (a trace, a network's checks).
 */
public final class Units {
  private Units() {}

  /** One unit's row, computed by a worker that lives for one partition. */
  public interface Worker {
    Row apply(long unit);
  }

  /** Builds a partition's worker on the executor. */
  public interface WorkerFactory extends Serializable {
    Worker create();
  }

  /** One unit's rows. */
  public interface RowsOf extends Serializable {
    List<Row> apply(long unit);
  }

  /** One row per unit {@code 0 .. n-1}. */
  public static Dataset<Row> map(JobContext ctx, long n, StructType schema, WorkerFactory factory) {
    return ctx.spark().range(0, n, 1, ctx.partitionsFor(n))
        .mapPartitions((MapPartitionsFunction<Long, Row>) ids -> each(ids, factory.create()), Encoders.row(schema));
  }

  /** The rows of every unit {@code 0 .. n-1}. */
  public static Dataset<Row> flatMap(JobContext ctx, long n, StructType schema, RowsOf rows) {
    return ctx.spark().range(0, n, 1, ctx.partitionsFor(n))
        .flatMap((FlatMapFunction<Long, Row>) id -> rows.apply(id).iterator(), Encoders.row(schema));
  }

  /** A lazy iterator applying {@code w} to every id (rows are made as Spark pulls them). */
  public static Iterator<Row> each(Iterator<Long> ids, Worker w) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return ids.hasNext();
      }

      @Override
      public Row next() {
        if (!ids.hasNext()) {
          throw new NoSuchElementException();
        }
        return w.apply(ids.next());
      }
    };
  }
}
