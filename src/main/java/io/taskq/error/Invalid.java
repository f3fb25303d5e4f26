package io.taskq.error;

import java.util.List;

/** The body is well-formed JSON but its content is not acceptable; every fault is listed. */
public final class Invalid extends TaskqException {

  private final List<String> cycle;

  public Invalid(String detail, List<FieldError> errors) {
    this(detail, errors, null);
  }

  /** With {@code cycle}: the names of a dependency cycle, each depending on the next, the first repeated at the end. */
  public Invalid(String detail, List<FieldError> errors, List<String> cycle) {
    super(422, "validation-failed", "Validation failed", detail, errors);
    this.cycle = cycle == null ? null : List.copyOf(cycle);
  }

  public static Invalid of(String pointer, String message) {
    return new Invalid(message, List.of(FieldError.at(pointer, message)));
  }

  /** The dependency cycle the request would create (shown as the problem's {@code cycle}); null when there is none. */
  public List<String> cycle() {
    return cycle;
  }
}
