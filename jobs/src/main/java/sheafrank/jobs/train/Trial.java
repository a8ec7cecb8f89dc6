package sheafrank.jobs.train;

import java.io.Serializable;
import java.util.Arrays;
import sheafrank.train.CochainInit;
import sheafrank.train.Loss;
import sheafrank.train.Method;
import sheafrank.train.Regularisation;
import sheafrank.train.TaskKind;
import sheafrank.train.TrainSpec;

/**
 * One trial of a sweep: one point of the cross product, with every default resolved, so that the
 * trial's table rows carry the values that were actually used. Axes that do not apply to a method
 * are null ({@code beta} for gd/adam, {@code lr} for the sheaf methods).
 *
 * @param index position in the sweep (0-based, sweep order)
 * @param id {@code t<index>-<task>-<widths>-<method>-s<seed>}, also the model id of its weights
 * @param task a paper task id, or {@code file} for the user's data
 * @param dt the Euler step of the sheaf dynamics; for the other methods the step that, with the
 *     integration time, defined the matched step count (null when the steps were given directly)
 * @param steps Euler steps, outer steps (sheaf_equilibrium), GD epochs or Adam epochs
 * @param integrationTime T = dt * steps for the Euler dynamics (null otherwise)
 * @param outerDt sheaf_equilibrium: the (initial) outer step; null for the other methods
 * @param stepControl sheaf_equilibrium: "armijo" (step-size control) or "fixed"; null otherwise
 */
public record Trial(int index, String id, String task, int[] widths, String method, long seed,
    Double beta, int nTrain, Double dt, long steps, Double integrationTime, String loss,
    double lambda, double mu, String anchor, Double lr, Double outerDt, String stepControl)
    implements Serializable {

  Method methodEnum() {
    return Method.parse(method);
  }

  /** "none" or "lambda=..;mu=..;anchor=..". */
  String regularisationId() {
    if (lambda == 0 && mu == 0) {
      return "none";
    }
    return "lambda=" + lambda + ";mu=" + mu + ";anchor=" + anchor;
  }

  Double betaM() {
    return beta == null ? null : beta * nTrain;
  }

  /** The pipeline's spec of this trial (data-independent parts; the trainer validates the rest). */
  TrainSpec spec(SweepSettings s, TaskKind kind, long curveEvery) {
    Method m = methodEnum();
    TrainSpec.Builder b = TrainSpec.builder(m, widths, steps)
        .seed(seed)
        .loss(Loss.parse(loss))
        .alpha(s.alpha())
        .regularisation(new Regularisation(lambda, mu, Regularisation.parseAnchor(anchor)))
        .stepsPerEpoch(s.stepsPerEpoch())
        .curveEvery(curveEvery)
        .progressEvery(0)
        .checkEvery(s.checkEvery())
        .divergenceThreshold(s.divergenceThreshold());
    if (beta != null) {
      b.beta(beta);
    }
    if (dt != null && m == Method.SHEAF) {
      b.dt(dt);
    }
    if (lr != null) {
      b.lr(lr);
    }
    if (!s.cochainInit().equals("auto")) {
      b.init(CochainInit.parse(s.cochainInit()));
    }
    if (!s.warmStart().equals("auto")) {
      b.warmStart(Boolean.parseBoolean(s.warmStart()));
    }
    if (m == Method.ADAM) {
      b.batchSize(s.adamBatchSize());
    }
    if (m == Method.SHEAF_EQUILIBRIUM) {
      b.outerDt(outerDt).adaptiveOuterStep("armijo".equals(stepControl));
    }
    if (s.initialWeights() != null) {
      b.initialWeights(s.initialWeights());
    }
    if (s.initialCochain() != null) {
      b.initialCochain(s.initialCochain().values(widths));
    }
    return b.build();
  }

  /** Rough cost (flop-proportional) used to schedule the longest trials first. */
  double cost() {
    double p = 0;
    for (int l = 0; l + 1 < widths.length; l++) {
      p += (double) widths[l] * widths[l + 1];
    }
    double f = switch (methodEnum()) {
      case SHEAF -> 3;
      case SHEAF_EQUILIBRIUM -> 20;
      default -> 1;
    };
    return steps * (double) nTrain * p * f;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Trial t && t.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return id + " " + Arrays.toString(widths);
  }
}
