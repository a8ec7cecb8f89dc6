package sheafrank.pinning;

import java.util.ArrayList;
import java.util.List;
import sheafrank.net.Mlp;
import sheafrank.sheaf.SheafLayout;

/**
 * The report of one pinned problem (seed 002 §13.4-13.6, exercise 6).
 *
 * <ul>
 *   <li>{@link #cochain()}: the equilibrium, in {@link SheafLayout} order.
 *   <li>{@link #energy()}: the residual Dirichlet energy R (seed 002 eq. 11.1) = E(c*) of
 *       {@link PinnedProblem} (soft-pin penalties included).
 *   <li>{@link #discord()}: d_e = ||r_e||^2 per edge in layout order, then the soft pins' penalty
 *       edges (names in {@link #discordNames()}); sum d_e = 2R for quadratic output edges.
 *   <li>{@link #globalSection(double)}: every residual (network edges and penalty edges) below tol.
 *   <li>{@link #pattern()} at the equilibrium (R_jj = 1 iff z_j >= 0) against
 *       {@link #forwardPattern()}, the forward pass at the equilibrium's input stalk (the pinned
 *       input; for imputation the imputed one); {@link #changedUnits()} lists the differences.
 *   <li>{@link #surfaceUnits()}: units whose equilibrium sits on the switching surface z_j = 0 as a
 *       KKT point of both sides (Note 5.1); {@link #slidingUnits(double)} those with
 *       {@code |a_j| > tol}, where {@code a_j != relu(z_j)}.
 * </ul>
 */
public final class PinnedResult {
  private final SheafLayout layout;
  private final double[] cochain;
  private final double energy;
  private final double[] discord;
  private final String[] discordNames;
  private final double[] residuals;
  private final double[] pinResiduals;
  private final boolean[][] pattern;
  private final boolean[][] forwardPattern;
  private final boolean[][] surface;
  private final int iterations;
  private final boolean converged;

  private PinnedResult(SheafLayout layout, double[] cochain, double energy, double[] discord,
      String[] discordNames, double[] residuals, double[] pinResiduals, boolean[][] pattern,
      boolean[][] forwardPattern, boolean[][] surface, int iterations, boolean converged) {
    this.layout = layout;
    this.cochain = cochain;
    this.energy = energy;
    this.discord = discord;
    this.discordNames = discordNames;
    this.residuals = residuals;
    this.pinResiduals = pinResiduals;
    this.pattern = pattern;
    this.forwardPattern = forwardPattern;
    this.surface = surface;
    this.iterations = iterations;
    this.converged = converged;
  }

  /** The report for cochain {@code c} of problem {@code p}; {@code onSurface} may be null. */
  public static PinnedResult of(PinnedProblem p, double[] c, double[] soft, boolean[][] onSurface,
      int iterations, boolean converged) {
    SheafLayout layout = p.layout();
    int[] n = layout.widths();
    int hiddenLayers = n.length - 2;
    boolean[][] pat = new boolean[hiddenLayers][];
    boolean[][] surf = new boolean[hiddenLayers][];
    for (int l = 0; l < hiddenLayers; l++) {
      pat[l] = new boolean[n[l + 1]];
      surf[l] = new boolean[n[l + 1]];
      for (int j = 0; j < n[l + 1]; j++) {
        pat[l][j] = c[layout.zOffset(l) + j] >= 0;
        surf[l][j] = onSurface != null && onSurface[l][j];
      }
    }
    double[] x = new double[n[0]];
    System.arraycopy(c, 0, x, 0, n[0]);
    Mlp.Forward f = p.network().forward(x);
    boolean[][] fwd = new boolean[hiddenLayers][];
    for (int l = 0; l < hiddenLayers; l++) {
      fwd[l] = f.pattern(l);
    }
    int[] si = p.softIndices();
    double[] g = p.softGammas();
    double[] pr = new double[si.length];
    for (int i = 0; i < si.length; i++) {
      pr[i] = Math.sqrt(g[i]) * (c[si[i]] - soft[i]);
    }
    return new PinnedResult(layout, c, p.energy(c, soft), p.edgeDiscord(c, soft), p.discordNames(),
        p.residuals(c), pr, pat, fwd, surf, iterations, converged);
  }

  public SheafLayout layout() {
    return layout;
  }

  public double[] cochain() {
    return cochain.clone();
  }

  /** Value of one coordinate by name, e.g. "a1[0]". */
  public double value(String coordinate) {
    for (int i = 0; i < cochain.length; i++) {
      if (layout.coordinateName(i).equals(coordinate)) {
        return cochain[i];
      }
    }
    throw new IllegalArgumentException("no coordinate '" + coordinate + "' in this cochain");
  }

  /** The residual Dirichlet energy R = E(c*). */
  public double energy() {
    return energy;
  }

  public double[] discord() {
    return discord.clone();
  }

  public String[] discordNames() {
    return discordNames.clone();
  }

  /** The edge residuals (layout edge order, see {@link PinnedProblem#residuals}). */
  public double[] residuals() {
    return residuals.clone();
  }

  /** Whether every edge residual, penalty edges included, is below {@code tol} in absolute value. */
  public boolean globalSection(double tol) {
    for (double r : residuals) {
      if (!(Math.abs(r) < tol)) {
        return false;
      }
    }
    for (double r : pinResiduals) {
      if (!(Math.abs(r) < tol)) {
        return false;
      }
    }
    return true;
  }

  public boolean[][] pattern() {
    return pattern;
  }

  public boolean[][] forwardPattern() {
    return forwardPattern;
  }

  /** Units whose label differs from the forward pattern, e.g. "z1[3]: active -> inactive". */
  public List<String> changedUnits() {
    List<String> out = new ArrayList<>();
    for (int l = 0; l < pattern.length; l++) {
      for (int j = 0; j < pattern[l].length; j++) {
        if (pattern[l][j] != forwardPattern[l][j]) {
          out.add("z" + (l + 1) + "[" + j + "]: " + (forwardPattern[l][j] ? "active -> inactive" : "inactive -> active"));
        }
      }
    }
    return out;
  }

  /** Units held on their switching surface z_j = 0 at the equilibrium, e.g. "z1[3]". */
  public List<String> surfaceUnits() {
    List<String> out = new ArrayList<>();
    for (int l = 0; l < surface.length; l++) {
      for (int j = 0; j < surface[l].length; j++) {
        if (surface[l][j]) {
          out.add("z" + (l + 1) + "[" + j + "]");
        }
      }
    }
    return out;
  }

  /** Surface units with |a_j| > tol: sliding equilibria where a_j != relu(z_j) = 0. */
  public List<String> slidingUnits(double tol) {
    List<String> out = new ArrayList<>();
    for (int l = 0; l < surface.length; l++) {
      for (int j = 0; j < surface[l].length; j++) {
        if (surface[l][j] && Math.abs(cochain[layout.aOffset(l) + j]) > tol) {
          out.add("z" + (l + 1) + "[" + j + "]");
        }
      }
    }
    return out;
  }

  public int iterations() {
    return iterations;
  }

  public boolean converged() {
    return converged;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("R = %.6g, converged = %s, iterations = %d, global section = %s%n", energy,
        converged, iterations, globalSection(1e-9)));
    for (int i = 0; i < discord.length; i++) {
      sb.append(String.format("  d[%s] = %.6g%n", discordNames[i], discord[i]));
    }
    sb.append("  pattern changes vs forward: ").append(changedUnits()).append('\n');
    sb.append("  on switching surface: ").append(surfaceUnits());
    return sb.toString();
  }
}
