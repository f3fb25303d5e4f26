package io.taskq.cli.bench;

import io.taskq.db.DatabaseTarget;
import io.taskq.db.Pools;
import io.taskq.store.pg.PgTaskStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs every scenario at every worker count against one taskq, each on a fresh project, and
 * the baseline after each claiming run when asked, after an uncounted prewarm of every
 * scenario. Progress goes to {@code progress}; the results are returned for the report.
 */
final class BenchRunner {

  /** Connections for registering, creating projects and filling queues. */
  private static final int SETUP_CONNECTIONS = 8;
  /** Workers of a prewarm run: enough to exercise the coalescing paths, few enough to warm up fast. */
  static final int PREWARM_WORKERS = 8;

  private final LoadGenerator generator;
  private final BenchOptions options;
  private final BenchTarget target;
  private final PrintStream progress;
  private final LoadRun loadRun;
  private final PrefillPlanner prefill = new PrefillPlanner();
  private final Optional<PostgresCpu> postgresCpu;

  BenchRunner(LoadGenerator generator, BenchOptions options, BenchTarget target, PrintStream progress) {
    this(generator, options, target, progress, LatencyRecorder.DEFAULT_CAPACITY);
  }

  BenchRunner(LoadGenerator generator, BenchOptions options, BenchTarget target, PrintStream progress, int sampleCapacity) {
    this.generator = generator;
    this.options = options;
    this.target = target;
    this.progress = progress;
    this.postgresCpu = PostgresCpu.locate(target.databaseUrl());
    // Allocated once and reused by every run: the generator allocates nothing per request to record.
    this.loadRun = new LoadRun(generator, new LatencyRecorder(sampleCapacity), new LatencyRecorder(sampleCapacity),
        target.serverRss(), target.serverCpu(), postgresCpu);
  }

  /**
   * The prewarm, then {@code --repeat} rounds of every scenario at every worker count, round by
   * round, so that a host whose load drifts moves every round's runs alike; the results in the
   * order they ran, each knowing its round.
   */
  List<RunResult> runAll() throws Exception {
    List<RunResult> results = new ArrayList<>();
    try (TaskqClient setup = new TaskqClient(vertx(), target.url(), target.adminKey(), SETUP_CONNECTIONS)) {
      BenchFixtures fixtures = new BenchFixtures(setup);
      String type = fixtures.registerTaskType(options.maxConcurrency());
      prewarm(fixtures, type);
      for (int round = 1; round <= options.repeat(); round++) {
        if (options.repeat() > 1) {
          progress.printf(Locale.ROOT, "bench: round %d of %d%n", round, options.repeat());
        }
        for (RunResult result : runRound(fixtures, type)) {
          results.add(result.inRound(round));
        }
      }
    }
    return results;
  }

  private List<RunResult> runRound(BenchFixtures fixtures, String type) throws Exception {
    List<RunResult> results = new ArrayList<>();
    // This round's claim-complete rates by worker count, for a churn rate given as a share of them.
    Map<Integer, Double> claimCompleteRates = new HashMap<>();
    for (ScenarioKind kind : options.scenarios()) {
      for (int workers : options.workers()) {
        boolean naive = options.baseline() && kind == ScenarioKind.CLAIM_COMPLETE;
        // Naive, taskq, naive: a host whose load drifts during the taskq run moves both bounds alike.
        Optional<RunResult> naiveBefore = naive ? Optional.of(runNaive(workers)) : Optional.empty();
        int churnRate = kind == ScenarioKind.CHURN ? churnRate(workers, claimCompleteRates) : 0;
        RunResult result = runTaskq(fixtures, type, kind, workers, options.warmupSeconds(), options.durationSeconds(), true,
            churnRate);
        prefill.observe(kind.wireName(), result.tasksPerSecond());
        if (kind == ScenarioKind.CLAIM_COMPLETE) {
          claimCompleteRates.put(workers, result.tasksPerSecond());
        }
        report(result);
        if (naive) {
          RunResult bound = NaiveBaseline.interleaved(naiveBefore.get(), runNaive(workers));
          report(bound);
          result = result.withBaseline(bound);
        } else if (options.baseline() && kind.hasBaseline()) {
          RunResult bound = runOwnSql(fixtures, type, kind, workers);
          report(bound);
          result = result.withBaseline(bound);
        }
        results.add(result);
      }
    }
    return results;
  }

  /**
   * Churn's pace at {@code workers}: {@code --churn-rate} as given, or its share of the
   * claim-complete rate this round measured at the same count (the options make sure that ran
   * first); 0 for a closed loop.
   */
  private int churnRate(int workers, Map<Integer, Double> claimCompleteRates) {
    if (options.churnRatePercent() == 0) {
      return options.churnRate();
    }
    double peak = claimCompleteRates.getOrDefault(workers, 0.0);
    int rate = (int) Math.max(1, Math.round(peak * options.churnRatePercent() / 100.0));
    progress.printf(Locale.ROOT, "bench: churn, %d workers: paced at %,d tasks/s, %d%% of claim-complete's %,.0f tasks/s this round%n",
        workers, rate, options.churnRatePercent(), peak);
    return rate;
  }

