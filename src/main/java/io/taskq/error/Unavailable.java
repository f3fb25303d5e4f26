package io.taskq.error;

import java.util.List;

/** The database cannot be reached or refused for a passing reason; the client may retry. */
public final class Unavailable extends TaskqException {
  public Unavailable(String detail) {
    super(503, "unavailable", "Service unavailable", detail, List.of());
  }
}
