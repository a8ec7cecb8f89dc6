package sheafrank.jobs.report.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import sheafrank.jobs.report.chart.Plot.Heat;
import sheafrank.jobs.report.chart.Plot.Marker;
import sheafrank.jobs.report.chart.Plot.Series;

/**
 * The JFreeChart layers of a panel: one dataset and renderer per series (lines, bands, error bars,
 * bars), reference lines and intervals, heat maps with their colour scale.
 */
final class Layers {
  private Layers() {}

  private static final Font TICK = Renderer.TICK;
  private static final Stroke DASH = new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
      new float[] {6f, 4f}, 0f);

  static int add(XYPlot plot, Series s, int index) {
    String key = s.name() == null ? "#" + index : s.name();
    Color c = s.alpha() < 1f
        ? new Color(s.color().getRed(), s.color().getGreen(), s.color().getBlue(), Math.round(255 * s.alpha()))
        : s.color();
    switch (s.style()) {
      case BAND -> {
        YIntervalSeries ys = new YIntervalSeries(key, false, true);
        for (int i = 0; i < s.size(); i++) {
          ys.add(s.x()[i], s.y()[i], s.lo()[i], s.hi()[i]);
        }
        DeviationRenderer r = new DeviationRenderer(true, false);
        r.setSeriesPaint(0, c);
        r.setSeriesFillPaint(0, c);
        r.setAlpha(0.2f);
        r.setSeriesStroke(0, new BasicStroke(1.8f));
        return put(plot, index, collection(ys), r, s.name() != null);
      }
      case ERROR_BARS -> {
        YIntervalSeries ys = new YIntervalSeries(key, false, true);
        for (int i = 0; i < s.size(); i++) {
          ys.add(s.x()[i], s.y()[i], s.lo()[i], s.hi()[i]);
        }
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDefaultLinesVisible(false);
        r.setSeriesPaint(0, c);
        r.setErrorPaint(c);
        r.setCapLength(6);
        r.setSeriesShape(0, shape(s.shape()));
        return put(plot, index, collection(ys), r, s.name() != null);
      }
      case BARS -> {
        XYIntervalSeries xs = new XYIntervalSeries(key, false, true);
        for (int i = 0; i < s.size(); i++) {
          double lo = s.lo() == null ? s.y()[i] : s.lo()[i];
          double hi = s.hi() == null ? s.y()[i] : s.hi()[i];
          xs.add(s.x()[i], s.xLo()[i], s.xHi()[i], s.y()[i], lo, hi);
        }
        XYIntervalSeriesCollection ds = new XYIntervalSeriesCollection();
        ds.addSeries(xs);
        XYBarRenderer r = new XYBarRenderer();
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, c);
        r.setDrawBarOutline(false);
        r.setUseYInterval(false);
        int next = put(plot, index, ds, r, s.name() != null);
        if (s.lo() == null) {
          return next;
        }
        XYErrorRenderer e = new XYErrorRenderer();
        e.setDrawXError(false);
        e.setDefaultShapesVisible(false);
        e.setDefaultLinesVisible(false);
        e.setErrorPaint(Color.DARK_GRAY);
        e.setCapLength(5);
        return put(plot, next, ds, e, false);
      }
      default -> {
        XYSeries xs = new XYSeries(key, false, true);
        for (int i = 0; i < s.size(); i++) {
          xs.add(s.x()[i], s.y()[i]);
        }
        boolean lines = s.style() != Plot.Style.POINTS;
        boolean shapes = s.style() == Plot.Style.POINTS || s.style() == Plot.Style.LINE_POINTS;
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(lines, shapes);
        r.setSeriesPaint(0, c);
        r.setSeriesShape(0, shape(s.shape()));
        r.setSeriesStroke(0, s.style() == Plot.Style.DASHED ? DASH : new BasicStroke(1.6f));
        return put(plot, index, new XYSeriesCollection(xs), r, s.name() != null);
      }
    }
  }

  private static YIntervalSeriesCollection collection(YIntervalSeries ys) {
    YIntervalSeriesCollection c = new YIntervalSeriesCollection();
    c.addSeries(ys);
    return c;
  }

  private static int put(XYPlot plot, int index, XYDataset ds, XYItemRenderer r, boolean inLegend) {
    r.setSeriesVisibleInLegend(0, inLegend);
    r.setDefaultSeriesVisibleInLegend(inLegend);
    plot.setDataset(index, ds);
    plot.setRenderer(index, r);
    return index + 1;
  }

  private static java.awt.Shape shape(Plot.Shape s) {
    return switch (s) {
      case CIRCLE -> new Ellipse2D.Double(-3, -3, 6, 6);
      case SQUARE -> new Rectangle2D.Double(-3, -3, 6, 6);
      case DIAMOND -> ShapeUtils.createDiamond(4f);
      case CROSS -> ShapeUtils.createDiagonalCross(4.5f, 0.7f);
      case STAR -> star(9, 4);
    };
  }

  private static java.awt.Shape star(double outer, double inner) {
    Path2D.Double p = new Path2D.Double();
    for (int i = 0; i < 10; i++) {
      double r = i % 2 == 0 ? outer : inner;
      double a = Math.PI / 2 + i * Math.PI / 5;
      double x = r * Math.cos(a);
      double y = -r * Math.sin(a);
      if (i == 0) {
        p.moveTo(x, y);
      } else {
        p.lineTo(x, y);
      }
    }
    p.closePath();
    return p;
  }

  static void marker(XYPlot plot, Marker m) {
    org.jfree.chart.plot.Marker jm;
    if (m.lo() == m.hi()) {
      ValueMarker v = new ValueMarker(m.lo());
      v.setStroke(DASH);
      v.setPaint(m.color());
      jm = v;
    } else {
      IntervalMarker v = new IntervalMarker(m.lo(), m.hi());
      v.setPaint(new Color(m.color().getRed(), m.color().getGreen(), m.color().getBlue(), 50));
      jm = v;
    }
    if (m.label() != null) {
      jm.setLabel(m.label());
      jm.setLabelFont(TICK);
      jm.setLabelPaint(Color.DARK_GRAY);
      jm.setLabelAnchor(m.vertical() ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
      jm.setLabelTextAnchor(m.vertical() ? TextAnchor.TOP_LEFT : TextAnchor.BOTTOM_RIGHT);
      jm.setLabelOffset(new RectangleInsets(4, 4, 4, 4));
    }
    if (m.vertical()) {
      plot.addDomainMarker(jm, Layer.BACKGROUND);
    } else {
      plot.addRangeMarker(jm, Layer.BACKGROUND);
    }
  }

  static PaintScaleLegend heat(XYPlot plot, Heat h, int index) {
    int nx = h.xs().length;
    int ny = h.ys().length;
    double[][] data = new double[3][nx * ny];
    for (int i = 0; i < nx; i++) {
      for (int j = 0; j < ny; j++) {
        data[0][i * ny + j] = h.xs()[i];
        data[1][i * ny + j] = h.ys()[j];
        data[2][i * ny + j] = h.z()[i][j];
      }
    }
    DefaultXYZDataset ds = new DefaultXYZDataset();
    ds.addSeries("heat", data);
    XYBlockRenderer r = new XYBlockRenderer();
    r.setBlockWidth(nx > 1 ? (h.xs()[nx - 1] - h.xs()[0]) / (nx - 1) : 1);
    r.setBlockHeight(ny > 1 ? (h.ys()[ny - 1] - h.ys()[0]) / (ny - 1) : 1);
    r.setSeriesVisibleInLegend(0, false);
    LookupPaintScale scale;
    if (h.classes() > 0) {
      scale = new LookupPaintScale(-0.5, h.classes() - 0.5, Color.WHITE);
      for (int k = 0; k < h.classes(); k++) {
        scale.add(k - 0.5, Palette.classFill(k));
      }
    } else {
      double lo = h.zLo();
      double hi = h.zHi() > lo ? h.zHi() : lo + 1;
      int levels = h.levels() > 0 ? h.levels() : 64;
      scale = new LookupPaintScale(lo, hi + 1e-12 * Math.abs(hi), Palette.viridis(1));
      for (int k = 0; k < levels; k++) {
        scale.add(lo + (hi - lo) * k / levels, Palette.viridis((k + 0.5) / levels));
      }
    }
    r.setPaintScale(scale);
    plot.setDataset(index, ds);
    plot.setRenderer(index, r);
    if (h.classes() > 0) {
      return null;
    }
    NumberAxis zAxis = new NumberAxis(h.zLabel());
    zAxis.setLabelFont(TICK);
    zAxis.setTickLabelFont(TICK);
    zAxis.setRange(scale.getLowerBound(), scale.getUpperBound());
    PaintScaleLegend legend = new PaintScaleLegend(scale, zAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setStripWidth(12);
    legend.setMargin(new RectangleInsets(4, 4, 4, 4));
    legend.setAxisOffset(4);
    return legend;
  }
}