  /**
   * Each selected scenario in turn, at {@link #PREWARM_WORKERS} workers, for its share of the
   * prewarm; nothing is reported or kept (the prefill planner learns nothing from it either: a
   * rate measured while compiling is no guide).
   */
  private void prewarm(BenchFixtures fixtures, String type) throws Exception {
    if (options.prewarmSeconds() == 0) {
      return;
    }
    List<ScenarioKind> kinds = options.scenarios();
    int share = Math.max(1, options.prewarmSeconds() / kinds.size());
    progress.printf(Locale.ROOT, "bench: prewarm, %d s of each scenario at %d workers, not counted%n", share,
        PREWARM_WORKERS);
    for (ScenarioKind kind : kinds) {
      // Churn unpaced: the JIT compiles the same path, only sooner.
      RunResult warm = runTaskq(fixtures, type, kind, PREWARM_WORKERS, share, 1, false, 0);
      if (warm.errors() > 0) {
        progress.printf(Locale.ROOT, "bench: prewarm of %s saw %d errors%n", kind.wireName(), warm.errors());
      }
    }
  }

  /**
   * One run of taskq; {@code counted} false for the prewarm, which holds no snapshot back;
   * {@code churnRate} the churn workers' pace together, 0 for a closed loop.
   */
  private RunResult runTaskq(BenchFixtures fixtures, String type, ScenarioKind kind, int workers, int warmupSeconds,
      int durationSeconds, boolean counted, int churnRate) throws Exception {
    String name = kind.wireName();
    long project = fixtures.newProject(name + "-" + workers);
    List<String> notes = prefillIfDraining(fixtures, type, kind, name, project, workers, warmupSeconds + durationSeconds,
        churnRate);
    if (kind == ScenarioKind.DAG) {
      fixtures.registerFanWorkflow(project, type);
    }
    progress.printf(Locale.ROOT, "bench: %s, %d workers: %d s warm-up, %d s measured%n", name, workers,
        warmupSeconds, durationSeconds);
    // The creator's client is e2e's only; an unused WebClient opens no connection.
    try (TaskqClient client = new TaskqClient(vertx(), target.url(), target.adminKey(),
            connections(kind, workers, options.dagRunsInFlight(workers)));
        TaskqClient creator = new TaskqClient(vertx(), options.e2eCreatorUrl().orElse(target.url()), target.adminKey(),
            EndToEndScenario.creatorConnections())) {
      LoadScenario scenario = switch (kind) {
        case CREATE -> new CreateScenario(client, project, type);
        case BULK -> new BulkScenario(client, project, type);
        case CLAIM_COMPLETE -> new ClaimCompleteScenario(vertx(), client, project, workers);
        case CLAIM_COMPLETE_BATCH_10, CLAIM_COMPLETE_BATCH_100 ->
            new ClaimCompleteBatchScenario(vertx(), client, project, workers, kind.claimLimit());
        case E2E -> new EndToEndScenario(vertx(), client, creator, project, type, workers, options.e2eRate(),
            options.longPollMs(), warmupSeconds + durationSeconds);
        case DAG -> new DagScenario(vertx(), client, project, workers, options.dagRunsInFlight(workers));
        case CHURN -> new ChurnScenario(vertx(), client, project, workers, options.churnWindowSeconds(),
            churnRate > 0 ? Optional.of(new Pacer(churnRate)) : Optional.empty(), postgresCpu, target.serverCpu());
      };
      if (kind == ScenarioKind.CHURN) {
        // Its first window is the cost right after a VACUUM, the reference the later windows compare with.
        vacuum();
      }
      try (HeldSnapshot held = kind == ScenarioKind.CHURN && options.holdXmin() && counted
          ? HeldSnapshot.open(DatabaseTarget.parse(target.databaseUrl().orElseThrow(
              () -> new IllegalStateException("--hold-xmin needs the database's URL"))))
          : null) {
        if (held != null) {
          notes = new ArrayList<>(notes);
          notes.add(held.describe());
          progress.printf(Locale.ROOT, "bench: %s, %d workers: %s%n", name, workers, held.describe());
        }
        RunResult result = loadRun.run(name, scenario, workers, warmupSeconds, durationSeconds,
            new ErrorLog(name + ", " + workers + " workers", progress));
        return result.withNotesFirst(notes);
      }
    } finally {
      settle(fixtures, project);
    }
  }

  /**
   * HTTP/1.1 connections for the workers: one each, except in e2e, where a worker sends the
   * completes of its claim (up to the claim's limit) at once while the other workers' claims may
   * be parked on the server for their {@code wait_ms} (dag: one more per run in flight, for the
   * starter). With one connection per worker, 8
   * long-polling workers queued their completes behind those parked claims in the bench's own
   * pool and fell behind a 500/s creator (285 tasks claimed/s; 447-501/s with this pool).
   */
  static int connections(ScenarioKind kind, int workers, int dagRunsInFlight) {
    return switch (kind) {
      case E2E -> workers * (1 + kind.claimLimit());
      // The starter's run creations must not queue behind the workers' parked long-polls either.
      case DAG -> workers + dagRunsInFlight;
      default -> workers;
    };
  }

