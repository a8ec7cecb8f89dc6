package sheafrank.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * The optimisation test functions of seed 003 App 7.3 (Virtual Library of Simulation Experiments,
 * Surjanovic &amp; Bingham 2013), in any dimension d, on their usual domains (the cube
 * {@code [lower, upper]^d}). Indices i below run 1..d. The formulas, domains and minima are in
 * {@code docs/datasets.md}; the minima were re-derived (see {@link #minimiser} and
 * {@link #minimum}).
 *
 * <p>Evaluation uses {@link StrictMath} and a fixed summation order (i = 1..d), so a value is the
 * same bit for bit on every machine.
 */
public enum TestFunction {
  /** sum x_i^2 on [-5.12, 5.12]^d; minimum 0 at 0. */
  SPHERE("sphere", -5.12, 5.12, 1),
  /**
   * -20 exp(-0.2 sqrt(sum x_i^2 / d)) - exp(sum cos(2 pi x_i) / d) + 20 + e on [-32.768, 32.768]^d;
   * minimum 0 at 0.
   */
  ACKLEY("ackley", -32.768, 32.768, 1),
  /** 10 d + sum (x_i^2 - 10 cos(2 pi x_i)) on [-5.12, 5.12]^d; minimum 0 at 0. */
  RASTRIGIN("rastrigin", -5.12, 5.12, 1),
  /**
   * 418.9829 d - sum x_i sin(sqrt|x_i|) on [-500, 500]^d; minimum at x_i = 420.968746..., where the
   * value is d (418.9829 - 418.98288727...) = 1.2728e-5 d, not exactly 0 (the constant is rounded).
   */
  SCHWEFEL("schwefel", -500, 500, 1),
  /** sum x_i^2 / 4000 - prod cos(x_i / sqrt(i)) + 1 on [-600, 600]^d; minimum 0 at 0. */
  GRIEWANK("griewank", -600, 600, 1),
  /**
   * With w_i = 1 + (x_i - 1)/4: sin^2(pi w_1) + sum_{i<d} (w_i - 1)^2 (1 + 10 sin^2(pi w_i + 1))
   * + (w_d - 1)^2 (1 + sin^2(2 pi w_d)) on [-10, 10]^d; minimum 0 at x_i = 1.
   */
  LEVY("levy", -10, 10, 1),
  /** sum_{i<d} 100 (x_{i+1} - x_i^2)^2 + (x_i - 1)^2 on [-5, 10]^d (d >= 2); minimum 0 at x_i = 1. */
  ROSENBROCK("rosenbrock", -5, 10, 2),
  /** sum x_i^2 + s^2 + s^4 with s = sum 0.5 i x_i, on [-5, 10]^d; minimum 0 at 0. */
  ZAKHAROV("zakharov", -5, 10, 1),
  /**
   * (1/2) sum (x_i^4 - 16 x_i^2 + 5 x_i) on [-5, 5]^d; minimum -39.166165703771 d (not the
   * -39.16599 d printed by the VLSE) at x_i = -2.903534027771 (the smallest root of
   * 4x^3 - 32x + 5).
   */
  STYBLINSKI_TANG("styblinski-tang", -5, 5, 1),
  /**
   * (x_1 - 1)^2 + sum_{i=2}^d i (2 x_i^2 - x_{i-1})^2 on [-10, 10]^d; minimum 0 at
   * x_i = 2^(-(2^i - 2)/2^i) (i < d) and x_d = +-2^(-(2^d - 2)/2^d) (two minimisers).
   */
  DIXON_PRICE("dixon-price", -10, 10, 1);

  /** The rounded constant of the VLSE Schwefel function. */
  public static final double SCHWEFEL_CONSTANT = 418.9829;

  /** The maximiser of x sin(sqrt x) on [0, 500]: the root of sin(u) + (u/2) cos(u) = 0 near u = 20.52. */
  public static final double SCHWEFEL_ARGMIN = 420.96874635998213;

  /** 420.96874... sin(sqrt(420.96874...)) = 418.98288727243374. */
  public static final double SCHWEFEL_PEAK = 418.98288727243374;

  /** The smallest root of 4x^3 - 32x + 5 (Styblinski-Tang's minimiser per coordinate). */
  public static final double STYBLINSKI_TANG_ARGMIN = -2.9035340277711783;

  private final String id;
  private final double lower;
  private final double upper;
  private final int minDim;

  TestFunction(String id, double lower, double upper, int minDim) {
    this.id = id;
    this.lower = lower;
    this.upper = upper;
    this.minDim = minDim;
  }

  /** Parses a name such as {@code sphere}, {@code styblinski-tang} or {@code DIXON_PRICE}. */
  public static TestFunction parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (TestFunction f : values()) {
      if (f.id.equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown test function '" + name + "' (expected one of "
        + String.join(", ", Arrays.stream(values()).map(TestFunction::id).toList()) + ")");
  }

  public String id() {
    return id;
  }

  /** Lower end of the domain in every coordinate. */
  public double lower() {
    return lower;
  }

  /** Upper end of the domain in every coordinate. */
  public double upper() {
    return upper;
  }

  /** The domain {@code [lower, upper]^d}. */
  public Box domain(int d) {
    checkDim(d);
    return Box.cube(d, lower, upper);
  }

  /** Rejects d < 1 (d < 2 for Rosenbrock, which is identically 0 in one dimension). */
  public void checkDim(int d) {
    if (d < minDim) {
      throw new IllegalArgumentException(id + " needs dimension d >= " + minDim + ", got " + d);
    }
  }

  /** f(x) for the d = x.length coordinates of x. */
  public double value(double[] x) {
    return value(x, 0, x.length);
  }

  /** f at the point {@code x[off .. off+d)}. */
  public double value(double[] x, int off, int d) {
    checkDim(d);
    double s = 0;
    switch (this) {
      case SPHERE -> {
        for (int i = 0; i < d; i++) {
          s += x[off + i] * x[off + i];
        }
        return s;
      }
      case ACKLEY -> {
        double c = 0;
        for (int i = 0; i < d; i++) {
          double v = x[off + i];
          s += v * v;
          c += StrictMath.cos(2 * Math.PI * v);
        }
        return -20 * StrictMath.exp(-0.2 * StrictMath.sqrt(s / d)) - StrictMath.exp(c / d) + 20 + Math.E;
      }
      case RASTRIGIN -> {
        for (int i = 0; i < d; i++) {
          double v = x[off + i];
          s += v * v - 10 * StrictMath.cos(2 * Math.PI * v);
        }
        return 10.0 * d + s;
      }
      case SCHWEFEL -> {
        for (int i = 0; i < d; i++) {
          double v = x[off + i];
          s += v * StrictMath.sin(StrictMath.sqrt(Math.abs(v)));
        }
        return SCHWEFEL_CONSTANT * d - s;
      }
      case GRIEWANK -> {
        double p = 1;
        for (int i = 0; i < d; i++) {
          double v = x[off + i];
          s += v * v / 4000;
          p *= StrictMath.cos(v / StrictMath.sqrt(i + 1));
        }
        return s - p + 1;
      }
      case LEVY -> {
        double w1 = 1 + (x[off] - 1) / 4;
        double sin1 = StrictMath.sin(Math.PI * w1);
        s = sin1 * sin1;
        for (int i = 0; i < d - 1; i++) {
          double w = 1 + (x[off + i] - 1) / 4;
          double sn = StrictMath.sin(Math.PI * w + 1);
          s += (w - 1) * (w - 1) * (1 + 10 * sn * sn);
        }
        double wd = 1 + (x[off + d - 1] - 1) / 4;
        double sd = StrictMath.sin(2 * Math.PI * wd);
        return s + (wd - 1) * (wd - 1) * (1 + sd * sd);
      }
      case ROSENBROCK -> {
        for (int i = 0; i < d - 1; i++) {
          double v = x[off + i];
          double a = x[off + i + 1] - v * v;
          s += 100 * a * a + (v - 1) * (v - 1);
        }
        return s;
      }
      case ZAKHAROV -> {
        double t = 0;
        for (int i = 0; i < d; i++) {
          double v = x[off + i];
          s += v * v;
          t += 0.5 * (i + 1) * v;
        }
        double t2 = t * t;
        return s + t2 + t2 * t2;
      }
      case STYBLINSKI_TANG -> {
        for (int i = 0; i < d; i++) {
          double v = x[off + i];
          double v2 = v * v;
          s += v2 * v2 - 16 * v2 + 5 * v;
        }
        return 0.5 * s;
      }
      case DIXON_PRICE -> {
        s = (x[off] - 1) * (x[off] - 1);
        for (int i = 1; i < d; i++) {
          double a = 2 * x[off + i] * x[off + i] - x[off + i - 1];
          s += (i + 1) * a * a;
        }
        return s;
      }
      default -> throw new AssertionError(this);
    }
  }

  /** The (a) global minimiser in dimension d (for Dixon-Price the one with x_d > 0). */
  public double[] minimiser(int d) {
    checkDim(d);
    double[] x = new double[d];
    switch (this) {
      case SCHWEFEL -> Arrays.fill(x, SCHWEFEL_ARGMIN);
      case LEVY, ROSENBROCK -> Arrays.fill(x, 1);
      case STYBLINSKI_TANG -> Arrays.fill(x, STYBLINSKI_TANG_ARGMIN);
      case DIXON_PRICE -> {
        for (int i = 1; i <= d; i++) {
          double p = StrictMath.pow(2, i); // exact
          x[i - 1] = StrictMath.pow(2, -(p - 2) / p);
        }
      }
      default -> {
        // the origin
      }
    }
    return x;
  }

  /**
   * The global minimum value in dimension d: 0, except Schwefel's {@code d (418.9829 - 418.98288727...)}
   * and Styblinski-Tang's {@code -39.16616570377... d}.
   */
  public double minimum(int d) {
    checkDim(d);
    return switch (this) {
      case SCHWEFEL -> d * (SCHWEFEL_CONSTANT - SCHWEFEL_PEAK);
      case STYBLINSKI_TANG -> {
        double v = STYBLINSKI_TANG_ARGMIN;
        yield d * 0.5 * (v * v * v * v - 16 * v * v + 5 * v);
      }
      default -> 0;
    };
  }
}
