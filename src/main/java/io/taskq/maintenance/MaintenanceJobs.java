package io.taskq.maintenance;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.taskq.db.PlannerSettings;
import io.taskq.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The leader's slow periodic jobs: retention of finished tasks, purge of expired idempotency
 * records, spent rate-limit windows and expired events, and the live-task gauges. Each runs only
 * while this instance leads, and never overlaps itself.
 */
public final class MaintenanceJobs extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(MaintenanceJobs.class.getName());
  static final int BATCH = 500;

  /** How long finished tasks are kept, and how often the jobs run. */
  public record Settings(Duration keepCompleted, Duration keepFailed, Duration retentionEvery, Duration gaugesEvery) {
  }

  private final Pool pool;
  private final Leadership leadership;
  private final Meters meters;
  private final Settings settings;
  private final List<Long> timers = new ArrayList<>();
  private final Map<String, Boolean> running = new HashMap<>();
  private static final long GAUGES_SHARE = 20;
  private static final long MARGIN_NANOS = 100_000_000;
  /** The statuses LIVE_TASK_GAUGES counts. */
  private static final List<String> LIVE_STATUSES = List.of("pending", "claimed", "blocked");
  /** Bounds the zero series: 1,000 pairs are 4,000 gauge series and 6,000 meters of counters and timers. */
  private static final int MAX_KNOWN_PAIRS = 1000;
  private long nextGaugesAt;
  private MultiGauge liveTasks;
  private MultiGauge oldestClaimable;

  public MaintenanceJobs(Pool pool, Leadership leadership, Meters meters, Settings settings) {
    this.pool = pool;
    this.leadership = leadership;
    this.meters = meters;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    liveTasks = MultiGauge.builder(Meters.LIVE_TASKS).description("live tasks by project, type and status (leader only)")
        .register(meters.registry());
    oldestClaimable = MultiGauge.builder(Meters.OLDEST_CLAIMABLE).baseUnit("seconds")
        .description("age of the oldest claimable task by project and type (leader only)").register(meters.registry());
    every(settings.retentionEvery(), "retention", this::retention);
    every(settings.retentionEvery(), "purge", this::purge);
    every(settings.gaugesEvery(), "gauges", this::refreshGauges);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    return Future.succeededFuture();
  }

  private void every(Duration period, String name, Supplier<Future<?>> job) {
    timers.add(vertx.setPeriodic(period.toMillis(), id -> {
      if (!leadership.isLeader()) {
        clearGaugesIfFollower();
        return;
      }
      if (Boolean.TRUE.equals(running.put(name, true))) {
        return;
      }
      job.get().onComplete(ar -> {
        running.put(name, false);
        if (ar.failed()) {
          LOG.log(Level.WARNING, name + " failed; it runs again next period: " + ar.cause().getMessage());
        }
      });
    }));
  }

  /** Deletes finished tasks past retention, batch after batch, until none is left. */
  public Future<Integer> retention() {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    Tuple args = Tuple.of(now.minus(settings.keepCompleted()), now.minus(settings.keepFailed()), BATCH);
    return drain(() -> PlannerSettings.withDefaultPlanning(pool, MaintenanceSql.DELETE_FINISHED_TASKS, args).map(r -> r.size()), 0)
        .onSuccess(n -> {
          if (n > 0) {
            meters.retained(n);
          }
        });
  }

  private Future<?> purge() {
    return drain(() -> PlannerSettings.withDefaultPlanning(pool, MaintenanceSql.DELETE_EXPIRED_IDEMPOTENCY_RECORDS, Tuple.of(BATCH))
            .map(r -> r.rowCount()), 0)
        .compose(n -> drain(() -> PlannerSettings.withDefaultPlanning(pool, MaintenanceSql.DELETE_OLD_RATE_LIMIT_WINDOWS, Tuple.of(BATCH))
            .map(r -> r.rowCount()), 0))
        .compose(n -> purgeExpiredEvents());
  }

  /** Deletes expired events, batch after batch; answers how many. Their keys may then be sent anew. */
  public Future<Integer> purgeExpiredEvents() {
    return drain(() -> PlannerSettings.withDefaultPlanning(pool, MaintenanceSql.DELETE_EXPIRED_EVENTS, Tuple.of(BATCH))
        .map(r -> r.rowCount()), 0);
  }

  private Future<Integer> drain(Supplier<Future<Integer>> batch, int sofar) {
    return batch.get().compose(n -> n >= BATCH ? drain(batch, sofar + n) : Future.succeededFuture(sofar + n));
  }

  /**
   * The gauges query reads the task counters (one row per group, one index probe per pending
   * type), not the tasks. It runs at most every {@code gaugesEvery}, and still never spends more
   * than a twentieth of the time on itself (a 1 s query would run every 20 s), so that thousands
   * of projects and types cannot make it a load of its own.
   */
  private Future<?> refreshGauges() {
    long now = System.nanoTime();
    if (now < nextGaugesAt) {
      return Future.succeededFuture();
    }
    Future<RowSet<Row>> live = PlannerSettings.withDefaultPlanning(pool, MaintenanceSql.LIVE_TASK_GAUGES, Tuple.tuple());
    Future<RowSet<Row>> known = pool.preparedQuery(MaintenanceSql.KNOWN_PROJECT_TYPES).execute(Tuple.of(MAX_KNOWN_PAIRS));
    return Future.all(live, known).onComplete(ar -> {
      long took = System.nanoTime() - now;
      nextGaugesAt = now + Math.max(settings.gaugesEvery().toNanos() - MARGIN_NANOS, GAUGES_SHARE * took);
    }).onSuccess(both -> publishGauges(live.result(), known.result()));
  }

  /** Known pairs are published at zero, so that dashboards and alerts see an idle queue rather than none. */
  private void publishGauges(RowSet<Row> live, RowSet<Row> known) {
    Map<Tags, Long> counts = new LinkedHashMap<>();
    Map<Tags, Double> oldest = new LinkedHashMap<>();
    for (Row row : known) {
      long project = row.getLong("project_id");
      String type = row.getString("type");
      meters.known(project, type);
      Tags projectAndType = Tags.of("project", Long.toString(project), "type", type);
      for (String status : LIVE_STATUSES) {
        counts.put(projectAndType.and("status", status), 0L);
      }
      oldest.put(projectAndType, 0.0);
    }
    for (Row row : live) {
      Tags projectAndType = Tags.of("project", Long.toString(row.getLong("project_id")), "type",
          Meters.typeLabel(row.getString("type")));
      counts.put(projectAndType.and("status", row.getString("status")), row.getLong("tasks"));
      Object seconds = row.getValue("oldest_claimable_seconds");
      if (seconds instanceof Number n) {
        oldest.merge(projectAndType, n.doubleValue(), Math::max);
      }
    }
    List<MultiGauge.Row<?>> countRows = new ArrayList<>();
    counts.forEach((tags, count) -> countRows.add(MultiGauge.Row.of(tags, count)));
    liveTasks.register(countRows, true);
    List<MultiGauge.Row<?>> ages = new ArrayList<>();
    oldest.forEach((tags, age) -> ages.add(MultiGauge.Row.of(tags, age)));
    oldestClaimable.register(ages, true);
  }

  private void clearGaugesIfFollower() {
    if (liveTasks != null) {
      liveTasks.register(List.of(), true);
      oldestClaimable.register(List.of(), true);
    }
  }
}
