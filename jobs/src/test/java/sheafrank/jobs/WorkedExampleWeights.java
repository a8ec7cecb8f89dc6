package sheafrank.jobs;

import java.nio.file.Path;
import java.nio.file.Paths;
import sheafrank.io.MlpSafeTensors;
import sheafrank.io.SafeTensors;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;

/**
 * Generates conf/weights/worked-example.safetensors: the [2, 2, 1] network of seed 002 §13.6 as
 * reconstructed in docs/worked-example.md (the chapter prints no weights): W1 = [[1, 0], [0,
 * 0.5]], b1 = 0 (so W1 x + b1 = (1, 1) at x = (1, 2)), W2 = (1/2, 1/2), b2 = 1 (forward output 2), the
 * only choice consistent with the printed equilibrium. F64, PyTorch nn.Sequential names.
 * Run: java -cp ... sheafrank.jobs.WorkedExampleWeights [FILE]; WorkedExampleWeightsTest checks
 * that the committed file is exactly what this writes.
 */
public final class WorkedExampleWeights {
  private WorkedExampleWeights() {}

  public static Mlp network() {
    return new Mlp(new int[] {2, 2, 1}, new double[][] {{1, 0, 0, 0.5}, {0.5, 0.5}},
        new double[][] {{0, 0}, {1}}, OutputActivation.IDENTITY);
  }

  public static byte[] bytes() {
    return MlpSafeTensors.write(network(), SafeTensors.DType.F64);
  }

  public static void main(String[] args) throws Exception {
    Path out = Paths.get(args.length > 0 ? args[0] : "conf/weights/worked-example.safetensors");
    java.nio.file.Files.write(out, bytes());
    System.out.println("wrote " + out);
  }
}
