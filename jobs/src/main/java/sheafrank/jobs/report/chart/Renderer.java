package sheafrank.jobs.report.chart;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;
import sheafrank.jobs.report.chart.Plot.Axis;
import sheafrank.jobs.report.chart.Plot.Figure;
import sheafrank.jobs.report.chart.Plot.Marker;
import sheafrank.jobs.report.chart.Plot.Panel;
import sheafrank.jobs.report.chart.Plot.Series;

/**
 * Draws a {@link Figure} with JFreeChart on headless Java2D: one chart per panel on a grid, the
 * figure title above. The same drawing goes to a PNG (ImageIO) and an SVG (JFreeSVG).
 */
public final class Renderer {
  private Renderer() {}

  static final int PANEL_W = 500;
  static final int PANEL_H = 370;
  static final int TITLE_H = 34;
  /** Lines with more points are thinned to about this many (every k-th point and the last). */
  static final int MAX_LINE_POINTS = 1500;
  private static final Font TITLE = new Font("SansSerif", Font.BOLD, 15);
  private static final Font PANEL_TITLE = new Font("SansSerif", Font.BOLD, 12);
  private static final Font LABEL = new Font("SansSerif", Font.PLAIN, 12);
  static final Font TICK = new Font("SansSerif", Font.PLAIN, 10);

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Writes {@code dir/<id>.png} and {@code dir/<id>.svg}. */
  public static void write(Figure f, Path dir) throws IOException {
    int cols = Math.min(f.columns(), f.panels().size());
    int rows = (f.panels().size() + cols - 1) / cols;
    int w = cols * panelWidth(cols);
    int h = TITLE_H + rows * PANEL_H;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    draw(f, g, w, cols);
    g.dispose();
    ImageIO.write(img, "png", dir.resolve(f.id() + ".png").toFile());
    SVGGraphics2D svg = new SVGGraphics2D(w, h);
    // coordinates to 1/100 px: a third of the file size, no visible difference
    svg.setGeomDoubleConverter(v -> v == Math.rint(v) ? Long.toString((long) v)
        : new java.math.BigDecimal(v).setScale(2, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString());
    draw(f, svg, w, cols);
    SVGUtils.writeToSVG(dir.resolve(f.id() + ".svg").toFile(), svg.getSVGElement());
    if (!Files.exists(dir.resolve(f.id() + ".svg"))) {
      throw new IOException("SVG of " + f.id() + " was not written");
    }
  }

  /** One-column figures get a wider panel (long category axes, marker labels). */
  static int panelWidth(int cols) {
    return cols == 1 ? 820 : PANEL_W;
  }

  private static void draw(Figure f, Graphics2D g, int w, int cols) {
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, TITLE_H + ((f.panels().size() + cols - 1) / cols) * PANEL_H);
    g.setColor(Color.BLACK);
    g.setFont(TITLE);
    FontMetrics fm = g.getFontMetrics();
    String title = fit(f.title(), fm, w - 20);
    g.drawString(title, (w - fm.stringWidth(title)) / 2, TITLE_H - 11);
    for (int i = 0; i < f.panels().size(); i++) {
      int r = i / cols;
      int c = i % cols;
      int pw = panelWidth(cols);
      chart(f.panel(i)).draw(g, new Rectangle2D.Double(c * pw, TITLE_H + r * PANEL_H, pw, PANEL_H));
    }
  }

  private static String fit(String s, FontMetrics fm, int width) {
    String t = s;
    while (fm.stringWidth(t) > width && t.length() > 4) {
      t = t.substring(0, t.length() - 2);
    }
    return t.equals(s) ? s : t + "…";
  }

