package io.taskq.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The real things the fuzz's requests point at: a project of its own for each operation (so
 * that one operation's valid requests, a pause or a cancel-all, never change what another
 * sees), tasks there in every state with their leases, a registered type, and API keys. The
 * one place that knows how to obtain valid path ids, and the real values valid bodies need.
 */
final class FuzzFixture {

  /** A task of a fixture project as the fixture last knew it. */
  static final class FixtureTask {
    final long id;
    String status;
    String leaseId;

    FixtureTask(long id, String status, String leaseId) {
      this.id = id;
      this.status = status;
      this.leaseId = leaseId;
    }
  }

  /** A project of one operation and its tasks. */
  static final class FixtureProject {
    final long id;
    final List<FixtureTask> tasks = new ArrayList<>();

    FixtureProject(long id) {
      this.id = id;
    }

    List<FixtureTask> claimed() {
      return tasks.stream().filter(t -> t.status.equals("claimed") && t.leaseId != null).toList();
    }
  }

  private final FuzzClient client;
  private final String adminKey;
  private final String label;
  private final Map<String, FixtureProject> projects = new HashMap<>();
  private String typeName;
  private long keyProject;
  private String readOnlyKey;
  private String scopedKey;
  private String revocableKeyId;
  private int requests;

  FuzzFixture(FuzzClient client, String adminKey, String label) {
    this.client = client;
    this.adminKey = adminKey;
    this.label = label;
  }

  void setUp() {
    typeName = "fuzz-type-" + label;
    call("POST", "/task-types", new JsonObject().put("name", typeName).put("version", 1)
        .put("param_schema", new JsonObject().put("type", "object")).put("lease_seconds", 86_400), 201);
    keyProject = call("POST", "/projects", new JsonObject().put("name", "fuzz-keys-" + label), 201).getLong("id");
    readOnlyKey = call("POST", "/api-keys", new JsonObject().put("name", "fuzz-read")
        .put("permissions", new JsonArray().add("tasks:read")), 201).getString("secret");
    scopedKey = call("POST", "/api-keys", new JsonObject().put("name", "fuzz-scoped").put("project_id", keyProject)
        .put("permissions", new JsonArray().add("tasks:read").add("tasks:write").add("tasks:claim")), 201).getString("secret");
    revocableKeyId = call("POST", "/api-keys", new JsonObject().put("name", "fuzz-revocable")
        .put("permissions", new JsonArray().add("tasks:read")), 201).getString("id");
  }

  String typeName() {
    return typeName;
  }

  String readOnlyKey() {
    return readOnlyKey;
  }

  String scopedKey() {
    return scopedKey;
  }

  /** Requests the fixture itself has sent (not counted as fuzz requests). */
  int requests() {
    return requests;
  }

  /** The operation's own project, with tasks in every state; made on first use. */
  FixtureProject project(String operation, boolean needsLeases) {
    FixtureProject project = projects.get(operation);
    if (project == null) {
      long id = call("POST", "/projects", new JsonObject().put("name", "fuzz-" + operation + "-" + label), 201).getLong("id");
      project = new FixtureProject(id);
      projects.put(operation, project);
      seed(project);
    } else if (needsLeases && project.claimed().size() < 2) {
      refresh(project);
    }
    return project;
  }

  /** Tasks in every state: pending, claimed (with leases), completed, failed and cancelled. */
  private void seed(FixtureProject project) {
    String base = "/projects/" + project.id;
    JsonArray items = new JsonArray();
    for (int i = 0; i < 8; i++) {
      items.add(new JsonObject().put("type", typeName).put("title", "fuzz fixture " + i));
    }
    JsonObject bulk = call("POST", base + "/tasks:bulk", new JsonObject().put("tasks", items), 201);
    for (Object t : bulk.getJsonArray("created")) {
      project.tasks.add(new FixtureTask(((JsonObject) t).getLong("id"), "pending", null));
    }
    claim(project, 5);
    List<FixtureTask> claimed = project.claimed();
    FixtureTask completed = claimed.get(0);
    call("POST", base + "/tasks/" + completed.id + ":complete", new JsonObject().put("lease_id", completed.leaseId), 200);
    completed.status = "completed";
    FixtureTask failed = claimed.get(1);
    call("POST", base + "/tasks/" + failed.id + ":fail", new JsonObject().put("lease_id", failed.leaseId)
        .put("error", "fixture").put("retryable", false), 200);
    failed.status = "failed";
    FixtureTask cancelled = project.tasks.stream().filter(t -> t.status.equals("pending")).findFirst().orElseThrow();
    call("POST", base + "/tasks/" + cancelled.id + ":cancel", null, 200);
    cancelled.status = "cancelled";
  }

