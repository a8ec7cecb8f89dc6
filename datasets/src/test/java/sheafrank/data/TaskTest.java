package sheafrank.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;

/** The four tasks of seed 001 §6.2 with the EXPERIMENTS.md settings. */
class TaskTest {

  @Test
  void paperDataShapesAndDeterminism() {
    for (Task t : Task.values()) {
      Dataset d = t.paperData();
      assertEquals(300, d.nTrain());
      assertEquals(100, d.nTest());
      assertEquals(2, d.inputDim());
      assertEquals(t == Task.BLOBS ? 4 : 1, d.outputDim());
      assertEquals(t.kind(), d.kind());
      Dataset again = t.generate(300, 100, 42);
      assertArrayEquals(d.train().x(), again.train().x(), 0.0);
      assertArrayEquals(d.test().y(), again.test().y(), 0.0);
      Dataset other = t.generate(300, 100, 43);
      assertFalse(Arrays.equals(d.train().x(), other.train().x()), "another seed gives other data");
      // train and test are one draw split in two: the first n_train points of a larger draw
      Dataset more = t.generate(300, 300, 42);
      if (t.kind() == TaskKind.REGRESSION) {
        assertArrayEquals(d.train().x(), more.train().x(), 0.0);
      }
    }
  }

  /** Regression: inputs uniform on the task's square, targets f(x) + N(0, 0.02^2). */
  @Test
  void regressionTargetsAndNoise() {
    for (Task t : new Task[] {Task.PARABOLOID, Task.SADDLE}) {
      Samples s = t.generate(40_000, 0, 5).train();
      double lo = t == Task.PARABOLOID ? -2 : 0;
      double sum = 0;
      double sq = 0;
      double mean1 = 0;
      for (int i = 0; i < s.n(); i++) {
        double x1 = s.x(i, 0);
        double x2 = s.x(i, 1);
        assertTrue(x1 >= lo && x1 < 2 && x2 >= lo && x2 < 2);
        mean1 += x1 / s.n();
        double e = s.y(i, 0) - t.target(x1, x2);
        sum += e;
        sq += e * e;
      }
      double mean = sum / s.n();
      double sd = Math.sqrt(sq / s.n() - mean * mean);
      assertEquals(0.0, mean, 4 * 0.02 / Math.sqrt(s.n()), t + " noise mean");
      assertEquals(0.02, sd, 0.02 * 0.03, t + " noise sd");
      assertEquals((lo + 2) / 2, mean1, 0.03, t + " input mean");
    }
    assertEquals(4 + 1 - 2.0 / 3, Task.PARABOLOID.target(2, 1), 1e-15);
    assertEquals(1 - 4 + 0.5 * Math.sin(2), Task.SADDLE.target(1, 2), 1e-15);
  }

  /** Circular: balanced classes, class-0 radius sqrt(U) + N(0,.01), class-1 radius on the annulus law. */
  @Test
  void circularRadii() {
    Dataset d = Task.CIRCULAR.generate(30_000, 10_000, 7);
    int[] count = new int[2];
    double[] meanR = new double[2];
    Samples[] parts = {d.train(), d.test()};
    for (Samples s : parts) {
      for (int i = 0; i < s.n(); i++) {
        int c = (int) s.y(i, 0);
        assertTrue(s.y(i, 0) == 0 || s.y(i, 0) == 1);
        count[c]++;
        meanR[c] += Math.hypot(s.x(i, 0), s.x(i, 1));
      }
    }
    assertEquals(20_000, count[0]);
    assertEquals(20_000, count[1]);
    // E sqrt(U) = 2/3; E sqrt(2.25 + 4U) = (6.25^1.5 - 2.25^1.5) / 6 = 49/24. |r| differs from r only when r < 0 (rare).
    assertEquals(2.0 / 3, meanR[0] / count[0], 0.01);
    assertEquals(49.0 / 24, meanR[1] / count[1], 0.01);
    // shuffled: the training set holds both classes in both halves
    Samples tr = Task.CIRCULAR.paperData().train();
    int ones = 0;
    for (int i = 0; i < 150; i++) {
      ones += (int) tr.y(i, 0);
    }
    assertTrue(ones > 40 && ones < 110, "first half has " + ones + " of class 1");
  }

  /** Blobs: one-hot targets, equal class sizes, class means and covariances as specified. */
  @Test
  void blobMoments() {
    Dataset d = Task.BLOBS.generate(80_000, 0, 9);
    Samples s = d.train();
    double[][] mean = new double[4][2];
    double[][] cov = new double[4][4];
    int[] cnt = new int[4];
    for (int i = 0; i < s.n(); i++) {
      int c = -1;
      double sum = 0;
      for (int k = 0; k < 4; k++) {
        sum += s.y(i, k);
        if (s.y(i, k) == 1) {
          c = k;
        }
      }
      assertEquals(1.0, sum, 0.0);
      cnt[c]++;
      mean[c][0] += s.x(i, 0);
      mean[c][1] += s.x(i, 1);
    }
    for (int c = 0; c < 4; c++) {
      assertEquals(20_000, cnt[c]);
      mean[c][0] /= cnt[c];
      mean[c][1] /= cnt[c];
      assertEquals(Task.BLOB_CENTRES[c][0], mean[c][0], 0.02);
      assertEquals(Task.BLOB_CENTRES[c][1], mean[c][1], 0.02);
    }
    for (int i = 0; i < s.n(); i++) {
      int c = 0;
      while (s.y(i, c) != 1) {
        c++;
      }
      double a = s.x(i, 0) - mean[c][0];
      double b = s.x(i, 1) - mean[c][1];
      cov[c][0] += a * a / cnt[c];
      cov[c][1] += a * b / cnt[c];
      cov[c][3] += b * b / cnt[c];
    }
    for (int c = 0; c < 4; c++) {
      double[] want = Task.BLOB_COVARIANCES[c];
      assertEquals(want[0], cov[c][0], 0.03, "blob " + c + " var x1");
      assertEquals(want[1], cov[c][1], 0.03, "blob " + c + " cov");
      assertEquals(want[3], cov[c][3], 0.03, "blob " + c + " var x2");
    }
    // 75 per class would be the training share of 100 per class overall; the test set gets the rest
    Dataset p = Task.BLOBS.paperData();
    assertEquals(300, p.nTrain());
    assertEquals(100, p.nTest());
  }

  @Test
  void namesWidthsAndBadInput() {
    assertEquals(Task.SADDLE, Task.parse(" Saddle "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Task.parse("spiral"));
    assertTrue(e.getMessage().contains("unknown task 'spiral'"), e.getMessage());
    assertArrayEquals(new int[] {2, 30, 1}, Task.PARABOLOID.paperWidths(1));
    assertArrayEquals(new int[] {2, 25, 1}, Task.CIRCULAR.paperWidths(1));
    assertArrayEquals(new int[] {2, 25, 4}, Task.BLOBS.paperWidths(1));
    assertArrayEquals(new int[] {2, 10, 8, 4}, Task.BLOBS.paperWidths(2));
    Task.BLOBS.validateWidths(new int[] {2, 7, 4});
    e = assertThrows(IllegalArgumentException.class, () -> Task.BLOBS.validateWidths(new int[] {2, 7, 1}));
    assertTrue(e.getMessage().contains("output dimension 4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Task.SADDLE.paperData().validateWidths(new int[] {3, 7, 1}));
    assertTrue(e.getMessage().contains("input dimension 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Task.SADDLE.generate(0, 10, 1));
    assertTrue(e.getMessage().contains("n_train"), e.getMessage());
    assertNull(Task.SADDLE.generate(5, 0, 1).test());
  }
}
