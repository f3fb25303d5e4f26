package io.taskq.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskq.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationsTest {

  private static final int CHANGESETS = 6;

  @Test
  void everyChangesetRollsBackAndAppliesAgain() throws Exception {
    DatabaseTarget db = TestDatabase.absent("migrations");
    DatabaseCreator.ensureExists(db);
    Migrations.update(db);
    List<String> migrated = tables(db);
    assertEquals(List.of("api_keys", "databasechangelog", "databasechangeloglock", "projects", "task_logs", "task_types", "tasks"),
        migrated);
    Migrations.rollback(db, CHANGESETS);
    assertEquals(List.of("databasechangelog", "databasechangeloglock"), tables(db));
    assertEquals(0, count(db, "SELECT count(*) FROM pg_proc WHERE proname = 'taskq_set_updated_at'"));
    Migrations.update(db);
    assertEquals(migrated, tables(db));
    assertEquals(CHANGESETS, count(db, "SELECT count(*) FROM databasechangelog"));
  }

  @Test
  void rollingBackOneChangesetUndoesOnlyThat() throws Exception {
    DatabaseTarget db = TestDatabase.absent("rollback_one");
    DatabaseCreator.ensureExists(db);
    Migrations.update(db);
    Migrations.rollback(db, 1);
    assertEquals(0, count(db, "SELECT count(*) FROM pg_trigger WHERE tgname = 'tasks_set_updated_at'"));
    assertEquals(1, count(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'tasks'"));
  }

  private static List<String> tables(DatabaseTarget db) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  private static long count(DatabaseTarget db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
