package io.taskq.store.pg;

import io.taskq.db.DatabaseTarget;
import io.taskq.db.Pools;
import io.taskq.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * A database of its own for a plan test, filled by the test's statements (then analyzed by them),
 * with a pool of one connection: so every plan a test checks is made on the data it describes,
 * and no other test's rows or statistics move it.
 */
final class PlanFixture implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  final Pool pool;

  PlanFixture(String name, String... setup) {
    DatabaseTarget db = TestDatabase.fresh(name);
    for (String sql : setup) {
      TestDatabase.execute(db, sql);
    }
    pool = Pools.create(vertx, db, 1);
  }

  /**
   * The plan of {@code explain + sql} as text, run the way the statement runs in taskq ({@code runner}:
   * e.g. {@code (pool, sql, args) -> PlannerSettings.withDefaultPlanning(pool, sql, args)}).
   */
  String plan(Runner runner, String explain, String sql, Tuple args) {
    StringBuilder plan = new StringBuilder();
    for (Row row : runner.run(pool, explain + " " + sql, args).await()) {
      plan.append(row.getString(0)).append('\n');
    }
    return plan.toString();
  }

  /** How a statement is run in taskq: with the pool's settings, the planner's defaults, or a custom plan. */
  interface Runner {
    Future<RowSet<Row>> run(Pool pool, String sql, Tuple args);
  }

  /**
   * The twelve parameters of {@link TaskSql#LIST} (and the first twelve of {@link TaskSql#SEARCH})
   * for project 1: {@code second} is the listing's after id or the search's text; the other filters unset.
   */
  static Tuple listingArgs(Object second, String status, Long parentId, int limit) {
    return Tuple.tuple().addLong(1L).addValue(second).addString(status).addString(null).addString(null).addString(null)
        .addInteger(limit).addLong(parentId).addString(null).addOffsetDateTime(null).addOffsetDateTime(null).addInteger(null);
  }

  @Override
  public void close() {
    pool.close().await();
    vertx.close().await();
  }
}
