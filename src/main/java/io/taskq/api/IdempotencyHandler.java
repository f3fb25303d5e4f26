package io.taskq.api;

import io.taskq.auth.Secrets;
import io.taskq.error.BadRequest;
import io.taskq.error.Conflict;
import io.taskq.error.Invalid;
import io.taskq.store.IdempotencyStore;
import io.taskq.store.IdempotencyStore.Busy;
import io.taskq.store.IdempotencyStore.Started;
import io.taskq.store.IdempotencyStore.Stored;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.UUID;

/**
 * {@code Idempotency-Key} on any POST: the first response (status and body) is kept for a while,
 * keyed by API key and header value, and replayed to a retry with the same request; the same key
 * with a different request is 422. So a bulk POST retried after a network cut answers the
 * original {@code created} list rather than a list of skipped duplicates. What is kept is the
 * answer less the fields its route marks secret (an API key's secret): a secret is shown once
 * and stored nowhere, so a replay answers without it.
 */
final class IdempotencyHandler implements Handler<RoutingContext> {

  static final String HEADER = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";
  private static final String RECORD = "taskq.idempotency";

  private final IdempotencyStore store;
  private final Duration keepFor;

  IdempotencyHandler(IdempotencyStore store, Duration keepFor) {
    this.store = store;
    this.keepFor = keepFor;
  }

  /** The request's open record, which the response writer completes before answering. */
  record Open(IdempotencyStore store, UUID apiKeyId, String key) {
    Future<Void> finish(int status, String contentType, Buffer body) {
      return status >= 500 ? store.abandon(apiKeyId, key) : store.finish(apiKeyId, key, status, contentType, body);
    }
  }

  /** The request's open record, if any, handed over once: the first answer written completes it. */
  static Open take(RoutingContext rc) {
    return rc.remove(RECORD);
  }

  @Override
  public void handle(RoutingContext rc) {
    String key = rc.request().getHeader(HEADER);
    if (rc.request().method() != HttpMethod.POST || key == null) {
      rc.next();
      return;
    }
    if (key.isEmpty() || key.length() > 255) {
      rc.fail(new BadRequest(HEADER + " must be 1 to 255 characters"));
      return;
    }
    UUID apiKeyId = Access.key(rc).id();
    Buffer body = rc.body().buffer() == null ? Buffer.buffer() : rc.body().buffer();
    String hash = Secrets.hash(rc.request().method() + " " + rc.request().uri() + "\n" + body);
    store.begin(apiKeyId, key, hash, keepFor).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else if (ar.result() instanceof Started) {
        rc.put(RECORD, new Open(store, apiKeyId, key));
        rc.next();
      } else if (ar.result() instanceof Busy) {
        rc.fail(inProgress());
      } else {
        Stored stored = (Stored) ar.result();
        if (!stored.requestHash().equals(hash)) {
          rc.fail(Invalid.of("", "this " + HEADER + " was used with a different request; use a new key for a new request"));
        } else if (stored.status() == null) {
          rc.fail(inProgress());
        } else {
          rc.response().setStatusCode(stored.status()).putHeader(REPLAYED, "true");
          if (stored.contentType() != null) {
            rc.response().putHeader("Content-Type", stored.contentType());
          }
          rc.response().end(stored.body() == null ? Buffer.buffer() : stored.body());
        }
      }
    });
  }

  private static Conflict inProgress() {
    return new Conflict("idempotency-in-progress", "a request with this " + HEADER + " is still in progress; retry later");
  }
}
