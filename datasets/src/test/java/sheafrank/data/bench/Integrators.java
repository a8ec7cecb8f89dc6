package sheafrank.data.bench;

import java.util.Locale;
import sheafrank.data.Dataset;
import sheafrank.data.Task;
import sheafrank.train.CurvePoint;
import sheafrank.train.EquilibriumTrainer;
import sheafrank.train.Method;
import sheafrank.train.TrainResult;
import sheafrank.train.TrainSpec;
import sheafrank.train.Trainer;

/**
 * Euler joint dynamics vs the exact-equilibrium (timescale-separated) scheme on a task; not a
 * test. Args: task (default paraboloid), hidden layers (1), Euler steps (100000), then runs of the
 * equilibrium scheme as mode:outerDt:steps with mode f (fixed outer step) or a (step-size control,
 * outerDt the initial step); default f:1:500 f:2:250 a:1:250 a:1:500 a:1:2500.
 * Prints, for each run, the final metrics, the integration time T = dt * steps, the estimated flops
 * and the compute seconds, and the first curve point at which the test loss reached the Euler
 * run's final test loss.
 */
public final class Integrators {
  public static void main(String[] args) {
    Task task = Task.parse(args.length > 0 ? args[0] : "paraboloid");
    int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    long eulerSteps = args.length > 2 ? Long.parseLong(args[2]) : 100_000;
    String[] eq = args.length > 3 ? java.util.Arrays.copyOfRange(args, 3, args.length)
        : new String[] {"f:1:500", "f:2:250", "a:1:250", "a:1:500", "a:1:2500"};
    Dataset d = task.paperData();
    int[] widths = task.paperWidths(hidden);
    // warm the JIT for both schemes so that the timings are steady-state
    Trainer.create(TrainSpec.builder(Method.SHEAF, widths, 20_000).build(), d.kind(), d.train(), d.test()).run(null);
    Trainer.create(TrainSpec.builder(Method.SHEAF_EQUILIBRIUM, widths, 3_000).build(), d.kind(), d.train(), d.test()).run(null);
    TrainSpec euler = TrainSpec.builder(Method.SHEAF, widths, eulerSteps).curveEvery(eulerSteps / 100).build();
    TrainResult e = Trainer.create(euler, d.kind(), d.train(), d.test()).run(null);
    double target = e.test().loss();
    System.out.println("| method | (initial) dt | steps | T | train loss | test loss | Mflop | seconds | reaches Euler's final test loss at |");
    if (e.diverged() || eulerSteps == 0) {
      target = Double.NEGATIVE_INFINITY;
    }
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    print("euler", euler.dt(), euler.dt() * e.steps(), e, e.flops() / e.steps(), target);
    for (String p : eq) {
      String[] q = p.split(":");
      boolean adaptive = q[0].equals("a");
      double odt = Double.parseDouble(q[1]);
      long steps = Long.parseLong(q[2]);
      int pits = 1;
      double cap = q.length > 3 ? Double.parseDouble(q[3]) : 8;
      TrainSpec spec = TrainSpec.builder(Method.SHEAF_EQUILIBRIUM, widths, steps).outerDt(odt)
          .adaptiveOuterStep(adaptive).maxOuterDt(cap * odt).patternIterations(pits)
          .curveEvery(Math.max(1, steps / 100)).build();
      Trainer t = Trainer.create(spec, d.kind(), d.train(), d.test());
      TrainResult r = t.run(null);
      EquilibriumTrainer et = (EquilibriumTrainer) t;
      print(adaptive ? "equilibrium, adaptive (max dt " + cap * odt + ")" : "equilibrium, fixed", odt, et.integrationTime(), r,
          r.flops() / Math.max(1, r.steps()), target);
    }
  }

  private static void print(String name, double dt, double time, TrainResult r, double flopsPerStep, double target) {
    String reach = "never";
    for (CurvePoint c : r.curve()) {
      if (c.testLoss() <= target) {
        reach = String.format(Locale.ROOT, "step %d (%.0f Mflop, %.2f s)", c.step(), c.step() * flopsPerStep / 1e6, c.seconds());
        break;
      }
    }
    String status = r.diverged() ? " (diverged: " + r.message() + ")" : "";
    System.out.println(String.format(Locale.ROOT, "| %s%s | %s | %d | %.0f | %.4f | %.4f | %.0f | %.2f | %s |",
        name, status, dt, r.steps(), time, r.train().loss(), r.test().loss(), r.flops() / 1e6, r.seconds(), reach));
  }
}
