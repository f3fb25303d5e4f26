package io.taskq.error;

import java.util.List;

/**
 * The body is well-formed JSON but its content is not acceptable; every fault is listed. A
 * dependency cycle also names its members, in order, each depending on the next
 * ({@code "cycle": ["a", "b", "a"]}), so a client can show it without parsing the message.
 */
public final class Invalid extends TaskqException {

  private final List<String> cycle;

  public Invalid(String detail, List<FieldError> errors) {
    this(detail, errors, List.of());
  }

  /** With {@code cycle}: the names of a dependency cycle, each depending on the next, the first repeated at the end. */
  public Invalid(String detail, List<FieldError> errors, List<String> cycle) {
    super(422, "validation-failed", "Validation failed", detail, errors);
    this.cycle = cycle == null ? List.of() : List.copyOf(cycle);
  }

  public static Invalid of(String pointer, String message) {
    return new Invalid(message, List.of(FieldError.at(pointer, message)));
  }

  /** A cycle among the items of one request; {@code cycle} starts and ends with the same name. */
  public static Invalid cycle(List<String> cycle, FieldError where) {
    return new Invalid("the dependencies form a cycle: " + String.join(" -> ", cycle), List.of(where), cycle);
  }

  /** The cycle's members in order, or empty. */
  public List<String> cycle() {
    return cycle;
  }
}
