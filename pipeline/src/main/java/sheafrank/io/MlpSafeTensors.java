package sheafrank.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;

/**
 * ReLU MLPs to and from safetensors.
 *
 * <p><b>Reading rule.</b> The layers are the tensors whose name is {@code weight} or ends in
 * {@code .weight} / {@code _weight}, ordered by the integers that appear in their names (compared
 * as number lists, e.g. "0.weight" &lt; "2.weight" &lt; "10.weight", "fc1.weight" &lt; "fc2.weight",
 * "layers.0.weight" &lt; "layers.1.weight"); two weights whose number lists are equal cannot be
 * ordered and are an error. Each weight is a 2-D PyTorch {@code nn.Linear} weight
 * {@code [out_features, in_features]} (row-major, exactly {@link Mlp}'s layout); its bias is the
 * tensor with the same name ending in {@code bias} instead, 1-D {@code [out_features]}. A missing
 * bias is an error unless {@code zeroMissingBias} (then it is zero: {@code nn.Linear(bias=False)}).
 * Any other tensor (batch-norm statistics, embeddings, ...) is an error: only plain
 * Linear/ReLU stacks are networks this project can embed. Shapes must chain, values must be finite.
 * Hidden layers are ReLU; the output activation is not stored in PyTorch weights and must be given.
 *
 * <p><b>Writing.</b> {@code nn.Sequential(Linear, ReLU, Linear, ...)} naming: "0.weight",
 * "0.bias", "2.weight", ..., metadata {"format": "pt", "widths": "[2, 30, 1]", "output":
 * "identity"}.
 */
public final class MlpSafeTensors {
  private MlpSafeTensors() {}

  public static Mlp read(Path p, OutputActivation output) throws IOException {
    try {
      return toMlp(SafeTensors.read(Files.readAllBytes(p)), output, false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
    }
  }

  public static Mlp read(byte[] bytes, OutputActivation output) {
    return toMlp(SafeTensors.read(bytes), output, false);
  }

  /** Maps validated tensors to a network by the rule in the class comment. */
  public static Mlp toMlp(SafeTensors.Contents f, OutputActivation output, boolean zeroMissingBias) {
    if (output == null) {
      throw new IllegalArgumentException("the output activation must be given (identity, sigmoid or softmax)");
    }
    Map<String, SafeTensors.Tensor> ts = f.tensors();
    List<String> weights = new ArrayList<>();
    for (String name : ts.keySet()) {
      if (name.equals("weight") || name.endsWith(".weight") || name.endsWith("_weight")) {
        weights.add(name);
      }
    }
    if (weights.isEmpty()) {
      throw new IllegalArgumentException("no weight tensors found (names ending in 'weight'); tensors: " + ts.keySet());
    }
    weights.sort((a, b) -> compareNumbers(numbers(a), numbers(b)));
    for (int k = 1; k < weights.size(); k++) {
      if (compareNumbers(numbers(weights.get(k - 1)), numbers(weights.get(k))) == 0) {
        throw new IllegalArgumentException("cannot order weight tensors '" + weights.get(k - 1) + "' and '"
            + weights.get(k) + "': their names carry the same layer numbers " + numbers(weights.get(k)));
      }
    }
    Set<String> used = new LinkedHashSet<>(weights);
    int depth = weights.size();
    int[] widths = new int[depth + 1];
    double[][] w = new double[depth][];
    double[][] b = new double[depth][];
    for (int l = 0; l < depth; l++) {
      String wn = weights.get(l);
      SafeTensors.Tensor wt = ts.get(wn);
      if (wt.shape().length != 2) {
        throw new IllegalArgumentException("tensor '" + wn + "' has shape " + Arrays.toString(wt.shape())
            + "; a Linear weight must be 2-D [out_features, in_features]");
      }
      int out = (int) wt.shape()[0];
      int in = (int) wt.shape()[1];
      if (out < 1 || in < 1) {
        throw new IllegalArgumentException("tensor '" + wn + "' has an empty shape " + Arrays.toString(wt.shape()));
      }
      if (l == 0) {
        widths[0] = in;
      } else if (in != widths[l]) {
        throw new IllegalArgumentException("tensor '" + wn + "' has shape " + Arrays.toString(wt.shape())
            + " (in_features " + in + ") but the previous layer '" + weights.get(l - 1) + "' has out_features "
            + widths[l] + ": shapes do not chain");
      }
      widths[l + 1] = out;
      w[l] = finite(wt, in);
      String bn = wn.substring(0, wn.length() - "weight".length()) + "bias";
      SafeTensors.Tensor bt = ts.get(bn);
      if (bt == null) {
        if (!zeroMissingBias) {
          throw new IllegalArgumentException("tensor '" + wn + "' has no bias '" + bn
              + "' (read with zeroMissingBias for Linear(bias=False))");
        }
        b[l] = new double[out];
      } else {
        if (bt.shape().length != 1 || bt.shape()[0] != out) {
          throw new IllegalArgumentException("tensor '" + bn + "' has shape " + Arrays.toString(bt.shape())
              + " but '" + wn + "' has " + out + " out_features: expected [" + out + "]");
        }
        b[l] = finite(bt, 0);
        used.add(bn);
      }
    }
    for (String name : ts.keySet()) {
      if (!used.contains(name)) {
        throw new IllegalArgumentException("tensor '" + name + "' is not the weight or bias of a Linear layer;"
            + " only plain Linear/ReLU stacks can be read");
      }
    }
    return new Mlp(widths, w, b, output);
  }

  private static double[] finite(SafeTensors.Tensor t, int cols) {
    double[] d = t.data();
    for (int k = 0; k < d.length; k++) {
      if (!Double.isFinite(d[k])) {
        String where = cols > 0 ? " (row " + k / cols + ", column " + k % cols + ")" : "";
        throw new IllegalArgumentException("tensor '" + t.name() + "' holds " + d[k] + " at index " + k + where);
      }
    }
    return d.clone();
  }

  static List<Long> numbers(String name) {
    List<Long> out = new ArrayList<>();
    int k = 0;
    while (k < name.length()) {
      if (Character.isDigit(name.charAt(k))) {
        int s = k;
        while (k < name.length() && Character.isDigit(name.charAt(k))) {
          k++;
        }
        out.add(Long.parseLong(name.substring(s, Math.min(k, s + 18))));
      } else {
        k++;
      }
    }
    return out;
  }

  private static int compareNumbers(List<Long> a, List<Long> b) {
    for (int k = 0; k < Math.min(a.size(), b.size()); k++) {
      int c = Long.compare(a.get(k), b.get(k));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  /** The network as nn.Sequential-named tensors. */
  public static List<SafeTensors.Tensor> toTensors(Mlp net, SafeTensors.DType dtype) {
    List<SafeTensors.Tensor> out = new ArrayList<>();
    int[] n = net.widths();
    for (int l = 0; l < net.depth(); l++) {
      out.add(new SafeTensors.Tensor((2 * l) + ".weight", dtype, new long[] {n[l + 1], n[l]}, net.weights(l).clone()));
      out.add(new SafeTensors.Tensor((2 * l) + ".bias", dtype, new long[] {n[l + 1]}, net.bias(l).clone()));
    }
    return out;
  }

  public static byte[] write(Mlp net, SafeTensors.DType dtype) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("widths", Arrays.toString(net.widths()));
    meta.put("output", net.output().id());
    return SafeTensors.write(toTensors(net, dtype), meta);
  }

  public static void write(Mlp net, SafeTensors.DType dtype, Path p) throws IOException {
    Files.write(p, write(net, dtype));
  }
}
