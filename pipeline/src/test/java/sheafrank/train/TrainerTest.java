package sheafrank.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sheafrank.net.Mlp;
import sheafrank.util.Rng;

/** The trainer layer: validation, epochs and warm start, callbacks, divergence, baselines. */
class TrainerTest {

  /** A small paraboloid-like regression set (x uniform on [-2,2]^2, y = |x|^2 - 2/3). */
  static Samples paraboloid(int n, long seed) {
    SplittableRandom r = Rng.stream(seed, 9);
    double[] x = new double[2 * n];
    double[] y = new double[n];
    Rng.uniform(r, -2, 2, x);
    for (int s = 0; s < n; s++) {
      y[s] = x[2 * s] * x[2 * s] + x[2 * s + 1] * x[2 * s + 1] - 2.0 / 3;
    }
    return new Samples(x, y, n, 2, 1);
  }

  /** Two classes by radius. */
  static Samples disk(int n, long seed) {
    SplittableRandom r = Rng.stream(seed, 10);
    double[] x = new double[2 * n];
    double[] y = new double[n];
    Rng.uniform(r, -2, 2, x);
    for (int s = 0; s < n; s++) {
      y[s] = x[2 * s] * x[2 * s] + x[2 * s + 1] * x[2 * s + 1] > 1.5 ? 1 : 0;
    }
    return new Samples(x, y, n, 2, 1);
  }

