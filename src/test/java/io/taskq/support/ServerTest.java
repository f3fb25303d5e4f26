package io.taskq.support;

import io.taskq.config.TaskqConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A test class against one real taskq server on a database of its own. Tests of one class
 * share the server; each makes its own project so that they do not see each other's tasks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerTest {

  protected TestServer server;
  protected Api admin;

  /** Override to change the server's configuration. */
  protected TaskqConfig configure(TaskqConfig config) {
    return config;
  }

  @BeforeAll
  void startServer() {
    Contract.get();
    server = TestServer.start(getClass().getSimpleName(), this::configure);
    admin = new Api(server.vertx(), server.port(), TestServer.ADMIN_KEY);
  }

  @AfterAll
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  protected Api anonymous() {
    return admin.withKey(null);
  }

  protected long newProject() {
    return admin.post("/projects", new JsonObject().put("name", "p-" + UUID.randomUUID())).expect(201).json().getLong("id");
  }

  /** Registers a type (version 1) whose params are an object with an optional string "n" field; answers its name. */
  protected String newType() {
    return newType(new JsonObject().put("type", "object"));
  }

  protected String newType(JsonObject schema) {
    String name = "type-" + UUID.randomUUID().toString().substring(0, 8);
    admin.post("/task-types", new JsonObject().put("name", name).put("version", 1).put("param_schema", schema)).expect(201);
    return name;
  }

  protected JsonObject createTask(long project, JsonObject body) {
    return admin.post("/projects/" + project + "/tasks", body).expect(201).json();
  }

  protected JsonObject createTask(long project, String type) {
    return createTask(project, new JsonObject().put("type", type));
  }

  /** A key with these permissions, limited to {@code project} unless it is null; answers its secret. */
  protected String newKey(Long project, String... permissions) {
    JsonObject body = new JsonObject().put("name", "k").put("permissions", new JsonArray(java.util.List.of((Object[]) permissions)));
    if (project != null) {
      body.put("project_id", project);
    }
    return admin.post("/api-keys", body).expect(201).json().getString("secret");
  }

  protected JsonArray claim(long project, String worker, int limit) {
    return admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", worker).put("limit", limit))
        .expect(200).json().getJsonArray("tasks");
  }

  protected RowSet<Row> sql(String query, Object... args) {
    return server.sql().preparedQuery(query).execute(Tuple.from(args)).await();
  }
}
