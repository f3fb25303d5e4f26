package io.taskq.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The measured figures of one reliability test, printed as one line that can be pasted into
 * src/site/markdown/reliability.md and written to {@code target/reliability/<test>.txt}.
 */
final class Figures {

  static final Path DIR = Path.of("target", "reliability");

  private final String test;
  private final Map<String, Object> values = new LinkedHashMap<>();

  Figures(String test) {
    this.test = test;
  }

  Figures put(String name, Object value) {
    values.put(name, value instanceof Double d ? String.format(java.util.Locale.ROOT, "%.1f", d) : value);
    return this;
  }

  /** Prints the figures (test output) and writes them under target/reliability/. */
  void publish() {
    String line = "RELIABILITY " + test + ": " + values.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    System.out.println(line);
    try {
      Files.createDirectories(DIR);
      Files.writeString(DIR.resolve(test + ".txt"), Instant.now() + " " + line + System.lineSeparator());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends {@code text} to {@code target/reliability/<name>} (a series such as per-window samples). */
  static void write(String name, String text) {
    try {
      Files.createDirectories(DIR);
      Files.writeString(DIR.resolve(name), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
