package io.taskq.store.pg;

import io.taskq.auth.ApiKey;
import io.taskq.auth.Permission;
import io.taskq.store.ApiKeyStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

public final class PgApiKeyStore implements ApiKeyStore {

  private final Pool pool;

  public PgApiKeyStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<ApiKey> insert(String name, String prefix, String secretHash, Long projectId, Set<Permission> permissions,
      Integer rateLimitPerMinute) {
    String[] names = permissions.stream().map(Permission::wireName).sorted().toArray(String[]::new);
    return pool.preparedQuery(ApiKeySql.INSERT)
        .execute(Tuple.tuple().addString(name).addString(prefix).addString(secretHash).addLong(projectId)
            .addArrayOfString(names).addInteger(rateLimitPerMinute))
        .map(rows -> Rows.apiKey(rows.iterator().next()))
        .recover(PgErrors.translate());
  }

  @Override
  public Future<List<ApiKey>> listAll() {
    return pool.preparedQuery(ApiKeySql.LIST_ALL).execute()
        .map(rows -> {
          List<ApiKey> keys = new ArrayList<>(rows.size());
          for (Row row : rows) {
            keys.add(Rows.apiKey(row));
          }
          return keys;
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Boolean> revoke(UUID id) {
    return pool.preparedQuery(ApiKeySql.REVOKE).execute(Tuple.of(id))
        .map(rows -> rows.rowCount() > 0)
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Integer> recordUses(Map<UUID, Instant> uses) {
    UUID[] ids = new UUID[uses.size()];
    OffsetDateTime[] times = new OffsetDateTime[uses.size()];
    int i = 0;
    for (Map.Entry<UUID, Instant> use : uses.entrySet()) {
      ids[i] = use.getKey();
      times[i] = use.getValue().atOffset(ZoneOffset.UTC);
      i++;
    }
    return pool.preparedQuery(ApiKeySql.RECORD_USES).execute(Tuple.tuple().addArrayOfUUID(ids).addArrayOfOffsetDateTime(times))
        .map(rows -> rows.rowCount())
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Optional<ApiKey>> findActiveBySecretHash(String secretHash) {
    return pool.preparedQuery(ApiKeySql.FIND_ACTIVE_BY_HASH).execute(Tuple.of(secretHash))
        .map(rows -> rows.size() == 0 ? Optional.<ApiKey>empty() : Optional.of(Rows.apiKey(rows.iterator().next())))
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Void> upsertAdmin(String name, String prefix, String secretHash) {
    return pool.preparedQuery(ApiKeySql.UPSERT_ADMIN).execute(Tuple.of(name, prefix, secretHash))
        .<Void>mapEmpty()
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Boolean> insertAdminIfNoneActive(String name, String prefix, String secretHash) {
    return pool.withTransaction(conn -> conn.query(ApiKeySql.LOCK_ADMIN_BOOTSTRAP).execute()
            .compose(v -> conn.preparedQuery(ApiKeySql.INSERT_ADMIN_IF_NONE_ACTIVE).execute(Tuple.of(name, prefix, secretHash)))
            .map(rows -> rows.rowCount() > 0))
        .recover(PgErrors.translate());
  }
}
