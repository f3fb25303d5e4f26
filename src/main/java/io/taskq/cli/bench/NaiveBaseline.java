package io.taskq.cli.bench;

import io.taskq.db.DatabaseTarget;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of the naive claim-then-complete bound ({@link NaiveSql}) on its own table, in schema
 * {@link NaiveSql#SCHEMA} of the bench's database, refilled by seed.sql before each run: through
 * pgbench when it is installed (as naive/README.md runs it), else through the PostgreSQL client.
 */
final class NaiveBaseline {

  private static final Duration PGBENCH_SLACK = Duration.ofSeconds(120);

  private final Vertx vertx;
  private final DatabaseTarget database;
  private final LoadRun loadRun;
  private final Optional<PostgresCpu> postgresCpu;
  private final Optional<Path> pgbench;
  private final PrintStream progress;

  NaiveBaseline(Vertx vertx, DatabaseTarget database, LoadRun loadRun, Optional<PostgresCpu> postgresCpu,
      BenchOptions.BaselineVia via, PrintStream progress) {
    this.vertx = vertx;
    this.database = database;
    this.loadRun = loadRun;
    this.postgresCpu = postgresCpu;
    this.progress = progress;
    this.pgbench = switch (via) {
      case CLIENT -> Optional.empty();
      case AUTO -> onPath("pgbench");
      case PGBENCH -> Optional.of(onPath("pgbench").orElseThrow(
          () -> new IllegalStateException("--baseline-via pgbench, but there is no pgbench on PATH")));
    };
  }

  String via() {
    return pgbench.isPresent() ? "pgbench" : "the PostgreSQL client";
  }

  /** Refills the naive table with {@code tasks} pending rows, then runs {@code workers} clients; blocking. */
  RunResult run(String name, int workers, int warmupSeconds, int durationSeconds, long tasks) throws Exception {
    long t0 = System.nanoTime();
    seed(tasks);
    progress.printf(Locale.ROOT, "bench: %s, %d workers: seeded %,d naive tasks in %.1f s; %d s warm-up, %d s measured through %s%n",
        name, workers, tasks, (System.nanoTime() - t0) / 1e9, warmupSeconds, durationSeconds, via());
    return pgbench.isPresent()
        ? viaPgbench(name, workers, warmupSeconds, durationSeconds)
        : viaClient(name, workers, warmupSeconds, durationSeconds);
  }

  private void seed(long tasks) throws SQLException {
    try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.jdbcProperties());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + NaiveSql.SCHEMA);
      statement.execute("SET search_path TO " + NaiveSql.SCHEMA);
      for (String sql : NaiveSql.setupStatements(tasks)) {
        try {
          statement.execute(sql);
        } catch (SQLException e) {
          // seed.sql ends with a CHECKPOINT, which a database user without pg_checkpoint may not run; the rest must.
          if (!sql.startsWith("CHECKPOINT")) {
            throw e;
          }
        }
      }
    }
  }

  private RunResult viaClient(String name, int workers, int warmupSeconds, int durationSeconds) throws Exception {
    PgConnectOptions connect = new PgConnectOptions().setHost(database.host()).setPort(database.port())
        .setDatabase(database.database()).setUser(database.user())
        // pgbench -M prepared: each statement parsed once per connection.
        .setCachePreparedStatements(true);
    if (database.password() != null) {
      connect.setPassword(database.password());
    }
    connect.getProperties().put("application_name", "taskq-bench-naive");
    connect.getProperties().put("search_path", NaiveSql.SCHEMA);
    // One connection per client, as pgbench -c.
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(workers)).connectingTo(connect).using(vertx).build();
    try {
      RunResult result = loadRun.runPastTheServer(name, new NaiveScenario(vertx, pool), workers, warmupSeconds, durationSeconds,
          new ErrorLog(name + ", " + workers + " workers", progress));
      return result.withNotesFirst(List.of("naive SQL through the PostgreSQL client, " + workers + " connections"));
    } finally {
      Await.result(pool.close(), Duration.ofSeconds(30));
    }
  }

  private RunResult viaPgbench(String name, int workers, int warmupSeconds, int durationSeconds) throws Exception {
    Path script = Files.createTempFile("taskq-naive", ".sql");
    try {
      Files.writeString(script, NaiveSql.pgbenchScript());
      if (warmupSeconds > 0) {
        pgbench(script, workers, warmupSeconds);
      }
      long cpuFrom = postgresCpu.map(PostgresCpu::nanos).orElse(-1L);
      PgbenchResult measured = pgbench(script, workers, durationSeconds);
      long cpuTo = postgresCpu.map(PostgresCpu::nanos).orElse(-1L);
      long postgresCpuNanos = cpuFrom < 0 || cpuTo < 0 ? -1 : cpuTo - cpuFrom;
      double seconds = measured.tps() > 0 ? measured.transactions() / measured.tps() : durationSeconds;
      List<String> notes = new ArrayList<>();
      notes.add(String.format(Locale.ROOT, "naive SQL through %s -c %d: latency average %.2f ms per task (two transactions)",
          pgbench.get().getFileName(), workers, measured.latencyAverageMs()));
      // A transaction of pgbench is one run of the script: one task, two statements.
      return new RunResult(name, workers, seconds, measured.transactions(), 2 * measured.transactions(), LatencySummary.EMPTY, null,
          LatencySummary.EMPTY, measured.failed(), 0, 0, 0, -1, -1, postgresCpuNanos, -1, notes, Optional.empty());
    } finally {
      Files.deleteIfExists(script);
    }
  }

  record PgbenchResult(long transactions, long failed, double tps, double latencyAverageMs) {
  }

  private PgbenchResult pgbench(Path script, int workers, int seconds) throws IOException, InterruptedException {
    List<String> command = List.of(pgbench.get().toString(), "-n", "-M", "prepared", "-c", Integer.toString(workers),
        "-j", Integer.toString(Math.min(workers, Runtime.getRuntime().availableProcessors())), "-T", Integer.toString(seconds),
        "-D", "q=" + NaiveSql.QUEUE, "-f", script.toString(),
        "-h", database.host(), "-p", Integer.toString(database.port()), "-U", database.user(), database.database());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    if (database.password() != null) {
      env.put("PGPASSWORD", database.password());
    }
    env.put("PGOPTIONS", "-c search_path=" + NaiveSql.SCHEMA);
    env.put("PGAPPNAME", "taskq-bench-naive");
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(seconds + PGBENCH_SLACK.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("pgbench did not finish");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IllegalStateException("pgbench exited with " + process.exitValue() + ":\n" + text);
    }
    return parse(text);
  }

  static PgbenchResult parse(String output) {
    long transactions = (long) number(output, "number of transactions actually processed: (\\d+)").orElseThrow(
        () -> new IllegalStateException("pgbench said nothing of its transactions:\n" + output));
    long failed = (long) number(output, "number of failed transactions: (\\d+)").orElse(0);
    double tps = number(output, "tps = ([0-9.]+)").orElseThrow(() -> new IllegalStateException("pgbench gave no tps:\n" + output));
    double latency = number(output, "latency average = ([0-9.]+) ms").orElse(-1);
    return new PgbenchResult(transactions, failed, tps, latency);
  }

  private static java.util.OptionalDouble number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? java.util.OptionalDouble.of(Double.parseDouble(m.group(1))) : java.util.OptionalDouble.empty();
  }

  /**
   * The naive runs before and after a taskq run as one bound: their tasks over their seconds,
   * each rate in a note, so that a host's load drifting during the taskq run shows.
   */
  static RunResult interleaved(RunResult before, RunResult after) {
    List<String> notes = new ArrayList<>();
    notes.add(String.format(Locale.ROOT, "naive before taskq %,.0f tasks/s, after %,.0f tasks/s; the bound is both together",
        before.tasksPerSecond(), after.tasksPerSecond()));
    notes.addAll(after.notes());
    long cpu = before.postgresCpuNanos() < 0 || after.postgresCpuNanos() < 0 ? -1 : before.postgresCpuNanos() + after.postgresCpuNanos();
    return new RunResult(after.scenario(), after.workers(), before.seconds() + after.seconds(), before.tasks() + after.tasks(),
        before.requests() + after.requests(), after.latency(), after.secondLatencyName(), after.secondLatency(),
        before.errors() + after.errors(), before.emptyPolls() + after.emptyPolls(), 0, 0, after.generatorCpuPercent(), -1, cpu, -1,
        notes, Optional.empty());
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate) && Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
