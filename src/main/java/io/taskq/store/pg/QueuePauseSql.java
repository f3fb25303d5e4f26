package io.taskq.store.pg;

/**
 * Statements of queue pauses. A row's type is a registered type's name, or '*' for the whole
 * project: '*' is written only by the project statements, as a literal, and the type statements
 * pause only registered names, which the task_types_name_format CHECK keeps from being '*'. Each
 * statement answers one row: {@code paused}, the project's paused queues after the change, and
 * for a type, {@code registered}, whether any version of it is.
 */
final class QueuePauseSql {

  private QueuePauseSql() {
  }

  /** $1 project_id. */
  static final String PAUSE_PROJECT = """
      WITH added AS (
          INSERT INTO queue_pauses (project_id, type) VALUES ($1, '*') ON CONFLICT DO NOTHING RETURNING type
      )
      SELECT ARRAY(SELECT type FROM added UNION SELECT type FROM queue_pauses WHERE project_id = $1 ORDER BY 1) AS paused
      """;

  /** $1 project_id. */
  static final String RESUME_PROJECT = """
      WITH removed AS (
          DELETE FROM queue_pauses WHERE project_id = $1 AND type = '*' RETURNING type
      )
      SELECT ARRAY(SELECT type FROM queue_pauses
                    WHERE project_id = $1 AND type NOT IN (SELECT type FROM removed) ORDER BY 1) AS paused
      """;

  /** $1 project_id, $2 type name. */
  static final String PAUSE_TYPE = """
      WITH known AS (
          SELECT EXISTS (SELECT 1 FROM task_types WHERE name = $2) AS registered
      ), added AS (
          INSERT INTO queue_pauses (project_id, type)
          SELECT $1, $2 FROM known WHERE registered
          ON CONFLICT DO NOTHING RETURNING type
      )
      SELECT known.registered,
             ARRAY(SELECT type FROM added UNION SELECT type FROM queue_pauses WHERE project_id = $1 ORDER BY 1) AS paused
        FROM known
      """;

  /** $1 project_id, $2 type name. */
  static final String RESUME_TYPE = """
      WITH known AS (
          SELECT EXISTS (SELECT 1 FROM task_types WHERE name = $2) AS registered
      ), removed AS (
          DELETE FROM queue_pauses
           WHERE project_id = $1 AND type = $2 AND (SELECT registered FROM known)
          RETURNING type
      )
      SELECT known.registered,
             ARRAY(SELECT type FROM queue_pauses
                    WHERE project_id = $1 AND type NOT IN (SELECT type FROM removed) ORDER BY 1) AS paused
        FROM known
      """;

  /** $1 project_id. */
  static final String LIST = "SELECT ARRAY(SELECT type FROM queue_pauses WHERE project_id = $1 ORDER BY type) AS paused";
}
