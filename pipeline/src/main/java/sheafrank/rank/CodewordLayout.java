package sheafrank.rank;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Where the layer-wise codewords J_K (seed 003 eq. 2) of a network sit in a flat {@code long[]}.
 *
 * <p>Each evaluated layer K (0-based here) starts at a fresh 64-bit word: unit {@code i} of layer K
 * is bit {@code i & 63} of word {@code wordOffset(K) + (i >>> 6)}; bits past the layer's width are
 * zero. The whole array is therefore a canonical encoding of the global codeword (all units of all
 * layers), and the slice of one layer a canonical encoding of that layer's codeword.
 *
 * <p>String forms for tables ({@link #hex}, {@link #globalHex}, {@link #bits}) are compact and
 * equal exactly when the codewords are equal, so SQL can count distinct values of them.
 */
public final class CodewordLayout implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final int[] widths;
  private final int[] wordOffset;

  /** Layout for layers of the given widths {@code n_1 .. n_L}. */
  public CodewordLayout(int[] widths) {
    if (widths == null || widths.length == 0) {
      throw new IllegalArgumentException("a codeword layout needs at least one layer");
    }
    this.widths = widths.clone();
    this.wordOffset = new int[widths.length + 1];
    for (int l = 0; l < widths.length; l++) {
      if (widths[l] < 1) {
        throw new IllegalArgumentException(
            "layer widths must be positive, got " + Arrays.toString(widths));
      }
      wordOffset[l + 1] = wordOffset[l] + (widths[l] + 63) / 64;
    }
  }

  public int layers() {
    return widths.length;
  }

  /** Width n_K of 0-based layer {@code layer}. */
  public int width(int layer) {
    return widths[layer];
  }

  public int[] widths() {
    return widths.clone();
  }

  /** First word of layer {@code layer}. */
  public int wordOffset(int layer) {
    return wordOffset[layer];
  }

  /** Number of words of layer {@code layer}: ceil(n_K / 64). */
  public int words(int layer) {
    return wordOffset[layer + 1] - wordOffset[layer];
  }

  /** Length of the {@code long[]} holding all layers. */
  public int totalWords() {
    return wordOffset[widths.length];
  }

  /** Whether unit {@code unit} of layer {@code layer} is active (strictly positive). */
  public boolean active(long[] words, int layer, int unit) {
    return (words[wordOffset[layer] + (unit >>> 6)] >>> (unit & 63) & 1L) != 0;
  }

  /** The codeword size ||J_K||_0 of layer {@code layer}. */
  public int size(long[] words, int layer) {
    int s = 0;
    for (int w = wordOffset[layer]; w < wordOffset[layer + 1]; w++) {
      s += Long.bitCount(words[w]);
    }
    return s;
  }

  /** A copy of layer {@code layer}'s words (for an {@code array<bigint>} column). */
  public long[] layerWords(long[] words, int layer) {
    return Arrays.copyOfRange(words, wordOffset[layer], wordOffset[layer + 1]);
  }

  /**
   * Layer {@code layer}'s codeword as a '0'/'1' string of length n_K; character i is unit i
   * ('1' = active).
   */
  public String bits(long[] words, int layer) {
    int n = widths[layer];
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = active(words, layer, i) ? '1' : '0';
    }
    return new String(c);
  }

  /**
   * Layer {@code layer}'s codeword in hex, {@code ceil(n_K / 4)} lower-case characters: character j
   * encodes units 4j..4j+3 with unit 4j as the most significant bit, so it reads as the
   * {@link #bits} string four units per digit (the last digit zero-padded at the low end). For
   * example units {0, 5} active of 6: bits "100001", hex "84".
   */
  public String hex(long[] words, int layer) {
    StringBuilder sb = new StringBuilder((widths[layer] + 3) / 4);
    appendHex(sb, words, layer);
    return sb.toString();
  }

  /** The global codeword: the layers' {@link #hex} strings joined by '.', input side first. */
  public String globalHex(long[] words) {
    StringBuilder sb = new StringBuilder();
    for (int l = 0; l < widths.length; l++) {
      if (l > 0) {
        sb.append('.');
      }
      appendHex(sb, words, l);
    }
    return sb.toString();
  }

  private void appendHex(StringBuilder sb, long[] words, int layer) {
    int n = widths[layer];
    for (int j = 0; j < n; j += 4) {
      int v = 0;
      for (int b = 0; b < 4; b++) {
        v <<= 1;
        if (j + b < n && active(words, layer, j + b)) {
          v |= 1;
        }
      }
      sb.append(HEX[v]);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CodewordLayout c && Arrays.equals(widths, c.widths);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(widths);
  }

  @Override
  public String toString() {
    return "CodewordLayout" + Arrays.toString(widths);
  }
}
