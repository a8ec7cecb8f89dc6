package sheafrank.jobs.report;

import static sheafrank.jobs.report.Cols.d;
import static sheafrank.jobs.report.Cols.i;
import static sheafrank.jobs.report.Cols.s;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The worked example's quantities as the sheaf-pinning tables give them (sample 0), in the order of
 * {@link PaperValues#WORKED}.
 */
final class WorkedExample {
  private WorkedExample() {}

  static List<Double> values(Tables t, RunInfo run) {
    List<Double> v = new ArrayList<>();
    double[] eig = Cols.doubles(first(t.rows("pinning_spectrum", run)), "eigenvalues");
    if (eig.length != 5) {
      throw new FigureSpec.NoData("run " + run.runId() + " is not the [2,2,1] worked example (" + eig.length
          + " free coordinates, expected 5)");
    }
    for (double e : eig) {
      v.add(e);
    }
    for (String c : List.of("z1[0]", "z1[1]", "a1[0]", "a1[1]", "z2[0]")) {
      v.add(d(match(t.rows("pinning_values", run), r -> s(r, "coordinate").equals(c)), "value"));
    }
    for (String e : List.of("W1", "R1", "W2", "out")) {
      v.add(d(match(t.rows("pinning_discord", run), r -> s(r, "edge").equals(e)), "discord"));
    }
    Row eq = first(t.rows("pinning_equilibria", run));
    v.add(d(eq, "discord_total"));
    v.add(d(eq, "energy"));
    for (int[] rc : new int[][] {{1, 0, 0}, {1, 0, 1}, {1, 1, 0}, {1, 1, 1}, {2, 0, 0}, {2, 0, 1}}) {
      v.add(d(match(t.rows("pinning_updates", run), r -> s(r, "edge").equals("W" + rc[0])
          && s(r, "parameter").equals("weight") && i(r, "row") == rc[1] && i(r, "col") == rc[2]), "delta"));
    }
    return v;
  }

  private static Row first(List<Row> rows) {
    return match(rows, r -> Cols.l(r, "sample_id") == 0);
  }

  private static Row match(List<Row> rows, java.util.function.Predicate<Row> p) {
    for (Row r : rows) {
      if ((!hasSample(r) || Cols.l(r, "sample_id") == 0) && p.test(r)) {
        return r;
      }
    }
    throw new FigureSpec.NoData("the worked-example tables lack a row this comparison needs");
  }

  private static boolean hasSample(Row r) {
    return java.util.Arrays.asList(r.schema().fieldNames()).contains("sample_id");
  }
}
