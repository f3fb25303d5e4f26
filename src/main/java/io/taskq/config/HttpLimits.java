package io.taskq.config;

import java.time.Duration;

/**
 * How long a connection may take over each part of a request, and how many connections one
 * taskq instance holds at once, so that slow or silent clients cannot hold the server.
 *
 * @param headerTimeout {@code TASKQ_HTTP_HEADER_TIMEOUT}: from accepting a connection to the end of its request's head
 * @param bodyTimeout {@code TASKQ_HTTP_BODY_TIMEOUT}: from the end of a request's head to the end of its body
 * @param idleTimeout {@code TASKQ_HTTP_IDLE_TIMEOUT}: a kept-alive connection with no request in progress is closed after this
 * @param maxConnections {@code TASKQ_HTTP_MAX_CONNECTIONS}: open connections per instance; more are closed on accept
 */
public record HttpLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections) {

  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  /** A 64 MiB bulk body needs 30 s at 18 Mbit/s. */
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
  /**
   * Idle means no request in progress, so a long-poll claim (up to 20 s) is never idle; 60 s lets
   * a pooled client reuse its connections between bursts.
   */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

  public static final HttpLimits DEFAULT =
      new HttpLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS);

  public HttpLimits {
    positive("TASKQ_HTTP_HEADER_TIMEOUT", headerTimeout);
    positive("TASKQ_HTTP_BODY_TIMEOUT", bodyTimeout);
    positive("TASKQ_HTTP_IDLE_TIMEOUT", idleTimeout);
    if (maxConnections < 1 || maxConnections > 1_000_000) {
      throw new IllegalArgumentException("TASKQ_HTTP_MAX_CONNECTIONS must be 1..1000000, got " + maxConnections);
    }
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration");
    }
  }
}
