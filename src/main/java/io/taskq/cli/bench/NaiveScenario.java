package io.taskq.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;

/**
 * The naive bound through the PostgreSQL client, for when pgbench is not installed: worker i
 * runs the two statements of {@code naive/claim_complete_2tx.sql} as pgbench's client i would,
 * each its own autocommit transaction, the claim's id bound into the complete as {@code \gset}
 * does.
 */
final class NaiveScenario implements LoadScenario {

  private final Vertx vertx;
  private final Pool pool;
  private final NaiveSql.Statement claim = NaiveSql.claim();
  private final NaiveSql.Statement complete = NaiveSql.complete();

  NaiveScenario(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  @Override
  public Future<?> step(int worker, MeasurementWindow window) {
    String clientId = Integer.toString(worker);
    long t0 = System.nanoTime();
    return pool.preparedQuery(claim.sql()).execute(bind(claim, Map.of("q", NaiveSql.QUEUE, "client_id", clientId)))
        .<Void>transform(ar -> {
          long t1 = System.nanoTime();
          window.answered(t0, t1, window.latency, ar.succeeded());
          if (ar.failed()) {
            window.error(t1, "naive claim", ar.cause().getMessage());
            return Future.succeededFuture();
          }
          RowSet<Row> rows = ar.result();
          if (rows.size() == 0) {
            window.emptyPoll(t1);
            return vertx.timer(EMPTY_QUEUE_PAUSE_MS).mapEmpty();
          }
          long id = rows.iterator().next().getLong("id");
          return complete(id, clientId, window);
        });
  }

  private Future<Void> complete(long id, String clientId, MeasurementWindow window) {
    long t0 = System.nanoTime();
    return pool.preparedQuery(complete.sql()).execute(bind(complete, Map.of("id", id, "client_id", clientId)))
        .<Void>transform(ar -> {
          long t1 = System.nanoTime();
          boolean applied = ar.succeeded() && ar.result().rowCount() == 1;
          window.answered(t0, t1, window.secondLatency, applied);
          if (applied) {
            window.tasks(t1, 1);
          } else {
            window.error(t1, "naive complete of " + id, ar.failed() ? ar.cause().getMessage() : "no row was claimed by this client");
          }
          return Future.succeededFuture();
        });
  }

  private static Tuple bind(NaiveSql.Statement statement, Map<String, Object> values) {
    Tuple tuple = Tuple.tuple();
    for (String variable : statement.variables()) {
      Object value = values.get(variable);
      if (value == null) {
        throw new IllegalStateException("the naive script uses a variable the bench does not set: " + variable);
      }
      tuple.addValue(value);
    }
    return tuple;
  }

  @Override
  public String secondLatencyName() {
    return "complete";
  }

  @Override
  public List<String> notes(MeasurementWindow window) {
    return Notes.emptyQueue(window);
  }
}
