package io.taskq.store.pg;

/** Statements of idempotency records. */
final class IdempotencySql {

  private IdempotencySql() {
  }

  /**
   * Starts a record unless a live one exists (an expired one is taken over); answers the
   * existing record otherwise. No row: a concurrent request with this key committed its start
   * after our snapshot. $1 api_key_id, $2 key, $3 request_hash, $4 seconds to keep.
   */
  static final String BEGIN = """
      WITH started AS (
          INSERT INTO idempotency_records (api_key_id, key, request_hash, expires_at)
          VALUES ($1, $2, $3, now() + make_interval(secs => $4))
          ON CONFLICT (api_key_id, key) DO UPDATE
             SET request_hash = EXCLUDED.request_hash, status = NULL, content_type = NULL, body = NULL,
                 created_at = now(), expires_at = EXCLUDED.expires_at
           WHERE idempotency_records.expires_at < now()
          RETURNING key
      )
      SELECT true AS started, NULL::text AS request_hash, NULL::int AS status, NULL::text AS content_type, NULL::bytea AS body
        FROM started
      UNION ALL
      SELECT false, request_hash, status, content_type, body FROM idempotency_records
       WHERE api_key_id = $1 AND key = $2 AND NOT EXISTS (SELECT 1 FROM started)
      """;

  /** $1 api_key_id, $2 key, $3 status, $4 content_type, $5 body. */
  static final String FINISH = """
      UPDATE idempotency_records SET status = $3, content_type = $4, body = $5
       WHERE api_key_id = $1 AND key = $2 AND status IS NULL
      """;

  /** $1 api_key_id, $2 key. */
  static final String ABANDON = "DELETE FROM idempotency_records WHERE api_key_id = $1 AND key = $2 AND status IS NULL";
}
