package io.taskq.worker;

import io.taskq.store.WorkerStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records that a worker id was seen, without a write on the request path: a claim that found
 * nothing (a polling worker is alive) changes no row, so nothing in the database would know of
 * it. Each sighting is noted in memory (the latest per worker), and {@link #flush()} (every
 * {@link #FLUSH_EVERY}) appends them all in one insert-only statement, as
 * {@link io.taskq.auth.KeyUsage} does for keys. 32 workers polling a hundred times a second cost
 * one statement of 32 rows every few seconds per instance. Claims, heartbeats and completions
 * that change a task are also recorded by the statements that change it (changesets 037, 038).
 */
public final class WorkerSightings {

  /** Small against the five minutes after which a worker counts as inactive. */
  public static final Duration FLUSH_EVERY = Duration.ofSeconds(5);

  private static final Logger LOG = Logger.getLogger(WorkerSightings.class.getName());

  private record Worker(long projectId, String workerId) {
  }

  private final WorkerStore store;
  private final Clock clock;
  private final Map<Worker, Instant> pending = new ConcurrentHashMap<>();

  public WorkerSightings(WorkerStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Notes that the worker acted now; cheap, never blocks, never fails. */
  public void seen(long projectId, String workerId) {
    pending.put(new Worker(projectId, workerId), clock.instant());
  }

  /** Whether this instance saw the worker since its last flush. */
  public boolean noted(long projectId, String workerId) {
    return pending.containsKey(new Worker(projectId, workerId));
  }

  /**
   * Appends the sightings noted since the last flush in one statement (none when there are
   * none); answers how many. A failure is logged and those sightings are noted again, unless a
   * newer one replaced them.
   */
  public Future<Integer> flush() {
    List<Sighting> batch = new ArrayList<>();
    for (Worker worker : pending.keySet()) {
      Instant at = pending.remove(worker);
      if (at != null) {
        batch.add(new Sighting(worker.projectId(), worker.workerId(), at));
      }
    }
    if (batch.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return store.recordSightings(batch).recover(failure -> {
      LOG.log(Level.WARNING, "could not record " + batch.size() + " worker sightings; will retry", failure);
      batch.forEach(s -> pending.putIfAbsent(new Worker(s.projectId(), s.workerId()), s.at()));
      return Future.succeededFuture(0);
    });
  }
}
