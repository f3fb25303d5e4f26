package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One client's bad data never fails another client's request, in any coalesced path: requests
 * sent at the same time share statements (group commit of completes and fails across projects,
 * of creates per project, claims per queue), and a poisoned item among them must be answered
 * alone. Each test races poisoned requests from one project-scoped key against valid ones from
 * others, then checks every answer and what the database holds.
 */
class IsolationTest extends ServerTest {

  private static final int VALID = 120;
  private static final int POISONED = 10;

  private record Scene(long projectA, long projectB, Api attacker, Api victimA, Api victimB, String type) {
  }

  private Scene scene() {
    long a = newProject();
    long b = newProject();
    String[] permissions = {"tasks:read", "tasks:write", "tasks:claim"};
    return new Scene(a, b, admin.withKey(newKey(a, permissions)), admin.withKey(newKey(a, permissions)),
        admin.withKey(newKey(b, permissions)), newType());
  }

  /** Creates {@code n} tasks in bulk and claims them all; answers the claimed tasks (with their leases). */
  private List<JsonObject> claimedTasks(long project, String type, int n) {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < n; i++) {
      tasks.add(new JsonObject().put("type", type));
    }
    admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", tasks)).expect(201);
    List<JsonObject> claimed = new ArrayList<>();
    while (claimed.size() < n) {
      claim(project, "holder", Math.min(100, n - claimed.size())).forEach(t -> claimed.add((JsonObject) t));
    }
    return claimed;
  }

  private long count(String query, Object... args) {
    return sql(query, args).iterator().next().getLong(0);
  }

  /**
   * The lease-holder changes that coalesce across projects: each with its valid body, its
   * poisoned one, and how its applied rows look. A NUL in {@code error} is stopped at the edge
   * like one in {@code result} (it never reaches a statement: TaskServiceIsolationTest sends one
   * below the edge), so this race shows the edge's answer stays the poisoned request's own.
   */
  enum Change {
    COMPLETE("complete", "status = 'completed' AND result ? 'n'", "completed") {
      @Override
      JsonObject body(Object value) {
        return new JsonObject().put("result", new JsonObject().put(value instanceof Integer ? "n" : "s", value));
      }
    },
    FAIL("fail", "status = 'pending' AND error_message LIKE 'e%'", "failed") {
      @Override
      JsonObject body(Object value) {
        return new JsonObject().put("error", value instanceof Integer i ? "e" + i : value);
      }
    };

    final String action;
    final String applied;
    final String logEvent;

    Change(String action, String applied, String logEvent) {
      this.action = action;
      this.applied = applied;
      this.logEvent = logEvent;
    }

    /** The body for a valid change ({@code value} an Integer) or a poisoned one (a String holding NUL). */
    abstract JsonObject body(Object value);
  }

  @ParameterizedTest
  @EnumSource(Change.class)
  void poisonedChangesOfOneProjectFailAloneWhileConcurrentChangesOfAnotherSucceed(Change change) {
    Scene s = scene();
    List<JsonObject> victims = claimedTasks(s.projectB(), s.type(), VALID);
    List<JsonObject> poisoned = claimedTasks(s.projectA(), s.type(), POISONED);

    List<Future<Api.Response>> valid = new ArrayList<>();
    List<Future<Api.Response>> bad = new ArrayList<>();
    for (int i = 0; i < VALID; i++) {
      JsonObject t = victims.get(i);
      valid.add(s.victimB().postAsync("/projects/" + s.projectB() + "/tasks/" + t.getLong("id") + ":" + change.action,
          change.body(i).put("lease_id", t.getString("lease_id"))));
      if (i % (VALID / POISONED) == 0) {
        JsonObject p = poisoned.get(bad.size());
        bad.add(s.attacker().postAsync("/projects/" + s.projectA() + "/tasks/" + p.getLong("id") + ":" + change.action,
            change.body("bad\u0000").put("lease_id", p.getString("lease_id"))));
      }
    }
    Future.join(valid).eventually(() -> Future.join(bad)).await();

    for (int i = 0; i < VALID; i++) {
      assertEquals(200, valid.get(i).result().status(), "valid " + change.action + " " + i + ": " + valid.get(i).result().body());
    }
    bad.forEach(r -> r.result().problem(422));
    assertEquals(VALID, count("SELECT count(*) FROM tasks WHERE project_id = $1 AND " + change.applied, s.projectB()));
    assertEquals(POISONED, count("SELECT count(*) FROM tasks WHERE project_id = $1 AND status = 'claimed'", s.projectA()));
    assertEquals(0, count("""
        SELECT count(*) FROM task_logs l JOIN tasks t ON t.id = l.task_id
         WHERE t.project_id = $1 AND l.event = $2""", s.projectA(), change.logEvent));
  }

  /**
   * Creates coalesce per project, so the victims share the attacker's project. Two poisons: a
   * NUL in params, and a title whose index entry PostgreSQL refuses (1,000 characters of four
   * UTF-8 bytes each, beyond what a btree entry may hold, SQLSTATE 54000): a check at the edge
   * cannot know about the second, only the statement finds it.
   */
  @Test
  void poisonedCreatesFailAloneWhileConcurrentCreatesOfTheSameAndAnotherProjectSucceed() {
    Scene s = scene();
    Random random = new Random(11);
    List<Future<Api.Response>> valid = new ArrayList<>();
    List<Future<Api.Response>> bad = new ArrayList<>();
    for (int i = 0; i < VALID; i++) {
      Api victim = i % 2 == 0 ? s.victimA() : s.victimB();
      long project = i % 2 == 0 ? s.projectA() : s.projectB();
      valid.add(victim.postAsync("/projects/" + project + "/tasks",
          new JsonObject().put("type", s.type()).put("external_id", "v" + i)));
      if (i % (VALID / POISONED) == 0) {
        JsonObject poison = new JsonObject().put("type", s.type()).put("external_id", "p" + i);
        if (bad.size() % 2 == 0) {
          poison.put("params", new JsonObject().put("s", "a\u0000b"));
        } else {
          poison.put("title", unindexableTitle(random));
        }
        bad.add(s.attacker().postAsync("/projects/" + s.projectA() + "/tasks", poison));
      }
    }
    Future.join(valid).eventually(() -> Future.join(bad)).await();

    for (int i = 0; i < VALID; i++) {
      assertEquals(201, valid.get(i).result().status(), "valid create " + i + ": " + valid.get(i).result().body());
    }
    for (Future<Api.Response> refused : bad) {
      refused.result().problem(422);
    }
    assertEquals(VALID / 2, count("SELECT count(*) FROM tasks WHERE project_id = $1 AND external_id LIKE 'v%'", s.projectA()));
    assertEquals(VALID / 2, count("SELECT count(*) FROM tasks WHERE project_id = $1", s.projectB()));
    assertEquals(0, count("SELECT count(*) FROM tasks WHERE project_id = $1 AND external_id LIKE 'p%'", s.projectA()));
  }

  /** Random characters outside the Basic Multilingual Plane: four UTF-8 bytes each, and incompressible. */
  private static String unindexableTitle(Random random) {
    StringBuilder title = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      title.appendCodePoint(0x20000 + random.nextInt(0xA000));
    }
    return title.toString();
  }

  /**
   * Claims coalesce per queue (project and type filter). What a claim carries into the statement
   * (worker id, limit, lease length) is checked at the edge, and a bad type filter makes a queue
   * of its own, so no claim can poison another through HTTP (TaskServiceIsolationTest poisons
   * one below the edge). Here claims race poisoned completes and creates, and all still succeed.
   */
  @Test
  void claimsRacingPoisonedRequestsAllSucceedAndTakeEachTaskOnce() {
    Scene s = scene();
    List<JsonObject> poisoned = claimedTasks(s.projectA(), s.type(), POISONED);
    JsonArray pending = new JsonArray();
    for (int i = 0; i < VALID; i++) {
      pending.add(new JsonObject().put("type", s.type()));
    }
    admin.post("/projects/" + s.projectA() + "/tasks:bulk", new JsonObject().put("tasks", pending)).expect(201);

    List<Future<Api.Response>> claims = new ArrayList<>();
    List<Future<Api.Response>> bad = new ArrayList<>();
    for (int i = 0; i < VALID / 2; i++) {
      claims.add(s.victimA().postAsync("/projects/" + s.projectA() + "/tasks:claim",
          new JsonObject().put("worker_id", "w" + i).put("limit", 2)));
      if (i % 6 == 0) {
        JsonObject p = poisoned.get(bad.size());
        bad.add(s.attacker().postAsync("/projects/" + s.projectA() + "/tasks/" + p.getLong("id") + ":complete",
            new JsonObject().put("lease_id", p.getString("lease_id")).put("result", "x\u0000")));
      }
    }
    Future.join(claims).eventually(() -> Future.join(bad)).await();

    long taken = 0;
    for (Future<Api.Response> claim : claims) {
      taken += claim.result().expect(200).json().getJsonArray("tasks").size();
    }
    bad.forEach(r -> r.result().problem(422));
    assertEquals(VALID, taken, "every pending task was claimed");
    assertEquals(VALID + POISONED, count("SELECT count(*) FROM tasks WHERE project_id = $1 AND status = 'claimed'", s.projectA()));
    assertEquals(VALID + POISONED, count("""
        SELECT count(*) FROM task_logs l JOIN tasks t ON t.id = l.task_id
         WHERE t.project_id = $1 AND l.event = 'claimed'""", s.projectA()), "each task claimed once");
  }

  @Test
  void aRefusedCompleteSaysWhereInItsOwnWordsWithoutPostgresqlsText() {
    Scene s = scene();
    JsonObject t = claimedTasks(s.projectA(), s.type(), 1).get(0);
    JsonObject problem = s.attacker().post("/projects/" + s.projectA() + "/tasks/" + t.getLong("id") + ":complete",
        new JsonObject().put("lease_id", t.getString("lease_id")).put("result", new JsonObject().put("k", List.of("ok", "bad\u0000"))))
        .problem(422);
    assertEquals("/result/k/1", problem.getJsonArray("errors").getJsonObject(0).getString("pointer"), problem.encode());
    assertTrue(problem.getString("detail").contains("U+0000"), problem.encode());
    assertTrue(!problem.encode().contains("UTF8") && !problem.encode().contains("0x00"), problem.encode());
  }
}
