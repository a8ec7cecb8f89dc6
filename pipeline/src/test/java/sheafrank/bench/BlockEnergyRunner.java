package sheafrank.bench;

import java.util.SplittableRandom;
import sheafrank.diagnostics.Spectrum;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.util.Rng;

/** Throwaway runner (not a unit test) for S12: mean block energy of Fiedler / lambda_max vectors. */
public final class BlockEnergyRunner {
  public static void main(String[] args) {
    for (int[] w : new int[][] {{2, 30, 1}, {2, 10, 8, 1}, {2, 8, 6, 4, 1}}) {
      for (int seed = 0; seed < 3; seed++) {
        Mlp net = Mlp.heNormal(w, OutputActivation.IDENTITY, seed);
        SplittableRandom r = Rng.stream(1000 + seed, 77);
        double[] ef = null;
        double[] et = null;
        double cosF = 0;
        double[] f0 = null;
        for (int k = 0; k < 50; k++) {
          double[] x = new double[2];
          Rng.uniform(r, -2, 2, x);
          Spectrum.Result s = Spectrum.at(net, x, Spectrum.OutputMode.ELIMINATED);
          double[] bf = s.blockEnergy(s.fiedler());
          double[] bt = s.blockEnergy(s.top());
          if (ef == null) {
            ef = new double[bf.length];
            et = new double[bf.length];
            f0 = s.fiedler();
          }
          for (int b = 0; b < bf.length; b++) {
            ef[b] += bf[b] / 50;
            et[b] += bt[b] / 50;
          }
          cosF += Spectrum.absCosine(f0, s.fiedler()) / 50;
        }
        String[] names = Spectrum.at(net, new double[] {1, 0}, Spectrum.OutputMode.ELIMINATED).blockNames();
        StringBuilder sb = new StringBuilder(java.util.Arrays.toString(w) + " seed " + seed + "\n  Fiedler:");
        for (int b = 0; b < names.length; b++) {
          sb.append(String.format(" %s %.3f", names[b], ef[b]));
        }
        sb.append("\n  lambda_max:");
        for (int b = 0; b < names.length; b++) {
          sb.append(String.format(" %s %.3f", names[b], et[b]));
        }
        sb.append(String.format("\n  mean |cos| of Fiedler vectors vs the first input: %.3f", cosF));
        System.out.println(sb);
      }
    }
  }
}
