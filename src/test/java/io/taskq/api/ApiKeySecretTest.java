package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.auth.Secrets;
import io.taskq.config.TaskqConfig;
import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An API key's secret is shown once, in the answer that creates it, and stored nowhere. */
class ApiKeySecretTest extends ServerTest {

  @Test
  void aReplayedKeyCreationAnswersTheKeyWithoutItsSecretAndTheSecretIsStoredNowhere() {
    String idempotencyKey = "create-key-" + UUID.randomUUID();
    JsonObject request = new JsonObject().put("name", "worker").put("permissions", new JsonArray().add("admin"));
    Api.Response first = admin.post("/api-keys", request, Map.of("Idempotency-Key", idempotencyKey)).expect(201);
    String secret = first.json().getString("secret");
    assertTrue(secret != null && secret.length() >= Secrets.MIN_LENGTH, first.body().toString());

    // Through the contract-checking client: the contract says a replay carries no secret.
    Api.Response replay = admin.post("/api-keys", request, Map.of("Idempotency-Key", idempotencyKey)).expect(201);
    assertEquals("true", replay.headers().get("Idempotent-Replayed"));
    JsonObject replayed = replay.json();
    assertFalse(replayed.containsKey("secret"), replayed.encode());
    assertFalse(replay.body().toString().contains(secret), "the replay does not show the secret");
    JsonObject withoutSecret = first.json().copy();
    withoutSecret.remove("secret");
    assertEquals(withoutSecret, replayed, "the replay answers the same key fields");

    // Used first, so that whatever using a key writes (rate limits, caches) is searched as well.
    admin.withKey(secret).get("/api-keys").expect(200);
    admin.withKey(secret).post("/projects", new JsonObject().put("name", "p-" + UUID.randomUUID()),
        Map.of("Idempotency-Key", "use-" + UUID.randomUUID())).expect(201);

    List<String> holders = columnsHolding(secret);
    holders.addAll(columnsHolding(secret.substring(Secrets.displayPrefix(secret).length())));
    assertEquals(List.of(), holders, "no column of any table holds the secret or its hidden part");
  }

  @Test
  void theShownPrefixIsAtMostTenCharactersAndAThirdOfTheSecret() {
    assertEquals(8, Secrets.displayPrefix("x".repeat(24)).length());
    assertEquals(10, Secrets.displayPrefix(Secrets.generate()).length());
    String listed = admin.get("/api-keys").expect(200).json().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(k -> TestServer.ADMIN_KEY.startsWith(k.getString("prefix"))).findFirst().orElseThrow().getString("prefix");
    assertTrue(listed.length() <= TestServer.ADMIN_KEY.length() / 3, listed);
  }

  @Test
  void anAdminKeyShorterThan24CharactersStopsStartUpWithAClearMessage() {
    String shortKey = "tq_short_admin_key_23ch";
    assertEquals(23, shortKey.length());
    IllegalArgumentException fromEnvironment = assertThrows(IllegalArgumentException.class,
        () -> TaskqConfig.fromEnvironment(Map.of("TASKQ_ADMIN_KEY", shortKey)));
    assertTrue(fromEnvironment.getMessage().contains("TASKQ_ADMIN_KEY must be at least 24 characters"), fromEnvironment.getMessage());
    assertFalse(fromEnvironment.getMessage().contains(shortKey), "the message does not repeat the secret");
    assertThrows(IllegalArgumentException.class, () -> TaskqConfig.fromEnvironment(Map.of()).withAdminKey(shortKey));
    TaskqConfig.fromEnvironment(Map.of("TASKQ_ADMIN_KEY", shortKey + "x"));
  }

  /** "table.column" of every text-like, JSON or binary column in the database that contains {@code text}. */
  private List<String> columnsHolding(String text) {
    List<String> found = new ArrayList<>();
    for (Row column : sql("SELECT table_schema::text AS table_schema, table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type FROM information_schema.columns"
        + " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        + " AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')")) {
      String table = quote(column.getString("table_schema")) + "." + quote(column.getString("table_name"));
      String name = quote(column.getString("column_name"));
      String condition = column.getString("data_type").equals("bytea")
          ? "position(convert_to($1, 'UTF8') in " + name + ") > 0"
          : "strpos(" + name + "::text, $1) > 0";
      long rows = sql("SELECT count(*) FROM " + table + " WHERE " + condition, text).iterator().next().getLong(0);
      if (rows > 0) {
        found.add(column.getString("table_name") + "." + column.getString("column_name"));
      }
    }
    return found;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
