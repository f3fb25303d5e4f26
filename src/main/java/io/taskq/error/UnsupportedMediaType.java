package io.taskq.error;

import java.util.List;

/** A body in a format the operation does not read (anything but JSON). */
public final class UnsupportedMediaType extends TaskqException {
  public UnsupportedMediaType(String detail) {
    super(415, "unsupported-media-type", "Unsupported media type", detail, List.of());
  }
}
