package sheafrank.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.sheaf.SheafLayout;

/**
 * A given starting cochain replaces the first initialisation of the joint dynamics and nothing
 * else: a cochain equal to the one an initialisation would produce reproduces that run bit for bit
 * (across epochs, with and without warm start, on the fused one-hidden-layer and on the general
 * kernels), and a different one changes only the first epoch's start.
 */
class InitialCochainTest {

  /** The free coordinates (z1, a1, ..., z_{k+1}) of every sample, sample-major, at the current state. */
  static double[] free(JointDynamics jd) {
    SheafLayout layout = jd.layout();
    int dim = layout.dim();
    int first = layout.inputDim();
    int d = layout.yOffset() - first;
    double[] all = jd.cochainSampleMajor();
    double[] out = new double[jd.batchSize() * d];
    for (int s = 0; s < jd.batchSize(); s++) {
      System.arraycopy(all, s * dim + first, out, s * d, d);
    }
    return out;
  }

  /** Weights, biases, cochain and loss curve of two runs are equal to the last bit. */
  static void assertSameRun(Trainer a, Trainer b) {
    TrainResult ra = a.run(null);
    TrainResult rb = b.run(null);
    assertEquals(ra.steps(), rb.steps());
    for (int l = 0; l < ra.network().depth(); l++) {
      assertTrue(Arrays.equals(ra.network().weights(l), rb.network().weights(l)), "weights of layer " + (l + 1));
      assertTrue(Arrays.equals(ra.network().bias(l), rb.network().bias(l)), "bias of layer " + (l + 1));
    }
    assertTrue(Arrays.equals(((SheafTrainer) a).dynamics().cochainSampleMajor(),
        ((SheafTrainer) b).dynamics().cochainSampleMajor()), "cochain");
    assertEquals(ra.curve().size(), rb.curve().size());
    for (int i = 0; i < ra.curve().size(); i++) {
      assertEquals(Double.doubleToLongBits(ra.curve().get(i).trainLoss()),
          Double.doubleToLongBits(rb.curve().get(i).trainLoss()), "loss at curve point " + i);
    }
  }

  /**
   * The regression setting: RANDOM with warm start over three epochs. The cochain the random
   * initialisation drew, handed over as a file would, gives the same trajectory.
   */
  @Test
  void theRandomCochainGivenReproducesTheRandomRun() {
    Samples data = TrainerTest.paraboloid(17, 5);
    for (int[] widths : List.of(new int[] {2, 6, 1}, new int[] {2, 5, 4, 1})) {
      TrainSpec random = TrainSpec.builder(Method.SHEAF, widths, 25).stepsPerEpoch(10).dt(0.02).seed(7)
          .curveEvery(5).build();
      assertEquals(CochainInit.RANDOM, random.init(TaskKind.REGRESSION));
      assertTrue(random.warmStart(TaskKind.REGRESSION));
      Trainer a = Trainer.create(random, TaskKind.REGRESSION, data, null);
      double[] drawn = free(((SheafTrainer) a).dynamics());
      assertEquals(17 * CochainInit.freeDim(widths), drawn.length);
      assertEquals(17 * CochainInit.freeCoordinates(widths).size(), drawn.length);
      Trainer b = Trainer.create(random.toBuilder().initialCochain(drawn.clone()).build(), TaskKind.REGRESSION,
          data, null);
      assertSameRun(a, b);
    }
  }

  /**
   * The classification setting: FORWARD_PASS, re-initialised every epoch. The forward-pass cochain
   * computed sample by sample with {@link Mlp#forward} and stored in the documented order (z1, a1,
   * ..., z_{k+1} per sample) reproduces the run.
   */
  @Test
  void theForwardPassCochainGivenReproducesTheForwardPassRun() {
    Samples data = TrainerTest.disk(19, 6);
    for (int[] widths : List.of(new int[] {2, 6, 1}, new int[] {2, 5, 4, 1})) {
      TrainSpec fp = TrainSpec.builder(Method.SHEAF, widths, 25).stepsPerEpoch(10).dt(0.02).seed(3)
          .curveEvery(5).build();
      assertEquals(CochainInit.FORWARD_PASS, fp.init(TaskKind.BINARY));
      assertFalse(fp.warmStart(TaskKind.BINARY));
      Mlp net = fp.startingNetwork(TaskKind.BINARY);
      SheafLayout layout = new SheafLayout(widths, true);
      int d = CochainInit.freeDim(widths);
      double[] file = new double[data.n() * d];
      for (int s = 0; s < data.n(); s++) {
        double[] c = layout.forwardCochain(net, new double[] {data.x(s, 0), data.x(s, 1)});
        System.arraycopy(c, widths[0], file, s * d, d);
      }
      Trainer a = Trainer.create(fp, TaskKind.BINARY, data, null);
      assertTrue(Arrays.equals(file, free(((SheafTrainer) a).dynamics())), "forward pass of Mlp and of the kernels");
      Trainer b = Trainer.create(fp.toBuilder().initialCochain(file).build(), TaskKind.BINARY, data, null);
      assertSameRun(a, b);
      // all zeros given = the ZEROS initialisation
      TrainSpec zeros = fp.toBuilder().init(CochainInit.ZEROS).warmStart(true).build();
      assertSameRun(Trainer.create(zeros, TaskKind.BINARY, data, null),
          Trainer.create(zeros.toBuilder().initialCochain(new double[data.n() * d]).build(), TaskKind.BINARY, data, null));
    }
  }

