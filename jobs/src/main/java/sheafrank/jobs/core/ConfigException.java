package sheafrank.jobs.core;

/** Bad input found before any work starts: the message names the key, file or value. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
