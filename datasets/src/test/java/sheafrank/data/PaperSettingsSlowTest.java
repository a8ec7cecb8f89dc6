package sheafrank.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sheafrank.train.Method;
import sheafrank.train.TrainResult;
import sheafrank.train.TrainSpec;
import sheafrank.train.Trainer;

/**
 * S7 at the paper's settings for one configuration (seed 001 Table 1, paraboloid 1H): [2,30,1],
 * dt 0.005, 10^5 Euler steps, alpha 1, beta 1/300, random cochain with warm start; and full-batch
 * GD with lr 0.005 for 10^5 epochs. The paper reports test MSE 0.0884 (sheaf) and 0.0044 (GD);
 * our data and initial weights are other draws from the same distributions, so we ask for the same
 * regime: sheaf within a factor 1.5 of 0.0884, GD an order of magnitude below the sheaf.
 */
@Tag("slow")
class PaperSettingsSlowTest {
  @Test
  void paraboloidOneHiddenLayer() {
    Dataset d = Task.PARABOLOID.paperData();
    int[] widths = Task.PARABOLOID.paperWidths(1);
    TrainSpec sheaf = TrainSpec.builder(Method.SHEAF, widths, 100_000).build();
    assertEquals(0.005, sheaf.dt());
    assertEquals(1.0 / 300, sheaf.beta(d.nTrain()));
    TrainResult s = Trainer.create(sheaf, d.kind(), d.train(), d.test()).run(null);
    assertEquals(TrainResult.Status.COMPLETED, s.status());
    assertTrue(s.test().loss() > 0.0884 / 1.5 && s.test().loss() < 0.0884 * 1.5, "sheaf test MSE " + s.test().loss());
    TrainResult g = Trainer.create(TrainSpec.builder(Method.GD, widths, 100_000).build(), d.kind(), d.train(), d.test()).run(null);
    assertTrue(g.test().loss() < s.test().loss() / 5, "GD test MSE " + g.test().loss());
  }
}
