package sheafrank.jobs.homology;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.JobContext;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Param.Type;
import sheafrank.jobs.core.Spec;
import sheafrank.jobs.core.UnitRows;
import sheafrank.jobs.homology.HomologyUnits.Cache;

/**
 * R9 (seed 003 §2.2, App 7.1-7.2): relative and quotient homology of a manifold glued by a
 * network's low-rank regions. Work units (resolution x network) come from {@code spark.range}; each
 * builds the complex and the network on the executor, the rank of Φ^K at every vertex, Ω^K per layer
 * and region, and the Betti numbers of M, Ω^K, (M, Ω^K) and M/Ω^K over Z/2 and Q.
 */
public final class HomologyJob implements Job {
  /** Per-vertex rows are refused above this many (resolutions x networks x vertices). */
  static final long MAX_RECORDED_VERTICES = 1_000_000;

  @Override
  public String name() {
    return "homology";
  }

  @Override
  public String description() {
    return "Quotient homology of manifolds glued by a network's low-rank regions (seed 003 §2.2, App 7; R9): a "
        + "triangulated circle, torus or sphere (or a Rips complex of a user's points) through random networks "
        + "(the rank-sweep weight schemes) or loaded ones (safetensors, models table); per layer K the rank of "
        + "Phi^K at every vertex, the subcomplex Omega^K of the low-rank region, and the Betti numbers of M, "
        + "Omega^K, (M, Omega^K) and M/Omega^K over Z/2 and Q.";
  }

  @Override
  public List<Param> params() {
    List<Param> p = new ArrayList<>(ManifoldKeys.params());
    p.add(Param.of("network.widths", Type.INT_LIST_LIST, "[]",
        "random networks: architectures [[m, n1, ..., nL], ...], m = the manifold's ambient dimension"));
    p.add(Param.of("network.n1", Type.INT_LIST, "[]", "random networks: widths n1 (m from the manifold)"));
    p.add(Param.of("network.depth", Type.INT, "1", "ReLU layers of the network.n1 grid: [m, n1, ..., n1]"));
    p.add(Param.of("init", Type.STRING_LIST, "[kaiming]", "weight-init specs of rank-sweep (kaiming, normal(mu,sigma), "
        + "uniform(lo,hi), abs(s), rankselect(k[,s]), dale(k,ratio[,s])) with {k}, {mu} placeholders"));
    p.add(Param.of("init.k", Type.STRING_LIST, "[]", "values of {k} (as in rank-sweep)"));
    p.add(Param.of("init.mu", Type.DOUBLE_LIST, "[]", "values of {mu}"));
    p.add(Param.of("networks", Type.INT, "10", "random networks per setting (net ids 0..networks-1)").positive());
    p.add(Param.of("network.bias_sd", Type.DOUBLE, "0.0",
        "random networks: N(0, sd^2) biases from (seed, net id); 0 = zero biases as in rank-sweep").nonNegative());
    p.add(Param.of("network.weights", Type.STRING_LIST, "[]", "safetensors files (PyTorch Linear stacks)"));
    p.add(Param.of("network.model_table", Type.STRING, "\"\"", "the project's models table for network.model_ids"));
    p.add(Param.of("network.model_ids", Type.STRING_LIST, "[]", "model ids in network.model_table"));
    p.add(Param.of("network.sha256", Type.STRING_LIST, "[]",
        "derived: SHA-256 of every loaded network, in order; if set, the loaded networks must match"));
    p.add(Param.of("network.layers", Type.INT, "0",
        "layers evaluated, each as a ReLU layer (0 = all; e.g. depth-1 for a trained net's hidden layers)").nonNegative());
    p.add(Param.of("omega.regions", Type.STRING_LIST, "[below_dim]",
        "low-rank regions: zero (rank 0), below_dim (rank < dim M), below_embedding (rank < m)"));
    p.add(Param.of("omega.rule", Type.STRING, "all",
        "a simplex is in Omega if all its vertices are low-rank (all) or it is in their closed star (star)")
        .oneOf("all", "star"));
    p.add(Param.of("rank.method", Type.STRING, "svd", "rank by singular values (svd) or pivoted QR (qr)")
        .oneOf("svd", "qr"));
    p.add(Param.of("quotient.cone_check", Type.BOOL, "false",
        "also compute H(M/Omega) from M with a cone on Omega and record whether it agrees (cone_agrees)"));
    p.add(Param.of("vertices.record", Type.BOOL, "false",
        "also write homology_vertices (at most " + MAX_RECORDED_VERTICES + " rows)"));
    return p;
  }

