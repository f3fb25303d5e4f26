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
 * PostgreSQL planned the batch complete afresh on every call, because its custom plans look
 * cheaper than the generic one, and planning took longer than executing: 0.74 ms against
 * 0.41 ms (and 0.70 against 0.50 for the claim, before its statement was cached), from
 * {@code pg_stat_statements} on PostgreSQL 15 during claim-complete at 8 workers. A generic
 * plan is made once per connection and statement (and again after an analyze of its tables),
 * from the table as it is then: one made while {@code tasks} was empty chose a sequential scan
 * and sort, and kept it after the table grew. Sequential scans off make any such plan cost more
 * than one through an index; {@code HotPathPlansTest} checks that each hot statement, planned on
 * an empty table, reads {@code tasks} through index conditions only.
 *
 * <p>Statements whose best plan depends on their arguments (a listing's optional filters, a
 * batch size in {@code LIMIT}), or that read much of a table (gauges over every live task), run
 * through {@link #withDefaultPlanning} instead. Run a statement either always through it or never:
 * a connection keeps one cached plan per statement.
 */
public final class PlannerSettings {

  /**
   * Sent at connection start-up, so they hold for the whole session.
   *
   * <p>JIT off: sequential scans off adds 10^10 to the cost of any plan that still has one (the
   * counters' folds over their small delta tables, which have no index), far above
   * {@code jit_above_cost}, so a PostgreSQL built with LLVM (Debian's, the official images)
   * compiled those statements on every run: 300-480 ms of CPU per fold, two folds a second, a
   * third of this 2-core machine (auto_explain on PostgreSQL 15 during claim-complete at 32
   * workers). taskq's statements are short; none gains from JIT.
   */
  static final Map<String, String> SESSION = Map.of(
      "plan_cache_mode", "force_generic_plan",
      "enable_seqscan", "off",
      "jit", "off");

  private static final String DEFAULTS_FOR_THIS_TRANSACTION =
      "SET LOCAL plan_cache_mode = auto; SET LOCAL enable_seqscan = on";

  /**
   * For a full-text search: a custom plan every time, because a generic one cannot know how many
   * tasks a query matches (it guessed 1 row for a word in 60 % of 50,000 tasks, and joined every
   * match to its task before ranking: 600 ms instead of 25), and no NOTICE: parsing a query of stop
   * words only sends one, which the PostgreSQL client logs as a warning, so any client could fill
   * the log with them.
   */
  private static final String CUSTOM_PLAN_WITHOUT_NOTICES =
      "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL enable_seqscan = on; SET LOCAL client_min_messages = warning";

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

  /** Runs one statement planned afresh for its arguments, without its NOTICEs reaching the client. */
  public static Future<RowSet<Row>> withCustomPlanQuietly(Pool pool, String sql, Tuple args) {
    return pool.withTransaction(conn -> conn.query(CUSTOM_PLAN_WITHOUT_NOTICES).execute()
        .compose(ignored -> conn.preparedQuery(sql).execute(args)));
  }
}
