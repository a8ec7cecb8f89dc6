package sheafrank.jobs.report;

import java.util.List;

/**
 * Every number the papers print that the report compares with, in one place, with its source and
 * the number of decimals it is printed with (a printed value v with d decimals stands for the
 * interval v ± 0.5·10^-d). Where a printed number is wrong, {@link Printed#note} says why (re-derived
 * in pipeline/WORKED_EXAMPLE.md and the README's result sections).
 */
public final class PaperValues {
  private PaperValues() {}

  /** A printed value: quantity, value, decimals as printed, and a note (null if none). */
  public record Printed(String quantity, double value, int decimals, String note) {
    /** Half a unit of the last printed digit. */
    public double halfUnit() {
      return 0.5 * Math.pow(10, -decimals);
    }
  }

  // ---- seed 001, App. C.2, Table 1: "Training results across all task/depth configurations" ----

  public static final String TABLE1_SOURCE = "seed 001 (neural sheaf paper), App. C.2, Table 1";

  /** One row of Table 1: task, hidden layers, sheaf/SGD train and test losses (4 decimals), ratio (1). */
  public record Table1Row(String task, int depth, double sheafTrain, double sgdTrain, double sheafTest,
      double sgdTest, double ratio) {}

  public static final List<Table1Row> TABLE1 = List.of(
      new Table1Row("paraboloid", 1, 0.0756, 0.0030, 0.0884, 0.0044, 19.9),
      new Table1Row("saddle", 1, 0.0108, 0.0010, 0.0106, 0.0013, 8.4),
      new Table1Row("circular", 1, 0.0652, 0.0021, 0.0679, 0.0031, 22.0),
      new Table1Row("blobs", 1, 0.1368, 0.0657, 0.1212, 0.2613, 0.5),
      new Table1Row("paraboloid", 2, 0.0764, 0.0065, 0.0880, 0.0095, 9.2),
      new Table1Row("saddle", 2, 0.0110, 0.0009, 0.0126, 0.0011, 11.0),
      new Table1Row("circular", 2, 0.0180, 0.0001, 0.0188, 0.0003, 58.7),
      new Table1Row("blobs", 2, 0.1319, 0.0249, 0.1323, 0.6758, 0.2));

  public static final String TABLE1_NOTE = "The paper's \"SGD\" column is full-batch gradient descent (its reference "
      + "code; lr 0.005 regression, 0.01 classification), which is what the gd method runs.";

  // ---- seed 001, App. C.3, Table 2: "Spectral gap λ1 vs. depth at initialization (median over 50 inputs)" ----

  public static final String TABLE2_SOURCE = "seed 001, App. C.3, Table 2";

  /** Architecture, λ1 median and std (4 decimals). */
  public record Table2Row(String architecture, double median, double std) {}

  public static final List<Table2Row> TABLE2 = List.of(
      new Table2Row("[2, 30, 1]", 0.2248, 0.0200),
      new Table2Row("[2, 10, 8, 1]", 0.0602, 0.0047),
      new Table2Row("[2, 8, 6, 4, 1]", 0.0281, 0.0060));

  public static final String TABLE2_NOTE = "The paper reports one network per architecture; which init draw it "
      + "used is unknown, so ours is the median over init seeds with the seed-to-seed range.";

  // ---- seed 001, App. C.3, Table 3: "Per-edge pinned discord (mean ± std over 50 test inputs)" ----

  public static final String TABLE3_SOURCE = "seed 001, App. C.3, Table 3";

  /** Edge, sheaf mean ± std, SGD mean ± std (4 decimals); "total" has no std. */
  public record Table3Row(String edge, double sheafMean, double sheafStd, double sgdMean, double sgdStd) {}

  public static final List<Table3Row> TABLE3 = List.of(
      new Table3Row("W1", 0.0007, 0.0010, 0.0000, 0.0001),
      new Table3Row("W2", 0.0001, 0.0002, 0.0000, 0.0000),
      new Table3Row("R1", 0.0027, 0.0034, 0.0002, 0.0003),
      new Table3Row("total", 0.0035, Double.NaN, 0.0003, Double.NaN));

  public static final String TABLE3_NOTE = "The paper's Total is the sum over the weight and ReLU edges (our "
      + "total_internal); the output edge is left out.";

  // ---- seed 002 §13.6, the worked example (network [2,2,1], x = (1,2), y = 3) ----

