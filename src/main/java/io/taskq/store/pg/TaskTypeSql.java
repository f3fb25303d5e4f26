package io.taskq.store.pg;

/** Every statement of the task-types aggregate. */
final class TaskTypeSql {

  private TaskTypeSql() {
  }

  /**
   * Registers (name, version) unless it exists, answering the stored row either way (see
   * {@code TaskSql.INSERT} for why the fallback may come back empty under a race).
   * $1 name, $2 version, $3 param_schema (JSON text), $4 max_attempts, $5 lease_seconds.
   */
  static final String INSERT = """
      WITH inserted AS (
          INSERT INTO task_types (name, version, param_schema, max_attempts, lease_seconds)
          VALUES ($1, $2, $3::text::jsonb, $4, $5)
          ON CONFLICT (name, version) DO NOTHING
          RETURNING *
      )
      SELECT true AS applied, *, (SELECT max_concurrency FROM task_type_limits WHERE type = $1) AS max_concurrency FROM inserted
      UNION ALL
      SELECT false AS applied, *, (SELECT max_concurrency FROM task_type_limits WHERE type = $1) FROM task_types
       WHERE name = $1 AND version = $2 AND NOT EXISTS (SELECT 1 FROM inserted)
      """;

  static final String LIST_ALL = """
      SELECT t.*, l.max_concurrency FROM task_types t LEFT JOIN task_type_limits l ON l.type = t.name
       ORDER BY t.name, t.id
      """;

  /** $1 name, $2 version. */
  static final String FIND = """
      SELECT t.*, l.max_concurrency FROM task_types t LEFT JOIN task_type_limits l ON l.type = t.name
       WHERE t.name = $1 AND t.version = $2
      """;

  /**
   * The default version of a type: the most recently registered active one (ids grow with each
   * registration), not the highest, since versions are text. $1 name.
   */
  static final String FIND_NEWEST_ACTIVE = """
      SELECT t.*, l.max_concurrency FROM task_types t LEFT JOIN task_type_limits l ON l.type = t.name
       WHERE t.name = $1 AND t.active ORDER BY t.id DESC LIMIT 1
      """;

  /** $1 name, $2 version, $3 active. */
  static final String SET_ACTIVE = """
      UPDATE task_types t SET active = $3 WHERE t.name = $1 AND t.version = $2
      RETURNING t.*, (SELECT max_concurrency FROM task_type_limits WHERE type = $1) AS max_concurrency
      """;

  /**
   * Sets a type's max_concurrency, counting the tasks claimed now so that the limit holds from
   * the start. $1 type name, $2 max_concurrency.
   */
  static final String SET_LIMIT = """
      INSERT INTO task_type_limits (type, max_concurrency, claimed)
      VALUES ($1, $2, (SELECT count(*) FROM tasks WHERE status = 'claimed' AND type = $1))
      ON CONFLICT (type) DO UPDATE SET max_concurrency = EXCLUDED.max_concurrency
      """;

  /** $1 type name. */
  static final String REMOVE_LIMIT = "DELETE FROM task_type_limits WHERE type = $1";
}
