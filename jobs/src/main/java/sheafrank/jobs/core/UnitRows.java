package sheafrank.jobs.core;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongFunction;

/** Rows of a partition's work units, one unit after another, computed as the partition is consumed. */
public final class UnitRows {
  private UnitRows() {}

  /** The rows of every unit of {@code units}, in order; a unit's rows are made when they are reached. */
  public static <T> Iterator<T> of(Iterator<Long> units, LongFunction<List<T>> rows) {
    return new Iterator<>() {
      Iterator<T> cur = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!cur.hasNext() && units.hasNext()) {
          cur = rows.apply(units.next()).iterator();
        }
        return cur.hasNext();
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return cur.next();
      }
    };
  }
}
