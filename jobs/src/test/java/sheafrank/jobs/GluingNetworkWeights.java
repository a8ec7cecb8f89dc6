package sheafrank.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import sheafrank.io.MlpSafeTensors;
import sheafrank.io.SafeTensors;
import sheafrank.topology.GluingNetworks;

/**
 * Generates the R9 Fig 1C-D networks (seed 003) in conf/weights: {@code GluingNetworks.caps(2, 16,
 * 0.5)} (circle) and {@code caps(3, 16, 0.3)} (torus), F64, PyTorch nn.Sequential names. Run:
 * java -cp ... sheafrank.jobs.GluingNetworkWeights [DIR]; HomologyJobTest checks that the committed
 * files are exactly what this writes.
 */
public final class GluingNetworkWeights {
  private GluingNetworkWeights() {}

  public static final String CIRCLE = "R9-circle-caps.safetensors";
  public static final String TORUS = "R9-torus-caps.safetensors";

  public static byte[] circle() {
    return MlpSafeTensors.write(GluingNetworks.caps(2, 16, 0.5), SafeTensors.DType.F64);
  }

  public static byte[] torus() {
    return MlpSafeTensors.write(GluingNetworks.caps(3, 16, 0.3), SafeTensors.DType.F64);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args.length > 0 ? args[0] : "conf/weights");
    Files.write(dir.resolve(CIRCLE), circle());
    Files.write(dir.resolve(TORUS), torus());
    System.out.println("wrote " + dir.resolve(CIRCLE) + " and " + dir.resolve(TORUS));
  }
}
