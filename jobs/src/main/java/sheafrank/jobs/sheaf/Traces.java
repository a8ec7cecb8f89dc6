package sheafrank.jobs.sheaf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sheafrank.diffusion.HeatEquation;
import sheafrank.net.Mlp;
import sheafrank.sheaf.SheafLayout;

/**
 * Trajectories of single samples under sheaf diffusion (S2-S4, Fig. 6, 12, 13): total discord and
 * discord by edge type, per edge, the output stalk and z^(1) every few steps, and every ReLU
 * boundary crossing of every pre-activation coordinate at every step.
 */
final class Traces {
  private Traces() {}

  static final StructType TRACE = new StructType()
      .add("sample_id", DataTypes.LongType, false)
      .add("step", DataTypes.LongType, false)
      .add("t", DataTypes.DoubleType, false)
      .add("total_discord", DataTypes.DoubleType, false)
      .add("weight_discord", DataTypes.DoubleType, false)
      .add("activation_discord", DataTypes.DoubleType, false)
      .add("output_discord", DataTypes.DoubleType, false)
      .add("output", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("z1", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  static final StructType EDGES = new StructType()
      .add("sample_id", DataTypes.LongType, false)
      .add("step", DataTypes.LongType, false)
      .add("edge", DataTypes.StringType, false)
      .add("edge_kind", DataTypes.StringType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("discord", DataTypes.DoubleType, false);

  static final StructType CROSSINGS = new StructType()
      .add("sample_id", DataTypes.LongType, false)
      .add("step", DataTypes.LongType, false)
      .add("layer", DataTypes.IntegerType, false)
      .add("neuron", DataTypes.IntegerType, false)
      .add("coordinate", DataTypes.StringType, false)
      .add("direction", DataTypes.StringType, false)
      .add("z_before", DataTypes.DoubleType, false)
      .add("z_after", DataTypes.DoubleType, false)
      .add("steps_since_previous", DataTypes.LongType, true)
      .add("sliding", DataTypes.BooleanType, false);

  /** The three trace tables. */
  enum Kind {
    TRACE_ROWS("inference_trace", TRACE),
    EDGE_ROWS("inference_trace_edges", EDGES),
    CROSSING_ROWS("relu_crossings", CROSSINGS);

    final String table;
    final StructType schema;

    Kind(String table, StructType schema) {
      this.table = table;
      this.schema = schema;
    }
  }

  static List<Row> trace(InferenceSetup setup, InferenceSetup.Traces ts, long id, Kind kind) {
    SheafLayout layout = setup.layout();
    HeatEquation heat = setup.heat(layout);
    Mlp net = setup.net();
    int dim = layout.dim();
    double[] x = setup.input(id);
    double[] fwd = layout.forwardCochain(net, x);
    double[] c = new double[dim];
    setup.initialCochain(id, x, fwd, c);
    int slots = heat.discordSlots();
    double[] disc = new double[slots];
    List<SheafLayout.Edge> edges = layout.edges();
    int outOff = layout.outputStalkOffset();
    int m = net.outputDim();
    int n1 = layout.width(1);
    int z1 = layout.zOffset(0);
    // pre-activation coordinates of hidden layers (ReLU switching surfaces)
    int hidden = layout.depth() - 1;
    int totalHidden = 0;
    for (int l = 0; l < hidden; l++) {
      totalHidden += layout.width(l + 1);
    }
    long[] lastCross = new long[totalHidden];
    Arrays.fill(lastCross, -1);
    double[] before = new double[totalHidden];
    List<Row> rows = new ArrayList<>();
    for (long step = 0; step <= ts.steps(); step++) {
      boolean record = step % ts.every() == 0 || step == ts.steps();
      if (record && kind != Kind.CROSSING_ROWS) {
        heat.measure(c, 0, null, disc, 0);
        if (kind == Kind.TRACE_ROWS) {
          double w = 0;
          double a = 0;
          double o = 0;
          for (int e = 0; e < edges.size(); e++) {
            switch (edges.get(e).kind()) {
              case WEIGHT -> w += disc[e];
              case ACTIVATION -> a += disc[e];
              default -> o += disc[e];
            }
          }
          rows.add(RowFactory.create(id, step, step * setup.dt(), w + a + o, w, a, o,
              Arrays.copyOfRange(c, outOff, outOff + m), Arrays.copyOfRange(c, z1, z1 + n1)));
        } else {
          for (int e = 0; e < edges.size(); e++) {
            SheafLayout.Edge edge = edges.get(e);
            rows.add(RowFactory.create(id, step, edge.name(), edge.kind().name().toLowerCase(),
                edge.layer(), disc[e]));
          }
        }
      }
      if (step == ts.steps()) {
        break;
      }
      if (kind == Kind.CROSSING_ROWS) {
        int k = 0;
        for (int l = 0; l < hidden; l++) {
          for (int i = 0; i < layout.width(l + 1); i++) {
            before[k++] = c[layout.zOffset(l) + i];
          }
        }
      }
      heat.step(c, 0, 1, setup.dt(), null, null);
      if (kind == Kind.CROSSING_ROWS) {
        int k = 0;
        for (int l = 0; l < hidden; l++) {
          for (int i = 0; i < layout.width(l + 1); i++, k++) {
            double after = c[layout.zOffset(l) + i];
            if ((before[k] >= 0) != (after >= 0)) {
              long at = step + 1;
              Long since = lastCross[k] < 0 ? null : at - lastCross[k];
              rows.add(RowFactory.create(id, at, l + 1, i, "z" + (l + 1) + "[" + i + "]",
                  after >= 0 ? "activated" : "deactivated", before[k], after, since,
                  since != null && since <= ts.slidingWindow()));
              lastCross[k] = at;
            }
          }
        }
      }
    }
    return rows;
  }
}
