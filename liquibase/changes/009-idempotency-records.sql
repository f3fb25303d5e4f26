--liquibase formatted sql

--changeset taskq:009-idempotency-records
-- The first response to a POST with an Idempotency-Key, replayed to retries with the same key
-- and body. Keyed by API key, so that clients cannot see each other's answers.
CREATE TABLE idempotency_records (
    api_key_id   uuid        NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    key          text        NOT NULL CONSTRAINT idempotency_records_key_length CHECK (char_length(key) BETWEEN 1 AND 255),
    request_hash text        NOT NULL,
    status       integer     CONSTRAINT idempotency_records_status_range CHECK (status BETWEEN 100 AND 599),
    content_type text,
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (api_key_id, key)
);
CREATE INDEX idempotency_records_expires_at_idx ON idempotency_records (expires_at);
--rollback DROP TABLE idempotency_records;
