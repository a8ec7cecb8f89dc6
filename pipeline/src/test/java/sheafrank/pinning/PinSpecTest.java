package sheafrank.pinning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.sheaf.TestNets;

/** Config syntax, coordinate addressing and the bad-input errors of pinned problems. */
class PinSpecTest {
  static final Mlp NET = TestNets.random(new int[] {2, 4, 3, 1}, OutputActivation.IDENTITY, 3);

  @Test
  void parsesAndAddressesCoordinates() {
    PinnedProblem p = PinnedProblem.of(NET, "x = 1, -2; a1[2] = -0.5; z2 ~ (0, 0.5, 1) @ 10\n y[0] = 3");
    var lay = p.layout();
    assertTrue(lay.hasOutputVertex(), "pinning y adds the output stalk");
    int[] hard = p.hardIndices();
    assertEquals("x[0]", lay.coordinateName(hard[0]));
    assertEquals("x[1]", lay.coordinateName(hard[1]));
    assertEquals("a1[2]", lay.coordinateName(hard[2]));
    assertEquals("y[0]", lay.coordinateName(hard[3]));
    assertArrayEquals(new double[] {1, -2, -0.5, 3}, p.bind().hardValues());
    int[] soft = p.softIndices();
    assertEquals(3, soft.length);
    assertEquals("z2[0]", lay.coordinateName(soft[0]));
    assertEquals("z2[2]", lay.coordinateName(soft[2]));
    assertArrayEquals(new double[] {10, 10, 10}, p.softGammas());
    assertArrayEquals(new double[] {0, 0.5, 1}, p.bind().softTargets());
    // the same through the builder
    PinSpec b = PinSpec.builder().hard("x", 1, -2).hard("a1[2]", -0.5).soft("z2", 10, 0, 0.5, 1).hard("y[0]", 3).build();
    PinnedProblem q = PinnedProblem.of(NET, b);
    assertArrayEquals(p.hardIndices(), q.hardIndices());
    assertArrayEquals(p.softIndices(), q.softIndices());
  }

  @Test
  void placeholdersBindPerSample() {
    PinnedProblem p = PinnedProblem.of(NET, "x = input; y = target");
    assertTrue(p.usesInput() && p.usesTarget());
    var b = p.bind(new double[] {0.25, 0.5}, new double[] {7});
    assertArrayEquals(new double[] {0.25, 0.5, 7}, b.hardValues());
    assertThrows(IllegalArgumentException.class, () -> p.bind(null, new double[] {7}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.bind(new double[] {1, 2, 3}, new double[] {7}));
    assertTrue(e.getMessage().contains("3 values"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> p.bind(new double[] {1, Double.NaN}, new double[] {7}));
    assertTrue(e.getMessage().contains("input[1]"), e.getMessage());
  }

  private static String error(String spec) {
    return assertThrows(IllegalArgumentException.class, () -> PinnedProblem.of(NET, spec)).getMessage();
  }

  @Test
  void badPinsFailBeforeWorkWithClearMessages() {
    assertTrue(error("x = 1, 2; a1[4] = 1").contains("a1[4] does not exist; stalk a1 has 4 coordinates (0..3)"));
    assertTrue(error("x = 1, 2; a3 = 1").contains("stalk a3 does not exist"));
    assertTrue(error("x = 1, 2; z4[0] = 1").contains("stalk z4 does not exist"));
    assertTrue(error("x = 1, 2; q1[0] = 1").contains("unknown stalk 'q1'"));
    assertTrue(error("x = 1, 2, 3").contains("x has 2 coordinates but 3 values were given"));
    assertTrue(error("x = 1, 2; y = 1, 2").contains("y has 1 coordinate but 2 values were given"));
    assertTrue(error("x = 1, 2; a1[0] ~ 1 @ 0").contains("gamma must be positive and finite, got 0"));
    assertTrue(error("x = 1, 2; a1[0] ~ 1 @ -3").contains("got -3"));
    assertTrue(error("x = 1, 2; a1[0] ~ 1 @ Infinity").contains("gamma must be positive and finite"));
    assertTrue(error("x = 1, 2; a1[0] ~ 1 @ NaN").contains("gamma must be positive and finite"));
    assertTrue(error("x = 1, 2; a1[0] ~ 1").contains("missing '@ gamma'"));
    assertTrue(error("x = 1, NaN").contains("is not finite"));
    assertTrue(error("x = 1, abc").contains("'abc' is not a number"));
    assertTrue(error("x = 1, 2; x[1] = 3").contains("x[1] is pinned more than once"));
    assertTrue(error("y = input").contains("'input' can only pin the input stalk"));
    assertTrue(error("x[0] = 1").contains("nothing downstream of the input is pinned"));
    assertTrue(error("x = 1, 2; a1[0] 3").contains("expected 'name = values'"));
    Mlp soft = TestNets.random(new int[] {2, 3, 3}, OutputActivation.SOFTMAX, 4);
    String m = assertThrows(IllegalArgumentException.class,
        () -> PinnedProblem.of(soft, "x = 1, 2; y ~ 0.2, 0.3, 0.5 @ 2")).getMessage();
    assertTrue(m.contains("can only be hard-pinned"), m);
    m = assertThrows(IllegalArgumentException.class, () -> PinnedProblem.of(soft, "x = 1, 2; y[0] = 1")).getMessage();
    assertTrue(m.contains("must be pinned whole"), m);
    m = assertThrows(IllegalArgumentException.class,
        () -> PinnedProblem.of(soft, "x = 1, 2; y = 0.2, 0.3, 0.6").bind()).getMessage();
    assertTrue(m.contains("must sum to 1"), m);
    Mlp sig = TestNets.random(new int[] {2, 3, 1}, OutputActivation.SIGMOID, 5);
    m = assertThrows(IllegalArgumentException.class, () -> PinnedProblem.of(sig, "x = 1, 2; y = 1.5").bind()).getMessage();
    assertTrue(m.contains("y[0] = 1.5") && m.contains("[0, 1]"), m);
    Mlp shallow = TestNets.random(new int[] {2, 1}, OutputActivation.IDENTITY, 6);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PinnedProblem.of(shallow, "x = 1, 2; a1 = 0"))
        .getMessage().contains("no hidden layer"));
  }
}
