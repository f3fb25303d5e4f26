package io.taskq.auth;

import java.util.Arrays;
import java.util.Optional;

/** What a key may do. {@code admin} implies every other permission. */
public enum Permission {
  ADMIN("admin"), TASKS_READ("tasks:read"), TASKS_WRITE("tasks:write"), TASKS_CLAIM("tasks:claim");

  private final String wireName;

  Permission(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<Permission> fromWire(String value) {
    return Arrays.stream(values()).filter(p -> p.wireName.equals(value)).findFirst();
  }
}
