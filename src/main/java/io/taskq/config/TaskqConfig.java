package io.taskq.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything taskq reads from its environment, with the defaults named in one place.
 *
 * @param databaseUrl {@code TASKQ_DB_URL}; empty: start the embedded PostgreSQL
 * @param dataDirectory {@code TASKQ_DATA_DIR}: where the embedded PostgreSQL keeps its data
 * @param httpPort {@code TASKQ_HTTP_PORT}; 0 picks a free port (tests)
 * @param poolSize {@code TASKQ_DB_POOL_SIZE}
 * @param adminKey {@code TASKQ_ADMIN_KEY}: a secret that must exist as an active admin key
 * @param sweepInterval how often expired leases are returned to the queue
 * @param retry backoff of retryable failures
 */
public record TaskqConfig(
    Optional<String> databaseUrl,
    Path dataDirectory,
    int httpPort,
    int poolSize,
    Optional<String> adminKey,
    Duration sweepInterval,
    RetryPolicy retry) {

  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final Path DEFAULT_DATA_DIRECTORY = Path.of("taskq-data");
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMillis(500);

  public TaskqConfig {
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("TASKQ_HTTP_PORT must be 0..65535, got " + httpPort);
    }
    if (poolSize < 1 || poolSize > 1000) {
      throw new IllegalArgumentException("TASKQ_DB_POOL_SIZE must be 1..1000, got " + poolSize);
    }
    if (sweepInterval.isNegative() || sweepInterval.isZero()) {
      throw new IllegalArgumentException("the sweep interval must be positive");
    }
  }

  /**
   * Four connections a core: a claim or create holds a connection for one round trip, so a
   * few connections per core keep PostgreSQL busy without queueing inside it.
   */
  public static int defaultPoolSize() {
    return Math.max(4, Runtime.getRuntime().availableProcessors() * 4);
  }

  public static TaskqConfig fromEnvironment(Map<String, String> env) {
    return new TaskqConfig(
        nonBlank(env.get("TASKQ_DB_URL")),
        nonBlank(env.get("TASKQ_DATA_DIR")).map(Path::of).orElse(DEFAULT_DATA_DIRECTORY),
        intValue(env, "TASKQ_HTTP_PORT", DEFAULT_HTTP_PORT),
        intValue(env, "TASKQ_DB_POOL_SIZE", defaultPoolSize()),
        nonBlank(env.get("TASKQ_ADMIN_KEY")),
        DEFAULT_SWEEP_INTERVAL,
        RetryPolicy.DEFAULT);
  }

  public TaskqConfig withDatabaseUrl(String url) {
    return new TaskqConfig(Optional.of(url), dataDirectory, httpPort, poolSize, adminKey, sweepInterval, retry);
  }

  public TaskqConfig withHttpPort(int port) {
    return new TaskqConfig(databaseUrl, dataDirectory, port, poolSize, adminKey, sweepInterval, retry);
  }

  public TaskqConfig withAdminKey(String key) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, Optional.of(key), sweepInterval, retry);
  }

  public TaskqConfig withSweepInterval(Duration interval) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, adminKey, interval, retry);
  }

  public TaskqConfig withRetry(RetryPolicy policy) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, adminKey, sweepInterval, policy);
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private static int intValue(Map<String, String> env, String name, int fallback) {
    Optional<String> raw = nonBlank(env.get(name));
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(raw.get());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + raw.get() + "'");
    }
  }
}
