package io.taskq.cli.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A taskq server in a child process, started the way an operator would ({@code java -jar
 * taskq.jar serve}). A process of its own keeps the generator's CPU apart from the server's,
 * and lets the bench read the server's resident memory. It is stopped on {@link #close()}, or
 * by a shutdown hook if the bench is interrupted.
 */
final class ServerUnderTest implements AutoCloseable {

  private static final Duration READY_DEADLINE = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final int LOG_TAIL_LINES = 30;

  private final Process process;
  private final URI url;
  private final String adminKey;
  private final Path log;
  private final RssSampler rss;
  private final Thread shutdownHook;

  private ServerUnderTest(Process process, URI url, String adminKey, Path log) {
    this.process = process;
    this.url = url;
    this.adminKey = adminKey;
    this.log = log;
    this.rss = new RssSampler(process.pid());
    this.shutdownHook = new Thread(this::stop, "bench-server-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts the server on {@code databaseUrl} and waits until it is ready; blocking. */
  static ServerUnderTest start(String databaseUrl, Path workDirectory, List<String> jvmOptions) throws Exception {
    int port = freePort();
    String adminKey = "tq_bench_" + HexFormat.of().formatHex(randomBytes(24));
    Path log = workDirectory.resolve("server.log");
    ProcessBuilder builder = new ProcessBuilder(command(jvmOptions))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    env.put("TASKQ_DB_URL", databaseUrl);
    env.put("TASKQ_HTTP_PORT", Integer.toString(port));
    env.put("TASKQ_ADMIN_KEY", adminKey);
    env.put("TASKQ_DATA_DIR", workDirectory.resolve("server-data").toString());
    ServerUnderTest server = new ServerUnderTest(builder.start(), URI.create("http://localhost:" + port), adminKey, log);
    try {
      server.awaitReady();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * {@code java <options> -jar <this jar> serve}, or the main class on this JVM's class path when
   * not run from a jar. The options default to README.md's: without a heap cap the JVM sizes its
   * heap at a quarter of the machine's memory and grows into it (1-2 GB resident in this bench).
   */
  static List<String> command(List<String> jvmOptions) throws URISyntaxException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path codeSource = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    if (Files.isRegularFile(codeSource) && codeSource.toString().endsWith(".jar")) {
      command.addAll(List.of("-jar", codeSource.toString()));
    } else {
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.taskq.cli.Main"));
    }
    command.add("serve");
    return command;
  }

  long pid() {
    return process.pid();
  }

  URI url() {
    return url;
  }

  String adminKey() {
    return adminKey;
  }

  Path log() {
    return log;
  }

  RssSampler rss() {
    return rss;
  }

  /** Polls /health/ready from the main thread until it answers 200, the process dies or the deadline passes. */
  private void awaitReady() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready = HttpRequest.newBuilder(url.resolve("/health/ready")).timeout(Duration.ofSeconds(5)).GET().build();
    long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the server exited with status " + process.exitValue() + "; its log ends:\n" + logTail());
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException("the server was not ready within " + READY_DEADLINE.toSeconds() + " s; its log ends:\n" + logTail());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  private void stop() {
    rss.close();
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs stop() again, which finds the process gone
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
