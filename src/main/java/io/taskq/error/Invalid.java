package io.taskq.error;

import java.util.List;

/** The body is well-formed JSON but its content is not acceptable; every fault is listed. */
public final class Invalid extends TaskqException {
  public Invalid(String detail, List<FieldError> errors) {
    super(422, "validation-failed", "Validation failed", detail, errors);
  }

  public static Invalid of(String pointer, String message) {
    return new Invalid(message, List.of(FieldError.at(pointer, message)));
  }
}
