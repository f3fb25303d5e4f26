package io.taskq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskqConfigTest {

  @Test
  void httpLimitsDefaultWhenUnset() {
    HttpLimits http = TaskqConfig.fromEnvironment(Map.of()).http();
    assertEquals(Duration.ofSeconds(10), http.headerTimeout());
    assertEquals(Duration.ofSeconds(30), http.bodyTimeout());
    assertEquals(Duration.ofSeconds(60), http.idleTimeout());
    assertEquals(10_000, http.maxConnections());
  }

  @Test
  void httpLimitsAreReadFromTheEnvironment() {
    HttpLimits http = TaskqConfig.fromEnvironment(Map.of(
        "TASKQ_HTTP_HEADER_TIMEOUT", "5s",
        "TASKQ_HTTP_BODY_TIMEOUT", "2m",
        "TASKQ_HTTP_IDLE_TIMEOUT", "PT90S",
        "TASKQ_HTTP_MAX_CONNECTIONS", "500")).http();
    assertEquals(new HttpLimits(Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofSeconds(90), 500), http);
  }

  @Test
  void nonsenseHttpLimitsStopTheStartNamingTheVariable() {
    for (Map<String, String> env : new Map[] {
        Map.of("TASKQ_HTTP_HEADER_TIMEOUT", "0s"),
        Map.of("TASKQ_HTTP_BODY_TIMEOUT", "soon"),
        Map.of("TASKQ_HTTP_IDLE_TIMEOUT", "-5s"),
        Map.of("TASKQ_HTTP_MAX_CONNECTIONS", "0"),
        Map.of("TASKQ_HTTP_MAX_CONNECTIONS", "many")}) {
      String name = env.keySet().iterator().next();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskqConfig.fromEnvironment(env),
          env::toString);
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }

  @Test
  void eventRetentionIsSevenDaysUnlessTheEnvironmentSaysOtherwise() {
    assertEquals(Duration.ofDays(7), TaskqConfig.fromEnvironment(Map.of()).eventRetention());
    assertEquals(Duration.ofHours(36), TaskqConfig.fromEnvironment(Map.of("TASKQ_EVENT_RETENTION", "36h")).eventRetention());
    assertEquals(Duration.ofDays(2), TaskqConfig.fromEnvironment(Map.of("TASKQ_EVENT_RETENTION", "P2D")).eventRetention());
  }

  @Test
  void nonsenseEventRetentionStopsTheStartNamingTheVariable() {
    for (String value : new String[] {"0s", "-1d", "a week", "P0D"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TaskqConfig.fromEnvironment(Map.of("TASKQ_EVENT_RETENTION", value)), value);
      assertTrue(e.getMessage().contains("TASKQ_EVENT_RETENTION"), e.getMessage());
    }
  }

  @Test
  void keysAreUnlimitedByDefaultUnlessTheEnvironmentSetsALimit() {
    assertEquals(java.util.Optional.empty(), TaskqConfig.fromEnvironment(Map.of()).defaultRateLimit());
    assertEquals(java.util.Optional.empty(), TaskqConfig.fromEnvironment(Map.of("TASKQ_DEFAULT_RATE_LIMIT", " ")).defaultRateLimit());
    assertEquals(java.util.Optional.of(600), TaskqConfig.fromEnvironment(Map.of("TASKQ_DEFAULT_RATE_LIMIT", "600")).defaultRateLimit());
  }

  @Test
  void nonsenseDefaultRateLimitStopsTheStartNamingTheVariable() {
    for (String value : new String[] {"0", "-5", "ten", "1.5", "1000001", "99999999999"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TaskqConfig.fromEnvironment(Map.of("TASKQ_DEFAULT_RATE_LIMIT", value)), value);
      assertTrue(e.getMessage().contains("TASKQ_DEFAULT_RATE_LIMIT"), e.getMessage());
    }
  }

  @Test
  void httpEventLoopsAreOnePerTwoCoresUnlessTheEnvironmentSaysOtherwise() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(Math.max(1, cores / 2), TaskqConfig.fromEnvironment(Map.of()).httpEventLoops());
    assertEquals(3, TaskqConfig.fromEnvironment(Map.of("TASKQ_HTTP_EVENT_LOOPS", "3")).httpEventLoops());
  }

  @Test
  void nonsenseHttpEventLoopsStopTheStartNamingTheVariable() {
    for (String value : new String[] {"0", "-1", "two", "257"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TaskqConfig.fromEnvironment(Map.of("TASKQ_HTTP_EVENT_LOOPS", value)), value);
      assertTrue(e.getMessage().contains("TASKQ_HTTP_EVENT_LOOPS"), e.getMessage());
    }
  }
}
