package sheafrank.jobs.report;

import static sheafrank.jobs.report.FigureSpec.perRun;

import java.util.ArrayList;
import java.util.List;
import sheafrank.jobs.report.chart.Plot;
import sheafrank.jobs.report.figures.DiscordFigures;
import sheafrank.jobs.report.figures.InferenceFigures;
import sheafrank.jobs.report.figures.PaperTableFigures;
import sheafrank.jobs.report.figures.RankFigures;
import sheafrank.jobs.report.figures.SpectrumFigures;
import sheafrank.jobs.report.figures.SurfaceFigure;
import sheafrank.jobs.report.figures.SwitchingFigure;
import sheafrank.jobs.report.figures.TrainedRankFigures;
import sheafrank.jobs.report.figures.TrainingFigures;

/**
 * The registry: every figure of the two papers the report knows, with the experiment, config and
 * tables it comes from. A new figure is one entry here (with its drawer); a figure whose tables
 * another job will write is declared with a null drawer and listed as missing until drawn.
 */
public final class Figures {
  private Figures() {}

  static final List<String> RANK_SCAN = List.of("rank_hist", "rank_layers");
  static final List<String> RANK_SCAN_TESTS = List.of("rank_layers", "rank_tests");
  /** The rank scans of image classifiers (Fig 3A-B is drawn for each: MNIST at the paper's protocol, the quick run,
   * Fashion-MNIST). */
  static final List<String> R6_SCANS = List.of("R6-mnist-ranks", "R6-mnist-quick-ranks", "R6-fashion-ranks");
  static final String R6_CONFIGS =
      "conf/R6-mnist-ranks.conf (or conf/R6-mnist-quick-ranks.conf, conf/R6-fashion-ranks.conf)";
  static final List<String> TRACE = List.of("inference_trace", "inference_samples");

  public static final List<FigureSpec> ALL = List.of(
      perRun("fig06", "Fig 6", "001", "heat-equation inference converges to the forward pass", "S2",
          "conf/S2-heat-inference.conf", TRACE, InferenceFigures::fig6),
      perRun("fig07", "Fig 7", "001", "sheaf training vs GD: loss curves and learned surfaces", "S8",
          "conf/S8-surfaces.conf", List.of("loss_curves", "grid"), TrainingFigures::fig7),
      perRun("fig08a", "Fig 8a", "001", "final test loss vs β·M", "S9", "conf/S9-beta-sweep.conf", List.of("trials"),
          TrainingFigures::fig8a),
      perRun("fig08b", "Fig 8b", "001", "final test loss vs integration time, three depths", "S10",
          "conf/S10-integration-time.conf", List.of("trials"), TrainingFigures::fig8b),
      perRun("fig09", "Fig 9", "001", "per-coordinate discord of a trained [2,30,1] sheaf network", "S16",
          "conf/S16-discord-stages.conf", List.of("pinned_residuals"), DiscordFigures::fig9),
      perRun("fig09-init", "Fig 9 (at initialisation)", "001", "per-coordinate discord of [2,30,1] at initialisation",
          "S14", "conf/S14-discord.conf", List.of("coordinate_discord", "spectrum_summary"),
          (t, r, id) -> DiscordFigures.coordinateDiscord(t, r.get(0), id, false)),
      new FigureSpec("fig12", "Fig 12", "001", "nonlinear output: discord by edge type and layer, output stalk",
          List.of("S3", "S3-softmax"), "conf/S3-sigmoid-output.conf (and conf/S3-softmax-output.conf)",
          List.of("inference_trace", "inference_trace_edges", "inference_samples"), false, InferenceFigures::fig12),
      new FigureSpec("fig13", "Fig 13", "001", "phase planes of z1 with ReLU boundary crossings", List.of("S4"),
          "conf/S4-switching.conf (--set widths=[2,4,1], [2,6,4,4,1] for the other panels)",
          List.of("inference_trace", "inference_samples", "relu_crossings"), true, SwitchingFigure::fig13),
      perRun("fig14", "Fig 14", "001", "learned outputs of the four tasks, sheaf vs GD", "S8", "conf/S8-surfaces.conf",
          List.of("grid"), SurfaceFigure::fig14),
      perRun("fig15", "Fig 15", "001", "eigenvector block energy", "S12", "conf/S12-block-energy.conf",
          List.of("spectrum_block_energy", "spectrum_summary"), SpectrumFigures::fig15),
      perRun("fig16", "Fig 16", "001", "spectral gap and loss during training", "S13", "conf/S13-spectra-training.conf",
          List.of("spectra_during_training"), SpectrumFigures::fig16),
      perRun("fig17", "Fig 17", "001", "λ1, λmax, condition number during training", "S13",
          "conf/S13-spectra-training.conf", List.of("spectra_during_training"), SpectrumFigures::fig17),
      perRun("fig18", "Fig 18", "001", "distribution of λ1 at three stages", "S13", "conf/S13-spectra-training.conf",
          List.of("spectra_samples"), SpectrumFigures::fig18),
      perRun("fig19", "Fig 19", "001", "per-coordinate discord of [2,12,8,6,1]", "S14", "conf/S14-discord.conf",
          List.of("coordinate_discord", "spectrum_summary"),
          (t, r, id) -> DiscordFigures.coordinateDiscord(t, r.get(0), id, true)),
      perRun("fig20", "Fig 20", "001", "discord residuals across training, sheaf-trained", "S16",
          "conf/S16-discord-stages.conf", List.of("pinned_residuals"),
          (t, r, id) -> DiscordFigures.stages(t, r.get(0), id, "sheaf")),
      perRun("fig21", "Fig 21", "001", "discord residuals across training, GD-trained", "S16",
          "conf/S16-discord-stages.conf", List.of("pinned_residuals"),
          (t, r, id) -> DiscordFigures.stages(t, r.get(0), id, "gd")),
      perRun("table1", "Table 1", "001", "test losses and ratios beside the printed ones", "S7", "conf/S7-table1.conf",
          List.of("trials"), PaperTableFigures::table1),
      perRun("table2", "Table 2", "001", "λ1 vs depth beside the printed values", "S11", "conf/S11-spectral-gap.conf",
          List.of("spectrum_summary"), PaperTableFigures::table2),
      perRun("fig02a", "Fig 2A", "003", "minimum rank vs width", "R2", "conf/R2-width-sweep.conf",
          List.of("rank_settings"), RankFigures::fig2a),
      perRun("fig02b", "Fig 2B", "003", "minimum rank vs weight mean", "R3", "conf/R3-mean-sweep.conf",
          List.of("rank_settings"), RankFigures::fig2b),
      perRun("fig02c", "Fig 2C", "003", "minimum rank under rank selection, with its bound", "R4",
          "conf/R4-rank-selection.conf", List.of("rank_settings"), RankFigures::fig2c),
      perRun("fig02d", "Fig 2D", "003", "Dale's principle: minimum and maximum rank", "R5", "conf/R5-dale.conf",
          List.of("rank_settings"), RankFigures::fig2d),
      new FigureSpec("fig03a", "Fig 3A", "003", "rank histograms per layer, images and noise, before/after training",
          R6_SCANS, R6_CONFIGS, RANK_SCAN, false, TrainedRankFigures::fig3a),
      new FigureSpec("fig03b", "Fig 3B", "003", "mean rank at the last hidden layer and test loss during training",
          R6_SCANS, R6_CONFIGS, RANK_SCAN, false, TrainedRankFigures::fig3b),
      perRun("fig03c", "Fig 3C", "003", "codeword size and rank before/after training on sphere discretisations",
          "R7-sphere-ranks", "conf/R7-sphere-ranks.conf", RANK_SCAN_TESTS, TrainedRankFigures::fig3c),
      perRun("fig04", "Fig 4", "003", "codeword size before/after training on test functions", "R8-functions-ranks",
          "conf/R8-functions-ranks.conf", RANK_SCAN_TESTS, TrainedRankFigures::fig4));

