package io.taskq.error;

import java.util.List;

/** The request cannot be read: malformed JSON, a body that is not an object, a bad query parameter. */
public final class BadRequest extends TaskqException {
  public BadRequest(String detail) {
    this(detail, List.of());
  }

  public BadRequest(String detail, List<FieldError> errors) {
    super(400, "bad-request", "Bad request", detail, errors);
  }
}
