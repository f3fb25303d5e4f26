package io.taskq.notify;

import java.util.UUID;
import java.util.function.Consumer;

/**
 * Tells every instance that an API key was revoked, so that each drops it from its cache at
 * once rather than when the cached entry expires.
 */
public interface KeyRevocations {

  void announce(UUID keyId);

  void listen(Consumer<UUID> listener);

  /** For a single instance (tests): nobody else to tell. */
  KeyRevocations LOCAL_ONLY = new KeyRevocations() {
    @Override
    public void announce(UUID keyId) {
    }

    @Override
    public void listen(Consumer<UUID> listener) {
    }
  };
}
