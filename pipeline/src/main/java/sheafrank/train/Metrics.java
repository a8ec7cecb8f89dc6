package sheafrank.train;

import sheafrank.net.Mlp;

/**
 * The reported metrics of seed 001 §6.2 / Table 1, computed from the network's forward pass (not
 * from any cochain): loss as in {@link Backprop} (MSE without 1/2; mean binary or multiclass
 * cross-entropy with probabilities clamped to [1e-12, 1-1e-12]) and, for classification, accuracy
 * (sigmoid: p > 0.5 against y > 0.5; softmax: argmax against the argmax of the one-hot target).
 */
public final class Metrics {
  /** Loss and accuracy (NaN for regression). */
  public record Eval(double loss, double accuracy) {}

  private final Samples data;
  private final TaskKind kind;
  private final double[][] x;
  private final double[][] y;
  private final Backprop bp;

  /** An evaluator for one data set, reusable across weights (allocation-free per call). */
  public Metrics(int[] widths, Samples data, TaskKind kind) {
    this.data = data;
    this.kind = kind;
    this.x = rows(data.x(), data.n(), data.inDim());
    this.y = rows(data.y(), data.n(), data.outDim());
    this.bp = new Backprop(widths, data.n());
  }

  static double[][] rows(double[] v, int n, int d) {
    double[][] r = new double[d][n];
    for (int s = 0; s < n; s++) {
      for (int k = 0; k < d; k++) {
        r[k][s] = v[s * d + k];
      }
    }
    return r;
  }

  public Eval evaluate(Mlp net) {
    double[][] w = new double[net.depth()][];
    double[][] b = new double[net.depth()][];
    for (int l = 0; l < net.depth(); l++) {
      w[l] = net.weights(l);
      b[l] = net.bias(l);
    }
    return evaluate(w, b);
  }

  /** Metrics for the weights {@code w[l]}, {@code b[l]} (row-major, as in {@link Mlp}). */
  public Eval evaluate(double[][] w, double[][] b) {
    double loss = bp.lossAndGradient(w, b, x, y, data.n(), kind, null, null);
    return new Eval(loss, accuracy());
  }

  private double accuracy() {
    if (kind == TaskKind.REGRESSION) {
      return Double.NaN;
    }
    double[][] z = bp.outputRows();
    int m = z.length;
    int n = data.n();
    int correct = 0;
    for (int s = 0; s < n; s++) {
      if (kind == TaskKind.BINARY) {
        boolean all = true;
        for (int k = 0; k < m; k++) {
          all &= (z[k][s] > 0) == (y[k][s] > 0.5);
        }
        correct += all ? 1 : 0;
      } else {
        int pz = 0;
        int py = 0;
        for (int k = 1; k < m; k++) {
          if (z[k][s] > z[pz][s]) {
            pz = k;
          }
          if (y[k][s] > y[py][s]) {
            py = k;
          }
        }
        correct += pz == py ? 1 : 0;
      }
    }
    return (double) correct / n;
  }

  /** One-off evaluation. */
  public static Eval evaluate(Mlp net, Samples data, TaskKind kind) {
    return new Metrics(net.widths(), data, kind).evaluate(net);
  }
}
