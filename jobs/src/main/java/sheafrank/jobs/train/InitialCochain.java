package sheafrank.jobs.train;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import sheafrank.data.CsvTable;
import sheafrank.io.SafeTensors;
import sheafrank.jobs.core.ConfigException;
import sheafrank.jobs.core.Limits;
import sheafrank.jobs.core.Spec;
import sheafrank.train.CochainInit;

/**
 * The starting cochain of the sheaf trials from {@code init.cochain}: one row per training sample
 * (in training-set order), one column per free cochain coordinate ({@link
 * CochainInit#freeCoordinates}: {@code z1[0..n1), a1[0..n1), ..., a<k>[..], z<k+1>[0..n_{k+1})}).
 * Read and checked on the driver before Spark starts and shipped to the trials with the settings.
 *
 * <ul>
 *   <li>CSV ({@code *.csv}, anything not {@code *.safetensors}): a header naming exactly those
 *       columns (matched by name), then one row per sample; values finite.
 *   <li>safetensors: one 2-D tensor {@code cochain} of shape [n_train, d] (F64; F32 is widened),
 *       columns in the order above; optional metadata {@code "widths": "[2, 30, 1]"} is checked.
 * </ul>
 *
 * @param columns the CSV header (null for safetensors: the layout order)
 * @param values row-major, {@code rows x cols}, as in the file
 * @param widths the safetensors metadata's widths, or null
 */
