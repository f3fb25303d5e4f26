package io.taskq.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.taskq.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationsTest {

  /** The committed description of the migrated schema; regenerate with -Dtaskq.schema.update=true. */
  private static final Path SCHEMA = Path.of("src/test/resources/schema.txt");

  /** Columns, constraints, indexes, triggers and functions of the public schema, one per line, sorted. */
  private static final String DESCRIBE = """
      SELECT 'column ' || c.table_name || '.' || c.column_name || ' ' || c.data_type
             || CASE WHEN c.is_nullable = 'NO' THEN ' not null' ELSE '' END
             || coalesce(' default ' || c.column_default, '')
        FROM information_schema.columns c
       WHERE c.table_schema = 'public' AND c.table_name NOT LIKE 'databasechangelog%'
      UNION ALL
      SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n' -- PostgreSQL 18 lists NOT NULL here too
      UNION ALL
      SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE 'databasechangelog%'
      UNION ALL
      SELECT 'trigger ' || tgrelid::regclass || ' ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
      UNION ALL
      SELECT 'function ' || proname || '(' || pg_get_function_arguments(oid) || ')'
        FROM pg_proc WHERE pronamespace = 'public'::regnamespace
      ORDER BY 1
      """;

  @Test
  void theMigratedSchemaIsTheCommittedOne() throws Exception {
    DatabaseTarget db = TestDatabase.absent("schema");
    DatabaseCreator.ensureExists(db);
    Migrations.update(db);
    String actual = String.join("\n", lines(db, DESCRIBE)) + "\n";
    if (Boolean.getBoolean("taskq.schema.update")) {
      Files.writeString(SCHEMA, actual);
    }
    assertEquals(Files.readString(SCHEMA), actual,
        "the schema changed: if that is intended, run the tests once with -Dtaskq.schema.update=true and commit " + SCHEMA);
  }

  @Test
  void everyChangesetRollsBackAndAppliesAgain() throws Exception {
    DatabaseTarget db = TestDatabase.absent("migrations");
    DatabaseCreator.ensureExists(db);
    Migrations.update(db);
    List<String> migrated = lines(db, DESCRIBE);
    int changesets = Integer.parseInt(lines(db, "SELECT count(*) FROM databasechangelog").get(0));
    Migrations.rollback(db, changesets);
    assertEquals(List.of("databasechangelog", "databasechangeloglock"),
        lines(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"));
    assertEquals(List.of(), lines(db, "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace"));
    Migrations.update(db);
    assertEquals(migrated, lines(db, DESCRIBE));
  }

  @Test
  void rollingBackTheLastChangesetUndoesOnlyThat() throws Exception {
    DatabaseTarget db = TestDatabase.absent("rollback_one");
    DatabaseCreator.ensureExists(db);
    Migrations.update(db);
    int changesets = Integer.parseInt(lines(db, "SELECT count(*) FROM databasechangelog").get(0));
    Migrations.rollback(db, 1);
    assertEquals(changesets - 1, Integer.parseInt(lines(db, "SELECT count(*) FROM databasechangelog").get(0)));
    assertEquals(List.of("tasks"), lines(db, "SELECT tablename FROM pg_tables WHERE tablename = 'tasks'"));
    Migrations.update(db);
    assertEquals(changesets, Integer.parseInt(lines(db, "SELECT count(*) FROM databasechangelog").get(0)));
  }

  @Test
  void theUpdatedAtTriggerStampsEveryUpdateThatDoesNotStampItself() throws Exception {
    DatabaseTarget db = TestDatabase.absent("updated_at");
    DatabaseCreator.ensureExists(db);
    Migrations.update(db);
    String stamped = "SELECT updated_at > timestamptz '2001-01-01' FROM tasks";
    run(db, "INSERT INTO projects (id, name) VALUES (1, 'p')",
        "INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds, updated_at)"
            + " VALUES (1, 't', 1, 3, 30, timestamptz '2000-01-01')");
    run(db, "UPDATE tasks SET priority = 5"); // leaves updated_at alone: the trigger stamps it
    assertEquals(List.of("t"), lines(db, stamped));
    run(db, "UPDATE tasks SET updated_at = timestamptz '2000-01-01'"); // a statement that stamps it itself
    assertEquals(List.of("f"), lines(db, stamped));
  }

  @Test
  void pausesOfJunkTypesWrittenBeforeTheCheckAreDeletedAndCannotBeWrittenAgain() throws Exception {
    DatabaseTarget db = TestDatabase.absent("pause_types");
    DatabaseCreator.ensureExists(db);
    Migrations.update(db);
    // Back to before 018 (and whatever came after it): the pauses an older taskq could write.
    int from018 = Integer.parseInt(lines(db, "SELECT count(*) FROM databasechangelog WHERE orderexecuted >="
        + " (SELECT orderexecuted FROM databasechangelog WHERE id = '018-queue-pauses-type-format')").get(0));
    Migrations.rollback(db, from018);
    run(db, "INSERT INTO projects (id, name) VALUES (1, 'p')",
        "INSERT INTO queue_pauses (project_id, type) VALUES (1, '*'), (1, 'email.send'), (1, ' '), (1, '%'), (1, ''), (1, '-x')");
    Migrations.update(db);
    assertEquals(List.of("*", "email.send"), lines(db, "SELECT type FROM queue_pauses ORDER BY type"));
    SQLException refused = assertThrows(SQLException.class, () -> run(db, "INSERT INTO queue_pauses (project_id, type) VALUES (1, '%')"));
    assertEquals("23514", refused.getSQLState());
  }

  @Test
  void integerTypeVersionsBecomeTheirDecimalStringsInTypesTasksAndWorkflowSteps() throws Exception {
    DatabaseTarget db = TestDatabase.absent("text_versions");
    DatabaseCreator.ensureExists(db);
    Migrations.update(db);
    int from029 = Integer.parseInt(lines(db, "SELECT count(*) FROM databasechangelog WHERE orderexecuted >="
        + " (SELECT orderexecuted FROM databasechangelog WHERE id = '029-task-type-versions-as-text')").get(0));
    Migrations.rollback(db, from029);
    run(db, "INSERT INTO projects (id, name) VALUES (1, 'p')",
        "INSERT INTO task_types (name, version, param_schema) VALUES ('t', 7, '{}'), ('t', 12, '{}')",
        "INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds) VALUES (1, 't', 12, 3, 30)",
        "INSERT INTO workflows (project_id, name, version, definition) VALUES (1, 'w', 1,"
            + " '{\"steps\": [{\"name\": \"a\", \"type\": \"t\", \"type_version\": 7},"
            + " {\"name\": \"b\", \"type\": \"t\", \"type_version\": null}]}')");
    Migrations.update(db);
    assertEquals(List.of("12", "7"), lines(db, "SELECT version FROM task_types ORDER BY version"));
    assertEquals(List.of("12"), lines(db, "SELECT type_version FROM tasks"));
    assertEquals(List.of("string", "null"), lines(db,
        "SELECT jsonb_typeof(s -> 'type_version') FROM workflows, jsonb_array_elements(definition -> 'steps') s"));
    assertEquals(List.of("7"), lines(db, "SELECT definition #>> '{steps,0,type_version}' FROM workflows"));
  }

  private static void run(DatabaseTarget db, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static List<String> lines(DatabaseTarget db, String sql) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
    return lines;
  }
}
