package io.taskq.error;

/** JSON Pointer (RFC 6901) reference tokens, for the pointers of {@link FieldError}. */
public final class JsonPointers {

  private JsonPointers() {
  }

  /** A key as one reference token: '~' becomes ~0 and '/' becomes ~1 (most keys hold neither and are returned as they are). */
  public static String escape(String key) {
    return key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replace("~", "~0").replace("/", "~1");
  }

  /** The key a reference token names: ~1 is '/', then ~0 is '~' (in that order, so ~01 stays ~1). */
  public static String unescape(String token) {
    return token.indexOf('~') < 0 ? token : token.replace("~1", "/").replace("~0", "~");
  }
}
