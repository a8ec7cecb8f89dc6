package sheafrank.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.TestNets;

/** Networks from elsewhere: safetensors reading, writing and validation. */
class SafeTensorsTest {

  /** Builds a safetensors file from a hand-written header and raw little-endian values. */
  static byte[] file(String header, Object... values) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    int len = 0;
    for (Object v : values) {
      len += v instanceof Float ? 4 : 8;
    }
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + len).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (Object v : values) {
      if (v instanceof Float f) {
        b.putFloat(f);
      } else {
        b.putDouble((Double) v);
      }
    }
    return b.array();
  }

  static final String HAND = "{\"__metadata__\":{\"format\":\"pt\"},"
      + "\"fc2.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[60,68]},"
      + "\"fc1.weight\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,24]},"
      + "\"fc2.weight\":{\"dtype\":\"F64\",\"shape\":[1,3],\"data_offsets\":[36,60]},"
      + "\"fc1.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]}}";

  static byte[] handFile(double nanAt) {
    return file(HAND,
        1f, 2f, -1f, 0.5f, 0f, (float) nanAt, // fc1.weight [[1,2],[-1,0.5],[0,nanAt]]
        0.25f, -3f, 1f, // fc1.bias
        2.0, -1.0, 0.5, // fc2.weight
        0.125); // fc2.bias
  }

  /** A header written by hand (unpadded, mixed F32/F64, tensors out of order) is read per format. */
  @Test
  void readsHandBuiltFile() {
    SafeTensors.Contents c = SafeTensors.read(handFile(-2));
    assertEquals(Map.of("format", "pt"), c.metadata());
    assertEquals(SafeTensors.DType.F32, c.tensors().get("fc1.weight").dtype());
    Mlp net = MlpSafeTensors.toMlp(c, OutputActivation.IDENTITY, false);
    assertArrayEquals(new int[] {2, 3, 1}, net.widths());
    assertArrayEquals(new double[] {1, 2, -1, 0.5, 0, -2}, net.weights(0));
    assertArrayEquals(new double[] {0.25, -3, 1}, net.bias(0));
    assertArrayEquals(new double[] {2, -1, 0.5}, net.weights(1));
    // x = (1, 1): z1 = (3.25, -3.5, -1), a1 = (3.25, 0, 0), y = 6.5 + 0.125
    assertEquals(6.625, net.forward(new double[] {1, 1}).output()[0], 0.0);
  }

  @Test
  void roundTripsF64ExactlyAndF32ToFloatPrecision() {
    for (OutputActivation out : OutputActivation.values()) {
      Mlp net = TestNets.random(new int[] {3, 7, 5, out == OutputActivation.SIGMOID ? 1 : 2}, out, 42);
      byte[] b = MlpSafeTensors.write(net, SafeTensors.DType.F64);
      assertEquals(0, (ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong() % 8), "header padded to 8");
      SafeTensors.Contents c = SafeTensors.read(b);
      assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"), List.copyOf(c.tensors().keySet()));
      assertEquals(out.id(), c.metadata().get("output"));
      Mlp back = MlpSafeTensors.read(b, out);
      assertArrayEquals(net.widths(), back.widths());
      for (int l = 0; l < net.depth(); l++) {
        assertArrayEquals(net.weights(l), back.weights(l), 0.0);
        assertArrayEquals(net.bias(l), back.bias(l), 0.0);
      }
      Mlp f32 = MlpSafeTensors.read(MlpSafeTensors.write(net, SafeTensors.DType.F32), out);
      for (int l = 0; l < net.depth(); l++) {
        for (int i = 0; i < net.weights(l).length; i++) {
          assertEquals((double) (float) net.weights(l)[i], f32.weights(l)[i], 0.0);
        }
      }
      // a second write of the read network is byte-identical
      assertArrayEquals(b, MlpSafeTensors.write(back, SafeTensors.DType.F64));
    }
  }

  @Test
  void ordersLayersByTheNumbersInTheirNames() {
    String h = "{\"layers.10.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]},"
        + "\"layers.10.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]},"
        + "\"layers.2.weight\":{\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[16,32]},"
        + "\"layers.2.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[32,40]}}";
    Mlp net = MlpSafeTensors.read(file(h, 3.0, 0.5, 1.0, -1.0, 0.0), OutputActivation.IDENTITY);
    assertArrayEquals(new int[] {2, 1, 1}, net.widths(), "layers.2 comes before layers.10");
    assertArrayEquals(new double[] {1, -1}, net.weights(0));
    assertArrayEquals(new double[] {3}, net.weights(1));
  }

  private static String err(byte[] b) {
    return assertThrows(IllegalArgumentException.class, () -> MlpSafeTensors.read(b, OutputActivation.IDENTITY)).getMessage();
  }

  @Test
  void rejectsBadFilesWithClearMessages() {
    String m = err(handFile(Double.NaN));
    assertTrue(m.contains("'fc1.weight' holds NaN at index 5 (row 2, column 1)"), m);
    // shapes that do not chain: fc2 expects 3 inputs, declare [1,2] and shrink its data
    String h = HAND.replace("\"shape\":[1,3],\"data_offsets\":[36,60]", "\"shape\":[1,2],\"data_offsets\":[36,52]")
        .replace("[60,68]", "[52,60]");
    m = err(file(h, 1f, 2f, -1f, 0.5f, 0f, -2f, 0.25f, -3f, 1f, 2.0, -1.0, 0.125));
    assertTrue(m.contains("'fc2.weight' has shape [1, 2] (in_features 2) but the previous layer 'fc1.weight' has out_features 3"), m);
    m = err(file(HAND.replace("\"F32\",\"shape\":[3,2]", "\"BF16\",\"shape\":[3,2]"),
        1f, 2f, -1f, 0.5f, 0f, 1f, 0.25f, -3f, 1f, 2.0, -1.0, 0.5, 0.125));
    assertTrue(m.contains("dtype BF16; only F64 and F32"), m);
    String noBias = "{\"w.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]}}";
    m = err(file(noBias, 2.0));
    assertTrue(m.contains("has no bias 'w.bias'"), m);
    Mlp zb = MlpSafeTensors.toMlp(SafeTensors.read(file(noBias, 2.0)), OutputActivation.IDENTITY, true);
    assertArrayEquals(new double[] {0}, zb.bias(0));
    String extra = "{\"0.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]},"
        + "\"0.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]},"
        + "\"bn.running_mean\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]}}";
    m = err(file(extra, 1.0, 0.0, 0.0));
    assertTrue(m.contains("'bn.running_mean' is not the weight or bias"), m);
    String ambiguous = "{\"hidden.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]},"
        + "\"hidden.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]},"
        + "\"out.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[16,24]},"
        + "\"out.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[24,32]}}";
    m = err(file(ambiguous, 1.0, 0.0, 1.0, 0.0));
    assertTrue(m.contains("cannot order weight tensors"), m);
    m = err(file("{\"0.weight\":{\"dtype\":\"F64\",\"shape\":[2,1],\"data_offsets\":[0,8]}}", 1.0));
    assertTrue(m.contains("needs 16 bytes, data_offsets span 8"), m);
    m = err(file("{\"0.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[8,16]}}", 1.0, 1.0));
    assertTrue(m.contains("holes or overlaps"), m);
    m = err(file("{\"0.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]}}", 1.0, 1.0));
    assertTrue(m.contains("buffer has 16 bytes but the tensors cover 8"), m);
    m = err(file("{\"a\":1,}"));
    assertTrue(m.contains("invalid JSON"), m);
    m = err(file("{\"x\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},\"x\":{}}", 1.0));
    assertTrue(m.contains("duplicate key"), m);
    byte[] bad = handFile(1);
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
    m = err(bad);
    assertTrue(m.contains("header length"), m);
    assertTrue(err(new byte[5]).contains("need at least 8"));
    assertThrows(IllegalArgumentException.class, () -> MlpSafeTensors.read(handFile(1), null));
  }

  @Test
  void jsonParserIsStrict() {
    Object v = Json.parse(" {\"a\": [1, -2.5e1, true, null, \"q\\\"\\u00e9\\n\"], \"b\": {}} ");
    Map<?, ?> m = (Map<?, ?>) v;
    List<?> a = (List<?>) m.get("a");
    assertEquals(1L, a.get(0));
    assertEquals(-25.0, a.get(1));
    assertEquals(Boolean.TRUE, a.get(2));
    assertNull(a.get(3));
    assertEquals("q\"\u00e9\n", a.get(4));
    for (String bad : new String[] {"[1,]", "{\"a\":1 \"b\":2}", "01", "1.", "[1] x", "\"a\nb\"", "{'a':1}", "[", "nul", "-"}) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
    assertEquals("\"a\\\"b\\\\c\\u0001\"", Json.quote("a\"b\\c\u0001"));
    assertEquals("a\"b\\c\u0001", Json.parse(Json.quote("a\"b\\c\u0001")));
  }
}
