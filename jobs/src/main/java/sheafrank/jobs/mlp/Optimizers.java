package sheafrank.jobs.mlp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import sheafrank.train.Optimizer;

/**
 * The {@code optimizers} entries of {@code mlp-train}: {@code adam} (PyTorch's defaults: lr 1e-3,
 * beta1 0.9, beta2 0.999, eps 1e-8), {@code adam:lr=1e-4;beta2=0.99} (settings that differ), or
 * {@code sgd:lr=0.01} (plain SGD; lr required).
 */
final class Optimizers {
  private Optimizers() {}

  /**
   * Parses one entry.
   *
   * @throws IllegalArgumentException naming the entry and what is wrong
   */
  static Optimizer parse(String entry) {
    String s = entry.trim().toLowerCase(Locale.ROOT);
    int colon = s.indexOf(':');
    String name = colon < 0 ? s : s.substring(0, colon);
    Map<String, Double> kv = settings(entry, colon < 0 ? "" : s.substring(colon + 1));
    switch (name) {
      case "adam" -> {
        only(entry, kv, Set.of("lr", "beta1", "beta2", "eps"));
        Optimizer.Adam d = Optimizer.adam();
        return new Optimizer.Adam(kv.getOrDefault("lr", d.lr()), kv.getOrDefault("beta1", d.beta1()),
            kv.getOrDefault("beta2", d.beta2()), kv.getOrDefault("eps", d.eps()));
      }
      case "sgd" -> {
        only(entry, kv, Set.of("lr"));
        if (!kv.containsKey("lr")) {
          throw new IllegalArgumentException("optimiser '" + entry + "': sgd needs a learning rate, e.g. sgd:lr=0.01");
        }
        return Optimizer.sgd(kv.get("lr"));
      }
      default -> throw new IllegalArgumentException("unknown optimiser '" + entry
          + "' (expected adam, adam:lr=..;beta1=..;beta2=..;eps=.., or sgd:lr=..)");
    }
  }

  /**
   * A short tag for model ids: {@code adam} for PyTorch's defaults, else the name and the settings
   * that differ from them, e.g. {@code adam-lr1.0E-4}, {@code sgd-lr0.01}.
   */
  static String tag(Optimizer o) {
    if (o instanceof Optimizer.Sgd sgd) {
      return "sgd-lr" + sgd.lr();
    }
    Optimizer.Adam a = (Optimizer.Adam) o;
    Optimizer.Adam d = Optimizer.adam();
    StringBuilder sb = new StringBuilder("adam");
    if (a.lr() != d.lr()) {
      sb.append("-lr").append(a.lr());
    }
    if (a.beta1() != d.beta1()) {
      sb.append("-b1").append(a.beta1());
    }
    if (a.beta2() != d.beta2()) {
      sb.append("-b2").append(a.beta2());
    }
    if (a.eps() != d.eps()) {
      sb.append("-eps").append(a.eps());
    }
    return sb.toString();
  }

  private static Map<String, Double> settings(String entry, String list) {
    Map<String, Double> kv = new LinkedHashMap<>();
    if (list.isBlank()) {
      return kv;
    }
    for (String part : list.split(";")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("optimiser '" + entry + "': expected key=value, got '" + part.trim() + "'");
      }
      String k = part.substring(0, eq).trim();
      double v;
      try {
        v = Double.parseDouble(part.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("optimiser '" + entry + "': " + k + " must be a number, got '"
            + part.substring(eq + 1).trim() + "'");
      }
      if (kv.put(k, v) != null) {
        throw new IllegalArgumentException("optimiser '" + entry + "': " + k + " is given twice");
      }
    }
    return kv;
  }

  private static void only(String entry, Map<String, Double> kv, Set<String> allowed) {
    for (String k : kv.keySet()) {
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException("optimiser '" + entry + "': unknown setting '" + k + "' (allowed: "
            + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
      }
    }
  }
}
