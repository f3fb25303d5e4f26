package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.error.Conflict;
import io.taskq.error.Invalid;
import io.taskq.error.NotFound;
import io.taskq.error.TaskqException;
import io.taskq.error.Unavailable;
import io.taskq.store.TaskStore;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What clients read of a PostgreSQL failure: our words, never the database's, and which failures batches isolate. */
class PgErrorsTest {

  private static final String PG_TEXT = "invalid byte sequence for encoding \"UTF8\": 0x00";
  private static final String CONSTRAINT = "tasks_secret_internal_check";

  private static PgException pg(String state, String constraint) {
    return new PgException(PG_TEXT, "ERROR", state, "Key (x)=(y) already exists.", "a hint", null, null, "SELECT 1", "where",
        "file.c", "1", "routine", "public", "tasks", "title", null, constraint);
  }

  private static TaskqException translated(String state, String constraint) {
    return assertInstanceOf(TaskqException.class, PgErrors.translate(pg(state, constraint)));
  }

  private static void assertOwnWords(TaskqException e) {
    String said = e.detail() + " " + e.errors();
    for (String internal : new String[] {"UTF8", "0x00", CONSTRAINT, "Key (", "SELECT", "tasks_", "routine"}) {
      assertFalse(said.contains(internal), said);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"22P05", "22021", "22003", "22008", "22001", "23502", "23514", "23503", "23505", "54000", "54001"})
  void aRefusalOfContentIsAClientErrorInOurWordsThatBatchesIsolate(String state) {
    TaskqException e = translated(state, CONSTRAINT);
    assertTrue(e.status() >= 400 && e.status() < 500, state + " -> " + e.status());
    assertTrue(TaskStore.refusedForContent(e), state);
    assertOwnWords(e);
  }

  @Test
  void nulSaysU0000AndKnownConstraintsSayWhatTheyMean() {
    assertTrue(translated("22P05", null).detail().contains("U+0000"));
    assertInstanceOf(Invalid.class, translated("22021", null));
    assertEquals("a task with this external_id already exists",
        assertInstanceOf(Conflict.class, translated("23505", "tasks_project_external_id_key")).detail());
    assertEquals("project not found", assertInstanceOf(NotFound.class, translated("23503", "tasks_project_id_fkey")).detail());
    assertInstanceOf(Invalid.class, translated("23503", CONSTRAINT), "a reference in the body to nothing is 422, not 404");
  }

  @ParameterizedTest
  @ValueSource(strings = {"08006", "08001", "57P01", "53300", "40001", "40P01", "57014"})
  void availabilityFailuresAreUnavailableAndNeverIsolated(String state) {
    TaskqException e = assertInstanceOf(Unavailable.class, translated(state, null));
    assertFalse(TaskStore.refusedForContent(e));
    assertFalse(e.detail().contains(state), "no SQLSTATE in the message: " + e.detail());
  }

  @Test
  void anythingElseStaysAFailureOfOursAndIsNeverIsolated() {
    PgException syntax = pg("42601", null);
    assertSame(syntax, PgErrors.translate(syntax));
    assertFalse(TaskStore.refusedForContent(syntax));
  }
}
