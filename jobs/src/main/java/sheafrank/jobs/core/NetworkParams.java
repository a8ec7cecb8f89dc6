package sheafrank.jobs.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import sheafrank.io.MlpSafeTensors;
import sheafrank.io.SafeTensors;
import sheafrank.jobs.core.Param.Type;
import sheafrank.net.Mlp;
import sheafrank.net.OutputActivation;
import sheafrank.util.Rng;

/**
 * The network keys shared by the sheaf jobs: where the network comes from and, for a fresh one,
 * its architecture and initialisation.
 *
 * <p><b>Source, by precedence:</b> {@code network.weights} (a safetensors file: PyTorch
 * {@code nn.Linear} stack, see {@link MlpSafeTensors}) &gt; {@code network.model_table} +
 * {@code network.model_id} (the project's {@link ModelTable}) &gt; He-normal initialisation from
 * {@code network.seed} (and {@code network.bias_sd}). A loaded network is read and validated before
 * Spark starts (missing file, shapes that do not chain, NaN/Inf, unknown tensors: exit 2 with the
 * file and tensor named).
 *
 * <p><b>widths / output with a loaded network:</b> taken from the network. If the config sets them
 * explicitly (file or --set) they must agree with it, else the run stops with an error naming both;
 * {@code network.seed} and {@code network.bias_sd} are ignored. The output activation is not part
 * of a PyTorch file: it comes from the {@code output} key, else from the file's metadata
 * {@code "output"} (written by this project), else identity. The resolved widths and output, and
 * {@code network.sha256} (a hash of the loaded network's values), are recorded in the run's config,
 * so the run id changes when the weights do. Relative paths are relative to the working directory.
 */
public final class NetworkParams {
  private NetworkParams() {}

  public static final String WEIGHTS = "network.weights";
  public static final String MODEL_TABLE = "network.model_table";
  public static final String MODEL_ID = "network.model_id";
  public static final String SHA = "network.sha256";
  public static final String CHECKPOINT = "network.checkpoint";

  public static List<Param> params(String defaultWidths, String defaultOutput) {
    return List.of(
        Param.of("widths", Type.INT_LIST, defaultWidths,
                "layer widths [n0, n1, ..., nL] (a loaded network's if it is loaded; must agree if set)")
            .check(v -> {
              try {
                Mlp.validateWidths((int[]) v);
                return null;
              } catch (IllegalArgumentException e) {
                return e.getMessage();
              }
            }),
        Param.of("output", Type.STRING, defaultOutput, "output activation: identity, sigmoid or softmax")
            .oneOf("identity", "sigmoid", "softmax"),
        Param.of("network.seed", Type.LONG, "0", "seed of the He-normal weights (ignored for a loaded network)"),
        Param.of("network.bias_sd", Type.DOUBLE, "0.0",
                "standard deviation of N(0, sd^2) biases (0 = zero biases, the papers' He init)")
            .nonNegative(),
        Param.of(WEIGHTS, Type.STRING, "\"\"",
            "safetensors file with the network (PyTorch Linear stack); overrides the model table and He init"),
        Param.of(MODEL_TABLE, Type.STRING, "\"\"",
            "the project's models table (OUT/models or one run's folder) to load network.model_id from"),
        Param.of(MODEL_ID, Type.STRING, "\"\"", "model_id of the network in network.model_table"),
        Param.of(CHECKPOINT, Type.STRING, ModelTable.LAST,
                "checkpoint of a trained model in network.model_table: an epoch (0 = before training) or "
                    + ModelTable.LAST + " (the last stored; resolved to its epoch in the run's config)")
            .check(v -> v.equals(ModelTable.LAST) || ((String) v).matches("\\d{1,9}") ? null
                : "must be an epoch number >= 0 or '" + ModelTable.LAST + "', got '" + v + "'"),
        Param.of(SHA, Type.STRING, "\"\"",
            "derived: SHA-256 of the loaded network (widths, output, values); if set, the loaded network must match"));
  }

  /** Where the network comes from. */
  public enum Source {
    WEIGHTS_FILE,
    MODEL_TABLE,
    INIT
  }

  public static Source source(Spec spec) {
    if (!spec.getString(WEIGHTS).isEmpty()) {
      return Source.WEIGHTS_FILE;
    }
    if (!spec.getString(MODEL_TABLE).isEmpty()) {
      return Source.MODEL_TABLE;
    }
    return Source.INIT;
  }

