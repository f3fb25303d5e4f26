package io.taskq.fuzz;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The number of rows of every table the API writes, read in one statement, so that a rejected
 * request can be shown to have written nothing. The tables come from the database itself, so a
 * table added later is counted too; those that change without a request are left out.
 */
final class RowCounts {

  /**
   * Written by the server on its own clock (leader lease; worker sightings flushed and worker
   * counts folded every few seconds; the task counters, which the leader folds every second and
   * which only follow the tasks table, compared itself), or by requests that pass (rate-limit windows).
   */
  private static final Set<String> NOT_REQUEST_WRITTEN = Set.of("leader_leases", "rate_limit_windows", "databasechangelog",
      "databasechangeloglock", "workers", "worker_deltas", "task_stat_deltas", "task_counts", "task_throughput");

  /** Written for any answer, 4xx included, when the request carries an Idempotency-Key. */
  static final String IDEMPOTENCY_TABLE = "idempotency_records";

  private final Pool pool;
  private final List<String> tables = new ArrayList<>();
  private final String query;

  RowCounts(Pool pool) {
    this.pool = pool;
    for (Row row : pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        + " AND table_type = 'BASE TABLE' ORDER BY table_name").execute().await()) {
      String table = row.getString(0);
      if (!NOT_REQUEST_WRITTEN.contains(table)) {
        tables.add(table);
      }
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < tables.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("(SELECT count(*) FROM \"").append(tables.get(i)).append("\")");
    }
    query = sql.toString();
  }

  List<String> tables() {
    return tables;
  }

  Map<String, Long> read() {
    Row row = pool.query(query).execute().await().iterator().next();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i < tables.size(); i++) {
      counts.put(tables.get(i), row.getLong(i));
    }
    return counts;
  }

  /** The tables whose counts differ, as "table before->after"; {@code ignore} names tables not to compare. */
  static List<String> changed(Map<String, Long> before, Map<String, Long> after, Set<String> ignore) {
    List<String> out = new ArrayList<>();
    before.forEach((table, count) -> {
      if (!ignore.contains(table) && !count.equals(after.get(table))) {
        out.add(table + " " + count + "->" + after.get(table));
      }
    });
    return out;
  }
}
