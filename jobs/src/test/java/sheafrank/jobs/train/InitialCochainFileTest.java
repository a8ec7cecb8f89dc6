package sheafrank.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.io.MlpSafeTensors;
import sheafrank.io.SafeTensors;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Params;
import sheafrank.jobs.core.Spec;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.train.CochainInit;

/** The 'init.cochain' file: both formats give the same cochain; hashes enter the run id. */
class InitialCochainFileTest {
  static final int[] WIDTHS = {2, 3, 2, 1};

  /** A cochain of n samples for WIDTHS, sample-major in layout order, with values no decimal text rounds. */
  static double[] cochain(int n) {
    int d = CochainInit.freeDim(WIDTHS);
    double[] v = new double[n * d];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.sin(1.3 * i) * Math.exp(i % 7 - 3.0);
    }
    return v;
  }

  /** CSV in the given column order (Java's shortest round-tripping decimal text). */
  static String csv(double[] v, int[] widths, List<String> header) {
    List<String> names = CochainInit.freeCoordinates(widths);
    int d = names.size();
    StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
    for (int s = 0; s < v.length / d; s++) {
      for (int j = 0; j < header.size(); j++) {
        sb.append(j == 0 ? "" : ",").append(v[s * d + names.indexOf(header.get(j))]);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static Path safetensors(Path p, double[] v, int rows, int cols, SafeTensors.DType t) throws Exception {
    Files.write(p, SafeTensors.write(List.of(new SafeTensors.Tensor("cochain", t, new long[] {rows, cols}, v)),
        Map.of("widths", Arrays.toString(WIDTHS))));
    return p;
  }

  @Test
  void csvInAnyColumnOrderAndSafetensorsGiveTheSameCochain(@TempDir Path dir) throws Exception {
    double[] v = cochain(5);
    int d = CochainInit.freeDim(WIDTHS);
    assertEquals(2 * (3 + 2) + 1, d);
    List<String> shuffled = new ArrayList<>(CochainInit.freeCoordinates(WIDTHS));
    java.util.Collections.reverse(shuffled);
    Path c = dir.resolve("c.csv");
    Files.writeString(c, csv(v, WIDTHS, shuffled));
    Path s = safetensors(dir.resolve("c.safetensors"), v, 5, d, SafeTensors.DType.F64);
    InitialCochain fromCsv = InitialCochain.load(c.toString());
    InitialCochain fromSt = InitialCochain.load(s.toString());
    assertTrue(Arrays.equals(v, fromCsv.values(WIDTHS)));
    assertTrue(Arrays.equals(v, fromSt.values(WIDTHS)));
    assertEquals(fromCsv.sha256(), InitialCochain.load(c.toString()).sha256());
    // one value one ulp off is another cochain, another hash
    double[] w = v.clone();
    w[17] = Math.nextUp(w[17]);
    assertNotEquals(fromSt.sha256(),
        InitialCochain.load(safetensors(dir.resolve("w.safetensors"), w, 5, d, SafeTensors.DType.F64).toString()).sha256());
    // the metadata's widths are checked; the column count against the architecture
    ConfigException e = assertThrows(ConfigException.class, () -> fromSt.values(new int[] {2, 2, 3, 1}));
    assertTrue(e.getMessage().contains("metadata says widths [2, 3, 2, 1]"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> fromCsv.values(new int[] {2, 3, 3, 1}));
    assertTrue(e.getMessage().contains("'init.cochain'") && e.getMessage().contains("missing [z2[2], a2[2]]"),
        e.getMessage());
  }

  @Test
  void resolveRecordsTheHashesOfTheInitialFiles(@TempDir Path dir) throws Exception {
    int d = CochainInit.freeDim(WIDTHS);
    Path c1 = safetensors(dir.resolve("1.safetensors"), cochain(4), 4, d, SafeTensors.DType.F64);
    double[] other = cochain(4);
    other[0] = -other[0];
    Path c2 = safetensors(dir.resolve("2.safetensors"), other, 4, d, SafeTensors.DType.F64);
    Path w = dir.resolve("w.safetensors");
    MlpSafeTensors.write(Mlp.heNormal(WIDTHS, OutputActivation.IDENTITY, 1L), SafeTensors.DType.F64, w);
    TrainSweepJob job = new TrainSweepJob();
    Spec plain = spec(job, Map.of());
    Spec a = job.resolve(spec(job, Map.of("init.cochain", c1.toString(), "init.weights", w.toString())));
    Spec b = job.resolve(spec(job, Map.of("init.cochain", c2.toString(), "init.weights", w.toString())));
    assertEquals(InitialCochain.load(c1.toString()).sha256(), a.getString("init.cochain.sha256"));
    assertEquals(64, a.getString("init.weights.sha256").length());
    assertEquals(a.getString("init.weights.sha256"), b.getString("init.weights.sha256"));
    assertNotEquals(a.hash(), b.hash());
    assertEquals(plain.hash(), job.resolve(plain).hash());
    ConfigException e = assertThrows(ConfigException.class, () -> job.resolve(spec(job,
        Map.of("init.cochain", c2.toString(), "init.cochain.sha256", a.getString("init.cochain.sha256")))));
    assertTrue(e.getMessage().contains("'init.cochain.sha256'") && e.getMessage().contains("changed"), e.getMessage());
  }

  static Spec spec(TrainSweepJob job, Map<String, Object> sets) {
    Map<String, Object> raw = new LinkedHashMap<>(sets);
    raw.put("job", job.name());
    raw.put("experiment", "t");
    return Spec.validate(job.name(), Params.all(job), raw);
  }
}
