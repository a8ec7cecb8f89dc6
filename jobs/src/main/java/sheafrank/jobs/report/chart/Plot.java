package sheafrank.jobs.report.chart;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of a figure, separate from its drawing: panels of series with axes, reference lines and
 * shaded intervals, or a heat map. Figure code builds these from the tables (and tests check them
 * against the tables' aggregates); {@link Renderer} draws them, the same way for PNG and SVG.
 */
public final class Plot {
  private Plot() {}

  /** How a series is drawn. */
  public enum Style {
    /** Solid line through the points. */
    LINE,
    /** Dashed line (references: the paper's values, bounds, forward-pass values). */
    DASHED,
    /** Line with a marker at every point. */
    LINE_POINTS,
    /** Markers only. */
    POINTS,
    /** Line with a shaded band from {@code lo} to {@code hi} (median and IQR, mean and range). */
    BAND,
    /** Markers with vertical error bars from {@code lo} to {@code hi}. */
    ERROR_BARS,
    /** Bars from 0 (or the axis floor) to y over [xLo, xHi], optional error bars lo..hi. */
    BARS
  }

  /** Marker shapes. */
  public enum Shape {
    CIRCLE,
    SQUARE,
    CROSS,
    STAR,
    DIAMOND
  }

  /**
   * One series. {@code lo}/{@code hi} (y) are for bands, error bars and bars; {@code xLo}/{@code xHi}
   * are bar edges. {@code name} null keeps it out of the legend.
   */
  public record Series(String name, double[] x, double[] y, double[] lo, double[] hi, double[] xLo,
      double[] xHi, Style style, Color color, Shape shape, float alpha) {
    public Series {
      if (x.length != y.length) {
        throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y values");
      }
    }

    public static Series of(String name, double[] x, double[] y, Style style, Color color) {
      return new Series(name, x, y, null, null, null, null, style, color, Shape.CIRCLE, 1f);
    }

    public static Series of(String name, List<double[]> points, Style style, Color color) {
      double[] x = new double[points.size()];
      double[] y = new double[points.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = points.get(i)[0];
        y[i] = points.get(i)[1];
      }
      return of(name, x, y, style, color);
    }

    public static Series band(String name, double[] x, double[] y, double[] lo, double[] hi, Color color) {
      return new Series(name, x, y, lo, hi, null, null, Style.BAND, color, Shape.CIRCLE, 1f);
    }

    public static Series errorBars(String name, double[] x, double[] y, double[] lo, double[] hi, Color color) {
      return new Series(name, x, y, lo, hi, null, null, Style.ERROR_BARS, color, Shape.CIRCLE, 1f);
    }

    public static Series bars(String name, double[] xLo, double[] xHi, double[] y, double[] lo, double[] hi,
        Color color, float alpha) {
      double[] x = new double[y.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = 0.5 * (xLo[i] + xHi[i]);
      }
      return new Series(name, x, y, lo, hi, xLo, xHi, Style.BARS, color, Shape.CIRCLE, alpha);
    }

    public Series shape(Shape s) {
      return new Series(name, x, y, lo, hi, xLo, xHi, style, color, s, alpha);
    }

    public Series alpha(float a) {
      return new Series(name, x, y, lo, hi, xLo, xHi, style, color, shape, a);
    }

    public int size() {
      return x.length;
    }
  }

  /** An axis: its label (with units), log scale, fixed range (null = automatic), category labels. */
  public record Axis(String label, boolean log, Double lo, Double hi, List<String> categories) {
    public static Axis linear(String label) {
      return new Axis(label, false, null, null, null);
    }

    public static Axis log(String label) {
      return new Axis(label, true, null, null, null);
    }

    /** Categorical axis: category i sits at x = i. */
    public static Axis categories(String label, List<String> names) {
      return new Axis(label, false, -0.5, names.size() - 0.5, List.copyOf(names));
    }

    public Axis range(double lo, double hi) {
      return new Axis(label, log, lo, hi, categories);
    }
  }

  /**
   * A reference line ({@code lo == hi}) or shaded interval across the plot, on the x axis
   * ({@code vertical}) or the y axis, with an optional label.
   */
  public record Marker(boolean vertical, double lo, double hi, String label, Color color) {
    public static Marker xLine(double x, String label, Color c) {
      return new Marker(true, x, x, label, c);
    }

    public static Marker yLine(double y, String label, Color c) {
      return new Marker(false, y, y, label, c);
    }

    public static Marker xInterval(double lo, double hi, String label, Color c) {
      return new Marker(true, lo, hi, label, c);
    }
  }

  /**
   * A heat map on a regular grid: {@code z[i][j]} at ({@code xs[i]}, {@code ys[j]}). {@code levels}
   * &gt; 0 bands the colour scale into that many filled-contour levels; {@code classes} &gt; 0 draws
   * class indices 0..classes-1 in light qualitative colours instead.
   */
  public record Heat(double[] xs, double[] ys, double[][] z, double zLo, double zHi, String zLabel, int levels,
      int classes) {}

  /** One panel: title, axes, series (drawn in order, later on top), markers, an optional heat map. */
  public record Panel(String title, Axis x, Axis y, List<Series> series, List<Marker> markers, Heat heat) {
    public Panel {
      series = List.copyOf(series);
      markers = List.copyOf(markers);
    }

    /** The series called {@code name}, or null. */
    public Series series(String name) {
      for (Series s : series) {
        if (name.equals(s.name())) {
          return s;
        }
      }
      return null;
    }
  }

  /** Builder of a panel. */
  public static final class PanelBuilder {
    private final String title;
    private Axis x;
    private Axis y;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private Heat heat;

    public PanelBuilder(String title, Axis x, Axis y) {
      this.title = title;
      this.x = x;
      this.y = y;
    }

    public PanelBuilder add(Series s) {
      series.add(s);
      return this;
    }

    public PanelBuilder addAll(List<Series> s) {
      series.addAll(s);
      return this;
    }

    public PanelBuilder mark(Marker m) {
      markers.add(m);
      return this;
    }

    public PanelBuilder heat(Heat h) {
      this.heat = h;
      return this;
    }

    public PanelBuilder y(Axis a) {
      this.y = a;
      return this;
    }

    public PanelBuilder x(Axis a) {
      this.x = a;
      return this;
    }

    public Panel build() {
      return new Panel(title, x, y, series, markers, heat);
    }
  }

  /**
   * A figure: file id (e.g. {@code fig06}), title drawn above the panels, caption for the HTML,
   * panels laid out in {@code columns} columns, and the run ids it was drawn from.
   */
  public record Figure(String id, String title, String caption, int columns, List<Panel> panels, List<String> runIds) {
    public Figure {
      panels = List.copyOf(panels);
      runIds = List.copyOf(runIds);
      if (panels.isEmpty()) {
        throw new IllegalArgumentException("figure " + id + " has no panel");
      }
    }

    public Panel panel(int i) {
      return panels.get(i);
    }
  }
}