  /** The chart of one panel. */
  static JFreeChart chart(Panel p) {
    XYPlot plot = new XYPlot();
    plot.setDomainAxis(axis(p.x(), decades(p, true)));
    // JFreeChart's LogarithmicAxis labels only powers of ten when vertical: there a log scale needs
    // 2 decades to be worth it
    plot.setRangeAxis(axis(p.y(), decades(p, false) < 2 ? 0 : decades(p, false)));
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    plot.setOutlinePaint(Color.GRAY);
    plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
    int index = 0;
    PaintScaleLegend scaleLegend = null;
    if (p.heat() != null) {
      scaleLegend = Layers.heat(plot, p.heat(), index++);
    }
    boolean named = false;
    for (Series s : p.series()) {
      Series v = visible(s, p.x().log(), p.y().log());
      if (v.size() == 0) {
        continue;
      }
      named |= s.name() != null;
      index = Layers.add(plot, v, index);
    }
    for (Marker m : p.markers()) {
      Layers.marker(plot, m);
    }
    JFreeChart chart = new JFreeChart(null, LABEL, plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setTitle(new TextTitle(p.title(), PANEL_TITLE));
    if (named) {
      LegendTitle legend = new LegendTitle(plot);
      legend.setItemFont(TICK);
      legend.setPosition(RectangleEdge.BOTTOM);
      legend.setFrame(BlockBorder.NONE);
      chart.addLegend(legend);
    }
    if (scaleLegend != null) {
      chart.addSubtitle(scaleLegend);
    }
    return chart;
  }

  /** Decades spanned by the positive data of the panel on one axis (its fixed range if set). */
  static double decades(Panel p, boolean x) {
    Axis a = x ? p.x() : p.y();
    if (a.lo() != null && a.hi() != null && a.lo() > 0) {
      return Math.log10(a.hi() / a.lo());
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (Series s : p.series()) {
      for (double[] v : x ? new double[][] {s.x(), s.xLo(), s.xHi()} : new double[][] {s.y(), s.lo(), s.hi()}) {
        for (int i = 0; v != null && i < v.length; i++) {
          if (v[i] > 0 && Double.isFinite(v[i])) {
            lo = Math.min(lo, v[i]);
            hi = Math.max(hi, v[i]);
          }
        }
      }
    }
    return hi > 0 ? Math.log10(hi / lo) : 0;
  }

  private static ValueAxis axis(Axis a, double decades) {
    ValueAxis axis;
    if (a.categories() != null) {
      axis = new SymbolAxis(a.label(), a.categories().toArray(new String[0]));
      SymbolAxis symbols = (SymbolAxis) axis;
      symbols.setGridBandsVisible(false);
      // every category labelled (automatic tick units would skip every other name when they crowd),
      // names turned upright when they would not fit side by side
      symbols.setAutoTickUnitSelection(false);
      symbols.setTickUnit(new NumberTickUnit(1));
      symbols.setVerticalTickLabels(a.categories().stream().mapToInt(String::length).sum() > 60);
    } else if (a.log() && decades < 1) {
      // less than a decade reads the same on a linear scale, which labels its ticks
      NumberAxis n = new NumberAxis(a.label().replace(" (log)", "").replace(", log", ""));
      n.setAutoRangeIncludesZero(false);
      axis = n;
    } else if (a.log() && decades < 2.5) {
      // a few decades: ticks at 1, 2, 5 × 10^k with plain numbers (2, 5, 10, 20, 50, 100)
      LogarithmicAxis l = new LogarithmicAxis(a.label());
      l.setStrictValuesFlag(false);
      l.setAutoRangeNextLogFlag(false);
      axis = l;
    } else if (a.log()) {
      LogAxis l = new LogAxis(a.label());
      l.setSmallestValue(1e-300);
      l.setMinorTickMarksVisible(true);
      TickUnits units = new TickUnits();
      for (double d : new double[] {1, 2, 3, 4, 5, 10, 20, 50, 100}) {
        units.add(new NumberTickUnit(d));
      }
      l.setStandardTickUnits(units); // whole decades only: 10^-4, 10^-2, ...
      axis = l;
    } else {
      NumberAxis n = new NumberAxis(a.label());
      n.setAutoRangeIncludesZero(false);
      axis = n;
    }
    axis.setLabelFont(LABEL);
    axis.setTickLabelFont(TICK);
    if (a.lo() != null && a.hi() != null) {
      axis.setRange(a.lo(), a.hi());
    }
    return axis;
  }

  /**
   * The series as drawn: without points a log axis cannot show (zero or negative; NaN anywhere),
   * and long lines thinned to {@link #MAX_LINE_POINTS}.
   */
  static Series visible(Series s, boolean logX, boolean logY) {
    int n = 0;
    boolean[] keep = new boolean[s.size()];
    for (int i = 0; i < s.size(); i++) {
      double x = s.x()[i];
      double y = s.y()[i];
      keep[i] = Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0) && (!logY || y > 0
          || s.style() == Plot.Style.BARS);
      n += keep[i] ? 1 : 0;
    }
    int stride = 1;
    if (n > MAX_LINE_POINTS && s.style() != Plot.Style.POINTS && s.style() != Plot.Style.BARS
        && s.style() != Plot.Style.ERROR_BARS) {
      stride = (n + MAX_LINE_POINTS - 1) / MAX_LINE_POINTS; // lines: a few points per pixel are enough
      for (int i = 0, k = 0; i < keep.length; i++) {
        if (keep[i]) {
          keep[i] = k % stride == 0 || k == n - 1;
          k++;
        }
      }
      n = 0;
      for (boolean b : keep) {
        n += b ? 1 : 0;
      }
    }
    if (n == s.size()) {
      return s;
    }
    return new Series(s.name(), pick(s.x(), keep, n), pick(s.y(), keep, n), pick(s.lo(), keep, n),
        pick(s.hi(), keep, n), pick(s.xLo(), keep, n), pick(s.xHi(), keep, n), s.style(), s.color(), s.shape(),
        s.alpha());
  }

  private static double[] pick(double[] a, boolean[] keep, int n) {
    if (a == null) {
      return null;
    }
    double[] r = new double[n];
    for (int i = 0, j = 0; i < a.length; i++) {
      if (keep[i]) {
        r[j++] = a[i];
      }
    }
    return r;
  }
}