  @Override
  public List<String> tables() {
    String net = "network, source, setting_id, widths, init, init_template, init_k, init_mu, bias_sd, net_id, "
        + "network_sha256";
    return List.of(
        "homology_manifolds: manifold, resolution, vertices, simplices, euler_characteristic, dim, embedding_dim, "
            + "ambient_dim, embedding, betti_z2, betti_q",
        "homology_layers: manifold, resolution, vertices, " + net + ", layer, width, region, threshold, rule, "
            + "status, message, min_rank, max_rank, rank_histogram, omega_vertices, omega_simplices, omega_fraction, "
            + "betti_omega_z2, betti_omega_q, betti_relative_z2, betti_relative_q, betti_quotient_z2, "
            + "betti_quotient_q, betti_change_q, changed_z2, changed_q, cone_agrees",
        "homology_settings (random networks): manifold, resolution, vertices, setting_id, widths, init, "
            + "init_template, init_k, init_mu, bias_sd, layer, width, region, threshold, rule, networks, "
            + "failed_networks, networks_with_omega, networks_collapsed, networks_changed_q, networks_changed_z2, "
            + "changed_fraction_q, networks_loops_added, networks_loops_removed, networks_voids_added, "
            + "betti1_quotient_mean, betti1_quotient_max, omega_fraction_mean, min_rank_mean",
        "homology_vertices (vertices.record only): manifold, resolution, vertices, " + net + ", vertex_id, x, ranks");
  }

  @Override
  public Spec resolve(Spec spec) {
    List<String> hashes = HomologyPlan.hashes(spec, ManifoldKeys.manifold(spec).ambientDim());
    return hashes.isEmpty() ? spec : spec.with("network.sha256", hashes);
  }

  @Override
  public void validate(Spec spec) {
    HomologyPlan plan = HomologyPlan.of(spec);
    if (spec.getBool("vertices.record")) {
      long rows = 0;
      for (int[] r : plan.resolutions()) {
        rows += (long) plan.manifold().build(r).vertexCount() * plan.nets();
      }
      if (rows > MAX_RECORDED_VERTICES) {
        throw new ConfigException("config key 'vertices.record': would write " + rows + " per-vertex rows, more than "
            + MAX_RECORDED_VERTICES + "; record a smaller run");
      }
    }
  }

  @Override
  public long run(JobContext ctx, Spec spec) {
    HomologyPlan plan = HomologyPlan.of(spec);
    long units = plan.units();
    int parts = (int) Math.max(1, Math.min(ctx.partitions(), units));
    System.out.printf(Locale.ROOT, "homology: %s, %d resolutions x %d networks = %d work units, %d partitions%n",
        plan.manifold().name(), plan.resolutions().size(), plan.nets(), units, parts);

    int res = plan.resolutions().size();
    ctx.write("homology_manifolds", ctx.spark().range(0, res, 1, Math.min(res, parts)).map(
        (MapFunction<Long, Row>) r -> HomologyUnits.manifoldRow(plan, (int) (long) r),
        Encoders.row(HomologyTables.MANIFOLDS)));

    long t0 = System.nanoTime();
    LongAccumulator cpu = ctx.spark().sparkContext().longAccumulator("homology unit cpu ns");
    ctx.write("homology_layers", ctx.spark().range(0, units, 1, parts).mapPartitions(
        (MapPartitionsFunction<Long, Row>) it -> layerPartition(plan, cpu, it), Encoders.row(HomologyTables.LAYERS)));
    double sec = (System.nanoTime() - t0) * 1e-9;
    System.out.printf(Locale.ROOT, "homology: %d units in %.2f s wall; %.1f ms of CPU per unit on the task threads%n",
        units, sec, cpu.value() * 1e-6 / units);

    String view = "homology_layers_" + ctx.runId().replaceAll("[^A-Za-z0-9]", "_");
    ctx.readStaged("homology_layers").createOrReplaceTempView(view);
    if (!plan.settings().isEmpty()) {
      Dataset<Row> summary = ctx.spark().sql(HomologyTables.settingsSql(view));
      ctx.write("homology_settings", ctx.spark().createDataFrame(summary.collectAsList(), summary.schema()).coalesce(1));
    }
    long failed = ctx.spark().sql("SELECT DISTINCT manifold, resolution, network FROM " + view
        + " WHERE status = 'failed'").count();
    ctx.spark().catalog().dropTempView(view);

    if (spec.getBool("vertices.record")) {
      ctx.write("homology_vertices", ctx.spark().range(0, units, 1, parts).mapPartitions(
          (MapPartitionsFunction<Long, Row>) it -> vertexPartition(plan, it), Encoders.row(HomologyTables.VERTICES)));
    }
    return failed;
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static Iterator<Row> layerPartition(HomologyPlan plan, LongAccumulator cpu, Iterator<Long> units) {
    Cache cache = new Cache();
    return UnitRows.of(units, u -> {
      long c0 = THREADS.getCurrentThreadCpuTime();
      List<Row> rows = HomologyUnits.layerRows(plan, u, cache);
      cpu.add(THREADS.getCurrentThreadCpuTime() - c0);
      return rows;
    });
  }

  private static Iterator<Row> vertexPartition(HomologyPlan plan, Iterator<Long> units) {
    Cache cache = new Cache();
    return UnitRows.of(units, u -> HomologyUnits.vertexRows(plan, u, cache));
  }
}
