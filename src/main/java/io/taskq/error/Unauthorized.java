package io.taskq.error;

import java.util.List;

public final class Unauthorized extends TaskqException {
  public Unauthorized(String detail) {
    super(401, "unauthorized", "Unauthorized", detail, List.of());
  }
}
