package io.taskq.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskq.api.Admission;
import io.taskq.api.HttpEdge;
import io.taskq.api.HttpServerVerticle;
import io.taskq.api.Overload;
import io.taskq.api.Services;
import io.taskq.auth.ApiKeyService;
import io.taskq.auth.KeyUsage;
import io.taskq.auth.RateLimiter;
import io.taskq.config.TaskqConfig;
import io.taskq.db.DatabaseCreator;
import io.taskq.db.DatabaseHealth;
import io.taskq.db.DatabaseTarget;
import io.taskq.db.EmbeddedDatabase;
import io.taskq.db.Migrations;
import io.taskq.db.Pools;
import io.taskq.maintenance.Leadership;
import io.taskq.maintenance.LeaderLoop;
import io.taskq.stats.StatsService;
import io.taskq.maintenance.MaintenanceJobs;
import io.taskq.metrics.Meters;
import io.taskq.notify.PgClaimableSignals;
import io.taskq.queue.ClaimWaiters;
import io.taskq.queue.ProjectService;
import io.taskq.queue.QueueControl;
import io.taskq.queue.TaskService;
import io.taskq.queue.TaskTypeService;
import io.taskq.schema.ParamSchemas;
import io.taskq.store.pg.PgApiKeyStore;
import io.taskq.store.pg.PgDependencyStore;
import io.taskq.store.pg.PgRunStore;
import io.taskq.store.pg.PgEventStore;
import io.taskq.workflow.DependencyService;
import io.taskq.workflow.EventService;
import io.taskq.workflow.GraphService;
import io.taskq.store.pg.PgIdempotencyStore;
import io.taskq.store.pg.PgQueuePauseStore;
import io.taskq.store.pg.PgRateLimitStore;
import io.taskq.store.pg.PgProjectStore;
import io.taskq.store.pg.PgStatsStore;
import io.taskq.store.pg.PgTaskStore;
import io.taskq.store.pg.PgTaskTypeStore;
import io.taskq.store.pg.PgWorkflowStore;
import io.taskq.workflow.RunService;
import io.taskq.workflow.ScheduleService;
import io.taskq.workflow.WorkflowService;
import io.taskq.store.pg.PgWorkerStore;
import io.taskq.worker.WorkerService;
import io.taskq.worker.WorkerSightings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A running taskq: database ready and migrated, HTTP serving, sweeper sweeping. Start-up is
 * blocking by design (JDBC, the embedded database): it runs on the caller's thread before
 * any verticle exists, never on an event loop.
 */
