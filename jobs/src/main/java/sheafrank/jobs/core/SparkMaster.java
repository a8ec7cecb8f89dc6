package sheafrank.jobs.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a {@code --master} URL before Spark starts: its form (Spark itself only fails deep inside
 * SparkContext, with a stack trace, and may leave an output folder behind), and for a standalone
 * master {@code spark://HOST:PORT} that something listens there (Spark would retry for a minute).
 */
public final class SparkMaster {
  private SparkMaster() {}

  /** How long the reachability check of a standalone master waits per host. */
  public static final int CONNECT_TIMEOUT_MS = 5000;

  private static final Pattern LOCAL = Pattern.compile("local(\\[(.*)])?");
  private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]");
  private static final Pattern HOST_PORT = Pattern.compile("\\[?([A-Za-z0-9_.:\\-]+?)]?:(\\d{1,5})");

  static final String FORMS = "local, local[N], local[*], local[N,F], local-cluster[N,C,M], spark://HOST:PORT, yarn or k8s://URL";

  /** Throws ConfigException naming the URL and what is wrong; null (no --master) is fine. */
  public static void check(String master) {
    if (master == null) {
      return;
    }
    String m = master.trim();
    Matcher local = LOCAL.matcher(m);
    if (local.matches()) {
      if (local.group(2) != null) {
        checkLocalThreads(master, local.group(2));
      }
      return;
    }
    if (m.startsWith("local-cluster")) {
      if (!LOCAL_CLUSTER.matcher(m).matches()) {
        throw bad(master, "local-cluster needs [workers, cores per worker, MiB per worker], e.g. local-cluster[2,1,1024]");
      }
      if (!"1".equals(System.getenv("SPARK_TESTING")) && System.getProperty("spark.testing") == null) {
        throw bad(master, "local-cluster is Spark's test master: it needs SPARK_TESTING=1 and SPARK_SCALA_VERSION=2.13"
            + " in the environment (without them Spark waits forever for executors)");
      }
      return;
    }
    if (m.equals("yarn")) {
      return;
    }
    if (m.startsWith("k8s://")) {
      if (m.length() == "k8s://".length()) {
        throw bad(master, "k8s:// needs the API server, e.g. k8s://https://host:6443");
      }
      return;
    }
    if (m.startsWith("spark://")) {
      String hosts = m.substring("spark://".length());
      if (hosts.isEmpty()) {
        throw bad(master, "spark:// needs HOST:PORT");
      }
      for (String hp : hosts.split(",")) {
        Matcher h = HOST_PORT.matcher(hp.trim());
        if (!h.matches() || Integer.parseInt(h.group(2)) < 1 || Integer.parseInt(h.group(2)) > 65535) {
          throw bad(master, "'" + hp + "' is not HOST:PORT with a port 1..65535");
        }
      }
      reachable(master, hosts);
      return;
    }
    throw bad(master, "unknown kind of master (expected " + FORMS + ")");
  }

  private static void checkLocalThreads(String master, String inner) {
    String[] parts = inner.split(",", -1);
    if (parts.length > 2) {
      throw bad(master, "local takes [threads] or [threads, max task failures]");
    }
    String threads = parts[0].trim();
    if (!threads.equals("*") && !positiveInt(threads)) {
      throw bad(master, "the thread count '" + threads + "' must be a positive integer or *");
    }
    if (parts.length == 2 && !positiveInt(parts[1].trim())) {
      throw bad(master, "the task failure count '" + parts[1].trim() + "' must be a positive integer");
    }
  }

  private static boolean positiveInt(String s) {
    try {
      return Integer.parseInt(s) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** At least one of the masters (a standby list, as Spark accepts) must accept a TCP connection. */
  private static void reachable(String master, String hosts) {
    StringBuilder why = new StringBuilder();
    for (String hp : hosts.split(",")) {
      Matcher h = HOST_PORT.matcher(hp.trim());
      h.matches();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(h.group(1), Integer.parseInt(h.group(2))), CONNECT_TIMEOUT_MS);
        return;
      } catch (IOException | IllegalArgumentException e) {
        why.append(why.length() == 0 ? "" : "; ").append(hp.trim()).append(": ").append(e.getMessage());
      }
    }
    throw bad(master, "no master answers (" + why + "); is the master running? Its URL is on its web UI");
  }

  private static ConfigException bad(String master, String what) {
    return new ConfigException("--master " + master + ": " + what);
  }
}
