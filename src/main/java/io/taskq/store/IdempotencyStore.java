package io.taskq.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.UUID;

/** Stored first responses of POSTs sent with an Idempotency-Key; never with a secret in them (the routes redact it). */
public interface IdempotencyStore {

  /** What beginning a request found. */
  sealed interface Start permits Started, Stored, Busy {
  }

  /** No live record existed: this request is now the one in progress. */
  record Started() implements Start {
  }

  /** A record exists: {@code status} null means its request is still in progress. */
  record Stored(String requestHash, Integer status, String contentType, Buffer body) implements Start {
  }

  /** Another request with this key began at the same moment. */
  record Busy() implements Start {
  }

  Future<Start> begin(UUID apiKeyId, String key, String requestHash, Duration keepFor);

  Future<Void> finish(UUID apiKeyId, String key, int status, String contentType, Buffer body);

  /** Forgets an in-progress record (its request failed on our side, so a retry must run again). */
  Future<Void> abandon(UUID apiKeyId, String key);
}