public final class TaskqServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TaskqServer.class.getName());

  /**
   * Bulk requests this instance works on at once; later ones wait their turn (see Admission).
   * With 64 clients posting 1,000 tasks each, a bound took the server from 340 MB resident to
   * 253 MB, and from 12,300 to 20,400 tasks/s. It was two; three keep both of PostgreSQL's
   * inserting backends busy while a third request is parsed or answered on the event loop: bulk
   * at 8 clients went from 56,700 to 63,900 tasks/s (src/site/markdown/benchmarks.md, "Bulk: the
   * server's side"). What they may hold in heap together is still bounded by their bytes.
   */
  public static final int BULK_REQUESTS_AT_ONCE = 3;
  /** The most a bulk body may be, and the most bulk bodies worked on at once: see {@link #bulkBytesAtOnce}. */
  static final long BULK_BYTES_AT_MOST = 64L * 1024 * 1024;

  /**
   * The bytes of bulk bodies this instance works on at once, which is also the largest bulk body
   * it takes (413 above): 64 MiB, or a sixteenth of the heap if that is less (12 MiB under the
   * recommended {@code -Xmx192m}). A bulk request holds about six times its body in heap while it
   * is worked on; at 192 MB two 16 MB bulks at once ran the heap out, and one 64 MB bulk did alone.
   */
  static long bulkBytesAtOnce(long maxHeap) {
    return Math.max(1, Math.min(BULK_BYTES_AT_MOST, maxHeap / 16));
  }
  private static final long STARTUP_TIMEOUT_SECONDS = 120;
  private static final Duration RETENTION_EVERY = Duration.ofMinutes(1);
  private static final Duration GAUGES_EVERY = Duration.ofSeconds(5);
  /** How often the leader records finished workflow runs and starts due scheduled runs (cron has minute resolution). */
  private static final Duration WORKFLOW_JOBS_EVERY = Duration.ofSeconds(1);
  private static final Duration STATS_FOLD_EVERY = Duration.ofSeconds(1);
  /** Lapsed leases swept per statement: a burst is cleared in a few passes, each transaction short. */
  private static final int SWEEP_BATCH = 500;
  /** How often the leader folds the workers' delta rows (changeset 037): the table holds about this much. */
  private static final Duration WORKER_FOLD_EVERY = Duration.ofSeconds(1);
  /** Finished runs recorded per statement. */
  private static final int RUNS_BATCH = 100;

  private final Vertx vertx;
  private final EmbeddedDatabase embedded;
  private final int port;
  private final Optional<String> generatedAdminSecret;
  private final ClaimWaiters waiters;
  private final List<String> httpDeployments;
  private final List<String> backgroundDeployments;
  private final Leadership leadership;
  private final MaintenanceJobs jobs;
  private final PgClaimableSignals signals;
  private final KeyUsage keyUsage;
  private final WorkerService workers;

  private TaskqServer(Vertx vertx, EmbeddedDatabase embedded, int port, Optional<String> generatedAdminSecret,
      ClaimWaiters waiters, List<String> httpDeployments, List<String> backgroundDeployments, Leadership leadership,
      MaintenanceJobs jobs, PgClaimableSignals signals, KeyUsage keyUsage, WorkerService workers) {
    this.keyUsage = keyUsage;
    this.workers = workers;
    this.backgroundDeployments = backgroundDeployments;
    this.leadership = leadership;
    this.jobs = jobs;
    this.signals = signals;
    this.vertx = vertx;
    this.embedded = embedded;
    this.port = port;
    this.generatedAdminSecret = generatedAdminSecret;
    this.waiters = waiters;
    this.httpDeployments = httpDeployments;
  }

  /** Resolves the database from the configuration: TASKQ_DB_URL, else the embedded one (started here). */
  public static TaskqServer start(TaskqConfig config) throws Exception {
    EmbeddedDatabase embedded = null;
    DatabaseTarget target;
    if (config.databaseUrl().isPresent()) {
      target = DatabaseTarget.parse(config.databaseUrl().get());
    } else {
      embedded = EmbeddedDatabase.start(config.dataDirectory(), true);
      target = embedded.target("taskq");
    }
    try {
      return start(config, target, embedded);
    } catch (Exception e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** Starts on a given database; {@code embedded}, if not null, is stopped when the server closes. */
  public static TaskqServer start(TaskqConfig config, DatabaseTarget target, EmbeddedDatabase embedded) throws Exception {
    DatabaseCreator.ensureExists(target);
    Migrations.update(target);
    LOG.info("database " + target.describe() + " is migrated");

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // The native transport (epoll on Linux) costs fewer system calls per request than NIO;
    // where it cannot load, Vert.x falls back to NIO and the cause is logged below.
    // The HTTP server's metrics are taskq's own (api.RequestMetrics, under Vert.x's names), at
    // less CPU per request; the pool's and the SQL client's stay Vert.x's.
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
            .addLabels(Label.POOL_NAME).addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("network transport: native");
    } else {
      LOG.info("network transport: NIO (native transport unavailable: " + vertx.unavailableNativeTransportCause() + ")");
    }
    try {
      Pool pool = Pools.create(vertx, target, config.poolSize(), config.maxRequestsInFlight());
      Meters meters = new Meters(registry);
      Overload overload = new Overload(config.maxRequestsInFlight(), meters::shed);
      meters.requestsInFlight(overload::inFlight);
      ProjectService projects = new ProjectService(new PgProjectStore(pool));
      TaskTypeService taskTypes = new TaskTypeService(vertx, new PgTaskTypeStore(pool), new ParamSchemas(vertx.fileSystem()), Clock.systemUTC());
      PgClaimableSignals signals = await(PgClaimableSignals.start(vertx, target.connectOptions(), pool));
      ClaimWaiters waiters = new ClaimWaiters(vertx, meters::longPollWakeup);
      signals.listen(waiters::signal);
      signals.onGap(waiters::wakeAll);
      TaskService tasks = new TaskService(new PgTaskStore(pool), taskTypes, meters, config.retry(), signals, waiters);
      PgApiKeyStore keyStore = new PgApiKeyStore(pool);
      KeyUsage keyUsage = new KeyUsage(keyStore, Clock.systemUTC());
      ApiKeyService apiKeys = new ApiKeyService(keyStore, Clock.systemUTC(), config.keyCacheTtl(), signals, keyUsage,
          config.defaultRateLimit());
      vertx.setPeriodic(KeyUsage.FLUSH_EVERY.toMillis(), timer -> keyUsage.flush());
      PgWorkerStore workerStore = new PgWorkerStore(pool);
      WorkerSightings sightings = new WorkerSightings(workerStore, Clock.systemUTC());
      WorkerService workers = new WorkerService(workerStore, sightings, signals);
      vertx.setPeriodic(WorkerSightings.FLUSH_EVERY.toMillis(), timer -> sightings.flush());
      Admission bulkAdmission = new Admission(BULK_REQUESTS_AT_ONCE, bulkBytesAtOnce(Runtime.getRuntime().maxMemory()));
      meters.bulkWaiting(bulkAdmission::waiting);

      Buffer contract = contract();
      GraphService graphs = new GraphService(tasks, new PgDependencyStore(pool));
      PgRunStore runStore = new PgRunStore(pool);
      WorkflowService workflows = new WorkflowService(new PgWorkflowStore(pool), runStore, taskTypes, Clock.systemUTC());
      RunService runs = new RunService(workflows, tasks, graphs, runStore, meters);
      DependencyService dependencies = new DependencyService(new PgDependencyStore(pool), meters, signals);
      StatsService stats = new StatsService(new PgStatsStore(pool));
      Services services = new Services(projects, taskTypes, tasks, graphs, dependencies, apiKeys, new DatabaseHealth(pool), registry, contract,
          new PgIdempotencyStore(pool), config.idempotencyTtl(),
          new RateLimiter(new PgRateLimitStore(pool), Clock.systemUTC(), meters::rateLimited),
          new QueueControl(new PgQueuePauseStore(pool), signals), bulkAdmission, overload,
          workflows, runs,
          new EventService(new PgEventStore(pool), config.eventRetention(), meters, signals), workers, stats);

      Optional<String> generated = await(apiKeys.bootstrapAdmin(config.adminKey()));
      // A negative port makes every HTTP verticle instance share one random port (tests ask for port 0).
      int port = config.httpPort() == 0 ? -1 : config.httpPort();
      // One HTTP server verticle per event loop that serves HTTP (TaskqConfig.defaultHttpEventLoops says why so few).
      int instances = config.httpEventLoops();
      HttpEdge edge = HttpEdge.create(config.http(), contract, registry);
      HttpServerVerticle first = null;
      List<String> deployments = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        HttpServerVerticle server = new HttpServerVerticle(services, port, edge);
        deployments.add(await(vertx.deployVerticle(server)));
        first = first == null ? server : first;
      }
      Leadership leadership = new Leadership(pool, config.leaderLease(), config.leaderLease().dividedBy(5));
      meters.leader(leadership::isLeader);
      MaintenanceJobs jobs = new MaintenanceJobs(pool, leadership, meters, new MaintenanceJobs.Settings(
          config.keepCompleted(), config.keepFailed(), RETENTION_EVERY, GAUGES_EVERY));
      List<String> background = new ArrayList<>();
      background.add(await(vertx.deployVerticle(leadership)));
      // Each lapsed lease is swept once even by two sweeps at once (a handover): the sweep skips rows another holds.
      background.add(await(vertx.deployVerticle(new LeaderLoop("sweeping lapsed leases", config.sweepInterval(), leadership::isLeader,
          LeaderLoop.draining(() -> tasks.sweepExpiredLeases(SWEEP_BATCH), SWEEP_BATCH)))));
      background.add(await(vertx.deployVerticle(jobs)));
      // Off the completion path: a run's end is recorded (status, metrics) by the leader, about a second later.
      background.add(await(vertx.deployVerticle(new LeaderLoop("recording finished workflow runs", WORKFLOW_JOBS_EVERY,
          leadership::isLeader, LeaderLoop.draining(() -> runs.recordFinished(RUNS_BATCH), RUNS_BATCH)))));
      // Off the claim and completion path: the per-statement rows of worker_deltas become per-worker totals here.
      background.add(await(vertx.deployVerticle(new LeaderLoop("folding worker counts", WORKER_FOLD_EVERY,
          leadership::isLeader, LeaderLoop.draining(() -> workers.foldDeltas(WorkerService.FOLD_BATCH), WorkerService.FOLD_BATCH)))));
      // Reads are exact without the fold; it keeps the delta table, which every read scans, about a second long.
      background.add(await(vertx.deployVerticle(new LeaderLoop("folding task counters", STATS_FOLD_EVERY, leadership::isLeader,
          stats::upkeep))));
      ScheduleService schedules = new ScheduleService(runStore, runs, Clock.systemUTC());
      background.add(await(vertx.deployVerticle(new LeaderLoop("starting scheduled workflow runs", WORKFLOW_JOBS_EVERY,
          leadership::isLeader, LeaderLoop.draining(schedules::startDue, ScheduleService.BATCH)))));
      int actualPort = first.actualPort();
      LOG.info("taskq is serving HTTP on port " + actualPort + " (" + instances + (instances == 1 ? " event loop)" : " event loops)"));
      return new TaskqServer(vertx, embedded, actualPort, generated, waiters, deployments, background, leadership, jobs, signals,
          keyUsage, workers);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  public boolean isLeader() {
    return leadership.isLeader();
  }

  /** Runs retention now (it also runs every minute on the leader); answers how many tasks it deleted. */
  public Future<Integer> runRetention() {
    return jobs.retention();
  }

  /** Writes the API-key uses noted since the last flush now (it also runs every 30 s); answers how many keys it wrote. */
  public Future<Integer> flushKeyUsage() {
    return keyUsage.flush();
  }

  /**
   * Records the worker sightings noted on this instance and folds every delta row into the
   * per-worker totals now (they are also flushed every 5 s, and folded every second by the leader).
   */
  public Future<Integer> flushWorkerStats() {
    return workers.sightings().flush().compose(n -> foldAll(0));
  }

  private Future<Integer> foldAll(int sofar) {
    return workers.foldDeltas(WorkerService.FOLD_BATCH)
        .compose(n -> n >= WorkerService.FOLD_BATCH ? foldAll(sofar + n) : Future.succeededFuture(sofar + n));
  }

  /** Deletes expired events now (the leader also does every minute); answers how many. */
  public Future<Integer> purgeExpiredEvents() {
    return jobs.purgeExpiredEvents();
  }

  /** Stops without any goodbye, as a crash would: no lease released, nothing answered. For tests of failover. */
  public void crash() throws Exception {
    leadership.abandon();
    await(vertx.close());
  }

  /** Claims held by long-polls right now. */
  public int waitingClaims() {
    return waiters.waiting();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The secret of the admin key this start created, when none existed and TASKQ_ADMIN_KEY was unset. */
  public Optional<String> generatedAdminSecret() {
    return generatedAdminSecret;
  }

  /**
   * Graceful stop: held long-polls answer (empty) first, so that they do not hold the rest up;
   * the HTTP servers stop accepting and finish what is in flight; then the pool and listener
   * close with Vert.x; the embedded database, if any, stops last.
   */
  @Override
  public void close() throws Exception {
    try {
      waiters.close();
      for (String deployment : httpDeployments) {
        await(vertx.undeploy(deployment));
      }
      flushKeyUsageBeforeStop();
      flushSightingsBeforeStop();
      // Background verticles next, while the pool is open: the leader hands its lease back.
      for (String deployment : backgroundDeployments) {
        await(vertx.undeploy(deployment));
      }
      signals.close();
      await(vertx.close());
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /** The last minute's key uses; bounded, because a database that is gone must not hold the stop up. */
  private void flushKeyUsageBeforeStop() {
    try {
      keyUsage.flush().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warning("the last API-key uses were not recorded before stopping: " + e);
    }
  }

  /** The last seconds' worker sightings; bounded like the key uses. */
  private void flushSightingsBeforeStop() {
    try {
      workers.sightings().flush().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warning("the last worker sightings were not recorded before stopping: " + e);
    }
  }

  private static Buffer contract() throws IOException {
    try (InputStream in = TaskqServer.class.getClassLoader().getResourceAsStream("openapi/taskq.yaml")) {
      if (in == null) {
        throw new IOException("openapi/taskq.yaml is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    }
  }

  /** Waits on the starting (or stopping) thread, never an event loop: start-up is sequential by nature. */
  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(STARTUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
