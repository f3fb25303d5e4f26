package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.config.TaskqConfig;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code last_used_at} of keys as clients see it, and the server's default rate limit of new keys. */
class ApiKeyUsageTest extends ServerTest {

  private static final int DEFAULT_LIMIT = 5000;

  @Override
  protected TaskqConfig configure(TaskqConfig config) {
    return config.withDefaultRateLimit(DEFAULT_LIMIT);
  }

  private JsonObject createKey(JsonObject extra) {
    return admin.post("/api-keys", new JsonObject().put("name", "usage").put("permissions", new JsonArray().add("tasks:read"))
        .mergeIn(extra)).expect(201).json();
  }

  private JsonObject listed(String id) {
    for (Object o : admin.get("/api-keys").items()) {
      JsonObject key = (JsonObject) o;
      if (key.getString("id").equals(id)) {
        return key;
      }
    }
    throw new AssertionError("key " + id + " is not listed");
  }

  @Test
  void aNewKeyHasNotBeenUsed() throws Exception {
    JsonObject created = createKey(new JsonObject());
    assertTrue(created.containsKey("last_used_at"));
    assertEquals(null, created.getValue("last_used_at"));
    server.server().flushKeyUsage().toCompletionStage().toCompletableFuture().get();
    assertEquals(null, listed(created.getString("id")).getValue("last_used_at"));
  }

  @Test
  void aKeyUsedSeveralTimesShowsItsLastUseOnceFlushed() throws Exception {
    JsonObject created = createKey(new JsonObject());
    Instant before = Instant.now().minusSeconds(1);
    for (int i = 0; i < 5; i++) {
      admin.withKey(created.getString("secret")).get("/projects").expect(200);
    }
    Instant after = Instant.now().plusSeconds(1);
    int written = server.server().flushKeyUsage().toCompletionStage().toCompletableFuture().get();
    assertTrue(written >= 1, "keys written: " + written);
    String lastUsed = listed(created.getString("id")).getString("last_used_at");
    assertNotNull(lastUsed);
    Instant at = Instant.parse(lastUsed);
    assertFalse(at.isBefore(before) || at.isAfter(after), lastUsed);
  }

  @Test
  void aKeyCreatedWithoutALimitGetsTheServersDefault() {
    assertEquals(DEFAULT_LIMIT, createKey(new JsonObject()).getInteger("rate_limit_per_minute"));
    assertEquals(DEFAULT_LIMIT, createKey(new JsonObject().putNull("rate_limit_per_minute")).getInteger("rate_limit_per_minute"));
  }

  @Test
  void anExplicitLimitWinsOverTheDefault() {
    JsonObject created = createKey(new JsonObject().put("rate_limit_per_minute", 7));
    assertEquals(7, created.getInteger("rate_limit_per_minute"));
    assertEquals(7, listed(created.getString("id")).getInteger("rate_limit_per_minute"));
  }
}
