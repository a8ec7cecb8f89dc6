package sheafrank.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import sheafrank.jobs.core.Job;
import sheafrank.jobs.core.Limits;
import sheafrank.jobs.core.Param;
import sheafrank.jobs.core.Params;

/** The launcher's help texts: usage, the job list, each command's and each job's help. */
final class Help {
  private Help() {}

  static final int WIDTH = 100;

  static String usage() {
    return "sheafrank: neural sheaves and rank decompositions of ReLU networks on Spark\n\n"
        + "usage:\n"
        + "  sheafrank run CONFIG [--out DIR] [--set key=value ...] [--master URL]\n"
        + "  sheafrank help JOB        keys and tables of one job (also: sheafrank JOB --help)\n"
        + "  sheafrank help run|sql    a command's options\n"
        + "  sheafrank jobs            list the jobs\n"
        + "  sheafrank sql \"QUERY\" [--out DIR] [--rows N] [--master URL]\n"
        + "                            run Spark SQL over every table under DIR (one view per table)\n\n"
        + "The config names its job (job = NAME). Tables go to DIR/<table>/run_id=<run id>/ (DIR defaults\n"
        + "to ./out). --master defaults to local[*] unless started by spark-submit, where the same\n"
        + "arguments follow: spark-submit --class sheafrank.jobs.Main APP.jar run CONFIG ...\n"
        + "Exit codes: 0 done, 2 bad input (nothing written), 3 done but some trials/samples failed\n"
        + "(see their status columns), 1 Spark could not start or the job crashed.\n\n"
        + "jobs:\n" + jobList();
  }

  /** One entry per job: its name and first sentence, wrapped. */
  static String jobList() {
    StringBuilder sb = new StringBuilder();
    for (Job j : Jobs.all()) {
      sb.append(wrap(String.format("  %-18s ", j.name()), firstSentence(j.description())));
    }
    return sb.toString();
  }

  /** Help on a command (run, sql, jobs, help) or a job. */
  static String topic(String name) {
    return switch (name) {
      case "run" -> "sheafrank run CONFIG [--out DIR] [--set key=value ...] [--master URL]\n\n"
          + wrap("", "Runs the job the config names. --out: the output folder (default ./out; tables go to "
              + "DIR/<table>/run_id=<run id>/, and a re-run of the same config replaces its rows). --set: "
              + "overrides a config key (same value syntax as the file; repeat it). --master: local[*] "
              + "(default), local[N], spark://HOST:PORT, yarn, k8s://URL. partitions is at most "
              + Limits.MAX_PARTITIONS + ". Everything is checked before Spark starts: a bad key, value, "
              + "file or master exits with code 2 and writes nothing.");
      case "sql" -> "sheafrank sql \"QUERY\" [--out DIR] [--rows N] [--master URL]\n\n"
          + wrap("", "Runs one Spark SQL query over the tables under DIR (default ./out): every table folder "
              + "is a view of the same name, with a run_id column; folders that hold no table are skipped "
              + "with a note. Shows up to N rows (default 50). A query that does not parse or names an "
              + "unknown table or column exits with code 2 and the list of tables.");
      case "jobs" -> "sheafrank jobs\n\n  Lists the jobs with a one-line summary.\n";
      case "help" -> usage();
      default -> jobHelp(Jobs.byName(name, Set.of("run", "sql", "jobs", "help")));
    };
  }

  static String jobHelp(Job job) {
    StringBuilder sb = new StringBuilder();
    sb.append(wrap("", job.name() + ": " + job.description())).append("\nconfig keys:\n");
    for (Param p : Params.all(job)) {
      sb.append(String.format("  %-24s %-12s %s%s%n", p.name(), p.type().name().toLowerCase(Locale.ROOT),
          p.doc(), p.required() ? " (required)" : " [default " + p.defaultValue() + "]"));
    }
    sb.append("\ntables:\n");
    for (String t : job.tables()) {
      sb.append("  ").append(t).append('\n');
    }
    sb.append("  ").append(RunRecord.COLUMNS).append('\n');
    return sb.toString();
  }

  /** Words that end in a period without ending a sentence. */
  private static final Set<String> ABBREVIATIONS = Set.of("eq", "eqs", "fig", "figs", "app", "prop", "thm",
      "sec", "cf", "vs", "e.g", "i.e", "no", "approx", "resp", "etc", "al");

  /**
   * The first sentence of a description: up to the first period that is followed by a space and a
   * capital letter (or ends the text), outside parentheses, and does not end an abbreviation
   * ("eq. 18", "Fig. 2", "e.g.").
   */
  static String firstSentence(String s) {
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(' || c == '[') {
        depth++;
      } else if ((c == ')' || c == ']') && depth > 0) {
        depth--;
      } else if (c == '.' && depth == 0 && endsSentence(s, i)) {
        return s.substring(0, i + 1);
      }
    }
    return s;
  }

  private static boolean endsSentence(String s, int dot) {
    if (dot + 1 < s.length()) {
      if (s.charAt(dot + 1) != ' ') {
        return false;
      }
      int j = dot + 1;
      while (j < s.length() && s.charAt(j) == ' ') {
        j++;
      }
      if (j < s.length() && !Character.isUpperCase(s.charAt(j))) {
        return false;
      }
    }
    int k = dot;
    while (k > 0 && (Character.isLetter(s.charAt(k - 1)) || s.charAt(k - 1) == '.')) {
      k--;
    }
    return !ABBREVIATIONS.contains(s.substring(k, dot).toLowerCase(Locale.ROOT));
  }

  /** {@code text} wrapped at {@link #WIDTH} columns after {@code lead}, continuation lines aligned under it. */
  static String wrap(String lead, String text) {
    String indent = " ".repeat(lead.isEmpty() ? 2 : lead.length());
    StringBuilder sb = new StringBuilder(lead.isEmpty() ? indent : lead);
    int col = sb.length();
    List<String> words = new ArrayList<>(List.of(text.trim().split("\\s+")));
    boolean first = true;
    for (String w : words) {
      if (!first && col + 1 + w.length() > WIDTH) {
        sb.append('\n').append(indent);
        col = indent.length();
      } else if (!first) {
        sb.append(' ');
        col++;
      }
      sb.append(w);
      col += w.length();
      first = false;
    }
    return sb.append('\n').toString();
  }
}
