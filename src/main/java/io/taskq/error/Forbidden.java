package io.taskq.error;

import java.util.List;

public final class Forbidden extends TaskqException {
  public Forbidden(String detail) {
    super(403, "forbidden", "Forbidden", detail, List.of());
  }
}
