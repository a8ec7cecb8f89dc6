package sheafrank.jobs.mlp;

import java.io.Serializable;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import sheafrank.data.Idx;
import sheafrank.data.ImageSet;
import sheafrank.data.LabeledImages;
import sheafrank.train.Samples;

/**
 * The images a sweep trains on, in their compact stored form (one unsigned byte per pixel and per
 * label): the first {@code nTrain} training and the first {@code nTest} test images of an image
 * set, read once on the driver after validation and broadcast to the executors, which build the
 * float64 samples themselves ({@link LabeledImages#samples()}: pixel / 255, one-hot labels). So
 * executors need no data on their own disks, ship 8x fewer bytes than float64 samples, and train on
 * exactly the bytes the driver validated.
 *
 * @param dir the folder the files were read from (absolute)
 * @param sha256 of the train pixels, train labels, test pixels and test labels, in this order
 */
public record ImageBytes(String dataset, String dir, int rows, int cols, int classes, byte[] trainPixels,
    byte[] trainLabels, byte[] testPixels, byte[] testLabels, String sha256) implements Serializable {

  /** The bytes of the given splits of {@code set}, read from {@code dir} (null: its default folder). */
  static ImageBytes of(ImageSet set, Path dir, LabeledImages train, LabeledImages test) {
    byte[][] parts = {train.images().pixels(), train.labels(), test.images().pixels(), test.labels()};
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
      }
      String folder = (dir == null ? set.defaultDir() : dir).toAbsolutePath().normalize().toString();
      return new ImageBytes(set.id(), folder, train.images().rows(), train.images().cols(), set.classes(), parts[0],
          parts[1], parts[2], parts[3], HexFormat.of().formatHex(md.digest()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What a trial on these images records about its data. */
  MlpData data() {
    return new MlpData(MlpData.IMAGES, dataset, null, null, null, rows * cols, classes, nTrain(), nTest(), null, dir);
  }

  /** The training samples: inputs in [0,1] (byte / 255), one-hot targets. */
  public Samples train() {
    return labeled("train", trainPixels, trainLabels).samples();
  }

  /** The test samples. */
  public Samples test() {
    return labeled("test", testPixels, testLabels).samples();
  }

  public int nTrain() {
    return trainLabels.length;
  }

  public int nTest() {
    return testLabels.length;
  }

  private LabeledImages labeled(String split, byte[] pixels, byte[] labels) {
    return new LabeledImages(dataset + "/" + split, new Idx.Images(labels.length, rows, cols, pixels), labels,
        classes);
  }
}
