package io.taskq.auth;

import io.taskq.error.Invalid;
import io.taskq.notify.KeyRevocations;
import io.taskq.store.ApiKeyStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Issues, lists, revokes and checks API keys. Secrets leave this class once, at creation. */
public final class ApiKeyService {

  /** A key just created, with its secret: the only moment the secret exists outside the client. */
  public record IssuedKey(ApiKey key, String secret) {
    @Override
    public String toString() {
      return "IssuedKey[key=" + key + ", secret=(not shown)]";
    }
  }

  /**
   * How long a looked-up key is trusted without asking the database again. Every request needs
   * its key checked; a claim or complete would otherwise pay a second round trip. A revocation
   * is announced to every instance (LISTEN/NOTIFY), which drop the key at once; should that
   * announcement be lost, the entry still expires after this time.
   */
  public static final Duration CACHE_TTL = Duration.ofSeconds(2);

  private record Cached(ApiKey key, Instant fetchedAt) {
  }

  private final ApiKeyStore store;
  private final Clock clock;
  private final Duration cacheTtl;
  private final KeyRevocations revocations;
  private final Map<String, Cached> bySecretHash = new ConcurrentHashMap<>();
  private final KeyUsage usage;
  private final Integer defaultRateLimit;

  /**
   * @param defaultRateLimit the limit of keys issued without one ({@code TASKQ_DEFAULT_RATE_LIMIT}); empty: none
   */
  public ApiKeyService(ApiKeyStore store, Clock clock, Duration cacheTtl, KeyRevocations revocations, KeyUsage usage,
      Optional<Integer> defaultRateLimit) {
    this.store = store;
    this.clock = clock;
    this.cacheTtl = cacheTtl;
    this.revocations = revocations;
    this.usage = usage;
    this.defaultRateLimit = defaultRateLimit.orElse(null);
    revocations.listen(this::forget);
  }

  public Future<IssuedKey> issue(String name, Long projectId, Set<Permission> permissions, Integer rateLimitPerMinute) {
    if (permissions.contains(Permission.ADMIN) && projectId != null) {
      // Admin endpoints are global (projects, task types, keys): a project-scoped admin key
      // would be a global key in disguise.
      return Future.failedFuture(Invalid.of("/permissions", "an admin key cannot be scoped to a project"));
    }
    String secret = Secrets.generate();
    Integer limit = rateLimitPerMinute != null ? rateLimitPerMinute : defaultRateLimit;
    return store.insert(name, Secrets.displayPrefix(secret), Secrets.hash(secret), projectId, permissions, limit)
        .map(key -> new IssuedKey(key, secret));
  }

  public Future<List<ApiKey>> list() {
    return store.listAll();
  }

  public Future<Boolean> revoke(UUID id) {
    return store.revoke(id).onSuccess(found -> {
      forget(id);
      if (found) {
        revocations.announce(id);
      }
    });
  }

  /** Drops a key from the cache (after a revocation here or, told by others, elsewhere). */
  public void forget(UUID id) {
    bySecretHash.values().removeIf(cached -> cached.key().id().equals(id));
  }

  /** The active key of this secret, if any; a key found is noted as used (written later, see {@link KeyUsage}). */
  public Future<Optional<ApiKey>> authenticate(String secret) {
    String hash = Secrets.hash(secret);
    Cached cached = bySecretHash.get(hash);
    Instant now = clock.instant();
    if (cached != null && cached.fetchedAt().plus(cacheTtl).isAfter(now)) {
      usage.used(cached.key().id());
      return Future.succeededFuture(Optional.of(cached.key()));
    }
    return store.findActiveBySecretHash(hash).onSuccess(found -> {
      if (found.isPresent()) {
        usage.used(found.get().id());
        bySecretHash.put(hash, new Cached(found.get(), now));
      } else {
        bySecretHash.remove(hash);
      }
    });
  }

  /**
   * Start-up: the operator's {@code TASKQ_ADMIN_KEY}, if set, becomes an active admin key;
   * otherwise, if no active admin key exists at all, one is created and its secret returned
   * so that it can be shown once.
   */
  public Future<Optional<String>> bootstrapAdmin(Optional<String> configuredSecret) {
    if (configuredSecret.isPresent()) {
      String secret = configuredSecret.get();
      if (secret.length() < Secrets.MIN_LENGTH) {
        // TaskqConfig refuses it first; this guards any other way in. The value itself is never repeated.
        return Future.failedFuture(new IllegalArgumentException("TASKQ_ADMIN_KEY must be at least " + Secrets.MIN_LENGTH
            + " characters long"));
      }
      return store.upsertAdmin("admin (TASKQ_ADMIN_KEY)", Secrets.displayPrefix(secret), Secrets.hash(secret))
          .map(v -> Optional.empty());
    }
    String secret = Secrets.generate();
    return store.insertAdminIfNoneActive("admin (generated at first start)", Secrets.displayPrefix(secret), Secrets.hash(secret))
        .map(created -> created ? Optional.of(secret) : Optional.empty());
  }
}
