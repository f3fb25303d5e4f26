package io.taskq.cli;

import io.taskq.app.TaskqServer;
import io.taskq.cli.bench.BenchCommand;
import io.taskq.config.TaskqConfig;
import io.taskq.db.DatabaseCreator;
import io.taskq.db.DatabaseTarget;
import io.taskq.db.EmbeddedDatabase;
import io.taskq.db.Migrations;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code taskq [serve]}, {@code taskq migrate}, {@code taskq rollback --count N}, {@code taskq bench ...}.
 * Configuration comes from TASKQ_* environment variables (see README).
 */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s - %5$s%6$s%n");
    List<String> arguments = Arrays.asList(args);
    String command = arguments.isEmpty() ? "serve" : arguments.get(0);
    try {
      TaskqConfig config = TaskqConfig.fromEnvironment(System.getenv());
      switch (command) {
        case "serve" -> serve(config);
        case "migrate" -> migrate(config, arguments.subList(1, arguments.size()));
        case "rollback" -> rollback(config, arguments.subList(1, arguments.size()));
        case "bench" -> System.exit(BenchCommand.run(arguments.subList(1, arguments.size()), System.getenv()));
        case "help", "--help", "-h" -> usage(0);
        default -> {
          System.err.println("unknown command: " + command);
          usage(2);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("taskq: " + e.getMessage());
      System.exit(2);
    } catch (SQLException e) {
      // The database refused or could not be reached (address, password, certificate): the driver's
      // message says which, and its stack trace adds nothing an operator can act on.
      System.err.println("taskq: " + command + " failed: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.err.println("taskq: " + command + " failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void serve(TaskqConfig config) throws Exception {
    TaskqServer server = TaskqServer.start(config);
    server.generatedAdminSecret().ifPresent(secret -> {
      System.out.println();
      System.out.println("================================================================");
      System.out.println(" taskq created the first admin API key. It is shown only once:");
      System.out.println();
      System.out.println("   " + secret);
      System.out.println();
      System.out.println(" Use it as 'Authorization: Bearer <key>'. Set TASKQ_ADMIN_KEY to");
      System.out.println(" choose the admin secret yourself.");
      System.out.println("================================================================");
      System.out.println();
    });
    System.out.println("taskq listening on http://localhost:" + server.port());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("taskq: shutdown: " + e);
      } finally {
        stopped.countDown();
      }
    }, "taskq-shutdown"));
    // The main thread has nothing else to do: it waits here for the shutdown hook (never an event loop).
    stopped.await();
  }

  private static void migrate(TaskqConfig config, List<String> args) throws Exception {
    if (args.equals(List.of("--status"))) {
      withDatabase(config, target -> MigrationStatus.print(Migrations.status(target), target.describe(), System.out));
      return;
    }
    if (!args.isEmpty()) {
      throw new IllegalArgumentException("usage: taskq migrate [--status]");
    }
    withDatabase(config, target -> {
      DatabaseCreator.ensureExists(target);
      Migrations.update(target);
      System.out.println("taskq: migrations applied to " + target.describe());
    });
  }

  private static void rollback(TaskqConfig config, List<String> args) throws Exception {
    if (args.size() != 2 || !args.get(0).equals("--count")) {
      throw new IllegalArgumentException("usage: taskq rollback --count N");
    }
    int count;
    try {
      count = Integer.parseInt(args.get(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--count takes a whole number, got " + args.get(1));
    }
    if (count < 1) {
      throw new IllegalArgumentException("--count must be at least 1");
    }
    withDatabase(config, target -> {
      Migrations.rollback(target, count);
      System.out.println("taskq: rolled back " + count + " changeset(s) on " + target.describe());
    });
  }

  private interface DatabaseWork {
    void run(DatabaseTarget target) throws Exception;
  }

  private static void withDatabase(TaskqConfig config, DatabaseWork work) throws Exception {
    if (config.databaseUrl().isPresent()) {
      work.run(DatabaseTarget.parse(config.databaseUrl().get()));
      return;
    }
    try (EmbeddedDatabase embedded = EmbeddedDatabase.start(config.dataDirectory(), true)) {
      DatabaseTarget target = embedded.target("taskq");
      DatabaseCreator.ensureExists(target);
      work.run(target);
    }
  }

  private static void usage(int status) {
    System.out.println("""
        usage: java -jar taskq.jar [command]
          serve                 apply pending migrations, then serve HTTP (the default)
          migrate               apply pending migrations and exit
          migrate --status      list applied changesets (id, date applied) and pending ones; changes nothing
          rollback --count N    roll back the last N changesets
          bench [options]       measure throughput and latency (bench --help)
        environment: TASKQ_DB_URL, TASKQ_DATA_DIR, TASKQ_HTTP_PORT, TASKQ_DB_POOL_SIZE, TASKQ_ADMIN_KEY""");
    System.exit(status);
  }
}
