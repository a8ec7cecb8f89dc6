package sheafrank.data.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sheafrank.data.Dataset;
import sheafrank.data.Task;
import sheafrank.train.Method;
import sheafrank.train.TrainResult;
import sheafrank.train.TrainSpec;
import sheafrank.train.Trainer;

/**
 * Runs seed 001 Table 1 (S7): four tasks x {1H, 2H}, sheaf Euler dynamics vs full-batch GD with the
 * paper's settings, single thread; not a test. Args: [methods, comma-separated, default sheaf,gd]
 * [configs, e.g. paraboloid:1,saddle:2; default all eight] [seed, default 42].
 */
public final class Table1 {
  public static void main(String[] args) {
    String[] methods = (args.length > 0 ? args[0] : "sheaf,gd").split(",");
    List<String> configs = new ArrayList<>();
    if (args.length > 1 && !args[1].equals("all")) {
      configs.addAll(List.of(args[1].split(",")));
    } else {
      for (int h = 1; h <= 2; h++) {
        for (Task t : Task.values()) {
          configs.add(t.id() + ":" + h);
        }
      }
    }
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    System.out.println("| task | depth | method | steps | train loss | test loss | test acc | status | seconds | steps/s |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (String c : configs) {
      String[] p = c.split(":");
      Task task = Task.parse(p[0]);
      int hidden = Integer.parseInt(p[1]);
      Dataset d = task.paperData();
      int[] widths = task.paperWidths(hidden);
      long steps = hidden == 1 ? 100_000 : 200_000;
      for (String m : methods) {
        Method method = Method.parse(m);
        TrainSpec.Builder b = TrainSpec.builder(method, widths, steps).seed(seed);
        if (method == Method.SHEAF_EQUILIBRIUM) {
          // the exact-equilibrium scheme with step-size control: 2500 (1H) / 5000 (2H) outer steps
          b.steps(hidden == 1 ? 2500 : 5000);
          if (args.length > 3) {
            b.outerDt(Double.parseDouble(args[3]));
            b.steps(Long.parseLong(args[4]));
          }
        }
        TrainSpec spec = b.build();
        TrainResult r = Trainer.create(spec, d.kind(), d.train(), d.test()).run(null);
        System.out.println(String.format(Locale.ROOT, "| %s | %dH | %s | %d | %.4f | %.4f | %s | %s | %.1f | %.0f |",
            task.id(), hidden, method.id(), r.steps(), r.train().loss(), r.test().loss(),
            Double.isNaN(r.test().accuracy()) ? "-" : String.format(Locale.ROOT, "%.3f", r.test().accuracy()),
            r.status().name().toLowerCase(Locale.ROOT), r.seconds(), r.stepsPerSecond()));
      }
    }
  }
}
