package io.taskq.reliability;

import io.taskq.db.DatabaseTarget;
import io.taskq.support.Poll;
import io.taskq.support.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A taskq server as a real operating-system process ({@code io.taskq.cli.Main serve}), started
 * from this test JVM's classpath with the heap cap the README recommends. Its output goes to
 * {@code target/reliability/logs/<name>.log}, kept for diagnosis. Always close it (or kill it):
 * close kills the process if it still runs.
 */
final class TaskqProcess implements AutoCloseable {

  static final Path LOGS = Path.of("target", "reliability", "logs");
  private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private TaskqProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts {@code taskq serve} on {@code database}, on a free port; does not wait for it (see {@link #awaitReady}). */
  static TaskqProcess start(String name, DatabaseTarget database, Map<String, String> extraEnv) throws IOException {
    int port = freePort();
    Files.createDirectories(LOGS);
    Path log = LOGS.resolve(name + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx192m", "-XX:+UseSerialGC", "-cp", classpath(), "io.taskq.cli.Main", "serve"));
    // Not the project directory: there, its liquibase/ folder would be found beside the copy in the classpath.
    builder.directory(LOGS.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("TASKQ_"));
    env.put("TASKQ_DB_URL", url(database));
    env.put("TASKQ_HTTP_PORT", Integer.toString(port));
    env.put("TASKQ_ADMIN_KEY", TestServer.ADMIN_KEY);
    env.putAll(extraEnv);
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    Process process = builder.start();
    // Should the test JVM stop without its @AfterAll (interrupted run), no taskq outlives it.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "kill-" + name));
    return new TaskqProcess(name, process, port, log);
  }

  /** The test JVM's classpath, absolute, without empty entries (an empty entry means the working directory). */
  private static String classpath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> !entry.isBlank()).map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  static String url(DatabaseTarget db) {
    return "postgresql://" + db.user() + (db.password() == null ? "" : ":" + db.password()) + "@" + db.host() + ":"
        + db.port() + "/" + db.database();
  }

  /** Waits until {@code /health/ready} answers 200; fails at once if the process died. */
  TaskqProcess awaitReady(Duration timeout) {
    Poll.until(() -> {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready; see " + log);
      }
      return readyStatus();
    }, status -> status == 200, timeout);
    return this;
  }

  /** The status of {@code GET /health/ready}, or -1 when nothing answers. */
  int readyStatus() {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/ready"))
          .timeout(Duration.ofSeconds(5)).GET().build();
      return PROBE.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Whether the process's output so far contains {@code text} (its log is kept whole). */
  boolean logged(String text) {
    try {
      return Files.readString(log).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  int port() {
    return port;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, no lease is handed back, nothing in flight is answered. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived SIGKILL for 30 s");
    }
  }

  /** Resident memory of the process, in MB (Linux), or -1 when it cannot be read. */
  long residentMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** CPU seconds the process has used so far (user + system), or -1. */
  double cpuSeconds() {
    return process.toHandle().info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(-1.0);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** Environment for {@link #start}: nothing beyond the defaults. */
  static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }
}
