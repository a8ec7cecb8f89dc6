package sheafrank.data;

/**
 * A real data set is not on this machine. The message says where it was looked for and gives the
 * exact command that fetches or installs it ({@link #fetchCommand()}).
 */
public final class MissingDataException extends IllegalArgumentException {
  private final String fetchCommand;

  public MissingDataException(String message, String fetchCommand) {
    super(message);
    this.fetchCommand = fetchCommand;
  }

  /** The shell command that makes the data available. */
  public String fetchCommand() {
    return fetchCommand;
  }
}
