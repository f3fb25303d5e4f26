package io.taskq.store.pg;

/** Every statement of the projects aggregate. */
final class ProjectSql {

  private ProjectSql() {
  }

  /** $1 name. */
  static final String INSERT = "INSERT INTO projects (name) VALUES ($1) RETURNING *";

  static final String LIST_ALL = "SELECT * FROM projects ORDER BY id";

  /** $1 id. */
  static final String FIND = "SELECT * FROM projects WHERE id = $1";
}
