package io.taskq.store.pg;

/** Statements of queue pauses. Each answers the project's paused queues after the change. */
final class QueuePauseSql {

  private QueuePauseSql() {
  }

  /** $1 project_id, $2 type or '*'. */
  static final String PAUSE = """
      WITH added AS (
          INSERT INTO queue_pauses (project_id, type) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING type
      )
      SELECT type FROM added UNION SELECT type FROM queue_pauses WHERE project_id = $1 ORDER BY 1
      """;

  /** $1 project_id, $2 type or '*'. */
  static final String RESUME = """
      WITH removed AS (
          DELETE FROM queue_pauses WHERE project_id = $1 AND type = $2 RETURNING type
      )
      SELECT type FROM queue_pauses WHERE project_id = $1 AND type NOT IN (SELECT type FROM removed) ORDER BY 1
      """;

  /** $1 project_id. */
  static final String LIST = "SELECT type FROM queue_pauses WHERE project_id = $1 ORDER BY type";
}