  /**
   * Without warm start the given cochain is the start of the first epoch only: by hand, 7 steps
   * from the given cochain, then the forward-pass restart, then 7 more.
   */
  @Test
  void aGivenCochainStartsTheFirstEpochOnly() {
    Samples data = TrainerTest.paraboloid(15, 2);
    int[] widths = {2, 6, 1};
    int d = CochainInit.freeDim(widths);
    double[] given = new double[15 * d];
    for (int i = 0; i < given.length; i++) {
      given[i] = Math.sin(0.7 * i + 0.3);
    }
    TrainSpec cold = TrainSpec.builder(Method.SHEAF, widths, 14).stepsPerEpoch(7).dt(0.02)
        .warmStart(false).init(CochainInit.FORWARD_PASS).initialCochain(given).build();
    Trainer t = Trainer.create(cold, TaskKind.REGRESSION, data, null);
    assertTrue(Arrays.equals(given, free(((SheafTrainer) t).dynamics())));
    t.advance(14);
    JointDynamics jd = new JointDynamics(cold.startingNetwork(TaskKind.REGRESSION), data, Loss.l2(), 1.0, 1.0 / 15,
        Regularisation.NONE);
    double[] full = jd.cochainSampleMajor();
    int dim = jd.layout().dim();
    for (int s = 0; s < 15; s++) {
      System.arraycopy(given, s * d, full, s * dim + 2, d);
    }
    jd.setCochainSampleMajor(full);
    jd.run(7, 0.02);
    jd.initCochain(CochainInit.FORWARD_PASS, 0, 1);
    jd.run(7, 0.02);
    assertTrue(Arrays.equals(jd.cochainSampleMajor(), ((SheafTrainer) t).dynamics().cochainSampleMajor()));
    // and it differs from starting at the forward pass
    Trainer fp = Trainer.create(cold.toBuilder().initialCochain(null).build(), TaskKind.REGRESSION, data, null);
    fp.advance(14);
    assertFalse(Arrays.equals(jd.cochainSampleMajor(), ((SheafTrainer) fp).dynamics().cochainSampleMajor()));
  }

  @Test
  void coordinatesAndBadInput() {
    assertEquals(List.of("z1[0]", "z1[1]", "a1[0]", "a1[1]", "z2[0]", "z2[1]", "z2[2]", "a2[0]", "a2[1]", "a2[2]",
        "z3[0]"), CochainInit.freeCoordinates(new int[] {4, 2, 3, 1}));
    assertEquals(2 * (30) + 1, CochainInit.freeDim(new int[] {2, 30, 1}));
    assertEquals(2 * (10 + 8) + 4, CochainInit.freeDim(new int[] {2, 10, 8, 4}));
    int[] widths = {2, 6, 1};
    double[] ok = new double[13 * 10];
    for (Method m : List.of(Method.GD, Method.ADAM, Method.SHEAF_EQUILIBRIUM)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TrainSpec.builder(m, widths, 10).initialCochain(ok).build());
      assertTrue(e.getMessage().contains("sheaf"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainSpec.builder(Method.SHEAF, widths, 10).initialCochain(new double[13 * 10 + 1]).build());
    assertTrue(e.getMessage().contains("13 free coordinates"), e.getMessage());
    double[] nan = ok.clone();
    nan[13 * 4 + 7] = Double.NaN;
    e = assertThrows(IllegalArgumentException.class,
        () -> TrainSpec.builder(Method.SHEAF, widths, 10).initialCochain(nan).build());
    assertTrue(e.getMessage().contains("sample 4, coordinate a1[1]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TrainSpec.builder(Method.SHEAF, widths, 10)
        .regularisation(new Regularisation(0.1, 0, Regularisation.Anchor.INITIAL)).initialCochain(ok).build());
    assertTrue(e.getMessage().contains("anchor"), e.getMessage());
    TrainSpec tenSamples = TrainSpec.builder(Method.SHEAF, widths, 10).initialCochain(ok).build();
    e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.create(tenSamples, TaskKind.REGRESSION, TrainerTest.paraboloid(11, 1), null));
    assertTrue(e.getMessage().contains("10 samples, the training set 11"), e.getMessage());
  }
}