record InitialCochain(String file, List<String> columns, int rows, int cols, double[] values, int[] widths)
    implements Serializable {
  static final String KEY = "init.cochain";

  /** The file of 'init.cochain', or null when the key is empty. */
  static InitialCochain fromSpec(Spec spec) {
    String file = spec.getString(KEY);
    return file.isEmpty() ? null : load(file);
  }

  static InitialCochain load(String file) {
    Path p = Paths.get(file);
    if (!Files.isRegularFile(p)) {
      throw error(file, "the file does not exist");
    }
    boolean st = p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors");
    try {
      Limits.memory(KEY, "the starting cochain in " + file, Files.size(p) / (st ? 4 : 2));
      return st ? safetensors(file, SafeTensors.read(p)) : csv(file, CsvTable.readAll(p));
    } catch (IOException | UncheckedIOException e) {
      throw error(file, "cannot read it: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + KEY + "': " + e.getMessage(), e);
    }
  }

  private static InitialCochain csv(String file, CsvTable.Numeric t) {
    return new InitialCochain(file, t.columns(), t.rows(), t.columns().size(), t.values(), null);
  }

  private static InitialCochain safetensors(String file, SafeTensors.Contents c) {
    SafeTensors.Tensor t = c.tensors().get("cochain");
    if (c.tensors().size() != 1 || t == null || t.shape().length != 2) {
      throw error(file, "expected one 2-D tensor named 'cochain' [n_train, free coordinates], found "
          + describe(c.tensors()));
    }
    int[] widths = null;
    String meta = c.metadata().get("widths");
    if (meta != null) {
      try {
        widths = Arrays.stream(meta.replaceAll("[\\[\\]\\s]", "").split(",")).mapToInt(Integer::parseInt).toArray();
      } catch (NumberFormatException e) {
        throw error(file, "metadata widths '" + meta + "' is not a list of integers");
      }
    }
    int rows = (int) t.shape()[0];
    int cols = (int) t.shape()[1];
    for (int i = 0; i < t.data().length; i++) {
      if (!Double.isFinite(t.data()[i])) {
        throw error(file, "tensor 'cochain' holds " + t.data()[i] + " at row " + i / cols + ", column " + i % cols);
      }
    }
    return new InitialCochain(file, null, rows, cols, t.data(), widths);
  }

  private static String describe(Map<String, SafeTensors.Tensor> ts) {
    List<String> s = new ArrayList<>();
    ts.forEach((k, v) -> s.add(k + " " + Arrays.toString(v.shape())));
    return s.isEmpty() ? "none" : String.join(", ", s);
  }

  static ConfigException error(String file, String what) {
    return new ConfigException("config key '" + KEY + "': " + file + ": " + what);
  }

  /**
   * Checks that a trial can start from this cochain: the sheaf method without an anchor at the
   * initial state, the file's shape that of the trial's n_train and free coordinates, and the same
   * architecture and n_train as the sweep's first trial.
   */
  void check(Trial t, Trial first) {
    if (!t.method().equals("sheaf")) {
      throw error(file, "method " + t.method() + (t.method().equals("sheaf_equilibrium")
          ? " holds the cochain at the exact equilibrium" : " has no cochain")
          + "; only method sheaf starts from a given cochain (run the other methods in a separate run)");
    }
    if (t.lambda() != 0 && t.anchor().equals("initial")) {
      throw error(file, "regularisation '" + t.regularisationId() + "' anchors the cochain at its initial state,"
          + " which is not supported with a given starting cochain (use anchor=zero or lambda = 0)");
    }
    if (first != null && (!Arrays.equals(first.widths(), t.widths()) || first.nTrain() != t.nTrain())) {
      throw error(file, "one starting cochain serves one architecture and one n_train, but the sweep trains "
          + Arrays.toString(first.widths()) + " with n_train " + first.nTrain() + " and " + Arrays.toString(t.widths())
          + " with n_train " + t.nTrain());
    }
    if (rows != t.nTrain()) {
      throw error(file, rows + " rows, but trial " + t.id() + " trains on n_train = " + t.nTrain()
          + " samples (one row per training sample)");
    }
    order(t.widths());
  }

  /**
   * The file's column of each free coordinate of {@code widths} (layout order); a ConfigException
   * if the columns are not exactly those coordinates.
   */
  int[] order(int[] w) {
    List<String> want = CochainInit.freeCoordinates(w);
    String need = "widths " + Arrays.toString(w) + " have " + want.size() + " free coordinates per sample ("
        + want.get(0) + " ... " + want.get(want.size() - 1) + ")";
    if (widths != null && !Arrays.equals(widths, w)) {
      throw error(file, "its metadata says widths " + Arrays.toString(widths) + " but the sweep trains " + Arrays.toString(w));
    }
    int[] pos = new int[want.size()];
    if (columns == null) {
      if (cols != want.size()) {
        throw error(file, "tensor 'cochain' has " + cols + " columns but " + need);
      }
      Arrays.setAll(pos, i -> i);
      return pos;
    }
    Set<String> missing = new LinkedHashSet<>(want);
    columns.forEach(missing::remove);
    Set<String> extra = new LinkedHashSet<>(columns);
    want.forEach(extra::remove);
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw error(file, "the header has " + columns.size() + " columns but " + need
          + (missing.isEmpty() ? "" : "; missing " + first(missing)) + (extra.isEmpty() ? "" : "; not coordinates " + first(extra)));
    }
    for (int i = 0; i < pos.length; i++) {
      pos[i] = columns.indexOf(want.get(i));
    }
    return pos;
  }

  private static String first(Set<String> s) {
    List<String> l = new ArrayList<>(s);
    return (l.size() > 6 ? l.subList(0, 6) + " and " + (l.size() - 6) + " more" : l.toString());
  }

  /** The free coordinates of every sample in layout order, sample-major ({@code TrainSpec.initialCochain}). */
  double[] values(int[] w) {
    int[] pos = order(w);
    int d = pos.length;
    double[] out = new double[rows * d];
    for (int s = 0; s < rows; s++) {
      for (int j = 0; j < d; j++) {
        out[s * d + j] = values[s * cols + pos[j]];
      }
    }
    return out;
  }

  /** SHA-256 (hex) of the shape, the CSV column names and the values as IEEE-754 bits. */
  String sha256() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((rows + "x" + cols + (columns == null ? "" : String.join(",", columns)))
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      ByteBuffer bb = ByteBuffer.allocate(8 * values.length);
      for (double v : values) {
        bb.putLong(Double.doubleToLongBits(v));
      }
      md.update(bb.array());
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
