package io.taskq.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * A bulk request's body is read only once the request has passed the key check and its turn has
 * come in {@link Admission}. Read on arrival, as every other body is, the bodies of bulk requests
 * waiting for their turn (up to one per client: 64 in the benchmark) lived long enough to fill
 * the old generation, and resident memory rose to 330 MB at 64 workers; left in the socket, a
 * waiting body costs the kernel's buffers and the client's patience, not the heap.
 *
 * <p>Three steps, mounted by {@link ApiRouter}: {@link #defer} pauses the request before anything
 * asynchronous runs (Vert.x would otherwise hand its bytes to no one), {@link #readUnlessDeferred}
 * lets every other request's body be read as before, and {@link #readWhenAdmitted}, after the key
 * and rate checks, waits for the turn, then reads the body under the bulk limit. The turn is
 * given back once the answer is sent (or the connection closed) and the route's work has ended
 * (see {@link #working}): a client that gives up must not let more bulks into PostgreSQL at once.
 */
final class BulkBodies {

  private static final String DEFERRED = "taskq.bulk.deferred";
  private static final String TURN = "taskq.bulk.turn";

  private final Admission admission;
  private final BodyDeadlines deadlines;
  private final long bodyLimit;
  private final BodyHandler bulkBody;

  /** Stops and restarts the body deadline of a request whose body the server chose not to read yet. */
  interface BodyDeadlines {
    void defer(HttpServerRequest request);

    void resume(HttpServerRequest request);
  }

  /**
   * @param admission weighs each bulk by its body's declared length; its budget is also the
   *     largest bulk body taken (413 above), so that a bulk that fits runs, alone if need be
   */
  BulkBodies(Admission admission, BodyDeadlines deadlines) {
    this.admission = admission;
    this.deadlines = deadlines;
    this.bodyLimit = admission.budget();
    this.bulkBody = BodyHandler.create(false).setMergeFormAttributes(false).setBodyLimit(bodyLimit);
  }

  /** First step, on the bulk route, before any handler that may wait: keep the body in the socket. */
  void defer(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    request.pause();
    deadlines.defer(request);
    rc.put(DEFERRED, Boolean.TRUE);
    // A request refused before its turn (401, 403, 429, 404) leaves its body unread: let it drain,
    // so that a kept-alive connection can carry the next request.
    rc.addEndHandler(ar -> {
      if (!request.isEnded()) {
        request.resume();
      }
    });
    rc.next();
  }

  /** Every request's body handler but a deferred bulk request's. */
  static Handler<RoutingContext> readUnlessDeferred(BodyHandler body) {
    return rc -> {
      if (rc.get(DEFERRED) == null) {
        body.handle(rc);
      } else {
        rc.next();
      }
    };
  }

  /** Last step before the bulk route: wait for the turn, then read the body and go on. */
  void readWhenAdmitted(RoutingContext rc) {
    long weight = weight(rc.request());
    if (weight > bodyLimit) {
      // Refused on its declared length (413) without waiting for a turn.
      bulkBody.handle(rc);
      return;
    }
    admission.submit(weight, () -> {
      if (rc.response().ended() || rc.response().closed()) {
        // The client left while waiting: its body was never read, so there is nothing to do.
        return Future.succeededFuture();
      }
      Turn turn = new Turn();
      rc.put(TURN, turn);
      rc.addEndHandler(ar -> turn.answered());
      deadlines.resume(rc.request());
      bulkBody.handle(rc);
      return turn.over.future();
    });
  }

  /**
   * The body's declared length; a body sent in chunks, whose length is known only at its end,
   * weighs as much as the largest allowed (and the body handler stops it there). A longer body
   * than declared cannot be: HTTP frames it.
   */
  private long weight(HttpServerRequest request) {
    String declared = request.getHeader("Content-Length");
    if (declared != null) {
      try {
        return Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        // Vert.x refuses such a head before routing; weigh it as the worst case all the same
      }
    }
    return bodyLimit;
  }

  /**
   * Called by the bulk route when its work starts; the answer is run when the work has ended.
   * The turn outlasts a connection that closes while the tasks are being written.
   */
  static Runnable working(RoutingContext rc) {
    Turn turn = rc.get(TURN);
    if (turn == null) {
      return () -> { };
    }
    turn.holders++;
    return turn::release;
  }

  /** Held by the answer and, once it starts, by the route's work; touched on one event loop. */
  private static final class Turn {
    private final Promise<Void> over = Promise.promise();
    private int holders = 1;
    private boolean answered;

    /** The answer's hold, given back once however the end is reported. */
    void answered() {
      if (!answered) {
        answered = true;
        release();
      }
    }

    void release() {
      if (--holders == 0) {
        over.tryComplete();
      }
    }
  }
}
