package sheafrank.diffusion;

import sheafrank.net.OutputActivation;

/**
 * The output edge e_y between z^(k+1) and the output stalk y (seed 001 §4.2, §5.2.3). It writes its
 * residual and adds its forces (gradients of its edge potential) on z^(k+1) and on y.
 *
 * <p>Inference uses {@link #adjoint}: the potential {@code 1/2 ||phi(z) - y||^2} with the local
 * adjoint J_phi(z)^T of eq. 22. Training with a pinned target uses a loss-specific force (eq. 27 and
 * App. B.3); those implementations live with the trainers.
 */
public interface OutputEdge {

  /**
   * @param s the sample's cochain; z^(k+1) at {@code zOff}, y at {@code yOff}, {@code n} values each
   * @param res receives the edge residual (n values at {@code resOff})
   * @param g gradient accumulator of the sample; add forces on z at {@code gzOff} and on y at
   *     {@code gyOff}
   * @param tmp scratch of at least 2n values
   */
  void apply(
      double[] s, int zOff, int yOff, int n, double[] res, int resOff,
      double[] g, int gzOff, int gyOff, double[] tmp);

  /** Potential 1/2 ||phi(z) - y||^2 with forces J^T (phi(z) - y) on z and (y - phi(z)) on y. */
  static OutputEdge adjoint(OutputActivation phi) {
    if (phi == OutputActivation.IDENTITY) {
      return (s, zOff, yOff, n, res, resOff, g, gzOff, gyOff, tmp) -> {
        for (int i = 0; i < n; i++) {
          double r = s[yOff + i] - s[zOff + i];
          res[resOff + i] = r;
          g[gzOff + i] -= r;
          g[gyOff + i] += r;
        }
      };
    }
    return (s, zOff, yOff, n, res, resOff, g, gzOff, gyOff, tmp) -> {
      phi.apply(s, zOff, tmp, 0, n);
      for (int i = 0; i < n; i++) {
        double r = s[yOff + i] - tmp[i];
        res[resOff + i] = r;
        tmp[n + i] = r;
        g[gyOff + i] += r;
      }
      // g_z -= J^T r (J symmetric for sigmoid and softmax)
      phi.jacobianTransposeTimes(tmp, 0, tmp, n, tmp, n, n);
      for (int i = 0; i < n; i++) {
        g[gzOff + i] -= tmp[n + i];
      }
    };
  }
}
