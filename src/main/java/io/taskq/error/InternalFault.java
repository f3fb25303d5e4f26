package io.taskq.error;

import java.util.List;

/** A fault of the server's own: logged with its cause, and shown to the client without internals. */
public final class InternalFault extends TaskqException {
  public InternalFault() {
    super(500, "internal", "Internal server error", "the server failed to answer this request; it has been logged", List.of());
  }
}
