package sheafrank.rank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PointSamplerTest {

  @Test
  void samePointForTheSameSeedNetAndIndexWhateverTheOrder() {
    PointSampler s = PointSampler.parse("box(-5, 5)");
    double[][] forward = new double[100][];
    for (int i = 0; i < 100; i++) {
      forward[i] = s.sample(7, 3, i, 10);
    }
    // another "partition": indices visited backwards, into a shared buffer at an offset
    double[] buf = new double[12];
    for (int i = 99; i >= 0; i--) {
      s.sample(7, 3, i, buf, 2, 10);
      assertArrayEquals(forward[i], Arrays.copyOfRange(buf, 2, 12), "index " + i);
    }
    assertFalse(Arrays.equals(forward[0], forward[1]));
    assertFalse(Arrays.equals(forward[0], s.sample(7, 4, 0, 10)), "net id matters");
    assertFalse(Arrays.equals(forward[0], s.sample(8, 3, 0, 10)), "seed matters");
  }

  @Test
  void pointsLieInTheirDomains() {
    PointSampler box = new PointSampler.Box(-5, 5);
    PointSampler pos = new PointSampler.Positive(1e-300);
    double sum = 0;
    for (int i = 0; i < 2000; i++) {
      for (double v : box.sample(1, 0, i, 5)) {
        assertTrue(v >= -5 && v < 5);
        sum += v;
      }
      for (double v : pos.sample(1, 0, i, 5)) {
        assertTrue(v > 0 && v <= 1e-300);
      }
    }
    assertEquals(0.0, sum / 10_000, 0.1);
  }

  @Test
  void parsesAndRejectsSpecs() {
    assertEquals(new PointSampler.Box(-5, 5), PointSampler.parse("BOX(-5,5)"));
    assertEquals(new PointSampler.Positive(1), PointSampler.parse("positive( 1 )"));
    PointSampler b = PointSampler.parse("box(-1.5,2)");
    assertEquals(b, PointSampler.parse(b.spec()));
    for (String[] bad :
        new String[][] {
          {"box(5,-5)", "lo=5.0 hi=-5.0"}, {"box(1,1)", "lo < hi"}, {"positive(0)", "hi > 0"},
          {"positive(-1)", "hi=-1.0"}, {"sphere(1)", "unknown sampler 'sphere'"},
          {"box(1)", "box takes 2 parameters"}, {"box(a,1)", "'a' is not a number"}, {"box", "expected"},
          // a box wider than the largest double would put every point at one value
          {"box(-1e308,1e308)", "overflows float64"}, {"box(-1e-310,1)", "subnormal"},
          {"positive(1e-320)", "subnormal"}
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> PointSampler.parse(bad[0]), bad[0]);
      assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
    }
  }
}
