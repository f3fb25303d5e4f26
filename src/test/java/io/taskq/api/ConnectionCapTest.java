package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskq.config.HttpLimits;
import io.taskq.config.TaskqConfig;
import io.taskq.support.Poll;
import io.taskq.support.RawConnection;
import io.taskq.support.ServerTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connection cap counts every connection of the process, across the HTTP server instances
 * of all event loops (two here, whatever the machine's default). This class opens no
 * connection but its own raw ones.
 */
class ConnectionCapTest extends ServerTest {

  private static final int CAP = 4;
  private static final String LIVE = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";

  @Override
  protected TaskqConfig configure(TaskqConfig config) {
    HttpLimits d = HttpLimits.DEFAULT;
    return config.withHttpLimits(new HttpLimits(d.headerTimeout(), d.bodyTimeout(), d.idleTimeout(), CAP)).withHttpEventLoops(2);
  }

  private RawConnection connect() {
    return new RawConnection(server.port(), Duration.ofSeconds(10));
  }

  @Test
  void beyondTheCapANewConnectionIsClosedAtOnceAndAFreedPlaceIsReused() {
    List<RawConnection> held = new ArrayList<>();
    try {
      for (int i = 0; i < CAP; i++) {
        RawConnection connection = connect();
        held.add(connection);
        assertEquals(200, connection.send(LIVE).read().status(), "connection " + (i + 1) + " of " + CAP);
      }
      try (RawConnection refused = connect()) {
        assertEquals(-1, refused.send(LIVE).read().status(), "closed without an answer");
      }
      // the held ones still work
      assertEquals(200, held.get(0).send(LIVE).read().status());

      held.remove(0).close();
      // The server sees the close asynchronously: a new connection is served once it has.
      int status = Poll.until(() -> {
        try (RawConnection again = connect()) {
          return again.send(LIVE).read().status();
        }
      }, s -> s == 200, Duration.ofSeconds(10));
      assertEquals(200, status);
    } finally {
      held.forEach(RawConnection::close);
    }
  }
}
