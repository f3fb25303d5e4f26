package io.taskq.api;

import io.taskq.db.DatabaseTarget;
import io.taskq.support.Api;
import io.taskq.support.Poll;
import io.taskq.support.TestDatabase;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A key revoked on one instance stops working on another at once, not when its cache entry expires. */
class KeyRevocationTest {

  @Test
  void aRevocationReachesEveryInstanceAtOnce() throws Exception {
    DatabaseTarget db = TestDatabase.fresh("revocation");
    // A cache far longer than the test: only the announcement can make the other instance forget.
    try (TestServer a = TestServer.startOn(db, c -> c.withKeyCacheTtl(Duration.ofMinutes(10)));
        TestServer b = TestServer.startOn(db, c -> c.withKeyCacheTtl(Duration.ofMinutes(10)))) {
      Api adminOnA = new Api(a.vertx(), a.port(), TestServer.ADMIN_KEY);
      JsonObject key = adminOnA.post("/api-keys", new JsonObject().put("name", "short-lived")
          .put("permissions", new JsonArray().add("tasks:read"))).expect(201).json();
      Api holderOnB = new Api(a.vertx(), b.port(), key.getString("secret"));
      holderOnB.get("/projects").expect(200); // now cached on B

      adminOnA.delete("/api-keys/" + key.getString("id")).expect(204);
      Poll.until(() -> holderOnB.get("/projects").status(), status -> status == 401, Duration.ofSeconds(10));
    }
  }
}
