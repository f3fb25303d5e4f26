package io.taskq.api;

import io.taskq.config.HttpLimits;
import io.taskq.error.HttpProtocolError;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps slow, silent and too many clients from holding the server. Each connection has one
 * deadline at a time: its first request's head within the header timeout, each body within the
 * body timeout from the end of its head, and, between requests, the next request within the idle
 * timeout. A request whose body is read has no deadline: its answer is the server's to give (a
 * long-poll claim waits up to 20 s), and idle time counts from the end of that answer. Nor has a
 * request whose body the server chose to leave unread for now (a bulk request waiting for its
 * turn, see {@link DeferredBodies}): its body timeout starts again when the server asks for the body.
 *
 * <p>Beyond the cap, a new connection is closed on accept, before a byte of it is read: answering
 * 503 would mean waiting for and parsing a request head, which is the very resource the cap
 * protects from a flood of slow clients; a refused client sees a closed connection at once and
 * can retry elsewhere.
 *
 * <p>One guard per server instance; its state is touched only on that instance's event loop, except
 * the count of open connections, which all instances of the process share.
 */
final class ConnectionGuard implements DeferredBodies.BodyDeadlines {

  private final Vertx vertx;
  private final HttpLimits limits;
  private final AtomicInteger open;
  private final Map<HttpConnection, Deadline> deadlines = new HashMap<>();

  ConnectionGuard(Vertx vertx, HttpEdge edge) {
    this.vertx = vertx;
    this.limits = edge.limits();
    this.open = edge.openConnections();
  }

  HttpServer install(HttpServer server, Handler<HttpServerRequest> router) {
    return server
        .connectionHandler(this::accepted)
        .requestHandler(request -> {
          started(request);
          router.handle(request);
        })
        .invalidRequestHandler(request -> {
          started(request);
          InvalidRequests.answer(request);
        });
  }

  private void accepted(HttpConnection connection) {
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      connection.close();
      return;
    }
    Deadline deadline = new Deadline(connection);
    deadlines.put(connection, deadline);
    connection.closeHandler(v -> {
      open.decrementAndGet();
      deadlines.remove(connection);
      deadline.closed();
    });
    deadline.within(limits.headerTimeout());
  }

  private void started(HttpServerRequest request) {
    Deadline deadline = deadlines.get(request.connection());
    if (deadline != null) {
      deadline.reading(request);
    }
  }

  @Override
  public void defer(HttpServerRequest request) {
    Deadline deadline = deadlines.get(request.connection());
    if (deadline != null) {
      deadline.deferred(true);
    }
  }

  @Override
  public void resume(HttpServerRequest request) {
    Deadline deadline = deadlines.get(request.connection());
    if (deadline != null) {
      deadline.deferred(false);
    }
  }

  private static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /**
   * The one deadline of a connection. Its timer is moved only when a deadline comes earlier than
   * the pending timer; a timer firing before its deadline sets itself again, so that a busy
   * keep-alive connection costs a field write per request, not a timer.
   */
  private final class Deadline {

    private final HttpConnection connection;
    private HttpServerRequest current;
    /** The current request's body is left unread by the server's choice: no body deadline. */
    private boolean bodyDeferred;
    private long due = Long.MAX_VALUE;
    private long timer = -1;
    private long timerDue = Long.MAX_VALUE;
    private boolean closed;

    Deadline(HttpConnection connection) {
      this.connection = connection;
    }

    void reading(HttpServerRequest request) {
      current = request;
      bodyDeferred = false;
      within(limits.bodyTimeout());
      // The body-end slot, not the end slot: vertx-web's RoutingContext.addEndHandler takes the
      // response's one end-handler slot (Overload uses it to give back a request's place), which
      // would silently drop this one and start the idle deadline up to a body timeout late. A
      // connection that closes before the answer is handled by its close handler instead.
      request.response().bodyEndHandler(v -> answered(request));
    }

    /**
     * For the connection's current request. Not checked by identity: vertx-web hands its
     * handlers a wrapper of the request this guard saw start, and a connection carries one
     * request at a time (a pipelined request starts only once the one before it is answered).
     */
    void deferred(boolean deferred) {
      if (current != null) {
        bodyDeferred = deferred;
        if (!deferred) {
          within(limits.bodyTimeout());
        }
      }
    }

    private void answered(HttpServerRequest request) {
      if (current == request && request.isEnded()) {
        current = null;
        within(limits.idleTimeout());
      }
      // else the body is still arriving after an early answer: the body deadline still holds
    }

    void within(Duration limit) {
      due = System.nanoTime() + limit.toNanos();
      if (closed || (timer != -1 && timerDue <= due)) {
        return;
      }
      if (timer != -1) {
        vertx.cancelTimer(timer);
      }
      timerDue = due;
      timer = vertx.setTimer(Math.max(1, limit.toMillis()), id -> fire());
    }

    void closed() {
      closed = true;
      if (timer != -1) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    private void fire() {
      timer = -1;
      timerDue = Long.MAX_VALUE;
      if (closed) {
        return;
      }
      long left = due - System.nanoTime();
      if (left > 0) {
        within(Duration.ofNanos(left));
        return;
      }
      expired();
    }

    private void expired() {
      HttpServerRequest request = current;
      if (request == null) {
        // No request head within the header timeout, or no new request within the idle timeout.
        connection.close();
      } else if (!request.isEnded() && bodyDeferred) {
        // Waiting for its turn, its body still in the socket: not the client's delay.
        within(limits.bodyTimeout());
      } else if (!request.isEnded()) {
        Problems.writeAndClose(request, request.path(), HttpProtocolError.requestTimeout(
            "the request body did not arrive within " + format(limits.bodyTimeout())));
      } else if (request.response().ended()) {
        current = null;
        within(limits.idleTimeout());
      } else {
        // Read, being answered: look again later rather than cut a long-poll.
        within(limits.idleTimeout());
      }
    }
  }
}