  @Test
  void badInputIsRejectedBeforeWork() {
    Samples data = paraboloid(20, 1);
    int[] widths = {2, 8, 1};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Loss.parse("hinge"));
    assertTrue(e.getMessage().contains("unknown loss"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TrainSpec.builder(Method.SHEAF, widths, 10).beta(0).build());
    assertTrue(e.getMessage().contains("beta"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TrainSpec.builder(Method.SHEAF, widths, 10).beta(-1e-3).build());
    assertTrue(e.getMessage().contains("beta"), e.getMessage());
    TrainSpec wrongIn = TrainSpec.builder(Method.GD, new int[] {3, 8, 1}, 10).build();
    e = assertThrows(IllegalArgumentException.class, () -> Trainer.create(wrongIn, TaskKind.REGRESSION, data, null));
    assertTrue(e.getMessage().contains("widths [3, 8, 1]"), e.getMessage());
    TrainSpec wrongOut = TrainSpec.builder(Method.SHEAF, new int[] {2, 8, 2}, 10).build();
    e = assertThrows(IllegalArgumentException.class, () -> Trainer.create(wrongOut, TaskKind.REGRESSION, data, null));
    assertTrue(e.getMessage().contains("output dimension 1"), e.getMessage());
    TrainSpec ok = TrainSpec.builder(Method.SHEAF, widths, 10).build();
    e = assertThrows(IllegalArgumentException.class, () -> ok.checkDims(TaskKind.REGRESSION, 2, 1, 0));
    assertTrue(e.getMessage().contains("n_train"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Samples(new double[0], new double[0], 0, 2, 1));
    TrainSpec bce = TrainSpec.builder(Method.SHEAF, widths, 10).loss(Loss.bce()).build();
    e = assertThrows(IllegalArgumentException.class, () -> Trainer.create(bce, TaskKind.REGRESSION, data, null));
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Method.parse("newton"));
    assertThrows(IllegalArgumentException.class,
        () -> TrainSpec.builder(Method.SHEAF_EQUILIBRIUM, widths, 10).loss(Loss.l1()).build());
    assertThrows(IllegalArgumentException.class, () -> TrainSpec.builder(Method.SHEAF, widths, 10).dt(0).build());
    assertEquals(Loss.huber(0.5), Loss.parse("Huber(0.5)"));
    assertEquals(Loss.pNorm(3), Loss.parse("pnorm:3"));
  }

  /**
   * Warm start makes epochs invisible: the same run cut into epochs of 7 or of 1000 steps is
   * identical. Without warm start, each later epoch restarts the cochain from the forward pass of
   * the current weights.
   */
  @Test
  void epochsAndWarmStart() {
    Samples data = paraboloid(15, 2);
    int[] widths = {2, 6, 1};
    TrainSpec a = TrainSpec.builder(Method.SHEAF, widths, 50).stepsPerEpoch(7).dt(0.02).build();
    TrainSpec b = a.toBuilder().stepsPerEpoch(1000).build();
    TrainResult ra = Trainer.create(a, TaskKind.REGRESSION, data, null).run(null);
    TrainResult rb = Trainer.create(b, TaskKind.REGRESSION, data, null).run(null);
    for (int l = 0; l < 2; l++) {
      assertArrayEquals(ra.network().weights(l), rb.network().weights(l), 0.0);
    }
    TrainSpec cold = a.toBuilder().warmStart(false).init(CochainInit.FORWARD_PASS).build();
    Trainer t = Trainer.create(cold, TaskKind.REGRESSION, data, null);
    t.advance(14);
    // by hand: 7 steps from the forward pass, restart from the forward pass, 7 more
    Mlp start = cold.startingNetwork(TaskKind.REGRESSION);
    JointDynamics jd = new JointDynamics(start, data, Loss.l2(), 1.0, 1.0 / 15, Regularisation.NONE);
    jd.initCochain(CochainInit.FORWARD_PASS, 0, 0);
    jd.run(7, 0.02);
    jd.initCochain(CochainInit.FORWARD_PASS, 0, 1);
    jd.run(7, 0.02);
    assertArrayEquals(jd.cochainSampleMajor(), ((SheafTrainer) t).dynamics().cochainSampleMajor(), 0.0);
    // a warm run differs from the cold one after the first restart
    Trainer tw = Trainer.create(cold.toBuilder().warmStart(true).build(), TaskKind.REGRESSION, data, null);
    tw.advance(14);
    assertFalse(java.util.Arrays.equals(jd.cochainSampleMajor(), ((SheafTrainer) tw).dynamics().cochainSampleMajor()));
  }

  @Test
  void progressAndCurveCallbacks() {
    Samples data = paraboloid(30, 3);
    Samples test = paraboloid(10, 4);
    TrainSpec spec = TrainSpec.builder(Method.SHEAF, new int[] {2, 8, 1}, 1000)
        .curveEvery(250).progressEvery(400).build();
    List<CurvePoint> seen = new ArrayList<>();
    List<TrainListener.Progress> prog = new ArrayList<>();
    TrainResult r = Trainer.create(spec, TaskKind.REGRESSION, data, test).run(new TrainListener() {
      @Override
      public void onProgress(Progress p) {
        prog.add(p);
      }

      @Override
      public void onCurvePoint(CurvePoint p) {
        seen.add(p);
      }
    });
    assertEquals(TrainResult.Status.COMPLETED, r.status());
    assertEquals(List.of(0L, 250L, 500L, 750L, 1000L), seen.stream().map(CurvePoint::step).toList());
    assertEquals(seen, r.curve());
    assertEquals(List.of(400L, 800L), prog.stream().map(TrainListener.Progress::step).toList());
    assertTrue(prog.get(0).stepsPerSecond() > 0);
    // the curve's losses are the forward-pass metrics of the weights at those steps
    assertEquals(r.train().loss(), seen.get(4).trainLoss(), 0.0);
    assertEquals(r.test().loss(), seen.get(4).testLoss(), 0.0);
    assertTrue(seen.get(4).trainLoss() < seen.get(0).trainLoss());
  }

  /** A blow-up is reported as DIVERGED with its step; nothing is thrown and the run stops. */
  @Test
  void divergenceIsAStatusNotAnException() {
    Samples data = paraboloid(30, 5);
    TrainSpec sheaf = TrainSpec.builder(Method.SHEAF, new int[] {2, 8, 1}, 100_000)
        .beta(50).dt(0.5).build();
    TrainResult r = Trainer.create(sheaf, TaskKind.REGRESSION, data, null).run(null);
    assertEquals(TrainResult.Status.DIVERGED, r.status());
    assertTrue(r.divergedAtStep() > 0 && r.divergedAtStep() < 100_000, "step " + r.divergedAtStep());
    assertEquals(r.divergedAtStep(), r.steps());
    assertTrue(Double.isNaN(r.train().loss()));
    assertFalse(r.message().isEmpty());
    TrainSpec gd = TrainSpec.builder(Method.GD, new int[] {2, 8, 1}, 100_000).lr(5).curveEvery(10).build();
    TrainResult g = Trainer.create(gd, TaskKind.REGRESSION, data, null).run(null);
    assertEquals(TrainResult.Status.DIVERGED, g.status());
    assertTrue(g.steps() < 100_000);
    assertNotNull(g.network(), "the last healthy weights are kept");
  }

  /** Gradient descent on a small regression lowers the loss; on a separable disk it classifies. */
  @Test
  void baselinesLearn() {
    Samples data = paraboloid(60, 6);
    TrainResult gd = Trainer.create(TrainSpec.builder(Method.GD, new int[] {2, 16, 1}, 3000).build(),
        TaskKind.REGRESSION, data, null).run(null);
    double start = Metrics.evaluate(Mlp.heNormal(new int[] {2, 16, 1}, sheafrank.net.OutputActivation.IDENTITY, 42), data, TaskKind.REGRESSION).loss();
    assertTrue(gd.train().loss() < 0.2 * start, gd.train().loss() + " vs " + start);
    Samples cls = disk(80, 7);
    TrainResult ad = Trainer.create(TrainSpec.builder(Method.ADAM, new int[] {2, 16, 1}, 300).lr(1e-2).batchSize(16).build(),
        TaskKind.BINARY, cls, null).run(null);
    assertTrue(ad.train().accuracy() > 0.9, "accuracy " + ad.train().accuracy());
  }

  /**
   * Adam's first update moves every parameter by lr * g / (|g| + eps) (m-hat = g, v-hat = g^2),
   * i.e. by about lr against the sign of its gradient; shuffling is deterministic in the seed.
   */
  @Test
  void adamFirstStepAndDeterminism() {
    Samples data = paraboloid(10, 8);
    int[] widths = {2, 5, 1};
    TrainSpec spec = TrainSpec.builder(Method.ADAM, widths, 1).lr(0.01).batchSize(10).build();
    Trainer t = Trainer.create(spec, TaskKind.REGRESSION, data, null);
    Mlp before = t.network();
    t.advance(1);
    Mlp after = t.network();
    Backprop bp = new Backprop(widths, 10);
    double[][] gW = {new double[10], new double[5]};
    double[][] gB = {new double[5], new double[1]};
    bp.lossAndGradient(SheafLossTest.w(before), SheafLossTest.b(before), Metrics.rows(data.x(), 10, 2),
        Metrics.rows(data.y(), 10, 1), 10, TaskKind.REGRESSION, gW, gB);
    for (int l = 0; l < 2; l++) {
      for (int i = 0; i < gW[l].length; i++) {
        double g = gW[l][i];
        assertEquals(before.weights(l)[i] - 0.01 * g / (Math.abs(g) + 1e-8), after.weights(l)[i], 1e-12);
      }
    }
    TrainSpec many = TrainSpec.builder(Method.ADAM, widths, 5).batchSize(3).build();
    Mlp a1 = Trainer.create(many, TaskKind.REGRESSION, data, null).run(null).network();
    Mlp a2 = Trainer.create(many, TaskKind.REGRESSION, data, null).run(null).network();
    Mlp a3 = Trainer.create(many.toBuilder().seed(7).weightSeed(42L).build(), TaskKind.REGRESSION, data, null).run(null).network();
    assertArrayEquals(a1.weights(0), a2.weights(0), 0.0);
    assertFalse(java.util.Arrays.equals(a1.weights(0), a3.weights(0)), "another shuffle seed changes the run");
  }

  /**
   * The exact-equilibrium method is gradient descent on the sheaf loss L(theta) (seed 002
   * Def. 11.3): each outer step moves theta along -grad L_P(theta), L_P the loss for the pattern P
   * of that step's equilibria, so with a small outer step L_P falls across the step (descent
   * lemma), whatever the pattern does between steps; and L falls substantially overall.
   */
  @Test
  void equilibriumMethodDescendsTheSheafLoss() {
    int n = 40;
    Samples data = paraboloid(n, 11);
    int[] widths = {2, 8, 1};
    EquilibriumTrainer run = (EquilibriumTrainer) Trainer.create(
        TrainSpec.builder(Method.SHEAF_EQUILIBRIUM, widths, 300).outerDt(0.02).adaptiveOuterStep(false).build(),
        TaskKind.REGRESSION, data, null);
    SheafLoss frozenLoss = new SheafLoss(widths, Loss.l2(), n);
    double[][] x = Metrics.rows(data.x(), n, 2);
    double[][] y = Metrics.rows(data.y(), n, 1);
    double first = Double.NaN;
    double last = Double.NaN;
    for (int k = 0; k < 300; k++) {
      Mlp before = run.network();
      run.advance(1);
      Mlp after = run.network();
      boolean[][][] pat = new boolean[n][1][8];
      for (int s = 0; s < n; s++) {
        for (int j = 0; j < 8; j++) {
          pat[s][0][j] = run.solver().patternMask(0)[j][s] == 1.0;
        }
      }
      double l0 = frozenLoss.evaluate(SheafLossTest.w(before), SheafLossTest.b(before), x, y, n, pat, 1, null, null);
      double l1 = frozenLoss.evaluate(SheafLossTest.w(after), SheafLossTest.b(after), x, y, n, pat, 1, null, null);
      assertEquals(run.result().sheafLoss() * n, l0, 1e-9 * l0, "the step's loss is L_P at the old weights");
      assertTrue(l1 < l0, "L_P rose across step " + k + ": " + l0 + " -> " + l1);
      if (k == 0) {
        first = l0;
      }
      last = l1;
    }
    assertTrue(last < 0.5 * first, "L fell only from " + first + " to " + last);
  }

  /**
   * Step-size control of the exact-equilibrium scheme: started with an outer step far beyond
   * stability, rejected trials are undone exactly (the weights return to the last accepted point),
   * an accepted sheaf loss never exceeds the largest of the ten before it (non-monotone Armijo),
   * and the run converges instead of diverging (the fixed step does diverge).
   */
  @Test
  void equilibriumStepSizeControl() {
    Samples data = paraboloid(60, 12);
    int[] widths = {2, 10, 1};
    TrainSpec fixed = TrainSpec.builder(Method.SHEAF_EQUILIBRIUM, widths, 200).outerDt(60).adaptiveOuterStep(false).build();
    TrainResult rf = Trainer.create(fixed, TaskKind.REGRESSION, data, null).run(null);
    double start = Metrics.evaluate(fixed.startingNetwork(TaskKind.REGRESSION), data, TaskKind.REGRESSION).loss();
    assertTrue(rf.diverged() || rf.train().loss() > start, "a fixed outer step of 60 should be unstable: " + rf.train().loss());
    EquilibriumTrainer t = (EquilibriumTrainer) Trainer.create(fixed.toBuilder().adaptiveOuterStep(true).build(),
        TaskKind.REGRESSION, data, null);
    java.util.List<Double> acceptedL = new ArrayList<>();
    Mlp accepted = t.network();
    long rejectedBefore = 0;
    for (int k = 0; k < 200; k++) {
      t.advance(1);
      double l = t.result().sheafLoss();
      long rej = t.acceptedRejected()[1];
      if (rej == rejectedBefore && k > 0) {
        int from = Math.max(0, acceptedL.size() - 10);
        double ref = acceptedL.subList(from, acceptedL.size()).stream().mapToDouble(Double::doubleValue).max().orElse(Double.POSITIVE_INFINITY);
        assertTrue(l <= ref, "accepted L above the non-monotone reference at step " + k);
      }
      if (rej == rejectedBefore) {
        acceptedL.add(l);
      }
      Mlp now = t.network();
      if (rej > rejectedBefore) {
        for (int layer = 0; layer < 2; layer++) {
          assertArrayEquals(accepted.weights(layer), now.weights(layer), 0.0, "a rejected trial must be undone");
        }
      }
      rejectedBefore = rej;
      accepted = now;
    }
    TrainResult ra = t.result();
    assertFalse(ra.diverged());
    assertTrue(t.acceptedRejected()[1] > 0, "the control never rejected a step");
    assertTrue(ra.train().loss() < 0.3 * start, "adaptive run reached " + ra.train().loss() + " from " + start);
    assertTrue(t.integrationTime() > 0);
  }
}
