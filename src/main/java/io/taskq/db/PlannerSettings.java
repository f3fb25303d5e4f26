package io.taskq.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.Map;

/**
 * How taskq's connections ask PostgreSQL to plan.
 *
 * <p>Every connection starts with generic plans forced and sequential scans off. By default
 * PostgreSQL planned the claim and the batch complete afresh on every call, because their
 * custom plans look cheaper than the generic one; planning took longer than executing (0.7 ms
 * against 0.5 ms for a claim on PostgreSQL 15). A generic plan is made once per connection
 * and statement, though, from the table as it is then: one made while {@code tasks} was empty
 * chose a sequential scan and sort, and kept it after the table grew, until an analyze. With
 * sequential scans off that plan is not open to the planner, and the hot statements read
 * {@code tasks} through their indexes whatever its size then ({@code HotPathPlansTest}).
 *
 * <p>Statements whose best plan depends on their arguments (a listing filtered by status), or
 * that read much of a table (gauges over every live task), run through
 * {@link #withDefaultPlanning} instead.
 */
public final class PlannerSettings {

  /** Sent at connection start-up, so they hold for the whole session. */
  static final Map<String, String> SESSION = Map.of(
      "plan_cache_mode", "force_generic_plan",
      "enable_seqscan", "off");

  private static final String DEFAULTS_FOR_THIS_TRANSACTION =
      "SET LOCAL plan_cache_mode = auto; SET LOCAL enable_seqscan = on";

  private PlannerSettings() {
  }

  /**
   * Runs one statement with PostgreSQL's default planning (a custom plan when it pays,
   * sequential scans allowed), at the cost of a transaction around it.
   */
  public static Future<RowSet<Row>> withDefaultPlanning(Pool pool, String sql, Tuple args) {
    return pool.withTransaction(conn -> conn.query(DEFAULTS_FOR_THIS_TRANSACTION).execute()
        .compose(ignored -> conn.preparedQuery(sql).execute(args)));
  }
}
