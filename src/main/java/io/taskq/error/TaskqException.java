package io.taskq.error;

import java.util.List;

/**
 * A failure the client caused or must know about. Each subclass knows its HTTP status and
 * its RFC 9457 problem type, so the one problem writer in {@code api} can render any of them.
 */
public abstract class TaskqException extends RuntimeException {

  private static final String TYPE_BASE = "https://taskq.dev/problems/";

  private final int status;
  private final String type;
  private final String title;
  private final List<FieldError> errors;

  protected TaskqException(int status, String type, String title, String detail, List<FieldError> errors) {
    super(detail, null, false, false); // no stack trace: these are answers, not bugs
    this.status = status;
    this.type = TYPE_BASE + type;
    this.title = title;
    this.errors = List.copyOf(errors);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public List<FieldError> errors() {
    return errors;
  }
}
