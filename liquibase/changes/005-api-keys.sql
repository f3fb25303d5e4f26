--liquibase formatted sql

--changeset taskq:005-api-keys
-- Only a SHA-256 of each secret is kept; the prefix lets people tell keys apart.
CREATE TABLE api_keys (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text        NOT NULL CONSTRAINT api_keys_name_length CHECK (char_length(name) BETWEEN 1 AND 200),
    key_prefix  text        NOT NULL,
    secret_hash text        NOT NULL CONSTRAINT api_keys_secret_hash_format CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
    project_id  bigint      REFERENCES projects (id),
    permissions text[]      NOT NULL CONSTRAINT api_keys_permissions_known CHECK (
        cardinality(permissions) > 0
        AND permissions <@ ARRAY['admin', 'tasks:read', 'tasks:write', 'tasks:claim']::text[]),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    CONSTRAINT api_keys_secret_hash_key UNIQUE (secret_hash)
);
--rollback DROP TABLE api_keys;
