package sheafrank.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX reading and writing on small fixtures built byte by byte, plain and gzipped, and every corrupt case. */
class IdxTest {
  @TempDir
  Path dir;

  /** Big-endian header ints followed by data bytes, as the IDX format lays them out. */
  static byte[] idx(int[] header, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 * header.length + data.length);
    for (int h : header) {
      b.putInt(h);
    }
    b.put(data);
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
      g.write(raw);
    }
    return bo.toByteArray();
  }

  private Path file(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  /** 3 images of 2x4 pixels with values 0..23 scaled so that 255 occurs. */
  private static byte[] pixels() {
    byte[] px = new byte[3 * 2 * 4];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 255 / (px.length - 1));
    }
    return px;
  }

  @Test
  void readsPlainAndGzipByContentNotByName() throws IOException {
    byte[] images = idx(new int[] {0x803, 3, 2, 4}, pixels());
    byte[] labels = idx(new int[] {0x801, 3}, new byte[] {7, 0, 9});
    // gzip detected by the magic bytes: a gzipped file without .gz, a plain file named .gz
    Path gzNoSuffix = file("images.idx", gzip(images));
    Path plainGzName = file("images.gz", images);
    for (Path p : new Path[] {gzNoSuffix, plainGzName}) {
      Idx.Images im = Idx.readImages(p);
      assertEquals(3, im.count());
      assertEquals(2, im.rows());
      assertEquals(4, im.cols());
      assertArrayEquals(pixels(), im.pixels());
      assertEquals(255, im.pixel(2, 1, 3), "last pixel is 255 read as unsigned");
      assertEquals(pixels()[4 + 1] & 0xFF, im.pixel(0, 1, 1), "row-major within an image");
    }
    Path lab = file("labels", gzip(labels));
    assertArrayEquals(new byte[] {7, 0, 9}, Idx.readLabels(lab, 10));
    LabeledImages li = Idx.readLabeled("t", gzNoSuffix, lab, 10);
    assertEquals(9, li.label(2));
    assertArrayEquals(new int[] {1, 0, 0, 0, 0, 0, 0, 1, 0, 1}, li.classCounts());
    double[] x = li.inputs();
    assertEquals(8, li.dim());
    assertEquals(1.0, x[23], 0.0);
    assertEquals((pixels()[9] & 0xFF) / 255.0, x[9], 0.0);
    double[] y = li.oneHot();
    assertEquals(1.0, y[7], 0.0);
    assertEquals(1.0, y[10], 0.0);
    assertEquals(1.0, Arrays.stream(y).sum() / 3, 0.0);
    LabeledImages two = li.first(2);
    assertEquals(2, two.samples().n());
    assertArrayEquals(Arrays.copyOf(x, 16), two.samples().x(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> li.first(4));
    assertThrows(IllegalArgumentException.class, () -> li.first(0));
  }

  @Test
  void writerRoundTripsAndMatchesTheByteLayout() throws IOException {
    Idx.Images im = new Idx.Images(3, 2, 4, pixels());
    for (boolean gz : new boolean[] {false, true}) {
      Path pi = dir.resolve("w-images-" + gz);
      Path pl = dir.resolve("w-labels-" + gz);
      Idx.writeImages(pi, im, gz);
      Idx.writeLabels(pl, new byte[] {1, 2, 3}, gz);
      byte[] raw = Files.readAllBytes(pi);
      assertEquals(gz, (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B);
      if (!gz) {
        assertArrayEquals(idx(new int[] {0x803, 3, 2, 4}, pixels()), raw);
        assertArrayEquals(idx(new int[] {0x801, 3}, new byte[] {1, 2, 3}), Files.readAllBytes(pl));
      }
      assertArrayEquals(pixels(), Idx.readImages(pi).pixels());
      assertArrayEquals(new byte[] {1, 2, 3}, Idx.readLabels(pl, 4));
    }
  }

  private void expectImages(String name, byte[] content, String... fragments) throws IOException {
    Path p = file(name, content);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.readImages(p));
    check(e, p, fragments);
  }

  private static void check(IllegalArgumentException e, Path p, String... fragments) {
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should mention " + f);
    }
  }

  @Test
  void corruptFilesAreRejectedNamingFileAndFault() throws IOException {
    byte[] good = idx(new int[] {0x803, 3, 2, 4}, pixels());
    for (boolean gz : new boolean[] {false, true}) {
      String s = gz ? "-gz" : "";
      java.util.function.Function<byte[], byte[]> enc = b -> {
        try {
          return gz ? gzip(b) : b;
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      };
      expectImages("magic" + s, enc.apply(idx(new int[] {0x0903, 3, 2, 4}, pixels())), "bad magic number 0x00000903",
          "0x00000803");
      expectImages("le" + s, enc.apply(idx(new int[] {0x03080000, 3, 2, 4}, pixels())), "bad magic number 0x03080000");
      expectImages("dims" + s, enc.apply(idx(new int[] {0x802, 3, 8}, pixels())), "declares 2 dimensions", "has 3");
      expectImages("labels-as-images" + s, enc.apply(idx(new int[] {0x801, 3}, new byte[] {1, 2, 3})),
          "declares 1 dimension", "images");
      expectImages("short-magic" + s, enc.apply(new byte[] {0, 0, 8}), "truncated", "3 bytes");
      expectImages("short-header" + s, enc.apply(Arrays.copyOf(good, 10)), "truncated", "header ends after 10 bytes");
      expectImages("short-data" + s, enc.apply(Arrays.copyOf(good, good.length - 5)), "truncated", "promises 24",
          "only 19");
      expectImages("trailing" + s, enc.apply(Arrays.copyOf(good, good.length + 2)), "trailing garbage", "2 bytes");
      expectImages("zero-rows" + s, enc.apply(idx(new int[] {0x803, 3, 0, 4}, new byte[0])), "dimension 1 has size 0");
      expectImages("huge" + s, enc.apply(idx(new int[] {0x803, -1, 1000, 1000}, new byte[0])), "promises more than");
    }
    byte[] gz = gzip(good);
    expectImages("cut.gz", Arrays.copyOf(gz, gz.length - 12), "gzip");
    Path missing = dir.resolve("nope");
    check(assertThrows(IllegalArgumentException.class, () -> Idx.readImages(missing)), missing, "no such file");
  }

  @Test
  void labelRangeAndCountMismatch() throws IOException {
    Path lab = file("labels", idx(new int[] {0x801, 4}, new byte[] {0, 9, (byte) 200, 1}));
    check(assertThrows(IllegalArgumentException.class, () -> Idx.readLabels(lab, 10)), lab, "label 2 is 200",
        "0..9");
    Path img = file("images", gzip(idx(new int[] {0x803, 3, 2, 4}, pixels())));
    Path four = file("four", idx(new int[] {0x801, 4}, new byte[] {0, 1, 2, 3}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.readLabeled("t", img, four, 10));
    check(e, img, "count mismatch", "3 images", "4 labels", four.toString());
    check(assertThrows(IllegalArgumentException.class, () -> Idx.readLabels(img, 10)), img, "declares 3 dimensions",
        "labels");
  }
}