  /** A figure drawn from a run (or runs). */
  public record Drawn(FigureSpec spec, Plot.Figure figure) {}

  /** A figure not drawn, with the reason and the config that produces its tables. */
  public record Missing(FigureSpec spec, String reason) {}

  /** Draws every figure the tables support; the others are listed as missing. */
  public static void drawAll(Tables t, List<Drawn> drawn, List<Missing> missing) {
    for (FigureSpec spec : ALL) {
      List<RunInfo> runs = new ArrayList<>();
      List<String> lacking = new ArrayList<>();
      for (String e : spec.experiments()) {
        for (RunInfo r : t.runsOf(e)) {
          List<String> absent = spec.tables().stream().filter(tb -> !t.has(tb, r)).toList();
          if (absent.isEmpty()) {
            runs.add(r);
          } else {
            lacking.add("run " + r.runId() + " lacks " + String.join(", ", absent));
          }
        }
      }
      if (runs.isEmpty()) {
        missing.add(new Missing(spec, lacking.isEmpty()
            ? "no run of experiment " + String.join(" or ", spec.experiments()) + " in this folder"
            : String.join("; ", lacking)));
      } else if (spec.drawer() == null) {
        missing.add(new Missing(spec, "runs " + runs.stream().map(RunInfo::runId).toList()
            + " found, but this version of the report has no drawer for " + spec.label()));
      } else if (spec.combineRuns()) {
        draw(t, spec, runs, spec.id(), drawn, missing);
      } else {
        for (RunInfo r : runs) {
          draw(t, spec, List.of(r), runs.size() == 1 ? spec.id() : spec.id() + "-" + r.runId(), drawn, missing);
        }
      }
    }
  }

  private static void draw(Tables t, FigureSpec spec, List<RunInfo> runs, String fileId, List<Drawn> drawn,
      List<Missing> missing) {
    try {
      drawn.add(new Drawn(spec, spec.drawer().draw(t, runs, fileId)));
    } catch (FigureSpec.NoData e) {
      missing.add(new Missing(spec, e.getMessage()));
    }
  }
}
