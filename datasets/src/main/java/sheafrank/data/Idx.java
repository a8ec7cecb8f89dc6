package sheafrank.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of the MNIST files (LeCun et al.): a big-endian header, then the values in row-major
 * order. The magic number is {@code 0x0000TTDD}: two zero bytes, the value type ({@code 0x08},
 * unsigned byte, the only type read here) and the number of dimensions; then one 32-bit unsigned size
 * per dimension. Images: magic {@code 0x00000803}, sizes count, rows, cols. Labels: magic
 * {@code 0x00000801}, size count.
 *
 * <p>A file may be gzip-compressed; this is recognised by the gzip magic bytes {@code 1f 8b}, not by
 * the file name. Every check failure is an {@link IllegalArgumentException} naming the file and what
 * is wrong: a bad magic number, a wrong number of dimensions, a zero or oversized dimension, a file
 * shorter than its header promises (truncated), bytes after the promised data (trailing garbage),
 * corrupt gzip data, label values out of range, an images file and a labels file with different
 * counts.
 */
public final class Idx {
  private Idx() {}

  /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
  public static final int LABELS_MAGIC = 0x00000801;

  private static final int UNSIGNED_BYTE = 0x08;

  /**
   * Images as stored: {@code count} images of {@code rows x cols} unsigned bytes, row-major, image
   * after image ({@code pixels[(i*rows + r)*cols + c]}).
   */
  public record Images(int count, int rows, int cols, byte[] pixels) {
    public Images {
      if (count < 0 || rows < 1 || cols < 1 || pixels.length != (long) count * rows * cols) {
        throw new IllegalArgumentException(
            count + " images of " + rows + "x" + cols + " need " + (long) count * rows * cols
                + " pixel bytes, got " + pixels.length);
      }
    }

    /** Pixel (r, c) of image i as 0..255. */
    public int pixel(int i, int r, int c) {
      return pixels[(i * rows + r) * cols + c] & 0xFF;
    }
  }

  /** Reads an images file (magic 0x00000803). */
  public static Images readImages(Path file) {
    long[] dims = new long[3];
    byte[] data = read(file, IMAGES_MAGIC, dims, "images");
    return new Images((int) dims[0], (int) dims[1], (int) dims[2], data);
  }

  /**
   * Reads a labels file (magic 0x00000801) whose values must lie in {@code 0 .. classes-1}.
   *
   * @return the labels as unsigned bytes
   */
  public static byte[] readLabels(Path file, int classes) {
    if (classes < 1 || classes > 256) {
      throw new IllegalArgumentException("the number of classes must be in 1..256, got " + classes);
    }
    byte[] labels = read(file, LABELS_MAGIC, new long[1], "labels");
    for (int i = 0; i < labels.length; i++) {
      int v = labels[i] & 0xFF;
      if (v >= classes) {
        throw new IllegalArgumentException(
            file + ": label " + i + " is " + v + ", outside the class range 0.." + (classes - 1));
      }
    }
    return labels;
  }

  /** Reads an images file and its labels file and checks that they hold the same number of items. */
  public static LabeledImages readLabeled(String name, Path images, Path labels, int classes) {
    Images im = readImages(images);
    byte[] lab = readLabels(labels, classes);
    if (lab.length != im.count()) {
      throw new IllegalArgumentException(
          "count mismatch: " + images + " holds " + im.count() + " images but " + labels + " holds "
              + lab.length + " labels");
    }
    return new LabeledImages(name, im, lab, classes);
  }

  private static byte[] read(Path file, int magic, long[] dims, String what) {
    try (InputStream in = open(file)) {
      byte[] head = new byte[4];
      int got = in.readNBytes(head, 0, 4);
      if (got < 4) {
        throw new IllegalArgumentException(
            file + ": truncated: " + got + " bytes, shorter than the 4-byte IDX magic number");
      }
      int m = be32(head, 0);
      if (head[0] != 0 || head[1] != 0 || (head[2] & 0xFF) != UNSIGNED_BYTE) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%s: bad magic number 0x%08x, expected 0x%08x (an IDX %s file of unsigned bytes)", file, m,
            magic, what));
      }
      int nd = head[3] & 0xFF;
      if (nd != dims.length) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%s: magic number 0x%08x declares %d dimension%s, an IDX %s file has %d (magic 0x%08x)", file,
            m, nd, nd == 1 ? "" : "s", what, dims.length, magic));
      }
      byte[] sizes = new byte[4 * nd];
      got = in.readNBytes(sizes, 0, sizes.length);
      if (got < sizes.length) {
        throw new IllegalArgumentException(file + ": truncated: the header ends after " + (4 + got)
            + " bytes, " + nd + " dimension sizes need " + (4 + sizes.length));
      }
      long total = 1;
      for (int k = 0; k < nd; k++) {
        dims[k] = be32(sizes, 4 * k) & 0xFFFFFFFFL;
        if (dims[k] == 0 && k > 0) {
          throw new IllegalArgumentException(file + ": dimension " + k + " has size 0");
        }
        total *= dims[k];
        if (total > Integer.MAX_VALUE - 16) {
          throw new IllegalArgumentException(
              file + ": the header promises more than " + (Integer.MAX_VALUE - 16) + " values (sizes "
                  + java.util.Arrays.toString(java.util.Arrays.copyOf(dims, k + 1)) + "...)");
        }
      }
      byte[] data = new byte[(int) total];
      got = in.readNBytes(data, 0, data.length);
      if (got < data.length) {
        throw new IllegalArgumentException(file + ": truncated: the header promises " + total
            + " data bytes after the " + (4 + sizes.length) + "-byte header, the file holds only " + got);
      }
      long extra = 0;
      while (in.read() >= 0) {
        extra++;
      }
      if (extra > 0) {
        throw new IllegalArgumentException(file + ": trailing garbage: " + extra
            + " bytes after the " + total + " data bytes the header promises");
      }
      return data;
    } catch (EOFException | ZipException e) {
      throw new IllegalArgumentException(file + ": corrupt or truncated gzip data: " + e.getMessage(), e);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Opens the file, decompressing when it starts with the gzip magic bytes. */
  private static InputStream open(Path file) throws IOException {
    BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    if (b0 == 0x1F && b1 == 0x8B) {
      return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
    }
    return raw;
  }

  private static int be32(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8)
        | (b[off + 3] & 0xFF);
  }

  /** Writes an images file (gzip-compressed when {@code gzip}). */
  public static void writeImages(Path file, Images images, boolean gzip) {
    write(file, IMAGES_MAGIC, new int[] {images.count(), images.rows(), images.cols()}, images.pixels(), gzip);
  }

  /** Writes a labels file (gzip-compressed when {@code gzip}). */
  public static void writeLabels(Path file, byte[] labels, boolean gzip) {
    write(file, LABELS_MAGIC, new int[] {labels.length}, labels, gzip);
  }

  private static void write(Path file, int magic, int[] dims, byte[] data, boolean gzip) {
    try (OutputStream os = Files.newOutputStream(file);
        OutputStream body = gzip ? new GZIPOutputStream(os, 1 << 16) : new BufferedOutputStream(os, 1 << 16);
        DataOutputStream out = new DataOutputStream(body)) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
