package sheafrank.jobs.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config file format: one {@code key = value} per line, {@code #} starts a comment. Values are
 * numbers, booleans, strings (bare or double-quoted) or lists in brackets, possibly nested:
 * {@code widths = [2, 30, 1]}, {@code grid = [[2,30,1], [2,10,8,1]]}. A key may appear once.
 * Command-line overrides ({@code --set key=value}) use the same value syntax.
 */
public final class ConfigFile {
  private ConfigFile() {}

  /** Raw values by key, in file order; each value is a String, or a List of values. */
  public static Map<String, Object> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    return parse(lines, file.toString());
  }

  /**
   * Raw values by key from config lines (a file's, or the sorted lines the runs table records);
   * {@code source} names them in errors.
   */
  public static Map<String, Object> parse(List<String> lines, String source) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = stripComment(lines.get(i)).trim();
      if (line.isEmpty()) {
        continue;
      }
      String where = source + ":" + (i + 1);
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(where + ": expected 'key = value', got '" + line + "'");
      }
      String key = line.substring(0, eq).trim();
      checkKey(key, where);
      if (out.containsKey(key)) {
        throw new ConfigException(where + ": key '" + key + "' is set twice");
      }
      out.put(key, parseValue(line.substring(eq + 1).trim(), where + ": key '" + key + "'"));
    }
    return out;
  }

  /** Parses one {@code key=value} override. */
  public static Map.Entry<String, Object> parseOverride(String kv) {
    int eq = kv.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException("--set expects key=value, got '" + kv + "'");
    }
    String key = kv.substring(0, eq).trim();
    checkKey(key, "--set");
    return Map.entry(key, parseValue(kv.substring(eq + 1).trim(), "--set " + key));
  }

  private static void checkKey(String key, String where) {
    if (!key.matches("[A-Za-z][A-Za-z0-9_.\\-]*")) {
      throw new ConfigException(where + ": invalid key '" + key + "'");
    }
  }

  private static String stripComment(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '#' && !quoted) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  static Object parseValue(String text, String where) {
    int[] pos = {0};
    Object v = parse(text, pos, where);
    skipSpace(text, pos);
    if (pos[0] != text.length()) {
      throw new ConfigException(where + ": unexpected '" + text.substring(pos[0]) + "' in value '" + text + "'");
    }
    return v;
  }

  private static Object parse(String s, int[] pos, String where) {
    skipSpace(s, pos);
    if (pos[0] >= s.length()) {
      throw new ConfigException(where + ": missing value");
    }
    char c = s.charAt(pos[0]);
    if (c == '[') {
      pos[0]++;
      List<Object> list = new ArrayList<>();
      skipSpace(s, pos);
      if (pos[0] < s.length() && s.charAt(pos[0]) == ']') {
        pos[0]++;
        return list;
      }
      while (true) {
        list.add(parse(s, pos, where));
        skipSpace(s, pos);
        if (pos[0] >= s.length()) {
          throw new ConfigException(where + ": unclosed '[' in value '" + s + "'");
        }
        char d = s.charAt(pos[0]++);
        if (d == ']') {
          return list;
        }
        if (d != ',') {
          throw new ConfigException(where + ": expected ',' or ']' in value '" + s + "'");
        }
      }
    }
    if (c == '"') {
      int end = s.indexOf('"', pos[0] + 1);
      if (end < 0) {
        throw new ConfigException(where + ": unclosed quote in value '" + s + "'");
      }
      String v = s.substring(pos[0] + 1, end);
      pos[0] = end + 1;
      return v;
    }
    int start = pos[0];
    while (pos[0] < s.length() && ",]".indexOf(s.charAt(pos[0])) < 0) {
      pos[0]++;
    }
    String v = s.substring(start, pos[0]).trim();
    if (v.isEmpty()) {
      throw new ConfigException(where + ": empty element in value '" + s + "'");
    }
    return v;
  }

  private static void skipSpace(String s, int[] pos) {
    while (pos[0] < s.length() && Character.isWhitespace(s.charAt(pos[0]))) {
      pos[0]++;
    }
  }
}
