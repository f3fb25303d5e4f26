--liquibase formatted sql

--changeset taskq:007-leader-leases
-- One row per leadership: whoever holds an unexpired lease runs the periodic jobs. A holder
-- that dies stops renewing, and another instance takes over once the lease lapses.
CREATE TABLE leader_leases (
    name       text        PRIMARY KEY,
    holder     text        NOT NULL,
    expires_at timestamptz NOT NULL
);
--rollback DROP TABLE leader_leases;
