package io.taskq.store;

import io.taskq.auth.ApiKey;
import io.taskq.auth.Permission;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

public interface ApiKeyStore {

  Future<ApiKey> insert(String name, String prefix, String secretHash, Long projectId, Set<Permission> permissions,
      Integer rateLimitPerMinute);

  Future<List<ApiKey>> listAll();

  /** Revokes the key; false when no key has that id. Revoking twice is harmless. */
  Future<Boolean> revoke(UUID id);

  /** Sets each key's last use to the given time unless a later one is stored; answers how many keys it found. */
  Future<Integer> recordUses(Map<UUID, Instant> uses);

  Future<Optional<ApiKey>> findActiveBySecretHash(String secretHash);

  /** Makes the key with this hash an active, unscoped admin key, creating it if missing. */
  Future<Void> upsertAdmin(String name, String prefix, String secretHash);

  /** Creates an admin key unless an active one exists; true when it created one. */
  Future<Boolean> insertAdminIfNoneActive(String name, String prefix, String secretHash);
}