  /** Claims more of the project's tasks when fewer than two leases are held. */
  private void refresh(FixtureProject project) {
    String base = "/projects/" + project.id;
    if (project.claimed().size() < 2) {
      JsonArray items = new JsonArray();
      for (int i = 0; i < 4; i++) {
        items.add(new JsonObject().put("type", typeName).put("title", "fuzz refill " + i).put("priority", 1_000_000));
      }
      JsonObject bulk = call("POST", base + "/tasks:bulk", new JsonObject().put("tasks", items), 201);
      for (Object t : bulk.getJsonArray("created")) {
        project.tasks.add(new FixtureTask(((JsonObject) t).getLong("id"), "pending", null));
      }
      claim(project, 4);
    }
  }

  /**
   * Learns from a fuzz request's 2xx answer what became of the fixture's tasks: every object in
   * it with an {@code id} and a {@code status} of a known task (a task, or a batch result).
   */
  void observe(String operation, Object json) {
    FixtureProject project = projects.get(operation);
    if (project == null) {
      return;
    }
    if (json instanceof JsonObject o) {
      if (o.getValue("id") instanceof Number id && o.getValue("status") instanceof String status) {
        project.tasks.stream().filter(t -> t.id == id.longValue()).findFirst().ifPresent(t -> {
          t.status = status;
          if (!status.equals("claimed")) {
            t.leaseId = null;
          } else if (o.getValue("lease_id") instanceof String lease) {
            t.leaseId = lease;
          }
        });
      }
      o.forEach(e -> observe(operation, e.getValue()));
    } else if (json instanceof JsonArray a) {
      a.forEach(v -> observe(operation, v));
    }
  }

  private void claim(FixtureProject project, int limit) {
    JsonObject claimed = call("POST", "/projects/" + project.id + "/tasks:claim", new JsonObject().put("worker_id", "fuzz-fixture")
        .put("limit", limit).put("lease_seconds", 86_400), 200);
    for (Object o : claimed.getJsonArray("tasks")) {
      JsonObject t = (JsonObject) o;
      FixtureTask task = project.tasks.stream().filter(x -> x.id == t.getLong("id")).findFirst().orElse(null);
      if (task == null) {
        task = new FixtureTask(t.getLong("id"), "claimed", null);
        project.tasks.add(task);
      }
      task.status = "claimed";
      task.leaseId = t.getString("lease_id");
    }
  }

  /** A task of the project for a path: a claimed one half of the time (its lease makes valid bodies work), else any. */
  FixtureTask task(FixtureProject project, Random rng) {
    List<FixtureTask> claimed = project.claimed();
    if (!claimed.isEmpty() && rng.nextBoolean()) {
      return claimed.get(rng.nextInt(claimed.size()));
    }
    return project.tasks.get(rng.nextInt(project.tasks.size()));
  }

  /** The id of a key the fuzz may revoke (it is used by nothing). */
  String revocableKeyId() {
    return revocableKeyId;
  }

  /** A real value for path parameter {@code name}; the fuzz cannot address an operation without one. */
  String pathId(String name, FixtureProject project, FixtureTask task) {
    return switch (name) {
      case "projectId" -> Long.toString(project.id);
      case "taskId" -> Long.toString(task.id);
      case "keyId" -> revocableKeyId;
      default -> throw new AssertionError("the fuzz has no fixture for path parameter '" + name
          + "': teach FuzzFixture.pathId how to obtain a real one");
    };
  }

  /** Real values for members whose validity depends on data: type names, task ids and their leases, projects. */
  SchemaInputs.Hints hints(FixtureProject project, FixtureTask pathTask) {
    List<FixtureTask> claimed = project == null ? List.of() : project.claimed();
    return (name, slot) -> switch (name) {
      case "type", "types" -> typeName;
      case "type_version" -> 1;
      case "project_id" -> keyProject;
      case "param_schema" -> new LinkedHashMap<>(Map.of("type", "object"));
      case "worker_id" -> "fuzz-worker";
      case "lease_id" -> pathTask != null && pathTask.leaseId != null ? pathTask.leaseId
          : claimed.isEmpty() ? null : claimed.get(slot % claimed.size()).leaseId;
      case "id" -> claimed.isEmpty() ? null : claimed.get(slot % claimed.size()).id;
      default -> null;
    };
  }

  private JsonObject call(String method, String uri, JsonObject body, int expected) {
    requests++;
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + adminKey);
    if (body != null) {
      headers.put("Content-Type", "application/json");
    }
    FuzzClient.Answer answer = client.send(method, uri, headers, body == null ? null : body.encode().getBytes(StandardCharsets.UTF_8));
    if (answer.status() != expected) {
      throw new AssertionError("fixture request " + method + " " + uri + " answered " + answer.status() + ": " + answer.text());
    }
    return answer.body().length == 0 ? new JsonObject() : new JsonObject(answer.text());
  }
}
