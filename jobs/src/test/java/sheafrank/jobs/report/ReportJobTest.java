package sheafrank.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.jobs.JobTestSupport;
import sheafrank.jobs.JobTestSupport.Result;

/**
 * The report's registry, its comparisons with the printed numbers (the worked example re-derived
 * exactly), and its handling of bad input.
 */
class ReportJobTest {
  static Tables t;

  @BeforeAll
  static void setUp() throws Exception {
    t = ReportFixture.tables();
  }

  @AfterAll
  static void tearDown() {
    JobTestSupport.endSharedSession();
  }

  @Test
  void everyDeclaredFigureWithADrawerIsDrawnTheOthersAreMissingWithTheirConfig() {
    List<Figures.Drawn> drawn = new ArrayList<>();
    List<Figures.Missing> missing = new ArrayList<>();
    Figures.drawAll(t, drawn, missing);
    Set<String> labels = new TreeSet<>();
    drawn.forEach(d -> labels.add(d.spec().label()));
    for (FigureSpec s : Figures.ALL) {
      boolean hasRun = s.experiments().stream().anyMatch(e -> !t.runsOf(e).isEmpty());
      assertEquals(s.drawer() != null && hasRun, labels.contains(s.label()), s.label());
    }
    // the fixture has no rank-scan run (TrainedRankFiguresTest draws those from tables it writes)
    assertEquals(List.of(Figures.R6_CONFIGS, Figures.R6_CONFIGS,
        "conf/R7-sphere-ranks.conf", "conf/R8-functions-ranks.conf"),
        missing.stream().map(m -> m.spec().config()).toList());
    assertTrue(missing.get(0).reason().contains("no run of experiment R6"), missing.get(0).reason());
    assertEquals(2, drawn.stream().filter(d -> d.spec().id().equals("fig13")).findFirst().orElseThrow()
        .figure().runIds().size(), "Fig 13 combines the S4 runs (one column per architecture)");
  }

  @Test
  void workedExampleIsTheExactEquilibriumAndTheVerdictsFollow() {
    RunInfo run = t.runsOf("D1-worked-example").get(0);
    List<Double> v = WorkedExample.values(t, run);
    double s5 = Math.sqrt(5);
    double[] exact = {(3 - s5) / 2, 0.5, 2, (3 + s5) / 2, 3, 7.0 / 6, 7.0 / 6, 4.0 / 3, 4.0 / 3, 8.0 / 3, 1.0 / 18,
        1.0 / 18, 1.0 / 9, 1.0 / 9, 1.0 / 3, 1.0 / 6, 1.0 / 6, 1.0 / 3, 1.0 / 6, 1.0 / 3, 4.0 / 9, 4.0 / 9};
    assertEquals(exact.length, v.size());
    for (int i = 0; i < exact.length; i++) {
      assertEquals(exact[i], v.get(i), 1e-9, PaperValues.WORKED.get(i).quantity());
    }
    Comparisons.Table table = Comparisons.worked(t, run);
    List<String> differs = new ArrayList<>();
    for (List<String> row : table.rows()) {
      if (row.get(4).startsWith("differs")) {
        differs.add(row.get(0));
      }
    }
    assertEquals(List.of("eigenvalue 1 of L_free", "eigenvalue 2 of L_free", "eigenvalue 4 of L_free",
        "eigenvalue 5 of L_free", "d(R1)", "d(W2)", "d(out)", "Σ d_e", "R = ½ Σ d_e", "ΔW1[0][1]", "ΔW1[1][1]", "ΔW2[0][0]",
        "ΔW2[0][1]"), differs);
  }

  @Test
  void table1RatioCheckAndTheOtherComparisons() {
    for (PaperValues.Table1Row r : PaperValues.TABLE1) {
      assertEquals("consistent", Comparisons.ratioCheck(r), r.task() + " " + r.depth() + "H");
    }
    // a printed ratio its own losses cannot give is flagged
    assertTrue(Comparisons.ratioCheck(new PaperValues.Table1Row("x", 1, 0, 0, 0.0884, 0.0044, 30.0))
        .startsWith("inconsistent"));
    List<String[]> missing = new ArrayList<>();
    List<Comparisons.Table> all = Comparisons.all(t, missing);
    assertEquals(List.of(), missing.stream().map(m -> m[0] + ": " + m[1]).toList());
    assertEquals(8, all.size(), "Tables 1-3, the worked example, Fig 2A-D");
    Comparisons.Table t1 = all.get(0);
    assertEquals(2, t1.rows().size(), "the two task/depth pairs of Table 1 the fixture ran");
    for (Comparisons.Table c : all.subList(4, 8)) {
      for (List<String> row : c.rows()) {
        assertFalse(row.get(2).equals("no"), c.title() + ": " + row);
      }
    }
  }

  @Test
  void badInputIsRejectedBeforeAnyWork(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nothing-here");
    Result r = report(missing, dir.resolve("r1"), dir);
    assertEquals(2, r.code());
    assertTrue(r.err().contains(missing.toString()) && r.err().contains("does not exist"), r.err());
    Path empty = Files.createDirectories(dir.resolve("empty"));
    r = report(empty, dir.resolve("r2"), dir);
    assertEquals(2, r.code());
    assertTrue(r.err().contains(empty.toString()) && r.err().contains("holds no tables"), r.err());
    Path in = ReportFixture.folder();
    r = report(in, in.resolve("report"), dir.resolve("runs"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("report.dir"), r.err());
    assertFalse(Files.exists(dir.resolve("r1")) || Files.exists(dir.resolve("r2")) || Files.exists(in.resolve("report")));
  }

  static Result report(Path input, Path reportDir, Path out) {
    return JobTestSupport.launch("run", JobTestSupport.conf("report.conf").toString(), "--set", "input=" + input,
        "--set", "report.dir=" + reportDir, "--out", out.toString());
  }
}
