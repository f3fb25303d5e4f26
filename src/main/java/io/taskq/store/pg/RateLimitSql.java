package io.taskq.store.pg;

/** Statements of rate-limit windows. Both run in one transaction, so now() (the window) is the same. */
final class RateLimitSql {

  private RateLimitSql() {
  }

  /** Makes sure the current window's row exists. $1 api_key_id. */
  static final String OPEN_WINDOW = """
      INSERT INTO rate_limit_windows (api_key_id, window_start, request_count)
      VALUES ($1, date_trunc('minute', now()), 0)
      ON CONFLICT DO NOTHING
      """;

  /**
   * Takes up to $3 requests from the window's remaining budget of $2. The row lock makes the
   * read and the increment one step across instances. $1 api_key_id, $2 limit, $3 chunk.
   */
  static final String TAKE = """
      WITH current AS (
          SELECT request_count FROM rate_limit_windows
           WHERE api_key_id = $1 AND window_start = date_trunc('minute', now())
             FOR UPDATE
      ), granted AS (
          SELECT greatest(0, least($3::bigint, $2::bigint - request_count)) AS n FROM current
      ), taken AS (
          UPDATE rate_limit_windows w SET request_count = w.request_count + g.n
            FROM granted g
           WHERE w.api_key_id = $1 AND w.window_start = date_trunc('minute', now()) AND g.n > 0
      )
      SELECT n::int AS granted, date_trunc('minute', now()) AS window_start FROM granted
      """;
}
