package sheafrank.jobs.report.chart;

import java.awt.Color;

/** The colours of the report: matplotlib's qualitative tab10/tab20 and its viridis colour map. */
public final class Palette {
  private Palette() {}

  public static final Color BLUE = new Color(0x1f77b4);
  public static final Color ORANGE = new Color(0xff7f0e);
  public static final Color GREEN = new Color(0x2ca02c);
  public static final Color RED = new Color(0xd62728);
  public static final Color PURPLE = new Color(0x9467bd);
  public static final Color BROWN = new Color(0x8c564b);
  public static final Color PINK = new Color(0xe377c2);
  public static final Color GREY = new Color(0x7f7f7f);
  public static final Color OLIVE = new Color(0xbcbd22);
  public static final Color CYAN = new Color(0x17becf);
  public static final Color BLACK = Color.BLACK;
  public static final Color GOLD = new Color(0xffc000);

  /** Active coordinates (z_j &ge; 0) in the discord figures, as in the paper. */
  public static final Color ACTIVE = ORANGE;
  /** Inactive coordinates (z_j &lt; 0). */
  public static final Color INACTIVE = new Color(0x7b3294);

  private static final Color[] TAB10 = {BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, PINK, GREY, OLIVE, CYAN};

  /** The paper's Fig 2 colours: blue, light blue, orange, light orange, green, light green (tab20). */
  private static final Color[] TAB20_PAIRS = {BLUE, new Color(0xaec7e8), ORANGE, new Color(0xffbb78), GREEN,
      new Color(0x98df8a), RED, new Color(0xff9896), PURPLE, new Color(0xc5b0d5)};

  public static Color tab10(int i) {
    return TAB10[Math.floorMod(i, TAB10.length)];
  }

  public static Color tab20(int i) {
    return TAB20_PAIRS[Math.floorMod(i, TAB20_PAIRS.length)];
  }

  /** Light fills for class regions (decision boundaries). */
  public static Color classFill(int k) {
    Color c = tab10(k);
    return new Color(mix(c.getRed(), 255, 0.65), mix(c.getGreen(), 255, 0.65), mix(c.getBlue(), 255, 0.65));
  }

  /** Colour {@code c} blended toward white by {@code f} (0 = c, 1 = white). */
  public static Color lighter(Color c, double f) {
    return new Color(mix(c.getRed(), 255, f), mix(c.getGreen(), 255, f), mix(c.getBlue(), 255, f));
  }

  private static int mix(int a, int b, double f) {
    return (int) Math.round(a + (b - a) * f);
  }

  // viridis, 9 anchors (matplotlib), linearly interpolated
  private static final int[] VIRIDIS = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962,
      0xaddc30, 0xfde725};

  /** Viridis at {@code t} in [0, 1]. */
  public static Color viridis(double t) {
    double u = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
    int i = Math.min((int) Math.floor(u), VIRIDIS.length - 2);
    double f = u - i;
    Color a = new Color(VIRIDIS[i]);
    Color b = new Color(VIRIDIS[i + 1]);
    return new Color(mix(a.getRed(), b.getRed(), f), mix(a.getGreen(), b.getGreen(), f),
        mix(a.getBlue(), b.getBlue(), f));
  }
}
