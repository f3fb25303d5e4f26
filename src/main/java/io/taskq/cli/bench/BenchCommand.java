package io.taskq.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * {@code taskq bench [options]}: measures a taskq under load (see {@link BenchOptions#USAGE}).
 * Either against a running server, or against one the bench starts as a child process on a
 * database of its own. The table goes to stdout; progress and the first errors to stderr.
 */
public final class BenchCommand {

  private BenchCommand() {
  }

  /** Runs the bench; answers the process's exit code: 0 done, 1 failed, 2 bad command line. */
  public static int run(List<String> args, Map<String, String> env) throws Exception {
    if (BenchOptions.asksForHelp(args)) {
      System.out.println(BenchOptions.USAGE);
      return 0;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageError e) {
      System.err.println("taskq bench: " + e.getMessage());
      System.err.println(BenchOptions.USAGE);
      return 2;
    }
    try {
      return options.startsOwnServer() ? onOwnServer(options, env) : onRunningServer(options);
    } catch (Exception e) {
      System.err.println("taskq bench: failed: " + e);
      e.printStackTrace();
      return 1;
    }
  }

  private static int onRunningServer(BenchOptions options) throws Exception {
    BenchTarget target = new BenchTarget(options.url().orElseThrow(), options.key().orElseThrow(), options.databaseUrl(),
        Optional.empty(), Optional.empty());
    return measure(options, target, options.url().get().toString());
  }

  private static int onOwnServer(BenchOptions options, Map<String, String> env) throws Exception {
    if (options.databaseUrl().isPresent()) {
      System.err.println("bench: --db-url is for --url; the bench's own server decides its database");
    }
    Path work = Files.createTempDirectory("taskq-bench");
    try (BenchDatabase database = BenchDatabase.open(env, work);
        ServerUnderTest server = ServerUnderTest.start(database.url(), work, options.serverJvmOptions())) {
      System.err.println("bench: server (pid " + server.pid() + ", JVM options " + String.join(" ", options.serverJvmOptions()) + ") on "
          + server.url() + ", its log in " + server.log());
      BenchTarget target = new BenchTarget(server.url(), server.adminKey(), Optional.of(database.url()),
          Optional.of(server.rss()), Optional.of(new ServerCpu(server.pid())));
      return measure(options, target, "a taskq child process on " + (database.embedded() ? "an embedded PostgreSQL" : "TASKQ_DB_URL"));
    } finally {
      // The database can be gigabytes after a full bench; the server's log is small and worth keeping.
      deleteRecursively(work.resolve("postgres"));
      deleteRecursively(work.resolve("server-data"));
    }
  }

  private static int measure(BenchOptions options, BenchTarget target, String targetDescription) throws Exception {
    MachineFacts machine = MachineFacts.collect(target.databaseUrl());
    try (LoadGenerator generator = LoadGenerator.start()) {
      List<RunResult> results = new BenchRunner(generator, options, target, System.err).runAll();
      OptionalLong serverRss = target.serverRss().map(rss -> OptionalLong.of(rss.overallMaxKb())).orElse(OptionalLong.empty());
      System.out.print(ReportTable.render(machine, results, serverRss, generator.eventLoops()));
      System.out.flush();
      if (options.out().isPresent()) {
        ResultsJson.write(options.out().get(), ResultsJson.of(options, machine, results, serverRss, targetDescription));
        System.err.println("bench: results written to " + options.out().get());
      }
      return 0;
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("bench: could not delete " + root + ": " + e.getMessage());
    }
  }
}
