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
      SELECT true AS applied, * FROM inserted
      UNION ALL
      SELECT false AS applied, * FROM task_types WHERE name = $1 AND version = $2 AND NOT EXISTS (SELECT 1 FROM inserted)
      """;

  static final String LIST_ALL = "SELECT * FROM task_types ORDER BY name, version";

  /** $1 name, $2 version. */
  static final String FIND = "SELECT * FROM task_types WHERE name = $1 AND version = $2";

  /** $1 name. */
  static final String FIND_NEWEST_ACTIVE = "SELECT * FROM task_types WHERE name = $1 AND active ORDER BY version DESC LIMIT 1";
}
