package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.config.HttpLimits;
import io.taskq.config.TaskqConfig;
import io.taskq.support.RawConnection;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The idle deadline starts when an authenticated API request is answered, even though that
 * request also holds an admission place (whose release takes the response's end-handler slot).
 * The body timeout is long here, so a deadline started only by the body timeout's fallback
 * would leave the connection open far past the read bound below.
 */
class IdleAfterApiRequestTest extends ServerTest {

  private static final Duration IDLE = Duration.ofSeconds(1);
  private static final Duration BODY = Duration.ofSeconds(60);

  @Override
  protected TaskqConfig configure(TaskqConfig config) {
    return config.withHttpLimits(new HttpLimits(HttpLimits.DEFAULT_HEADER_TIMEOUT, BODY, IDLE, HttpLimits.DEFAULT_MAX_CONNECTIONS));
  }

  @Test
  void aConnectionIdleAfterAnApiRequestIsClosedAfterTheIdleTimeoutNotTheBodyTimeout() {
    try (RawConnection connection = new RawConnection(server.port(), IDLE.plusSeconds(5))) {
      assertEquals(200, connection.send("GET /projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.ADMIN_KEY
          + "\r\n\r\n").read().status());
      assertTrue(connection.closedByServer(), "closed within the idle timeout plus 5 s, not after the 60 s body timeout");
    }
  }
}
