package io.taskq.auth;

import io.taskq.error.Invalid;
import io.taskq.store.ApiKeyStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Issues, lists, revokes and checks API keys. Secrets leave this class once, at creation. */
public final class ApiKeyService {

  /** A key just created, with its secret: the only moment the secret exists outside the client. */
  public record IssuedKey(ApiKey key, String secret) {
  }

  private final ApiKeyStore store;

  public ApiKeyService(ApiKeyStore store) {
    this.store = store;
  }

  public Future<IssuedKey> issue(String name, Long projectId, Set<Permission> permissions) {
    if (permissions.contains(Permission.ADMIN) && projectId != null) {
      // Admin endpoints are global (projects, task types, keys): a project-scoped admin key
      // would be a global key in disguise.
      return Future.failedFuture(Invalid.of("/permissions", "an admin key cannot be scoped to a project"));
    }
    String secret = Secrets.generate();
    return store.insert(name, Secrets.displayPrefix(secret), Secrets.hash(secret), projectId, permissions)
        .map(key -> new IssuedKey(key, secret));
  }

  public Future<List<ApiKey>> list() {
    return store.listAll();
  }

  public Future<Boolean> revoke(UUID id) {
    return store.revoke(id);
  }

  public Future<Optional<ApiKey>> authenticate(String secret) {
    return store.findActiveBySecretHash(Secrets.hash(secret));
  }

  /**
   * Start-up: the operator's {@code TASKQ_ADMIN_KEY}, if set, becomes an active admin key;
   * otherwise, if no active admin key exists at all, one is created and its secret returned
   * so that it can be shown once.
   */
  public Future<Optional<String>> bootstrapAdmin(Optional<String> configuredSecret) {
    if (configuredSecret.isPresent()) {
      String secret = configuredSecret.get();
      return store.upsertAdmin("admin (TASKQ_ADMIN_KEY)", Secrets.displayPrefix(secret), Secrets.hash(secret))
          .map(v -> Optional.empty());
    }
    String secret = Secrets.generate();
    return store.insertAdminIfNoneActive("admin (generated at first start)", Secrets.displayPrefix(secret), Secrets.hash(secret))
        .map(created -> created ? Optional.of(secret) : Optional.empty());
  }
}
