-- A prototype of a reshaped task table, for run.sh only (benchmarks.md, "What the hot statements
-- cost without the log rows and the counters"): schema proto beside the migrated one, in a
-- scratch database. The task row keeps its columns and CHECKs but only the indexes that neither a
-- claim nor a completion changes (so both updates can be HOT, given room on the page); what is
-- claimable moves to proto.ready (a row per pending task in claim order, deleted by its claim),
-- live leases to proto.leases (for a sweep). Run the statements of this folder with
-- PGOPTIONS="-c search_path=proto,public", so that "tasks" names proto.tasks and the rest public's.
-- usage: psql <db> -v fillfactor=50 -v n=700000 -f schema.sql
DROP SCHEMA IF EXISTS proto CASCADE;
CREATE SCHEMA proto;
CREATE TABLE proto.tasks (LIKE public.tasks INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = :fillfactor);
ALTER TABLE proto.tasks ADD PRIMARY KEY (id);
CREATE INDEX proto_tasks_listing ON proto.tasks ((project_id + 0), id);
CREATE TABLE proto.ready (project_id bigint NOT NULL, priority int NOT NULL, run_at timestamptz NOT NULL, id bigint NOT NULL, type text);
CREATE INDEX proto_ready_claim ON proto.ready (project_id, priority DESC, run_at, id);
CREATE TABLE proto.leases (task_id bigint PRIMARY KEY, expires_at timestamptz NOT NULL);
CREATE INDEX proto_leases_expiry ON proto.leases (expires_at);
INSERT INTO proto.tasks (id, project_id, type, params, max_attempts, lease_seconds)
  SELECT g, 1, 'bench', '{"n": 1}', 3, 300 FROM generate_series(1, :n) g;
INSERT INTO proto.ready SELECT project_id, priority, run_at, id, type FROM proto.tasks;
VACUUM ANALYZE proto.tasks, proto.ready, proto.leases;
