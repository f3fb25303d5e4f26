package io.taskq.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API key secrets: 32 random bytes behind a recognisable {@code tq_} prefix. A secret has 256
 * bits of entropy, so a plain SHA-256 of it is a safe thing to store (no salt or slow hash is
 * needed against guessing), and it lets a request be authenticated with one indexed lookup.
 */
public final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();
  /**
   * One digest per thread: MessageDigest.getInstance walks the security providers on every call,
   * which cost more than hashing a key; event-loop threads are few and long-lived.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  });
  private static final String PREFIX = "tq_";
  private static final int SHOWN_PREFIX_LENGTH = 10;
  /**
   * The shortest secret an operator may choose ({@code TASKQ_ADMIN_KEY}): with a third of it
   * shown as its prefix, 16 characters stay hidden. Generated secrets are 46 characters.
   */
  public static final int MIN_LENGTH = 24;

  private Secrets() {
  }

  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String hash(String secret) {
    MessageDigest digest = SHA_256.get();
    // digest() resets it, so the next caller on this thread starts clean.
    return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The part of a secret that may be shown and stored in clear, to tell keys apart: at most 10
   * characters, and never more than a third of the secret.
   */
  public static String displayPrefix(String secret) {
    return secret.substring(0, Math.min(SHOWN_PREFIX_LENGTH, secret.length() / 3));
  }
}
