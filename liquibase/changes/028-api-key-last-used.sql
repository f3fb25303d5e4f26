--liquibase formatted sql

--changeset taskq:028-api-key-last-used
-- When the key last authenticated a request, to the minute at best: each instance writes a key's
-- use at most once a minute (KeyUsage), in one statement for every key it saw, off the request path.
-- Null until the key is first used.
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
--rollback ALTER TABLE api_keys DROP COLUMN last_used_at;
