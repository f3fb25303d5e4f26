package io.taskq.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskq.store.ApiKeyStore;
import io.taskq.store.pg.PgApiKeyStore;
import io.taskq.support.ServerTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The once-a-minute rule of {@link KeyUsage}, on the real store and database, with the clock in
 * the test's hands: every statement that records uses is counted.
 */
class KeyUsageTest extends ServerTest {

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      now = start;
    }

    void set(Instant at) {
      now = at;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private final AtomicInteger statements = new AtomicInteger();

  /** The real PostgreSQL store, counting the statements that record uses. */
  private ApiKeyStore countingStore() {
    PgApiKeyStore real = new PgApiKeyStore(server.sql());
    return (ApiKeyStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ApiKeyStore.class},
        (proxy, method, args) -> {
          if (method.getName().equals("recordUses")) {
            statements.incrementAndGet();
          }
          return method.invoke(real, args);
        });
  }

  private UUID newKeyId() {
    return UUID.fromString(admin.post("/api-keys", new JsonObject().put("name", "u").put("permissions", new JsonArray().add("tasks:read")))
        .expect(201).json().getString("id"));
  }

  private Instant lastUsed(UUID id) {
    for (Object o : admin.get("/api-keys").items()) {
      JsonObject key = (JsonObject) o;
      if (key.getString("id").equals(id.toString())) {
        String at = key.getString("last_used_at");
        return at == null ? null : Instant.parse(at);
      }
    }
    throw new AssertionError("key " + id + " is not listed");
  }

  private static int await(Future<Integer> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void aKeyUsedManyTimesWithinAMinuteIsWrittenOnce() throws Exception {
    UUID a = newKeyId();
    UUID b = newKeyId();
    Instant minute = Instant.parse("2031-05-01T10:00:00Z");
    TestClock clock = new TestClock(minute.plusSeconds(5));
    KeyUsage usage = new KeyUsage(countingStore(), clock);
    statements.set(0);

    for (int i = 0; i < 10; i++) {
      usage.used(a);
      usage.used(b);
    }
    assertEquals(2, await(usage.flush()));
    assertEquals(1, statements.get(), "one statement for both keys");
    assertEquals(minute.plusSeconds(5), lastUsed(a));

    clock.set(minute.plusSeconds(50));
    for (int i = 0; i < 10; i++) {
      usage.used(a);
    }
    assertEquals(0, await(usage.flush()));
    assertEquals(1, statements.get(), "no write again within the same minute");
    assertEquals(minute.plusSeconds(5), lastUsed(a));

    clock.set(minute.plusSeconds(61));
    usage.used(a);
    usage.used(a);
    assertEquals(1, await(usage.flush()));
    assertEquals(2, statements.get(), "the next minute is written once");
    assertEquals(minute.plusSeconds(61), lastUsed(a));
    assertEquals(minute.plusSeconds(5), lastUsed(b));
  }

  @Test
  void anOlderUseNeverOverwritesANewerOne() throws Exception {
    UUID a = newKeyId();
    Instant later = Instant.parse("2031-06-01T10:00:00Z");
    KeyUsage newer = new KeyUsage(countingStore(), Clock.fixed(later, ZoneOffset.UTC));
    newer.used(a);
    await(newer.flush());
    // Another instance, whose write of an earlier use arrives late.
    KeyUsage older = new KeyUsage(countingStore(), Clock.fixed(later.minusSeconds(120), ZoneOffset.UTC));
    older.used(a);
    assertEquals(1, await(older.flush()));
    assertEquals(later, lastUsed(a));
  }

  @Test
  void nothingUsedMeansNoStatement() throws Exception {
    statements.set(0);
    assertEquals(0, await(new KeyUsage(countingStore(), Clock.systemUTC()).flush()));
    assertEquals(0, statements.get());
  }
}
