package sheafrank.jobs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which staging folders a starting run removes: those of ended runs, never a live run's. */
class StagingTest {
  @Test
  void removesFoldersOfEndedRunsAndKeepsLiveOnes(@TempDir Path out) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(out.toUri());
    String host = Staging.host();
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    long dead = p.pid();
    Path staging = out.resolve(Staging.FOLDER);
    Path deadLocal = Files.createDirectories(staging.resolve("S2-abc-1-" + dead + "@" + host));
    Path liveLocal = Files.createDirectories(staging.resolve("S2-abc-2-" + ProcessHandle.current().pid() + "@" + host));
    Path remoteFresh = Files.createDirectories(staging.resolve("S2-abc-3-123@another-host"));
    Path remoteOld = Files.createDirectories(staging.resolve("S2-abc-4-123@another-host"));
    Path legacyOld = Files.createDirectories(staging.resolve("S2-abc-123456789"));
    Files.writeString(remoteOld.resolve(Staging.HEARTBEAT), "x");
    FileTime old = FileTime.fromMillis(System.currentTimeMillis() - (Staging.STALE_AFTER_SECONDS + 60) * 1000);
    for (Path d : List.of(remoteOld.resolve(Staging.HEARTBEAT), remoteOld, legacyOld)) {
      Files.setLastModifiedTime(d, old);
    }
    List<String> removed = new ArrayList<>();
    Staging s = Staging.open(fs, root, "S2-new", removed);
    assertEquals(3, removed.size(), removed.toString());
    assertFalse(Files.exists(deadLocal), "the folder of a driver that ended on this machine");
    assertFalse(Files.exists(remoteOld), "a folder whose heartbeat stopped long ago");
    assertFalse(Files.exists(legacyOld), "an old folder without heartbeat");
    assertTrue(Files.exists(liveLocal) && Files.exists(remoteFresh), "live runs keep their folders");
    assertTrue(Files.exists(Path.of(s.dir().toUri()).resolve(Staging.HEARTBEAT)), "this run beats");
    s.close();
    assertFalse(Files.exists(Path.of(s.dir().toUri())));
    assertTrue(Files.exists(staging), "_staging stays while other runs use it");
    Files.delete(liveLocal);
    Files.delete(remoteFresh);
    Staging t = Staging.open(fs, root, "S2-new", removed);
    t.close();
    assertFalse(Files.exists(staging), "_staging goes with the last folder in it");
  }
}
