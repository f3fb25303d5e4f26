package io.taskq.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The naive claim-then-complete bound: the fixed SQL of the project's shared {@code naive/}
 * directory, carried unchanged in the jar ({@code /naive/*.sql}). The bench runs the pgbench
 * script as it is, or its two statements through the PostgreSQL client with pgbench's
 * variables as parameters; nothing else of the bound is ours.
 */
final class NaiveSql {

  /** The schema the bench puts the naive table in, so it never meets taskq's own {@code tasks}. */
  static final String SCHEMA = "taskq_naive";
  /** pgbench's {@code -D q=...}, as in naive/README.md. */
  static final String QUEUE = "default";

  private static final Pattern VARIABLE = Pattern.compile("(?<!:):([a-z_]+)");

  private NaiveSql() {
  }

  static String resource(String name) {
    try (InputStream in = NaiveSql.class.getResourceAsStream("/naive/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks /naive/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pgbench script, as pgbench runs it. */
  static String pgbenchScript() {
    return resource("claim_complete_2tx.sql");
  }

  /** schema.sql then seed.sql with {@code :n} = {@code tasks}, one statement each, to run in {@link #SCHEMA}. */
  static List<String> setupStatements(long tasks) {
    List<String> statements = new ArrayList<>(statements(resource("schema.sql")));
    for (String s : statements(resource("seed.sql"))) {
      statements.add(s.replace(":n", Long.toString(tasks)));
    }
    return statements;
  }

  /** The script's claim, pgbench's variables as $n in order of appearance: {@code q}, {@code client_id}. */
  static Statement claim() {
    return parameterised(scriptStatements().get(0));
  }

  /** The script's complete: {@code id}, {@code client_id}. */
  static Statement complete() {
    return parameterised(scriptStatements().get(1));
  }

  /** A statement with the pgbench variables it binds, in the order of its $n. */
  record Statement(String sql, List<String> variables) {
  }

  private static List<String> scriptStatements() {
    String script = withoutComments(pgbenchScript());
    int gset = script.indexOf("\\gset");
    if (gset < 0) {
      throw new IllegalStateException("the naive script no longer ends its claim with \\gset");
    }
    return List.of(script.substring(0, gset).trim(), script.substring(gset + "\\gset".length()).trim().replaceAll(";$", ""));
  }

  private static Statement parameterised(String sql) {
    List<String> variables = new ArrayList<>();
    Matcher m = VARIABLE.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      if (!variables.contains(name)) {
        variables.add(name);
      }
      m.appendReplacement(out, "\\$" + (variables.indexOf(name) + 1));
    }
    m.appendTail(out);
    return new Statement(out.toString(), List.copyOf(variables));
  }

  private static String withoutComments(String sql) {
    StringBuilder out = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (!line.trim().startsWith("--")) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  /** A file's statements: they end with ';' at the end of a line, and hold no ';' elsewhere. */
  private static List<String> statements(String file) {
    List<String> out = new ArrayList<>();
    for (String part : withoutComments(file).split(";\\s*\n")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }
}
