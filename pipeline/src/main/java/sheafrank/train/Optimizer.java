package sheafrank.train;

import java.util.Locale;

/**
 * The optimiser of {@link MlpTrainer}: one update per mini-batch from the gradient of the
 * batch-mean loss. Every update is elementwise, each element a fixed sequence of correctly rounded operations
 * (no fused multiply-add), so the parameters are the same bits on every machine.
 */
public sealed interface Optimizer extends java.io.Serializable
    permits Optimizer.Adam, Optimizer.Sgd {

  /** A short description, e.g. {@code adam(lr=0.001,b1=0.9,b2=0.999,eps=1e-08)}. */
  String id();

  /** Adam with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
  static Adam adam() {
    return new Adam(1e-3, 0.9, 0.999, 1e-8);
  }

  /** Plain stochastic gradient descent (no momentum, no weight decay). */
  static Sgd sgd(double lr) {
    return new Sgd(lr);
  }

  /**
   * Adam as {@code torch.optim.Adam} computes it with {@code weight_decay=0, amsgrad=False}: at
   * step t = 1, 2, ... for every parameter p with gradient g,
   *
   * <pre>
   *   m  = beta1 m + (1 - beta1) g
   *   v  = beta2 v + ((1 - beta2) g) g
   *   bc1 = 1 - beta1^t,  bc2 = 1 - beta2^t          (StrictMath.pow)
   *   p  = p - ((lr / bc1) m) / (sqrt(v) / sqrt(bc2) + eps)
   * </pre>
   *
   * m and v start at 0. eps is added after the bias correction of sqrt(v), as PyTorch does (not
   * Kingma and Ba's eps-hat). PyTorch 1.x writes the first moment as {@code mul_(beta1).add_(g,
   * alpha=1-beta1)}, as here; PyTorch 2.x as {@code lerp_(g, 1-beta1)}, equal in exact arithmetic.
   */
  record Adam(double lr, double beta1, double beta2, double eps) implements Optimizer {
    public Adam {
      positive("adam learning rate", lr);
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException(
            "adam betas must lie in [0, 1), got beta1=" + beta1 + " beta2=" + beta2);
      }
      positive("adam eps", eps);
    }

    @Override
    public String id() {
      return String.format(Locale.ROOT, "adam(lr=%s,b1=%s,b2=%s,eps=%s)", lr, beta1, beta2, eps);
    }

    /**
     * One Adam step of parameters {@code p} with gradient {@code g} and moments {@code m},
     * {@code v}, at step {@code t >= 1}.
     */
    public void step(double[] p, double[] g, double[] m, double[] v, long t) {
      double bc1 = 1 - StrictMath.pow(beta1, t);
      double bc2 = 1 - StrictMath.pow(beta2, t);
      double stepSize = lr / bc1;
      double sq = Math.sqrt(bc2);
      double c1 = 1 - beta1;
      double c2 = 1 - beta2;
      for (int j = 0; j < p.length; j++) {
        double gj = g[j];
        double mj = beta1 * m[j] + c1 * gj;
        double vj = beta2 * v[j] + c2 * gj * gj;
        m[j] = mj;
        v[j] = vj;
        p[j] = p[j] - stepSize * mj / (Math.sqrt(vj) / sq + eps);
      }
    }
  }

  /** {@code p = p - lr g} ({@code torch.optim.SGD} without momentum or weight decay). */
  record Sgd(double lr) implements Optimizer {
    public Sgd {
      positive("sgd learning rate", lr);
    }

    @Override
    public String id() {
      return String.format(Locale.ROOT, "sgd(lr=%s)", lr);
    }

    public void step(double[] p, double[] g) {
      for (int j = 0; j < p.length; j++) {
        p[j] = p[j] - lr * g[j];
      }
    }
  }

  private static void positive(String what, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(what + " must be positive and finite, got " + v);
    }
  }
}
