package io.taskq.config;

import io.taskq.auth.Secrets;
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
 * @param adminKey {@code TASKQ_ADMIN_KEY}: a secret that must exist as an active admin key, at least
 *     {@link Secrets#MIN_LENGTH} characters
 * @param sweepInterval how often expired leases are returned to the queue
 * @param retry backoff of retryable failures
 * @param keepCompleted {@code TASKQ_RETENTION_COMPLETED}: how long completed and cancelled tasks are kept
 * @param keepFailed {@code TASKQ_RETENTION_FAILED}: how long failed tasks are kept
 * @param leaderLease how long a leader's lease lasts without renewal (handover time when it dies)
 * @param idempotencyTtl {@code TASKQ_IDEMPOTENCY_TTL}: how long a response to a POST with an Idempotency-Key is kept
 * @param keyCacheTtl how long an authenticated API key is trusted without a database look-up
 * @param http read timeouts and the connection cap of the HTTP server ({@code TASKQ_HTTP_*})
 * @param maxRequestsInFlight {@code TASKQ_MAX_REQUESTS_IN_FLIGHT}: requests an instance works on at once; more are shed with 503
 * @param eventRetention {@code TASKQ_EVENT_RETENTION}: how long an external event is kept (a task created meanwhile that
 *     waits on it starts released)
 * @param defaultRateLimit {@code TASKQ_DEFAULT_RATE_LIMIT}: requests a minute allowed to a key created without a
 *     {@code rate_limit_per_minute}; empty: such keys are not limited
 * @param httpEventLoops {@code TASKQ_HTTP_EVENT_LOOPS}: event loops that serve HTTP requests (one HTTP server verticle each)
 */
public record TaskqConfig(
    Optional<String> databaseUrl,
    Path dataDirectory,
    int httpPort,
    int poolSize,
    Optional<String> adminKey,
    Duration sweepInterval,
    RetryPolicy retry,
    Duration keepCompleted,
    Duration keepFailed,
    Duration leaderLease,
    Duration idempotencyTtl,
    Duration keyCacheTtl,
    HttpLimits http,
    int maxRequestsInFlight,
    Duration eventRetention,
    Optional<Integer> defaultRateLimit,
    int httpEventLoops) {

  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final Path DEFAULT_DATA_DIRECTORY = Path.of("taskq-data");
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_KEEP_COMPLETED = Duration.ofDays(7);
  public static final Duration DEFAULT_KEEP_FAILED = Duration.ofDays(30);
  public static final Duration DEFAULT_LEADER_LEASE = Duration.ofSeconds(5);
  public static final Duration DEFAULT_IDEMPOTENCY_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(7);
  /**
   * Four times the 64 workers of the benchmark: never reached by them, while 500 clients at
   * once on 2 cores meet it and see 4-15 % of their requests shed (OverloadTest,
   * src/site/markdown/reliability.md). Long-polls waiting for work do not count.
   */
  public static final int DEFAULT_MAX_REQUESTS_IN_FLIGHT = 256;
  /** The largest {@code rate_limit_per_minute} a key may be given (as in the API). */
  public static final int MAX_RATE_LIMIT = 1_000_000;
  /** More event loops than this serve no machine taskq runs on; a larger value is a typo. */
  public static final int MAX_HTTP_EVENT_LOOPS = 256;

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
    if (adminKey.isPresent() && adminKey.get().length() < Secrets.MIN_LENGTH) {
      // The message never repeats the value: it is a secret, and start-up errors end up in logs.
      throw new IllegalArgumentException("TASKQ_ADMIN_KEY must be at least " + Secrets.MIN_LENGTH + " characters long, got "
          + adminKey.get().length() + "; use a long random value, such as the output of 'openssl rand -base64 32'");
    }
    if (http == null) {
      throw new IllegalArgumentException("the HTTP limits are required");
    }
    if (maxRequestsInFlight < 1 || maxRequestsInFlight > 1_000_000) {
      throw new IllegalArgumentException("TASKQ_MAX_REQUESTS_IN_FLIGHT must be 1..1000000, got " + maxRequestsInFlight);
    }
    if (eventRetention == null || eventRetention.isNegative() || eventRetention.isZero()) {
      throw new IllegalArgumentException("TASKQ_EVENT_RETENTION must be a positive duration such as 7d, 12h, 30m or P7D");
    }
    if (defaultRateLimit == null) {
      throw new IllegalArgumentException("the default rate limit is required (empty for none)");
    }
    if (httpEventLoops < 1 || httpEventLoops > MAX_HTTP_EVENT_LOOPS) {
      throw new IllegalArgumentException("TASKQ_HTTP_EVENT_LOOPS must be 1.." + MAX_HTTP_EVENT_LOOPS + ", got " + httpEventLoops);
    }
    if (defaultRateLimit.isPresent() && (defaultRateLimit.get() < 1 || defaultRateLimit.get() > MAX_RATE_LIMIT)) {
      throw new IllegalArgumentException("TASKQ_DEFAULT_RATE_LIMIT must be 1.." + MAX_RATE_LIMIT
          + " requests a minute (unset for no limit), got " + defaultRateLimit.get());
    }
  }

  /**
   * Four connections a core: a claim or create holds a connection for one round trip, so a
   * few connections per core keep PostgreSQL busy without queueing inside it.
   */
  public static int defaultPoolSize() {
    return Math.max(4, Runtime.getRuntime().availableProcessors() * 4);
  }

  /**
   * One event loop serving HTTP for every two cores. A request's statement runs on whichever
   * connection is free, and a coalesced statement serves requests from every loop; each answer
   * that crosses to another loop costs a hand-over between threads. On 2 cores one loop
   * answered claims and completions at 38 us of CPU a request against 41-42 us with two, and
   * creates at 38-39 against 43-44, at a higher rate (benchmarks.md, "One event loop for HTTP
   * on two cores"); one loop serves about 25,000 requests a second, more than PostgreSQL
   * sharing those cores takes. The other cores are left to the JIT, the collector and, where
   * it shares the machine, PostgreSQL.
   */
  public static int defaultHttpEventLoops() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  public static TaskqConfig fromEnvironment(Map<String, String> env) {
    return new TaskqConfig(
        nonBlank(env.get("TASKQ_DB_URL")),
        nonBlank(env.get("TASKQ_DATA_DIR")).map(Path::of).orElse(DEFAULT_DATA_DIRECTORY),
        intValue(env, "TASKQ_HTTP_PORT", DEFAULT_HTTP_PORT),
        intValue(env, "TASKQ_DB_POOL_SIZE", defaultPoolSize()),
        nonBlank(env.get("TASKQ_ADMIN_KEY")),
        DEFAULT_SWEEP_INTERVAL,
        RetryPolicy.DEFAULT,
        duration(env, "TASKQ_RETENTION_COMPLETED", DEFAULT_KEEP_COMPLETED),
        duration(env, "TASKQ_RETENTION_FAILED", DEFAULT_KEEP_FAILED),
        DEFAULT_LEADER_LEASE,
        duration(env, "TASKQ_IDEMPOTENCY_TTL", DEFAULT_IDEMPOTENCY_TTL),
        io.taskq.auth.ApiKeyService.CACHE_TTL,
        new HttpLimits(
            duration(env, "TASKQ_HTTP_HEADER_TIMEOUT", HttpLimits.DEFAULT_HEADER_TIMEOUT),
            duration(env, "TASKQ_HTTP_BODY_TIMEOUT", HttpLimits.DEFAULT_BODY_TIMEOUT),
            duration(env, "TASKQ_HTTP_IDLE_TIMEOUT", HttpLimits.DEFAULT_IDLE_TIMEOUT),
            intValue(env, "TASKQ_HTTP_MAX_CONNECTIONS", HttpLimits.DEFAULT_MAX_CONNECTIONS)),
        intValue(env, "TASKQ_MAX_REQUESTS_IN_FLIGHT", DEFAULT_MAX_REQUESTS_IN_FLIGHT),
        duration(env, "TASKQ_EVENT_RETENTION", DEFAULT_EVENT_RETENTION),
        optionalInt(env, "TASKQ_DEFAULT_RATE_LIMIT"),
        intValue(env, "TASKQ_HTTP_EVENT_LOOPS", defaultHttpEventLoops()));
  }

  public TaskqConfig withDatabaseUrl(String url) {
    return new TaskqConfig(Optional.of(url), dataDirectory, httpPort, poolSize, adminKey, sweepInterval, retry, keepCompleted,
        keepFailed, leaderLease, idempotencyTtl, keyCacheTtl, http, maxRequestsInFlight, eventRetention, defaultRateLimit, httpEventLoops);
  }

  public TaskqConfig withHttpPort(int port) {
    return new TaskqConfig(databaseUrl, dataDirectory, port, poolSize, adminKey, sweepInterval, retry, keepCompleted,
        keepFailed, leaderLease, idempotencyTtl, keyCacheTtl, http, maxRequestsInFlight, eventRetention, defaultRateLimit, httpEventLoops);
  }

  public TaskqConfig withAdminKey(String key) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, Optional.of(key), sweepInterval, retry,
        keepCompleted, keepFailed, leaderLease, idempotencyTtl, keyCacheTtl, http, maxRequestsInFlight, eventRetention, defaultRateLimit, httpEventLoops);
  }

  public TaskqConfig withSweepInterval(Duration interval) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, adminKey, interval, retry, keepCompleted,
        keepFailed, leaderLease, idempotencyTtl, keyCacheTtl, http, maxRequestsInFlight, eventRetention, defaultRateLimit, httpEventLoops);
  }

  public TaskqConfig withRetry(RetryPolicy policy) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, adminKey, sweepInterval, policy, keepCompleted,
        keepFailed, leaderLease, idempotencyTtl, keyCacheTtl, http, maxRequestsInFlight, eventRetention, defaultRateLimit, httpEventLoops);
  }

  public TaskqConfig withRetention(Duration completed, Duration failed) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, adminKey, sweepInterval, retry, completed, failed,
        leaderLease, idempotencyTtl, keyCacheTtl, http, maxRequestsInFlight, eventRetention, defaultRateLimit, httpEventLoops);
  }

  public TaskqConfig withKeyCacheTtl(Duration ttl) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, adminKey, sweepInterval, retry, keepCompleted,
        keepFailed, leaderLease, idempotencyTtl, ttl, http, maxRequestsInFlight, eventRetention, defaultRateLimit, httpEventLoops);
  }

  public TaskqConfig withLeaderLease(Duration lease) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, adminKey, sweepInterval, retry, keepCompleted,
        keepFailed, lease, idempotencyTtl, keyCacheTtl, http, maxRequestsInFlight, eventRetention, defaultRateLimit, httpEventLoops);
  }

  public TaskqConfig withHttpLimits(HttpLimits limits) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, adminKey, sweepInterval, retry, keepCompleted,
        keepFailed, leaderLease, idempotencyTtl, keyCacheTtl, limits, maxRequestsInFlight, eventRetention, defaultRateLimit, httpEventLoops);
  }

  public TaskqConfig withMaxRequestsInFlight(int max) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, adminKey, sweepInterval, retry, keepCompleted,
        keepFailed, leaderLease, idempotencyTtl, keyCacheTtl, http, max, eventRetention, defaultRateLimit, httpEventLoops);
  }

  public TaskqConfig withHttpEventLoops(int loops) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, adminKey, sweepInterval, retry, keepCompleted,
        keepFailed, leaderLease, idempotencyTtl, keyCacheTtl, http, maxRequestsInFlight, eventRetention, defaultRateLimit, loops);
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /**
   * A duration: a number with a unit (30s, 15m, 12h, 7d) or ISO-8601 (P7D, PT12H).
   */
  static Duration duration(Map<String, String> env, String name, Duration fallback) {
    Optional<String> raw = nonBlank(env.get(name));
    if (raw.isEmpty()) {
      return fallback;
    }
    String v = raw.get().toLowerCase(java.util.Locale.ROOT);
    try {
      if (v.startsWith("p")) {
        return v.contains("t") ? Duration.parse(v.toUpperCase(java.util.Locale.ROOT))
            : Duration.ofDays(java.time.Period.parse(v.toUpperCase(java.util.Locale.ROOT)).getDays());
      }
      long amount = Long.parseLong(v.substring(0, v.length() - 1));
      Duration d = switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default -> throw new NumberFormatException();
      };
      if (d.isNegative() || d.isZero()) {
        throw new NumberFormatException();
      }
      return d;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(name + " must be a positive duration such as 7d, 12h, 30m or P7D, got '" + raw.get() + "'");
    }
  }

  public TaskqConfig withDefaultRateLimit(Integer perMinute) {
    return new TaskqConfig(databaseUrl, dataDirectory, httpPort, poolSize, adminKey, sweepInterval, retry, keepCompleted,
        keepFailed, leaderLease, idempotencyTtl, keyCacheTtl, http, maxRequestsInFlight, eventRetention, Optional.ofNullable(perMinute),
        httpEventLoops);
  }

  private static Optional<Integer> optionalInt(Map<String, String> env, String name) {
    return nonBlank(env.get(name)).isEmpty() ? Optional.empty() : Optional.of(intValue(env, name, 0));
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
