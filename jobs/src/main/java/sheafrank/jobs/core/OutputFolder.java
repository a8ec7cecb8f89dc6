package sheafrank.jobs.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The checks of an output folder before any work starts. They create nothing: a run that stops
 * before Spark is up (bad config, bad master) leaves no folder behind; {@link JobContext} creates
 * the folder once the run starts.
 */
public final class OutputFolder {
  private OutputFolder() {}

  /**
   * Checks that {@code out} is a folder that can be written, or can be created in a writable folder,
   * and that nothing but a folder stands where the run will put its staging area or a table
   * ({@code tables}: the job's table names, and {@code runs}). Cluster file systems (any URI but
   * {@code file:}) are checked by Hadoop when the run writes.
   */
  public static void check(String out, Collection<String> tables) {
    if (out.contains("://") && !out.startsWith("file:")) {
      return;
    }
    Path dir = Paths.get(out.startsWith("file:") ? out.replaceFirst("^file:(//)?", "") : out).toAbsolutePath();
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new ConfigException("output folder " + out + " is not writable: it is a file, not a folder");
      }
      if (!Files.isWritable(dir)) {
        throw new ConfigException("output folder " + out + " is not writable (permissions)");
      }
      List<String> names = new ArrayList<>(tables);
      names.add(Staging.FOLDER);
      names.add("runs");
      for (String t : names) {
        Path p = dir.resolve(t);
        if (Files.exists(p) && !Files.isDirectory(p)) {
          throw new ConfigException("output folder " + out + ": " + p + " is a file, but the run "
              + (t.equals(Staging.FOLDER) ? "stages its tables in a folder of that name" : "writes table " + t + " there")
              + "; move or delete the file");
        }
      }
      return;
    }
    Path parent = dir.getParent();
    while (parent != null && !Files.exists(parent)) {
      parent = parent.getParent();
    }
    if (parent == null || !Files.isDirectory(parent)) {
      throw new ConfigException("output folder " + out + " is not writable: " + parent + " is a file, not a folder");
    }
    if (!Files.isWritable(parent)) {
      throw new ConfigException("output folder " + out + " is not writable: cannot create it in " + parent + " (permissions)");
    }
  }

  /** The table names of a job's {@link Job#tables()} descriptions ("name: columns", "name (when): columns"). */
  public static List<String> tableNames(Job job) {
    List<String> names = new ArrayList<>();
    for (String t : job.tables()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([a-z][a-z0-9_]*)").matcher(t);
      if (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
