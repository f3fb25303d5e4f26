package io.taskq.store.pg;

/** Every statement of the api-keys aggregate. */
final class ApiKeySql {

  private ApiKeySql() {
  }

  /** $1 name, $2 key_prefix, $3 secret_hash, $4 project_id, $5 permissions text[], $6 rate_limit_per_minute. */
  static final String INSERT = """
      INSERT INTO api_keys (name, key_prefix, secret_hash, project_id, permissions, rate_limit_per_minute)
      VALUES ($1, $2, $3, $4, $5::text[], $6)
      RETURNING *
      """;

  static final String LIST_ALL = "SELECT * FROM api_keys ORDER BY created_at, id";

  /** $1 id. Keeps the first revocation time when revoked twice. */
  static final String REVOKE = "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id";

  /**
   * Records the uses of many keys in one statement. greatest() keeps a later time another instance
   * may have written already (it ignores the null of a key never used). $1 ids uuid[], $2 times timestamptz[].
   */
  static final String RECORD_USES = """
      UPDATE api_keys k SET last_used_at = greatest(k.last_used_at, u.used_at)
        FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, used_at)
       WHERE k.id = u.id
      """;

  /** $1 secret_hash. */
  static final String FIND_ACTIVE_BY_HASH = "SELECT * FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL";

  /**
   * The operator's bootstrap secret (TASKQ_ADMIN_KEY) becomes an active, unscoped admin key
   * whatever it was before: setting the variable is the operator's statement of intent.
   * $1 name, $2 key_prefix, $3 secret_hash.
   */
  static final String UPSERT_ADMIN = """
      INSERT INTO api_keys (name, key_prefix, secret_hash, project_id, permissions)
      VALUES ($1, $2, $3, NULL, ARRAY['admin'])
      ON CONFLICT (secret_hash) DO UPDATE
         SET revoked_at = NULL, project_id = NULL, permissions = ARRAY['admin']
       WHERE api_keys.revoked_at IS NOT NULL OR api_keys.project_id IS NOT NULL
          OR NOT api_keys.permissions @> ARRAY['admin']
      """;

  /**
   * Creates the first admin key unless an active one exists. The advisory lock keeps two
   * instances starting together from both creating one. $1 name, $2 key_prefix, $3 secret_hash.
   */
  static final String LOCK_ADMIN_BOOTSTRAP = "SELECT pg_advisory_xact_lock(hashtextextended('taskq.admin-bootstrap', 0))";

  static final String INSERT_ADMIN_IF_NONE_ACTIVE = """
      INSERT INTO api_keys (name, key_prefix, secret_hash, project_id, permissions)
      SELECT $1, $2, $3, NULL, ARRAY['admin']
       WHERE NOT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL AND 'admin' = ANY (permissions))
      RETURNING id
      """;
}
