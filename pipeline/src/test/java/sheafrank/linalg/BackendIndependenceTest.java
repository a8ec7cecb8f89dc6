package sheafrank.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables must not depend on the BLAS/LAPACK an executor has, its vector width or its JIT: the
 * {@link BackendProbe} fingerprint (eigen-decompositions, spectra, ranks, training steps) computed
 * here, whatever netlib found on this machine, equals the fingerprint of child JVMs that
 * <ul>
 *   <li>cannot load a native LAPACK (netlib extracts its JNI library to java.io.tmpdir; an
 *       unwritable tmpdir forces its pure-Java fallback) and run without AVX;
 *   <li>run C1-compiled code only (no superword vectorisation) without the vector module (scalar
 *       batch reductions);
 *   <li>on Linux, load the native OpenBLAS LAPACK when the property
 *       {@code sheafrank.test.nativeLapackDir} names a folder holding liblapack.so.3 (CI without
 *       OpenBLAS skips this one; the first child covers the forced Java backend).
 * </ul>
 */
class BackendIndependenceTest {
  @Test
  void fingerprintIsTheSameForEveryBackendVectorWidthAndJit(@TempDir Path tmp) throws Exception {
    String here = BackendProbe.fingerprint();
    List<String> noNative = List.of("-Djava.io.tmpdir=" + tmp.resolve("missing").resolve("tmp"), "-XX:UseAVX=0",
        "--add-modules=jdk.incubator.vector");
    assertEquals(here, child(noNative, null, tmp), "forced Java LAPACK, no AVX");
    assertEquals(here, child(List.of("-XX:TieredStopAtLevel=1"), null, tmp), "C1 only, scalar batch sums");
    String dir = System.getProperty("sheafrank.test.nativeLapackDir", "");
    if (!dir.isEmpty()) {
      assertEquals(here, child(List.of("--add-modules=jdk.incubator.vector"), dir, tmp), "native LAPACK from " + dir);
    }
  }

  /** Runs the probe in a child JVM and returns its fingerprint. */
  static String child(List<String> jvm, String libraryPath, Path tmp) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.addAll(jvm);
    cmd.add("-cp");
    cmd.add(absoluteClassPath());
    cmd.add(BackendProbe.class.getName());
    Path log = Files.createTempFile(tmp, "probe", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    if (libraryPath != null) {
      pb.environment().put("LD_LIBRARY_PATH", libraryPath);
    }
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("probe did not finish in 120 s: " + cmd);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    for (String line : out.split("\n")) {
      if (line.startsWith("fingerprint ")) {
        return line.substring("fingerprint ".length()).trim();
      }
    }
    assertTrue(false, "no fingerprint in the probe's output:\n" + out);
    return null;
  }

  static String absoluteClassPath() {
    List<String> abs = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        abs.add(Paths.get(e).toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, abs);
  }
}
