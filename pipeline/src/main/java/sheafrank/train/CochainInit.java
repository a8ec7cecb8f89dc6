package sheafrank.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sheafrank.sheaf.SheafLayout;

/**
 * How the free cochain coordinates (every z and hidden a) start (seed 001 §5.3, §6.2; the input
 * stalk is pinned to x and the output stalk to the target y in every case). A given starting
 * cochain ({@link TrainSpec.Builder#initialCochain}) replaces the first initialisation.
 *
 * <p><b>Free coordinates</b> of one sample, in the order of {@link SheafLayout}: {@code z1[0..n1),
 * a1[0..n1), z2[0..n2), a2[0..n2), ..., a_k[0..n_k), z_{k+1}[0..n_{k+1})} (layers 1-based as in
 * the paper, neurons 0-based), {@link #freeDim} = 2 (n1 + ... + n_k) + n_{k+1} of them.
 */
public enum CochainInit {
  /** Independent N(0,1) draws, one per free coordinate and sample. */
  RANDOM,
  /** All free coordinates zero. */
  ZEROS,
  /** The forward pass of the current weights (a global section except on the output edge). */
  FORWARD_PASS;

  public static CochainInit parse(String s) {
    String t = s == null ? "" : s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (t.equals("FORWARD")) {
      t = "FORWARD_PASS";
    }
    try {
      return valueOf(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown cochain initialisation '" + s + "' (expected random, zeros or forward_pass)");
    }
  }

  /** Free cochain coordinates per sample: 2 (n1 + ... + n_k) + n_{k+1}. */
  public static int freeDim(int[] widths) {
    SheafLayout layout = new SheafLayout(widths, true);
    return layout.yOffset() - widths[0];
  }

  /** Names of the free coordinates in layout order: {@code z1[0], ..., a1[0], ..., z<k+1>[n-1]}. */
  public static List<String> freeCoordinates(int[] widths) {
    SheafLayout layout = new SheafLayout(widths, true);
    List<String> names = new ArrayList<>();
    for (int i = widths[0]; i < layout.yOffset(); i++) {
      names.add(layout.coordinateName(i));
    }
    return names;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