  /**
   * Loads the network if it comes from elsewhere and writes its widths, output and hash into the
   * spec; checks the widths/output keys against it. ConfigException names the key and file.
   */
  public static Spec resolve(Spec spec) {
    if (!spec.getString(MODEL_ID).isEmpty() && spec.getString(MODEL_TABLE).isEmpty()
        && spec.getString(WEIGHTS).isEmpty()) {
      throw new ConfigException("config key '" + MODEL_ID + "' needs '" + MODEL_TABLE + "' (the models table to read it from)");
    }
    Source src = source(spec);
    // "last" is the default, and a run's recorded config spells every default out.
    if (src != Source.MODEL_TABLE && spec.isSet(CHECKPOINT) && !spec.getString(CHECKPOINT).equals(ModelTable.LAST)) {
      throw new ConfigException("config key '" + CHECKPOINT + "' selects a checkpoint in '" + MODEL_TABLE
          + "', which is not " + (src == Source.INIT ? "set" : "used (the network comes from '" + WEIGHTS + "')"));
    }
    if (src == Source.INIT) {
      if (!spec.getString(SHA).isEmpty()) {
        throw new ConfigException("config key '" + SHA + "' applies to a loaded network, but neither '"
            + WEIGHTS + "' nor '" + MODEL_TABLE + "' is set");
      }
      return spec;
    }
    Mlp net = load(spec);
    String what = describe(spec);
    if (spec.isSet("widths") && !Arrays.equals(spec.getIntList("widths"), net.widths())) {
      throw new ConfigException("config key 'widths' = " + Arrays.toString(spec.getIntList("widths"))
          + " disagrees with the network of " + what + ", which has widths " + Arrays.toString(net.widths())
          + " (remove the key or set it to the loaded widths)");
    }
    String sha = sha256(net);
    if (!spec.getString(SHA).isEmpty() && !spec.getString(SHA).equalsIgnoreCase(sha)) {
      throw new ConfigException("config key '" + SHA + "' = " + spec.getString(SHA) + " but the network of "
          + what + " has hash " + sha + " (it changed since the config was written)");
    }
    Spec out = spec.with("widths", net.widths()).with("output", net.output().id()).with(SHA, sha);
    Integer epoch = src == Source.MODEL_TABLE ? checkpoint(spec) : null;
    return epoch == null ? out : out.with(CHECKPOINT, String.valueOf(epoch));
  }

