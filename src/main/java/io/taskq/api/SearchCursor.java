package io.taskq.api;

import io.taskq.error.BadRequest;
import io.taskq.queue.TaskSearch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * The opaque keyset of a search listing ({@code next} in a page, {@code cursor} in the next
 * request): base64url of the last task's rank (the bits of PostgreSQL's real, so that it compares
 * exactly), its id, and a checksum of the query text, so that a cursor used with another
 * {@code q} is refused rather than silently paging a different result.
 */
final class SearchCursor {

  private static final int BYTES = Integer.BYTES + Long.BYTES + Integer.BYTES;
  private static final String BAD = "query parameter cursor must be the next of a previous page of the same search (the same q)";

  private SearchCursor() {
  }

  static String encode(TaskSearch.Position at, String text) {
    ByteBuffer bytes = ByteBuffer.allocate(BYTES).putInt(Float.floatToIntBits(at.rank())).putLong(at.id()).putInt(checksum(text));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  /** The position a cursor names; null for none; 400 for anything that is not a cursor of this query. */
  static TaskSearch.Position decode(String raw, String text) {
    if (raw == null) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(raw);
    } catch (IllegalArgumentException notBase64) {
      throw new BadRequest(BAD);
    }
    if (bytes.length != BYTES) {
      throw new BadRequest(BAD);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    float rank = Float.intBitsToFloat(buffer.getInt());
    long id = buffer.getLong();
    if (!Float.isFinite(rank) || rank < 0 || id < 1 || buffer.getInt() != checksum(text)) {
      throw new BadRequest(BAD);
    }
    return new TaskSearch.Position(rank, id);
  }

  private static int checksum(String text) {
    CRC32 crc = new CRC32();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return (int) crc.getValue();
  }
}
