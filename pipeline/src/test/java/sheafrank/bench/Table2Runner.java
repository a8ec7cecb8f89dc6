package sheafrank.bench;

import java.util.SplittableRandom;
import sheafrank.diagnostics.Spectrum;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.util.Rng;

/**
 * Throwaway runner (not a unit test) for S11 / Table 2: lambda_1 of L[Omega,Omega] at
 * initialisation, median and std over 50 inputs, for several init seeds, input distributions,
 * initialisations and output conventions. Run: java -cp ... sheafrank.bench.Table2Runner [seeds]
 */
public final class Table2Runner {
  public static void main(String[] args) {
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int[][] archs = {{2, 30, 1}, {2, 10, 8, 1}, {2, 8, 6, 4, 1}};
    double[] paper = {0.2248, 0.0602, 0.0281};
    double[] paperStd = {0.0200, 0.0047, 0.0060};
    for (String init : new String[] {"he-normal-zero-bias", "torch-default"}) {
      for (String dist : new String[] {"uniform[-2,2]", "normal(0,1)"}) {
        for (Spectrum.OutputMode mode : Spectrum.OutputMode.values()) {
          System.out.printf("%n== init %s, inputs %s, output %s ==%n", init, dist, mode);
          for (int a = 0; a < archs.length; a++) {
            double[] med = new double[seeds];
            double[] sd = new double[seeds];
            double[] fiedlerLast = new double[seeds];
            for (int s = 0; s < seeds; s++) {
              Mlp net = init.startsWith("he") ? Mlp.heNormal(archs[a], OutputActivation.IDENTITY, s)
                  : torchDefault(archs[a], s);
              SplittableRandom r = Rng.stream(1000 + s, 77);
              double[][] xs = new double[50][2];
              for (double[] x : xs) {
                for (int i = 0; i < 2; i++) {
                  x[i] = dist.startsWith("uniform") ? -2 + 4 * r.nextDouble() : r.nextGaussian();
                }
              }
              Spectrum.Stats st = Spectrum.stats(Spectrum.lambda1(net, xs, mode));
              med[s] = st.median();
              sd[s] = st.std();
              if (mode == Spectrum.OutputMode.ELIMINATED) {
                double e = 0;
                for (double[] x : xs) {
                  Spectrum.Result res = Spectrum.at(net, x, mode);
                  double[] be = res.blockEnergy(res.fiedler());
                  e += be[be.length - 1];
                }
                fiedlerLast[s] = e / xs.length;
              }
            }
            Spectrum.Stats m = Spectrum.stats(med);
            Spectrum.Stats v = Spectrum.stats(sd);
            int closest = 0;
            for (int s = 1; s < seeds; s++) {
              if (Math.abs(med[s] - paper[a]) < Math.abs(med[closest] - paper[a])) {
                closest = s;
              }
            }
            System.out.printf("%-16s median over seeds of (median lambda1) %.4f [min %.4f max %.4f], median std %.4f"
                    + " | paper %.4f +- %.4f | seed %d gives %.4f +- %.4f%s%n",
                java.util.Arrays.toString(archs[a]), m.median(), min(med), max(med), v.median(), paper[a], paperStd[a],
                closest, med[closest], sd[closest],
                mode == Spectrum.OutputMode.ELIMINATED ? String.format(" | Fiedler energy on z_{k+1}: %.3f", Spectrum.stats(fiedlerLast).median()) : "");
          }
        }
      }
    }
  }

  static double min(double[] v) {
    double m = Double.MAX_VALUE;
    for (double a : v) m = Math.min(m, a);
    return m;
  }

  static double max(double[] v) {
    double m = -Double.MAX_VALUE;
    for (double a : v) m = Math.max(m, a);
    return m;
  }

  /** PyTorch nn.Linear default: W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
  static Mlp torchDefault(int[] w, long seed) {
    SplittableRandom r = Rng.stream(seed, 0x7041);
    double[][] ws = new double[w.length - 1][];
    double[][] bs = new double[w.length - 1][];
    for (int l = 0; l < w.length - 1; l++) {
      double k = 1 / Math.sqrt(w[l]);
      ws[l] = new double[w[l + 1] * w[l]];
      bs[l] = new double[w[l + 1]];
      Rng.uniform(r, -k, k, ws[l]);
      Rng.uniform(r, -k, k, bs[l]);
    }
    return new Mlp(w, ws, bs, OutputActivation.IDENTITY);
  }
}
