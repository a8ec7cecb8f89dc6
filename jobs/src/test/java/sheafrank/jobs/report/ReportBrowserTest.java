package sheafrank.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.jobs.JobTestSupport;

/**
 * End to end: tiny runs of every experiment the report draws, the report job, then the page in
 * headless Chromium: it renders (a screenshot that is not blank) and every image it references
 * loaded (the DOM Chromium dumps after load marks each one). Skipped where Chromium is not
 * installed ({@code .ci/run} installs Debian's chromium).
 */
class ReportBrowserTest {
  @AfterAll
  static void tearDown() {
    JobTestSupport.endSharedSession();
  }

  static String chromium() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(c))) {
        return c;
      }
    }
    return null;
  }

  @Test
  void reportOpensInHeadlessChromiumWithEveryImage(@TempDir Path dir) throws Exception {
    String browser = chromium();
    Assumptions.assumeTrue(browser != null, "Chromium is not installed (apt-get install chromium): browser test skipped");
    Path report = dir.resolve("report");
    JobTestSupport.Result r = ReportJobTest.report(ReportFixture.folder(), report, dir.resolve("runs"));
    assertEquals(0, r.code(), r.err());
    File[] pngs = report.resolve("figures").toFile().listFiles((d, n) -> n.endsWith(".png"));
    File[] svgs = report.resolve("figures").toFile().listFiles((d, n) -> n.endsWith(".svg"));
    assertTrue(pngs.length >= 20, "figures drawn: " + pngs.length);
    assertEquals(pngs.length, svgs.length, "an SVG beside every PNG");
    String url = report.resolve("index.html").toUri().toString();

    String dom = chromium(browser, dir, "--dump-dom", url);
    assertTrue(dom.contains("<h1>sheafrank report</h1>"), "page rendered: " + dom.substring(0, Math.min(300, dom.length())));
    Matcher m = Pattern.compile("<img [^>]*>").matcher(dom);
    Set<String> sources = new HashSet<>();
    List<String> notLoaded = new ArrayList<>();
    while (m.find()) {
      String img = m.group();
      Matcher src = Pattern.compile("src=\"([^\"]+)\"").matcher(img);
      assertTrue(src.find(), img);
      sources.add(src.group(1));
      if (!img.contains("data-loaded=\"1\"") || img.contains("data-failed")) {
        notLoaded.add(img);
      }
    }
    assertEquals(List.of(), notLoaded, "images that did not load");
    assertEquals(pngs.length, sources.size(), "the page shows every figure");

    Path shot = dir.resolve("shot.png");
    chromium(browser, dir, "--screenshot=" + shot, "--window-size=1400,2400", url);
    BufferedImage img = ImageIO.read(shot.toFile());
    assertEquals(1400, img.getWidth());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 7) {
      for (int x = 0; x < img.getWidth(); x += 7) {
        colours.add(img.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 50, "screenshot shows the page, not a blank: " + colours.size() + " colours");
  }

  /** Runs headless Chromium (flags that keep it off the network) and returns what it printed. */
  static String chromium(String browser, Path dir, String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(dir, "chromium-profile");
    List<String> cmd = new ArrayList<>(List.of(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--virtual-time-budget=10000"));
    cmd.addAll(List.of(args));
    Path outFile = dir.resolve("chromium-" + System.nanoTime() + ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectOutput(outFile.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 120 s: " + cmd);
    }
    assertEquals(0, p.exitValue(), "chromium exit code: " + cmd);
    return Files.readString(outFile, StandardCharsets.UTF_8);
  }
}
