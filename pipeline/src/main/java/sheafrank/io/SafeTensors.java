package sheafrank.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (PyTorch / Hugging Face): 8 bytes little-endian unsigned header length N,
 * N bytes of UTF-8 JSON {@code {name: {"dtype", "shape", "data_offsets": [begin, end]}, ...,
 * "__metadata__": {string: string}}}, then the byte buffer; offsets are relative to the start of
 * the buffer, tensors are row-major little-endian and tile the buffer without holes or overlap.
 * F64 and F32 tensors are supported; any other dtype is rejected by name.
 */
public final class SafeTensors {
  private SafeTensors() {}

  /** Supported element types. */
  public enum DType {
    F64(8),
    F32(4);

    final int bytes;

    DType(int bytes) {
      this.bytes = bytes;
    }
  }

  /** One tensor, values widened to double. */
  public record Tensor(String name, DType dtype, long[] shape, double[] data) {
    public long numel() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /** A file's tensors (in header order) and metadata. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

  private static final long MAX_HEADER = 100L << 20;

  public static Contents read(Path p) throws IOException {
    try {
      return read(Files.readAllBytes(p));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
    }
  }

  /** Parses and validates a whole safetensors byte array. */
  public static Contents read(byte[] bytes) {
    if (bytes.length < 8) {
      throw new IllegalArgumentException("not a safetensors file: " + bytes.length + " bytes, need at least 8");
    }
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (n < 2 || n > MAX_HEADER || n > bytes.length - 8L) {
      throw new IllegalArgumentException("safetensors header length " + Long.toUnsignedString(n)
          + " is invalid for a file of " + bytes.length + " bytes");
    }
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    Object parsed;
    try {
      parsed = Json.parse(header);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("safetensors header: " + e.getMessage(), e);
    }
    if (!(parsed instanceof Map<?, ?> root)) {
      throw new IllegalArgumentException("safetensors header must be a JSON object");
    }
    int dataStart = 8 + (int) n;
    long dataLen = bytes.length - dataStart;
    Map<String, String> meta = new LinkedHashMap<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    List<long[]> ranges = new ArrayList<>();
    List<String> rangeNames = new ArrayList<>();
    for (Map.Entry<?, ?> e : root.entrySet()) {
      String name = (String) e.getKey();
      if (name.equals("__metadata__")) {
        if (!(e.getValue() instanceof Map<?, ?> m)) {
          throw new IllegalArgumentException("__metadata__ must be an object of strings");
        }
        for (Map.Entry<?, ?> me : m.entrySet()) {
          if (!(me.getValue() instanceof String v)) {
            throw new IllegalArgumentException("__metadata__ value of '" + me.getKey() + "' is not a string");
          }
          meta.put((String) me.getKey(), v);
        }
        continue;
      }
      if (!(e.getValue() instanceof Map<?, ?> info)) {
        throw new IllegalArgumentException("tensor '" + name + "': header entry is not an object");
      }
      for (Object k : info.keySet()) {
        if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
          throw new IllegalArgumentException("tensor '" + name + "': unknown header field '" + k + "'");
        }
      }
      if (!(info.get("dtype") instanceof String dt)) {
        throw new IllegalArgumentException("tensor '" + name + "': missing dtype");
      }
      DType dtype;
      try {
        dtype = DType.valueOf(dt);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("tensor '" + name + "' has dtype " + dt
            + "; only F64 and F32 are supported");
      }
      long[] shape = longs(info.get("shape"), name, "shape", -1);
      long[] off = longs(info.get("data_offsets"), name, "data_offsets", 2);
      long numel = 1;
      for (long d : shape) {
        numel = Math.multiplyExact(numel, d);
      }
      if (off[0] > off[1] || off[1] > dataLen) {
        throw new IllegalArgumentException("tensor '" + name + "': data_offsets " + Arrays.toString(off)
            + " outside the " + dataLen + "-byte buffer");
      }
      if (off[1] - off[0] != numel * dtype.bytes) {
        throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " of "
            + dtype + " needs " + numel * dtype.bytes + " bytes, data_offsets span " + (off[1] - off[0]));
      }
      if (numel > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("tensor '" + name + "' is too large: " + numel + " elements");
      }
      double[] data = new double[(int) numel];
      ByteBuffer bb = ByteBuffer.wrap(bytes, dataStart + (int) off[0], (int) (off[1] - off[0]))
          .order(ByteOrder.LITTLE_ENDIAN);
      for (int k = 0; k < data.length; k++) {
        data[k] = dtype == DType.F64 ? bb.getDouble() : bb.getFloat();
      }
      tensors.put(name, new Tensor(name, dtype, shape, data));
      ranges.add(off);
      rangeNames.add(name);
    }
    // the tensors must tile the buffer: no holes, no overlaps, nothing after the last one
    Integer[] order = new Integer[ranges.size()];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    Arrays.sort(order, (a, b) -> Long.compare(ranges.get(a)[0], ranges.get(b)[0]));
    long pos = 0;
    for (int k : order) {
      if (ranges.get(k)[0] != pos) {
        throw new IllegalArgumentException("tensor '" + rangeNames.get(k) + "': data starts at byte "
            + ranges.get(k)[0] + " but the previous tensor ends at " + pos + " (holes or overlaps)");
      }
      pos = ranges.get(k)[1];
    }
    if (pos != dataLen) {
      throw new IllegalArgumentException("the byte buffer has " + dataLen + " bytes but the tensors cover " + pos);
    }
    return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(meta));
  }

  private static long[] longs(Object v, String name, String field, int len) {
    if (!(v instanceof List<?> l)) {
      throw new IllegalArgumentException("tensor '" + name + "': " + field + " must be an array of integers");
    }
    if (len >= 0 && l.size() != len) {
      throw new IllegalArgumentException("tensor '" + name + "': " + field + " must have " + len + " entries");
    }
    long[] out = new long[l.size()];
    for (int k = 0; k < out.length; k++) {
      if (!(l.get(k) instanceof Long x) || x < 0) {
        throw new IllegalArgumentException("tensor '" + name + "': " + field + " must hold non-negative integers, got "
            + l);
      }
      out[k] = x;
    }
    return out;
  }

  /** Serialises tensors (in the given order) and metadata; the header is space-padded to 8 bytes. */
  public static byte[] write(List<Tensor> tensors, Map<String, String> metadata) {
    StringBuilder h = new StringBuilder("{");
    boolean first = true;
    if (metadata != null && !metadata.isEmpty()) {
      h.append("\"__metadata__\":{");
      boolean f2 = true;
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        h.append(f2 ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
        f2 = false;
      }
      h.append('}');
      first = false;
    }
    long pos = 0;
    for (Tensor t : tensors) {
      if (t.name().equals("__metadata__")) {
        throw new IllegalArgumentException("a tensor cannot be named __metadata__");
      }
      if (t.numel() != t.data().length) {
        throw new IllegalArgumentException("tensor '" + t.name() + "': shape " + Arrays.toString(t.shape())
            + " does not match " + t.data().length + " values");
      }
      long len = t.numel() * t.dtype().bytes;
      h.append(first ? "" : ",").append(Json.quote(t.name())).append(":{\"dtype\":\"").append(t.dtype())
          .append("\",\"shape\":").append(Arrays.toString(t.shape()).replace(" ", ""))
          .append(",\"data_offsets\":[").append(pos).append(',').append(pos + len).append("]}");
      first = false;
      pos += len;
    }
    h.append('}');
    while ((h.toString().getBytes(StandardCharsets.UTF_8).length) % 8 != 0) {
      h.append(' ');
    }
    byte[] hb = h.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + hb.length + (int) pos).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(hb.length);
    out.put(hb);
    for (Tensor t : tensors) {
      for (double v : t.data()) {
        if (t.dtype() == DType.F64) {
          out.putDouble(v);
        } else {
          out.putFloat((float) v);
        }
      }
    }
    return out.array();
  }
}
