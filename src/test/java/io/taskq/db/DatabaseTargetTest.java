package io.taskq.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DatabaseTargetTest {

  @Test
  void readsEveryPartOfAPostgresqlUrl() {
    DatabaseTarget t = DatabaseTarget.parse("postgresql://app:p%40ss@db.local:6543/queue");
    assertEquals(new DatabaseTarget("db.local", 6543, "queue", "app", "p@ss"), t);
    assertEquals("jdbc:postgresql://db.local:6543/queue", t.jdbcUrl());
    assertEquals("postgresql://app@db.local:6543/queue", t.describe());
  }

  @Test
  void fillsDefaults() {
    DatabaseTarget t = DatabaseTarget.parse("postgres://localhost");
    assertEquals(5432, t.port());
    assertEquals("taskq", t.database());
    assertEquals("postgres", t.user());
    assertNull(t.password());
  }

  @Test
  void rejectsOtherSchemes() {
    assertThrows(IllegalArgumentException.class, () -> DatabaseTarget.parse("mysql://localhost/x"));
  }
}