  /**
   * The epoch {@code network.checkpoint} selects in the model table: the given one, or for
   * {@code last} the model's last stored epoch; null for a model stored without checkpoints.
   * ConfigException when the model or the epoch is absent (listing the stored epochs).
   */
  static Integer checkpoint(Spec spec) {
    String table = spec.getString(MODEL_TABLE);
    String id = spec.getString(MODEL_ID);
    String cp = spec.getString(CHECKPOINT);
    List<Integer> epochs;
    try {
      epochs = ModelTable.checkpoints(table, id);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + MODEL_TABLE + "': " + e.getMessage(), e);
    }
    if (cp.equals(ModelTable.LAST)) {
      return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }
    int e = Integer.parseInt(cp);
    if (!epochs.contains(e)) {
      throw new ConfigException("config key '" + CHECKPOINT + "' = " + cp + ": model table " + table + ", model '" + id
          + "' has " + (epochs.isEmpty() ? "no checkpoints (it was stored without epochs; use " + ModelTable.LAST + ")"
              : "no checkpoint at epoch " + e + " (checkpoints: " + epochs + ")"));
    }
    return e;
  }

  /** "file X" or "model table T, model M", for messages. */
  static String describe(Spec spec) {
    return switch (source(spec)) {
      case WEIGHTS_FILE -> "weight file " + spec.getString(WEIGHTS);
      case MODEL_TABLE -> "model table " + spec.getString(MODEL_TABLE) + ", model '" + spec.getString(MODEL_ID) + "'"
          + (spec.getString(CHECKPOINT).equals(ModelTable.LAST) ? "" : ", epoch " + spec.getString(CHECKPOINT));
      case INIT -> "He initialisation (network.seed " + spec.getLong("network.seed") + ")";
    };
  }

  /** Reads and validates the network a spec names (weight file or model table). */
  static Mlp load(Spec spec) {
    if (source(spec) == Source.WEIGHTS_FILE) {
      String file = spec.getString(WEIGHTS);
      SafeTensors.Contents contents = readContents(WEIGHTS, file);
      String meta = contents.metadata() == null ? null : contents.metadata().get("output");
      String output = spec.getString("output");
      if (meta != null && !spec.isSet("output")) {
        output = meta;
      } else if (meta != null && !meta.equals(output)) {
        throw new ConfigException("config key 'output' = " + output + " disagrees with weight file " + file
            + ", whose metadata says output = " + meta);
      }
      OutputActivation out;
      try {
        out = OutputActivation.parse(output);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("weight file " + file + ": unknown output activation '" + output + "' in its metadata");
      }
      try {
        return MlpSafeTensors.toMlp(contents, out, false);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key '" + WEIGHTS + "': weight file " + file + ": " + e.getMessage(), e);
      }
    }
    String table = spec.getString(MODEL_TABLE);
    String id = spec.getString(MODEL_ID);
    if (id.isEmpty()) {
      String known;
      try {
        List<String> ids = ModelTable.modelIds(table);
        known = ids.isEmpty() ? "the table is empty" : "models: " + String.join(", ", ids.subList(0, Math.min(20, ids.size())));
      } catch (IllegalArgumentException e) {
        known = e.getMessage();
      }
      throw new ConfigException("config key '" + MODEL_ID + "' is required with '" + MODEL_TABLE + "' (" + known + ")");
    }
    Mlp net;
    try {
      net = ModelTable.read(table, id, checkpoint(spec));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + MODEL_TABLE + "': " + e.getMessage(), e);
    }
    if (spec.isSet("output") && !spec.getString("output").equals(net.output().id())) {
      throw new ConfigException("config key 'output' = " + spec.getString("output") + " disagrees with "
          + describe(spec) + ", stored with output = " + net.output().id());
    }
    return net;
  }

  /**
   * Reads a safetensors file named by config key {@code key}; ConfigException naming the key and the
   * file when it is missing, unreadable or not safetensors.
   */
  public static SafeTensors.Contents readContents(String key, String file) {
    Path p = Paths.get(file);
    if (!Files.isRegularFile(p)) {
      throw new ConfigException("config key '" + key + "': weight file " + file + " does not exist or is not a file"
          + (p.isAbsolute() ? "" : " (relative to the working directory " + Paths.get("").toAbsolutePath() + ")"));
    }
    try {
      return SafeTensors.read(Files.readAllBytes(p));
    } catch (IOException e) {
      throw new ConfigException("config key '" + key + "': cannot read weight file " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + key + "': weight file " + file + " is not valid safetensors: "
          + e.getMessage(), e);
    }
  }

  /** Cross-field checks of the network keys (on the resolved spec). */
  public static void validate(Spec spec) {
    int[] w = spec.getIntList("widths");
    if (spec.getString("output").equals("sigmoid") && w[w.length - 1] != 1) {
      throw new ConfigException("config key 'widths': a sigmoid output needs output width 1, got " + w[w.length - 1]);
    }
  }

  /** The network of a resolved spec: loaded (and checked against its hash) or He-initialised. */
  public static Mlp build(Spec spec) {
    if (source(spec) != Source.INIT) {
      Mlp net = load(spec);
      if (!sha256(net).equals(spec.getString(SHA))) {
        throw new IllegalStateException("the network of " + describe(spec) + " changed after the run was validated");
      }
      return net;
    }
    return heInit(spec.getIntList("widths"), OutputActivation.parse(spec.getString("output")),
        spec.getLong("network.seed"), spec.getDouble("network.bias_sd"));
  }

  /** He-normal weights and N(0, biasSd^2) biases from one keyed stream of {@code seed}. */
  public static Mlp heInit(int[] widths, OutputActivation out, long seed, double biasSd) {
    SplittableRandom r = Rng.stream(seed, 0x4e45545L);
    Mlp net = Mlp.heNormal(widths, out, r);
    if (biasSd > 0) {
      for (int l = 0; l < net.depth(); l++) {
        double[] b = net.bias(l);
        for (int i = 0; i < b.length; i++) {
          b[i] = biasSd * r.nextGaussian();
        }
      }
    }
    return net;
  }

  /**
   * SHA-256 (hex) of a network: its widths, output id, then every weight and bias (layer by layer,
   * row-major) as IEEE-754 bits. The same network gives the same hash from a safetensors file (F64)
   * or the model table.
   */
  public static String sha256(Mlp net) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      List<byte[]> parts = new ArrayList<>();
      parts.add(Arrays.toString(net.widths()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      parts.add(net.output().id().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (byte[] p : parts) {
        md.update(p);
      }
      for (int l = 0; l < net.depth(); l++) {
        for (double[] a : new double[][] {net.weights(l), net.bias(l)}) {
          ByteBuffer bb = ByteBuffer.allocate(8 * a.length);
          for (double d : a) {
            bb.putLong(Double.doubleToLongBits(d));
          }
          md.update(bb.array());
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
