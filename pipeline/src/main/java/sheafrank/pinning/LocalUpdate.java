package sheafrank.pinning;

import sheafrank.net.Mlp;
import sheafrank.sheaf.SheafLayout;

/**
 * The local weight update of seed 002 Prop. 11.5 / seed 001 eq. 25 at a cochain c: for each weight
 * edge l, {@code dW_l = -eta (W_l a_{l-1} + b_l - z_l) a_{l-1}^T} and
 * {@code db_l = -eta (W_l a_{l-1} + b_l - z_l)}, using only the edge's two endpoint stalks.
 */
public final class LocalUpdate {
  private LocalUpdate() {}

  /** The update, {@code [l][0]} = dW_l (row-major n_{l+1} x n_l), {@code [l][1]} = db_l. */
  public static double[][][] step(Mlp net, SheafLayout layout, double[] c, double eta) {
    int[] n = net.widths();
    int depth = n.length - 1;
    double[][][] out = new double[depth][2][];
    int prev = 0;
    for (int l = 0; l < depth; l++) {
      int nin = n[l];
      int nout = n[l + 1];
      double[] w = net.weights(l);
      double[] b = net.bias(l);
      double[] dw = new double[nout * nin];
      double[] db = new double[nout];
      int zo = layout.zOffset(l);
      for (int i = 0; i < nout; i++) {
        double acc = b[i];
        for (int j = 0; j < nin; j++) {
          acc += w[i * nin + j] * c[prev + j];
        }
        double r = acc - c[zo + i];
        db[i] = -eta * r;
        for (int j = 0; j < nin; j++) {
          dw[i * nin + j] = -eta * r * c[prev + j];
        }
      }
      out[l][0] = dw;
      out[l][1] = db;
      if (l < depth - 1) {
        prev = layout.aOffset(l);
      }
    }
    return out;
  }
}
