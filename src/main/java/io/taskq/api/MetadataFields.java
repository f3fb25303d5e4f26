package io.taskq.api;

import io.taskq.error.BadRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A task's free {@code metadata}: a JSON object of at most {@link #MAX_BYTES}, measured as its
 * compact JSON text in UTF-8 as taskq writes it (no whitespace, non-ASCII characters as
 * themselves, not escaped). That is what a client can predict from its own encoder; jsonb's
 * binary size differs either way and is nothing a client can see.
 */
final class MetadataFields {

  static final int MAX_BYTES = 65_536;
  static final String NAME = "metadata";

  private MetadataFields() {
  }

  /**
   * The metadata given in {@code f}, or null for none: absent, JSON null, or an empty object (stored
   * as none, so that the index of tasks with metadata stays free of them). Faults go to {@code f}.
   */
  static JsonObject read(Fields f) {
    JsonObject object = f.storableObject(NAME, false);
    if (object == null) {
      return null;
    }
    int size = object.toBuffer().length();
    if (size > MAX_BYTES) {
      f.fault(NAME, NAME + " must be at most " + MAX_BYTES + " bytes as compact JSON in UTF-8; this one is " + size);
      return null;
    }
    return object.isEmpty() ? null : object;
  }

  /**
   * The listing's containment filter from its query parameter (URL-decoded already): a JSON object
   * read as strictly as a body, or null for none (absent or {@code {}}, which every task contains).
   * Anything else cannot be read as a filter: 400 naming the parameter.
   */
  static JsonObject containment(String raw) {
    if (raw == null) {
      return null;
    }
    Object value;
    try {
      value = StrictJson.read(Buffer.buffer(raw));
    } catch (BadRequest unreadable) {
      value = null;
    }
    if (!(value instanceof JsonObject object)
        || !StorableJson.check(object, "", (pointer, message) -> false)) {
      throw new BadRequest("query parameter " + NAME + " must be a JSON object (URL-encoded), such as {\"team\":\"infra\"}, "
          + "whose values could be stored as metadata");
    }
    return object.isEmpty() ? null : object;
  }
}
