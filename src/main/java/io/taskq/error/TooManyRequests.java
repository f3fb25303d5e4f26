package io.taskq.error;

import java.util.List;

/** Over the key's rate limit; the client may retry after {@code retryAfterSeconds}. */
public final class TooManyRequests extends TaskqException {

  private final long retryAfterSeconds;

  public TooManyRequests(String detail, long retryAfterSeconds) {
    super(429, "rate-limited", "Too many requests", detail, List.of());
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
