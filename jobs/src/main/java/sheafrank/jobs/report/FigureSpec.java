package sheafrank.jobs.report;

import java.util.List;
import sheafrank.jobs.report.chart.Plot;

/**
 * One figure of a paper as the report knows it: which experiments' runs and tables it is drawn
 * from, the config that produces them, and its drawer. A figure whose drawer is null is declared
 * (its experiment and config are known) but not drawn yet: the report lists it as missing.
 *
 * @param id file name stem, e.g. {@code fig06}
 * @param label as the paper numbers it, e.g. {@code Fig 6}
 * @param paper the seed it is from, e.g. {@code 001}
 * @param title one line
 * @param experiments experiment ids whose runs it is drawn from
 * @param config the committed config that produces the tables
 * @param tables the tables it needs in a run
 * @param combineRuns one figure from every run of the experiments (panels per run) instead of one
 *     figure per run
 */
public record FigureSpec(String id, String label, String paper, String title, List<String> experiments,
    String config, List<String> tables, boolean combineRuns, Drawer drawer) {

  /** Draws the figure of {@code runs} (one run, or all for {@code combineRuns}). */
  @FunctionalInterface
  public interface Drawer {
    Plot.Figure draw(Tables tables, List<RunInfo> runs, String fileId);
  }

  /**
   * Thrown by a drawer when the run's tables hold no data for the figure (e.g. a sweep run without
   * the paraboloid task): the figure is listed as missing with this reason; the report goes on.
   */
  public static final class NoData extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NoData(String reason) {
      super(reason);
    }
  }

  static FigureSpec perRun(String id, String label, String paper, String title, String experiment, String config,
      List<String> tables, Drawer d) {
    return new FigureSpec(id, label, paper, title, List.of(experiment), config, tables, false, d);
  }
}
