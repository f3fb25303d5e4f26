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

    boolean unclaimable;
    /** The workflow registered in this project for operations with a {name} in their path; null until one needs it. */
    String workflowName;
    /** A run of that workflow, for operations with a {runId} in their path; null until one needs it. */
    String runId;

    List<FixtureTask> claimed() {
      return tasks.stream().filter(t -> t.status.equals("claimed") && t.leaseId != null).toList();
    }

    long count(String status) {
      return tasks.stream().filter(t -> t.status.equals(status)).count();
    }
  }

  static final String REGISTERED_BY_THE_FUZZ = "registered by the fuzz";
  /**
   * The worker of the fixture's own claims, so a seen worker for {workerId} paths; all digits,
   * like the workflow's name and for the same reason.
   */
  static final String FIXTURE_WORKER = "4444";

  private final FuzzClient client;
  private final String adminKey;
  private final String label;
  private final Map<String, FixtureProject> projects = new HashMap<>();
  private final List<Map.Entry<String, String>> learnedTypes = new ArrayList<>();
  private final Map<String, String> learnedSchemas = new HashMap<>();
  private String typeName;
  /** A type apart from typeName, for the operations that turn a version off: the fixture's tasks keep their type. */
  private String toggledTypeName;
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
  FixtureProject project(String operation, boolean needsTasks) {
    FixtureProject project = projects.get(operation);
    if (project == null) {
      long id = call("POST", "/projects", new JsonObject().put("name", "fuzz-" + operation + "-" + label), 201).getLong("id");
      project = new FixtureProject(id);
      projects.put(operation, project);
      replenish(project);
    } else if (needsTasks) {
      replenish(project);
    }
    return project;
  }

  /**
   * Tops the project up to a task in every state: pending, claimed (two, with 24-hour leases),
   * completed, failed and cancelled. Fuzz requests move tasks on (a retry, a completion), so
   * operations on tasks keep finding every state.
   */
  private void replenish(FixtureProject project) {
    if (project.unclaimable) {
      return;
    }
    int claimed = Math.max(0, 2 - project.claimed().size());
    int completed = project.count("completed") == 0 ? 1 : 0;
    int failed = project.count("failed") == 0 ? 1 : 0;
    int cancelled = project.count("cancelled") == 0 ? 1 : 0;
    int pending = project.count("pending") == 0 ? 1 : 0;
    int toClaim = claimed + completed + failed;
    int total = toClaim + cancelled + pending;
    if (total == 0) {
      return;
    }
    String base = "/projects/" + project.id;
    JsonArray items = new JsonArray();
    for (int i = 0; i < total; i++) {
      // Above any priority the fuzz gives its own tasks, so that the claim below takes these.
      items.add(new JsonObject().put("type", typeName).put("title", "fuzz fixture " + i).put("priority", Integer.MAX_VALUE));
    }
    JsonObject bulk = call("POST", base + "/tasks:bulk", new JsonObject().put("tasks", items), 201);
    List<FixtureTask> fresh = new ArrayList<>();
    for (Object t : bulk.getJsonArray("created")) {
      FixtureTask task = new FixtureTask(((JsonObject) t).getLong("id"), "pending", null);
      project.tasks.add(task);
      fresh.add(task);
    }
    List<FixtureTask> taken = toClaim == 0 ? List.of() : claim(project, toClaim);
    if (toClaim > 0 && taken.isEmpty()) {
      project.unclaimable = true; // paused, or taken by the fuzz: stop trying
      return;
    }
    for (int i = 0; i < completed && i < taken.size(); i++) {
      FixtureTask task = taken.get(i);
      call("POST", base + "/tasks/" + task.id + ":complete", new JsonObject().put("lease_id", task.leaseId), 200);
      task.status = "completed";
      task.leaseId = null;
    }
    for (int i = completed; i < completed + failed && i < taken.size(); i++) {
      FixtureTask task = taken.get(i);
      call("POST", base + "/tasks/" + task.id + ":fail", new JsonObject().put("lease_id", task.leaseId)
          .put("error", "fixture").put("retryable", false), 200);
      task.status = "failed";
      task.leaseId = null;
    }
    for (int i = 0; i < cancelled; i++) {
      fresh.stream().filter(t -> t.status.equals("pending")).findFirst().ifPresent(task -> {
        call("POST", base + "/tasks/" + task.id + ":cancel", null, 200);
        task.status = "cancelled";
      });
    }
  }

  private List<FixtureTask> claim(FixtureProject project, int limit) {
    JsonObject claimed = call("POST", "/projects/" + project.id + "/tasks:claim", new JsonObject().put("worker_id", FIXTURE_WORKER)
        .put("limit", limit).put("lease_seconds", 86_400), 200);
    List<FixtureTask> taken = new ArrayList<>();
    for (Object o : claimed.getJsonArray("tasks")) {
      JsonObject t = (JsonObject) o;
      FixtureTask task = project.tasks.stream().filter(x -> x.id == t.getLong("id")).findFirst().orElse(null);
      if (task == null) {
        task = new FixtureTask(t.getLong("id"), "claimed", null);
        project.tasks.add(task);
      }
      task.status = "claimed";
      task.leaseId = t.getString("lease_id");
      taken.add(task);
    }
    return taken;
  }

  /**
   * Learns from a fuzz request's 2xx answer what became of the fixture's tasks: every object in
   * it with an {@code id} and a {@code status} of a known task (a task, or a batch result).
   */
  void observe(String operation, Object json) {
    FixtureProject project = projects.get(operation);
    if (json instanceof JsonObject o) {
      if (o.getValue("name") instanceof String name && o.getValue("version") instanceof String version
          && o.containsKey("param_schema") && learnedTypes.size() < 1000 && !learnedTypes.contains(Map.entry(name, version))) {
        learnedTypes.add(Map.entry(name, version));
        learnedSchemas.put(name + " v" + version, String.valueOf(o.getValue("param_schema")));
      }
      if (o.getValue("id") instanceof Number id && o.getValue("status") instanceof String status) {
        (project == null ? List.<FixtureTask>of() : project.tasks).stream().filter(t -> t.id == id.longValue()).findFirst().ifPresent(t -> {
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

  /** A task of the project for a path: a claimed one half of the time (its lease makes valid bodies work), else one of a random state. */
  FixtureTask task(FixtureProject project, Random rng) {
    List<FixtureTask> claimed = project.claimed();
    if (!claimed.isEmpty() && rng.nextBoolean()) {
      return claimed.get(rng.nextInt(claimed.size()));
    }
    List<String> states = project.tasks.stream().map(t -> t.status).distinct().sorted().toList();
    String state = states.get(rng.nextInt(states.size()));
    List<FixtureTask> inState = project.tasks.stream().filter(t -> t.status.equals(state)).toList();
    return inState.get(rng.nextInt(inState.size()));
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
      case "prerequisiteId" -> Long.toString(task.id);
      case "keyId" -> revocableKeyId;
      case "name" -> workflowName(project);
      case "runId" -> runId(project);
      case "workerId" -> FIXTURE_WORKER;
      case "typeName" -> toggledTypeName();
      case "version" -> "1";
      default -> throw new AssertionError("the fuzz has no fixture for path parameter '" + name
          + "': teach FuzzFixture.pathId how to obtain a real one");
    };
  }

  /**
   * A workflow of the project, registered on first use. Its name is all digits, which a workflow
   * name may be, so that the fuzz's numeric path cases apply to it too: the same digits in
   * another script (fullwidth, Arabic-Indic) must find nothing.
   */
  private String workflowName(FixtureProject project) {
    if (project.workflowName == null) {
      String name = "4242";
      call("POST", "/projects/" + project.id + "/workflows", new JsonObject().put("name", name).put("version", 1)
          .put("steps", new JsonArray().add(new JsonObject().put("name", "only").put("type", typeName))), 201);
      project.workflowName = name;
    }
    return project.workflowName;
  }

  /**
   * All digits, which a type name may be, like the workflow's name and for the same reason (the
   * numeric path cases); the label's hash keeps it apart from other fixtures' types.
   */
  private String toggledTypeName() {
    if (toggledTypeName == null) {
      String name = Long.toString(4_000_000_000L + Math.floorMod(label.hashCode(), 1_000_000_000));
      call("POST", "/task-types", new JsonObject().put("name", name).put("version", "1")
          .put("param_schema", new JsonObject().put("type", "object")), 201);
      toggledTypeName = name;
    }
    return toggledTypeName;
  }

  /** A run of the project's workflow, started on first use; all digits, like the workflow's name and for the same reason. */
  private String runId(FixtureProject project) {
    if (project.runId == null) {
      String id = "4343";
      call("POST", "/projects/" + project.id + "/workflows/" + workflowName(project) + "/runs", new JsonObject().put("run_id", id), 201);
      project.runId = id;
    }
    return project.runId;
  }

  /**
   * Real values for members whose validity depends on data: type names, task ids and their
   * leases, projects. A quarter of the time the type is one a fuzz request registered, so that
   * what registration accepted is also used (a schema that registers but breaks every create).
   */
  SchemaInputs.Hints hints(FixtureProject project, FixtureTask pathTask, Random rng) {
    List<FixtureTask> claimed = project == null ? List.of() : project.claimed();
    Map.Entry<String, String> type = learnedTypes.isEmpty() || rng == null || rng.nextInt(4) != 0 ? Map.entry(typeName, "1")
        : learnedTypes.get(rng.nextInt(learnedTypes.size()));
    String note = type.getKey().equals(typeName) ? null : "type " + type.getKey() + " v" + type.getValue()
        + " " + REGISTERED_BY_THE_FUZZ + " with param_schema " + learnedSchemas.get(type.getKey() + " v" + type.getValue());
    return new SchemaInputs.Hints() {
      @Override
      public Object value(String name, int slot) {
        return hint(name, slot, type, pathTask, claimed);
      }

      @Override
      public String note() {
        return note;
      }
    };
  }

  private Object hint(String name, int slot, Map.Entry<String, String> type, FixtureTask pathTask, List<FixtureTask> claimed) {
    return switch (name) {
      case "type", "types" -> type.getKey();
      case "type_version" -> type.getValue();
      case "project_id" -> keyProject;
      case "param_schema" -> new LinkedHashMap<>(Map.of("type", "object"));
      case "worker_id" -> "fuzz-worker";
      // The listing's containment filter is JSON in a string: random text is almost never a JSON object.
      // (Body members named metadata are objects: a string is not valid there, so it is not used.)
      case "metadata" -> "{\"team\":\"infra\"}";
      // A workflow's valid steps must name each other: without links random names almost never do.
      case "depends_on" -> new ArrayList<>();
      // Once a year, at an hour no fuzz run reaches: a schedule that fired during the fuzz would write
      // a run's rows in the background, which the check "refused, yet rows were written" would blame on a request.
      case "cron" -> "0 3 1 1 *";
      case "timezone" -> "Europe/Prague";
      // A fresh valid claim must not long-poll: the fuzz sends one request at a time, so nothing
      // wakes it and each would cost up to 20 s of the run (the boundary cases still wait).
      case "wait_ms" -> 0;
      case "lease_id" -> pathTask != null && pathTask.leaseId != null ? pathTask.leaseId
          : claimed.isEmpty() ? null : claimed.get(slot % claimed.size()).leaseId;
      case "id" -> claimed.isEmpty() ? null : claimed.get(slot % claimed.size()).id;
      // A task of the project, so that valid subtasks get created (a random id names no task: 422).
      case "parent_id" -> pathTask != null ? (Object) pathTask.id : claimed.isEmpty() ? null : (Object) claimed.get(slot % claimed.size()).id;
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
