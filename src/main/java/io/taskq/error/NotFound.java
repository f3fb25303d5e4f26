package io.taskq.error;

import java.util.List;

public final class NotFound extends TaskqException {
  public NotFound(String detail) {
    super(404, "not-found", "Not found", detail, List.of());
  }
}