  public static final String WORKED_SOURCE = "seed 002 (textbook chapter), §13.6";

  private static final String EIG = "No weights give the printed list: for n1 = 2 and any W2 the printed block form "
      + "has the eigenvalues (3 ± √5)/2 (on (αu, βu, 0) with u ⟂ W2ᵀ it acts as [[2, −1], [−1, 1]]); the printed "
      + "trace 12 would need ‖W2‖² = 4, against ‖W2‖² = 1/2 of the printed equilibrium.";
  private static final String W2 = "Stationarity in z2, (z2 − W2 a1 − b2) + (z2 − y) = 0, makes the W2 edge carry "
      + "the same discord as the output edge at every two-sided equilibrium; the chapter appears to have set "
      + "z2 = W2 a1 (dropping b2 or the output pull).";

  /** The chapter's printed values, in the order of the report's worked-example table. */
  public static final List<Printed> WORKED = List.of(
      new Printed("eigenvalue 1 of L_free", 0.47, 2, EIG),
      new Printed("eigenvalue 2 of L_free", 1.00, 2, EIG),
      new Printed("eigenvalue 3 of L_free", 2.00, 2, null),
      new Printed("eigenvalue 4 of L_free", 3.00, 2, EIG),
      new Printed("eigenvalue 5 of L_free", 5.53, 2, EIG),
      new Printed("c*: z1[0]", 1.17, 2, null),
      new Printed("c*: z1[1]", 1.17, 2, null),
      new Printed("c*: a1[0]", 1.33, 2, null),
      new Printed("c*: a1[1]", 1.33, 2, null),
      new Printed("c*: z2[0]", 2.67, 2, null),
      new Printed("d(W1)", 0.056, 3, null),
      new Printed("d(R1)", 0.050, 3, "Computed from the rounded c*: (1.33 − 1.17)² ≈ 0.026 per unit, 0.05 for two; "
          + "exactly (4/3 − 7/6)² × 2 = 1/18."),
      new Printed("d(W2)", 0.0, 3, W2),
      new Printed("d(out)", 0.109, 3, "From the rounded z2 = 2.67: (2.67 − 3)² = 0.1089; exactly (8/3 − 3)² = 1/9."),
      new Printed("Σ d_e", 0.22, 2, "Follows from the wrong d(W2); not even 2 × the printed R (0.056)."),
      new Printed("R = ½ Σ d_e", 0.056, 3, "The printed R is the W1 discord alone; R = ½ Σ d_e = 1/6."),
      new Printed("ΔW1[0][0]", 0.17, 2, null),
      new Printed("ΔW1[0][1]", 0.34, 2, "Printed as −(−0.17, −0.17)ᵀ(1, 2): 0.34 from the rounded 0.17; exactly 1/3."),
      new Printed("ΔW1[1][0]", 0.17, 2, null),
      new Printed("ΔW1[1][1]", 0.34, 2, "As ΔW1[0][1]: exactly 1/3."),
      new Printed("ΔW2[0][0]", 0.0, 2, "\"W2 doesn't move\" follows from the same slip as d(W2) = 0; " + W2),
      new Printed("ΔW2[0][1]", 0.0, 2, "As ΔW2[0][0]."));

  // ---- seed 003 §3.1-3.2, Fig 2: what the text says the curves show ----

  public static final String FIG2_SOURCE = "seed 003 (rank paper), §3.1-3.2 and the Fig 2 caption";

  /** The paper prints no data for Fig 2; these are the statements its text makes about the curves. */
  public static final List<String> FIG2_CLAIMS = List.of(
      "A: the mean minimum rank rises with n1 and saturates at m (dashed lines at m); for m ≥ n1 destructive "
          + "regions are certain.",
      "B: biasing the weight mean μ (normal, σ = 0.1, m = 10) lowers the minimum rank.",
      "C: with strictly positive weights multiplied by R(k, n1) the minimum rank is bounded by min{k, n1 − k, m} "
          + "and grows sublinearly in k.",
      "D: Dale's principle (inhibition 4× excitation, m = 50, n1 = 100, positive inputs): strongly excitatory "
          + "networks have no destructive region, balanced ones both kinds, strongly inhibitory ones only "
          + "destructive regions.");

  /** The bound of Fig 2C, min{k, n1 − k, m} (seed 003 §3.2). */
  public static int rankSelectionBound(int k, int n1, int m) {
    return Math.min(Math.min(k, n1 - k), m);
  }
}
