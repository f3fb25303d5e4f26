package io.taskq.error;

/**
 * One fault in a request body: where (a JSON Pointer, RFC 6901, or for bulk requests the index
 * of the item) and what.
 *
 * @param pointer JSON Pointer to the faulty value, "" for the whole document; null when index is used
 * @param index index of the faulty item in a bulk request; null when pointer alone says where
 * @param message what is wrong, for a person
 */
public record FieldError(String pointer, Integer index, String message) {

  public static FieldError at(String pointer, String message) {
    return new FieldError(pointer, null, message);
  }

  public static FieldError atItem(int index, String pointer, String message) {
    return new FieldError(pointer, index, message);
  }
}
