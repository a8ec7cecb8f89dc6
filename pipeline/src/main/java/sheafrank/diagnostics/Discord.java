package sheafrank.diagnostics;

import java.util.ArrayList;
import java.util.List;
import sheafrank.net.Mlp;
import sheafrank.sheaf.SheafLayout;

/**
 * Per-coordinate edge discord (seed 001 §6.3, Fig. 9, 19, 20; Table 3; experiment S14) of any
 * cochain (a free or a pinned equilibrium) in {@link SheafLayout} order.
 *
 * <p>Weight edge l: {@code (W_l a_{l-1} + b_l)_j - z_j} plotted against z_j. ReLU edge l:
 * {@code relu(z_j) - a_j} against z_j. Each coordinate carries its activation state
 * (active iff z_j >= 0). At an equilibrium of the pinned dynamics, a free inactive z_j (not on its
 * switching surface) has zero weight-edge discord, and a free active z_j has equal weight-edge and
 * ReLU-edge residuals (z_j sits at the midpoint of its two pulls).
 */
public final class Discord {
  private Discord() {}

  /** One edge's per-coordinate residuals against z. */
  public record EdgeResiduals(String name, boolean weightEdge, int layer, double[] z, double[] residual, boolean[] active) {
    /** Squared norm of the residual, the edge's discord d_e. */
    public double discord() {
      double s = 0;
      for (double r : residual) {
        s += r * r;
      }
      return s;
    }
  }

  /** Weight and ReLU edges of {@code c}, in layout edge order (W1, R1, W2, ..., W_{k+1}). */
  public static List<EdgeResiduals> perCoordinate(Mlp net, SheafLayout layout, double[] c) {
    int[] n = net.widths();
    int depth = n.length - 1;
    List<EdgeResiduals> out = new ArrayList<>();
    int prev = 0;
    for (int l = 0; l < depth; l++) {
      int m = n[l + 1];
      int zo = layout.zOffset(l);
      double[] z = new double[m];
      double[] rw = new double[m];
      boolean[] act = new boolean[m];
      double[] w = net.weights(l);
      double[] b = net.bias(l);
      for (int j = 0; j < m; j++) {
        double acc = b[j];
        for (int i = 0; i < n[l]; i++) {
          acc += w[j * n[l] + i] * c[prev + i];
        }
        z[j] = c[zo + j];
        rw[j] = acc - z[j];
        act[j] = z[j] >= 0;
      }
      out.add(new EdgeResiduals("W" + (l + 1), true, l + 1, z, rw, act));
      if (l < depth - 1) {
        int ao = layout.aOffset(l);
        double[] rr = new double[m];
        for (int j = 0; j < m; j++) {
          rr[j] = Math.max(z[j], 0) - c[ao + j];
        }
        out.add(new EdgeResiduals("R" + (l + 1), false, l + 1, z.clone(), rr, act.clone()));
        prev = ao;
      }
    }
    return out;
  }

  /** Table 3 style aggregate: per edge mean and std of d_e over samples, and the sum of means. */
  public record Aggregate(String[] names, double[] mean, double[] std, double total) {}

  /**
   * Aggregates per-sample edge discords ({@code perSample[s][e]}, edges named {@code names}):
   * mean and sample standard deviation per edge over the samples.
   */
  public static Aggregate aggregate(String[] names, double[][] perSample) {
    int e = names.length;
    double[] mean = new double[e];
    double[] std = new double[e];
    int s = perSample.length;
    for (double[] row : perSample) {
      if (row.length != e) {
        throw new IllegalArgumentException("each sample needs " + e + " edge discords, got " + row.length);
      }
      for (int k = 0; k < e; k++) {
        mean[k] += row[k] / s;
      }
    }
    double total = 0;
    for (int k = 0; k < e; k++) {
      double v = 0;
      for (double[] row : perSample) {
        v += (row[k] - mean[k]) * (row[k] - mean[k]);
      }
      std[k] = s > 1 ? Math.sqrt(v / (s - 1)) : 0;
      total += mean[k];
    }
    return new Aggregate(names.clone(), mean, std, total);
  }
}
