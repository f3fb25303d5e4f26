package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RateLimitTest extends ServerTest {

  private TestServer other;

  @BeforeAll
  void startSecondInstance() {
    other = TestServer.startOn(server.database(), c -> c);
  }

  @AfterAll
  void stopSecondInstance() throws Exception {
    other.close();
  }

  private String limitedKey(int perMinute) {
    return admin.post("/api-keys", new JsonObject().put("name", "limited").put("permissions", new JsonArray().add("tasks:read"))
        .put("rate_limit_per_minute", perMinute)).expect(201).json().getString("secret");
  }

  @Test
  void overTheLimitIs429WithRetryAfter() {
    Api limited = admin.withKey(limitedKey(3));
    for (int i = 0; i < 3; i++) {
      limited.get("/projects").expect(200);
    }
    Api.Response refused = limited.get("/projects");
    refused.problem(429);
    long retryAfter = Long.parseLong(refused.headers().get("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    admin.get("/projects").expect(200); // other keys are not affected
  }

  @Test
  void theLimitHoldsAcrossInstances() {
    String secret = limitedKey(10);
    Api here = admin.withKey(secret);
    Api there = new Api(server.vertx(), other.port(), secret);
    int admitted = 0;
    for (int i = 0; i < 30; i++) {
      Api.Response r = (i % 2 == 0 ? here : there).get("/projects");
      if (r.status() == 200) {
        admitted++;
      } else {
        r.problem(429);
      }
    }
    // The whole budget may straddle a minute boundary: then two windows' worth is fine.
    assertTrue(admitted == 10 || admitted == 20, "admitted " + admitted + " of a limit of 10 a minute");
  }

  @Test
  void limitsAreValidatedAndShown() {
    admin.post("/api-keys", new JsonObject().put("name", "x").put("permissions", new JsonArray().add("tasks:read"))
        .put("rate_limit_per_minute", 0)).problem(422);
    JsonObject created = admin.post("/api-keys", new JsonObject().put("name", "x").put("permissions",
        new JsonArray().add("tasks:read")).put("rate_limit_per_minute", 60)).expect(201).json();
    assertEquals(60, created.getInteger("rate_limit_per_minute"));
  }
}
