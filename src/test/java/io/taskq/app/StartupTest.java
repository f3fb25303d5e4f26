package io.taskq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.config.TaskqConfig;
import io.taskq.db.DatabaseTarget;
import io.taskq.support.Api;
import io.taskq.support.TestDatabase;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartupTest {

  private static TaskqConfig config(Optional<String> adminKey) {
    TaskqConfig base = TaskqConfig.fromEnvironment(Map.of()).withHttpPort(0);
    return adminKey.map(base::withAdminKey).orElse(base);
  }

  @Test
  void createsAMissingDatabaseAndTheFirstAdminKeyOnce() throws Exception {
    DatabaseTarget db = TestDatabase.absent("startup");
    String secret;
    try (TaskqServer server = TaskqServer.start(config(Optional.empty()), db, null)) {
      assertTrue(server.generatedAdminSecret().isPresent(), "no admin key existed: one is made and shown");
      secret = server.generatedAdminSecret().get();
      new Api(server.vertx(), server.port(), secret).get("/api-keys").expect(200);
    }
    try (TaskqServer again = TaskqServer.start(config(Optional.empty()), db, null)) {
      assertEquals(Optional.empty(), again.generatedAdminSecret(), "an admin key exists: none is made");
      new Api(again.vertx(), again.port(), secret).get("/projects").expect(200);
    }
  }

  @Test
  void theConfiguredAdminKeyIsActiveEvenAfterARevocation() throws Exception {
    DatabaseTarget db = TestDatabase.fresh("admin_key");
    String secret = "tq_operator_chosen_secret_value_1";
    try (TaskqServer server = TaskqServer.start(config(Optional.of(secret)), db, null)) {
      assertEquals(Optional.empty(), server.generatedAdminSecret());
      Api api = new Api(server.vertx(), server.port(), secret);
      String id = api.get("/api-keys").items().getJsonObject(0).getString("id");
      api.delete("/api-keys/" + id).expect(204);
      api.get("/projects").problem(401);
    }
    try (TaskqServer server = TaskqServer.start(config(Optional.of(secret)), db, null)) {
      new Api(server.vertx(), server.port(), secret).get("/projects").expect(200);
    }
  }
}
