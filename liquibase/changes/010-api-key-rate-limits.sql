--liquibase formatted sql

--changeset taskq:010-api-key-rate-limits
ALTER TABLE api_keys ADD COLUMN rate_limit_per_minute integer
    CONSTRAINT api_keys_rate_limit_positive CHECK (rate_limit_per_minute > 0);
-- Requests per key and minute, summed across instances (each adds its local count every few
-- hundred milliseconds).
CREATE TABLE rate_limit_windows (
    api_key_id    uuid        NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    window_start  timestamptz NOT NULL,
    request_count bigint      NOT NULL CONSTRAINT rate_limit_windows_count_positive CHECK (request_count >= 0),
    PRIMARY KEY (api_key_id, window_start)
);
--rollback DROP TABLE rate_limit_windows;
--rollback ALTER TABLE api_keys DROP COLUMN rate_limit_per_minute;
