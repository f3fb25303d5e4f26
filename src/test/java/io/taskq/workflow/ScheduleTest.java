package io.taskq.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scheduled workflows, with two taskq instances on one database: each due occurrence becomes one
 * run, whichever instance starts it, and after downtime only the most recent missed occurrence runs.
 */
class ScheduleTest extends ServerTest {

  private TestServer second;
  private Api secondAdmin;

  @BeforeAll
  void startSecondInstance() {
    second = TestServer.startOn(server.database(), config -> config);
    secondAdmin = new Api(second.vertx(), second.port(), TestServer.ADMIN_KEY);
  }

  @AfterAll
  void stopSecondInstance() throws Exception {
    second.close();
  }

  private List<String> runIds(long project) {
    return admin.get("/projects/" + project + "/workflow-runs?limit=100").expect(200).json().getJsonArray("items").stream()
        .map(o -> ((JsonObject) o).getString("run_id")).toList();
  }

  /** An occurrence as run ids spell it (ISO 8601 basic, UTC). */
  private static Instant instant(String basic) {
    return Instant.parse(basic.replaceFirst("(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})(\\d{2})Z", "$1-$2-$3T$4:$5:$6Z"));
  }

  @Test
  void afterDowntimeOnlyTheMostRecentMissedOccurrenceRunsOnceAcrossInstances() {
    long project = newProject();
    String type = newType();
    String name = "every-minute";
    JsonObject registered = admin.post("/projects/" + project + "/workflows", new JsonObject().put("name", name).put("version", 1)
        .put("steps", new JsonArray().add(new JsonObject().put("name", "only").put("type", type)
            .put("params", new JsonObject().put("day", "${DAY}"))))
        .put("schedule", new JsonObject().put("cron", "* * * * *").put("params", new JsonObject().put("DAY", "today"))))
        .expect(201).json();
    Instant nextDue = Instant.parse(registered.getJsonObject("schedule").getString("next_due_at"));
    assertTrue(nextDue.isAfter(Instant.now().minusSeconds(1)), "the next due time is in the future");

    // Ten minutes of downtime: the schedule was due long ago.
    sql("UPDATE workflow_schedules SET next_due_at = now() - interval '10 minutes' WHERE project_id = $1", project);
    List<String> runs = Poll.until(() -> runIds(project), ids -> !ids.isEmpty(), Duration.ofSeconds(15));
    Instant occurrence = instant(runs.get(0).substring(name.length() + 1));
    assertTrue(Duration.between(occurrence, Instant.now()).toSeconds() < 120, "the most recent occurrence, not one from the downtime");
    assertEquals(occurrence, occurrence.truncatedTo(ChronoUnit.MINUTES));
    Row schedule = Poll.until(() -> sql("SELECT next_due_at > now() AS later FROM workflow_schedules WHERE project_id = $1", project)
        .iterator().next(), r -> r.getBoolean("later"), Duration.ofSeconds(10));
    assertTrue(schedule.getBoolean("later"), "the schedule moved on past now");
    JsonObject run = admin.get("/projects/" + project + "/workflow-runs/" + runs.get(0)).expect(200).json();
    assertEquals("today", run.getJsonArray("tasks").getJsonObject(0).getJsonObject("task").getJsonObject("params").getString("day"));
    assertNotNull(run.getString("scheduled_for"));

    // Due again for the same occurrence (as after a crash between the start and the move): no second run.
    sql("UPDATE workflow_schedules SET next_due_at = $2::text::timestamptz WHERE project_id = $1", project, occurrence.toString());
    Poll.until(() -> sql("SELECT next_due_at > now() AS later FROM workflow_schedules WHERE project_id = $1", project)
        .iterator().next().getBoolean("later"), later -> later, Duration.ofSeconds(10));
    // The schedule fires every minute, so a minute boundary during the test may add the next occurrence's run.
    List<Instant> occurrences = runIds(project).stream().map(id -> instant(id.substring(name.length() + 1))).toList();
    assertEquals(occurrences.stream().distinct().count(), occurrences.size(), "each occurrence runs once");
    assertTrue(occurrences.stream().noneMatch(o -> o.isBefore(occurrence)), "no missed occurrence of the downtime ran");
  }

  @Test
  void twoInstancesStartingOneRunIdAtOnceMakeOneRun() {
    long project = newProject();
    String type = newType();
    admin.post("/projects/" + project + "/workflows", new JsonObject().put("name", "raced").put("version", 1)
        .put("steps", new JsonArray().add(new JsonObject().put("name", "only").put("type", type)))).expect(201);
    String path = "/projects/" + project + "/workflows/raced/runs";
    for (int i = 0; i < 10; i++) {
      JsonObject body = new JsonObject().put("run_id", "raced@" + i);
      List<Integer> statuses = Future.all(List.of(admin.postAsync(path, body), secondAdmin.postAsync(path, body))).await()
          .<Api.Response>list().stream().map(Api.Response::status).sorted().toList();
      assertEquals(List.of(200, 201), statuses, "one instance started the run, the other answered it");
    }
    assertEquals(10L, sql("SELECT count(*) AS n FROM tasks WHERE project_id = $1", project).iterator().next().getLong("n"));
  }
}
