package io.taskq.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * A request's body is read only once its key has been checked (and its rate), and a bulk
 * request's only once its turn has come in {@link Admission}. Read on arrival, before the key
 * check, 250 connections without a key, each sending a body of just under the 1 MiB limit, ran a
 * 192 MB heap out of memory; and the bodies of bulk requests waiting for their turn (up to one
 * per client: 64 in the benchmark) lived long enough to fill the old generation, resident memory
 * rising to 330 MB at 64 workers. Left in the socket, a body not yet wanted costs the kernel's
 * buffers and the client's patience, not the heap.
 *
 * <p>Mounted by {@link ApiRouter}: {@link #hold} pauses every request that declares a body before
 * anything asynchronous runs (Vert.x would otherwise hand its bytes to no one, and its body
 * handler cannot read a request that has ended); {@link #deferDeadline} marks a bulk request and
 * stops its body deadline; after the key and rate checks, {@link #readWhenAdmitted} waits for the
 * bulk's turn, then reads its body under the bulk limit, and {@link #readUnlessBulk} reads every
 * other body under the ordinary limit. The turn is given back once the answer is sent (or the
 * connection closed) and the route's work has ended (see {@link #working}): a client that gives
 * up must not let more bulks into PostgreSQL at once.
 */
final class DeferredBodies {

  private static final String BULK = "taskq.bulk.deferred";
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
  DeferredBodies(Admission admission, BodyDeadlines deadlines) {
    this.admission = admission;
    this.deadlines = deadlines;
    this.bodyLimit = admission.budget();
    this.bulkBody = BodyHandler.create(false).setMergeFormAttributes(false).setBodyLimit(bodyLimit);
  }

  /** Before any handler that may wait: a declared body stays in the socket. */
  static void hold(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    if (declaresBody(request)) {
      request.pause();
      // A request answered without its body being read (401, 403, 404, 429) lets it drain, so
      // that a kept-alive connection can carry the next request.
      rc.addEndHandler(ar -> {
        if (!request.isEnded()) {
          request.resume();
        }
      });
    }
    rc.next();
  }

  /**
   * Any length, 0 too, or chunks: the body handler reads whatever a request declares, and fails
   * one that has already ended, so each such request must be held.
   */
  private static boolean declaresBody(HttpServerRequest request) {
    return request.headers().contains("Content-Length") || request.headers().contains("Transfer-Encoding");
  }

  /** On the bulk route: its body waits for its turn, with no body deadline meanwhile. */
  void deferDeadline(RoutingContext rc) {
    deadlines.defer(rc.request());
    rc.put(BULK, Boolean.TRUE);
    rc.next();
  }

  /** Every request's body but a bulk request's, under the ordinary limit. */
  static Handler<RoutingContext> readUnlessBulk(BodyHandler body) {
    return rc -> {
      if (rc.get(BULK) == null) {
        body.handle(rc);
      } else {
        rc.next();
      }
    };
  }

  /** After the key and rate checks, on the bulk route: wait for the turn, then read the body and go on. */
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
