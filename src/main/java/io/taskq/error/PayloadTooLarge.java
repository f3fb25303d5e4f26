package io.taskq.error;

import java.util.List;

public final class PayloadTooLarge extends TaskqException {
  public PayloadTooLarge(String detail) {
    super(413, "payload-too-large", "Payload too large", detail, List.of());
  }
}
