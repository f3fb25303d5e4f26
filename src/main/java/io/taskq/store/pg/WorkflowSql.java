package io.taskq.store.pg;

/** Every statement of the workflows aggregate. */
final class WorkflowSql {

  private WorkflowSql() {
  }

  /**
   * Registers (project, name, version) unless it exists, answering the stored row either way
   * with whether its definition equals the one sent (jsonb equality: key order and number
   * spelling do not count). Under a race the fallback may come back empty: a concurrent
   * registration committed after this statement's snapshot (see {@link #FIND_COMPARED}).
   * $1 project_id, $2 name, $3 version, $4 definition (JSON text).
   */
  static final String INSERT = """
      WITH inserted AS (
          INSERT INTO workflows (project_id, name, version, definition)
          VALUES ($1, $2, $3, $4::text::jsonb)
          ON CONFLICT (project_id, name, version) DO NOTHING
          RETURNING *
      )
      SELECT true AS created, true AS same_definition, * FROM inserted
      UNION ALL
      SELECT false, w.definition = $4::text::jsonb, w.* FROM workflows w
       WHERE w.project_id = $1 AND w.name = $2 AND w.version = $3 AND NOT EXISTS (SELECT 1 FROM inserted)
      """;

  /** The stored (project, name, version), compared with a definition. $1 project_id, $2 name, $3 version, $4 definition (JSON text). */
  static final String FIND_COMPARED = """
      SELECT false AS created, definition = $4::text::jsonb AS same_definition, *
        FROM workflows WHERE project_id = $1 AND name = $2 AND version = $3
      """;

  /** $1 project_id, $2 after id, $3 limit. */
  static final String LIST_AFTER = """
      SELECT * FROM workflows WHERE project_id = $1 AND id > $2 ORDER BY id LIMIT $3
      """;

  /** $1 project_id, $2 name, $3 after id, $4 limit. */
  static final String LIST_NAMED_AFTER = """
      SELECT * FROM workflows WHERE project_id = $1 AND name = $2 AND id > $3 ORDER BY id LIMIT $4
      """;

  /** $1 project_id, $2 name. */
  static final String FIND_NEWEST = """
      SELECT * FROM workflows WHERE project_id = $1 AND name = $2 ORDER BY version DESC LIMIT 1
      """;

  /** $1 project_id, $2 name, $3 version. */
  static final String FIND = """
      SELECT * FROM workflows WHERE project_id = $1 AND name = $2 AND version = $3
      """;
}