  /**
   * Between runs: cancel the run's leftovers and, when the bench can reach the database, vacuum
   * the tables, so that each run starts from a small live set rather than the debris of the
   * runs before it (dead index entries at the head of the queue slow every claim).
   */
  private void settle(BenchFixtures fixtures, long project) throws Exception {
    fixtures.cancelLeftovers(project);
    vacuum();
  }

  private void vacuum() throws Exception {
    if (target.databaseUrl().isEmpty()) {
      return;
    }
    Pool pool = Pools.create(vertx(), DatabaseTarget.parse(target.databaseUrl().get()), 1);
    try {
      Await.result(pool.query("VACUUM (ANALYZE) tasks, task_logs, task_dependencies, workflow_runs").execute(), Duration.ofMinutes(5));
    } finally {
      Await.result(pool.close(), Duration.ofSeconds(30));
    }
  }

  /** The naive claim-then-complete of naive/*.sql at {@code workers} clients, on a table refilled for it. */
  private RunResult runNaive(int workers) throws Exception {
    String name = "naive claim-complete";
    DatabaseTarget database = DatabaseTarget.parse(target.databaseUrl().orElseThrow(
        () -> new IllegalStateException("the baseline needs the database's URL")));
    NaiveBaseline naive = new NaiveBaseline(vertx(), database, loadRun, postgresCpu, options.baselineVia(), progress);
    // pgbench stops a client whose claim finds no row: plan for well above the naive rate measured so far.
    long tasks = prefill.tasksFor(name, ScenarioKind.CLAIM_COMPLETE, options.warmupSeconds() + options.durationSeconds());
    RunResult result = naive.run(name, workers, options.warmupSeconds(), options.durationSeconds(), Math.max(tasks,
        (long) NAIVE_FIRST_GUESS * (options.warmupSeconds() + options.durationSeconds())));
    prefill.observe(name, result.tasksPerSecond());
    report(result);
    return result;
  }

  /** STACK.md: 4,000 tasks/s at 32 pgbench clients here; twice that, so a faster host does not run dry. */
  private static final int NAIVE_FIRST_GUESS = 8_000;

  private RunResult runOwnSql(BenchFixtures fixtures, String type, ScenarioKind kind, int workers) throws Exception {
    String name = "taskq SQL " + kind.wireName();
    DatabaseTarget database = DatabaseTarget.parse(target.databaseUrl().orElseThrow(
        () -> new IllegalStateException("the baseline needs the database's URL")));
    long project = fixtures.newProject("baseline-" + kind.wireName() + "-" + workers);
    List<String> notes = prefillIfDraining(fixtures, type, kind, name, project, workers,
        options.warmupSeconds() + options.durationSeconds(), 0);
    progress.printf(Locale.ROOT, "bench: %s, %d workers: plain SQL, no HTTP%n", name, workers);
    // One connection per worker, as taskq's SQL would get with unlimited connections.
    Pool pool = Pools.create(vertx(), database, workers);
    try {
      LoadScenario scenario = new OwnSqlScenario(vertx(), new PgTaskStore(pool), project, kind.claimLimit());
      RunResult result = loadRun.runPastTheServer(name, scenario, workers, options.warmupSeconds(), options.durationSeconds(),
          new ErrorLog(name + ", " + workers + " workers", progress));
      prefill.observe(name, result.tasksPerSecond());
      return result.withNotesFirst(notes);
    } finally {
      Await.result(pool.close(), Duration.ofSeconds(30));
      settle(fixtures, project);
    }
  }

  /** {@code pacedRate}: tasks/s the run cannot exceed, 0 when unbounded. */
  private List<String> prefillIfDraining(BenchFixtures fixtures, String type, ScenarioKind kind, String name, long project,
      int workers, int seconds, int pacedRate) throws Exception {
    if (!kind.drainsPrefilledQueue()) {
      return List.of();
    }
    long count = pacedRate > 0 ? PrefillPlanner.tasksForPacedRate(pacedRate, seconds) : prefill.tasksFor(name, kind, seconds);
    BenchFixtures.Fill fill = fixtures.fill(project, type, count);
    String note = String.format(Locale.ROOT, "prefilled %,d tasks in %.1f s (%,.0f tasks/s in bulks of %d)", fill.tasks(),
        fill.seconds(), fill.tasksPerSecond(), TaskBodies.BULK_SIZE);
    progress.printf(Locale.ROOT, "bench: %s, %d workers: %s%n", name, workers, note);
    return List.of(note);
  }

  private void report(RunResult r) {
    // pgbench reports no percentiles: its average latency is in the run's notes.
    String latency = r.latency().count() == 0 ? "latency in the notes"
        : String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms", r.latency().p50Ms(), r.latency().p99Ms());
    progress.printf(Locale.ROOT, "bench: %s, %d workers: %,.0f tasks/s, %,.0f req/s, %s, %d errors%n",
        r.scenario(), r.workers(), r.tasksPerSecond(), r.requestsPerSecond(), latency, r.errors());
  }

  private Vertx vertx() {
    return generator.vertx();
  }
}
