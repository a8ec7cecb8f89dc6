package sheafrank.data;

import java.util.Arrays;
import sheafrank.train.Samples;

/**
 * Labelled grey-scale images as stored in IDX files (unsigned bytes), with the conversions the
 * trainer needs: inputs scaled to [0,1] as {@code byte/255} (float64, row-major, one image of
 * {@code rows*cols} pixels per row) and one-hot targets over {@code classes} classes.
 *
 * @param name the data set and split, e.g. {@code mnist/train}
 * @param labels one label in {@code 0..classes-1} per image (unsigned bytes)
 */
public record LabeledImages(String name, Idx.Images images, byte[] labels, int classes) {
  public LabeledImages {
    if (labels.length != images.count()) {
      throw new IllegalArgumentException(
          name + ": " + images.count() + " images but " + labels.length + " labels");
    }
    for (int i = 0; i < labels.length; i++) {
      if ((labels[i] & 0xFF) >= classes) {
        throw new IllegalArgumentException(
            name + ": label " + i + " is " + (labels[i] & 0xFF) + ", outside 0.." + (classes - 1));
      }
    }
  }

  public int count() {
    return labels.length;
  }

  /** Pixels per image ({@code rows*cols}), the input dimension. */
  public int dim() {
    return images.rows() * images.cols();
  }

  public int label(int i) {
    return labels[i] & 0xFF;
  }

  /** The first {@code n} images and labels (the order of the files). */
  public LabeledImages first(int n) {
    if (n < 1 || n > count()) {
      throw new IllegalArgumentException(
          name + " holds " + count() + " samples; cannot take the first " + n + " (need 1.." + count() + ")");
    }
    if (n == count()) {
      return this;
    }
    Idx.Images im = new Idx.Images(n, images.rows(), images.cols(), Arrays.copyOf(images.pixels(), n * dim()));
    return new LabeledImages(name, im, Arrays.copyOf(labels, n), classes);
  }

  /** All inputs, row-major: {@code x[i*dim + p] = pixel p of image i / 255}, in [0,1]. */
  public double[] inputs() {
    byte[] px = images.pixels();
    double[] x = new double[px.length];
    for (int i = 0; i < px.length; i++) {
      x[i] = (px[i] & 0xFF) / 255.0;
    }
    return x;
  }

  /** One-hot targets, row-major: {@code y[i*classes + label(i)] = 1}. */
  public double[] oneHot() {
    double[] y = new double[count() * classes];
    for (int i = 0; i < count(); i++) {
      y[i * classes + label(i)] = 1;
    }
    return y;
  }

  /** Inputs in [0,1] and one-hot targets (a multiclass task with {@code classes} softmax outputs). */
  public Samples samples() {
    return new Samples(inputs(), oneHot(), count(), dim(), classes);
  }

  /** How many images each class holds. */
  public int[] classCounts() {
    int[] c = new int[classes];
    for (byte b : labels) {
      c[b & 0xFF]++;
    }
    return c;
  }
}
