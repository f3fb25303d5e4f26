package io.taskq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseCreator;
import io.taskq.db.DatabaseTarget;
import io.taskq.db.Migrations;
import io.taskq.support.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrateStatusTest {

  @Test
  void listsEveryChangesetAsPendingBeforeMigratingAndAsAppliedWithItsDateAfter() throws Exception {
    DatabaseTarget db = TestDatabase.absent("migrate_status");
    DatabaseCreator.ensureExists(db);

    List<String> before = statusLines(db);
    int changesets = before.size() - 1;
    assertTrue(changesets > 10, "the changelog has its changesets: " + before);
    assertTrue(before.subList(0, changesets).stream().allMatch(line -> line.matches("pending +- +\\S+")), String.join("\n", before));
    assertEquals("taskq: 0 applied, " + changesets + " pending on " + db.describe(), before.get(changesets));
    assertEquals(List.of(), userTables(db), "asking for the status creates none of our tables");

    Migrations.update(db);

    List<String> after = statusLines(db);
    assertEquals(changesets + 1, after.size());
    for (int i = 0; i < changesets; i++) {
      String id = before.get(i).replaceFirst("^pending +- +", "");
      assertTrue(after.get(i).matches("applied +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z +" + java.util.regex.Pattern.quote(id)),
          after.get(i));
    }
    assertEquals("taskq: " + changesets + " applied, 0 pending on " + db.describe(), after.get(changesets));

    Migrations.rollback(db, 1);
    List<String> rolledBack = statusLines(db);
    assertTrue(rolledBack.get(changesets - 1).startsWith("pending "), rolledBack.get(changesets - 1));
    assertEquals("taskq: " + (changesets - 1) + " applied, 1 pending on " + db.describe(), rolledBack.get(changesets));
  }

  private static List<String> statusLines(DatabaseTarget db) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MigrationStatus.print(Migrations.status(db), db.describe(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static List<String> userTables(DatabaseTarget db) throws Exception {
    List<String> tables = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'databasechangelog%'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables;
  }
}
