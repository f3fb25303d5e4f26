--liquibase formatted sql

--changeset taskq:015-listing-index-apart-from-claims
-- The claim must read tasks_claimable_idx in claim order and stop after LIMIT rows. When a
-- project's backlog grows faster than autoanalyze notices (a bulk fill), PostgreSQL estimated
-- a handful of rows for it and preferred tasks_project_id_idx plus a sort of the whole backlog:
-- seconds a claim on 100,000 tasks (seen on PostgreSQL 18, with `taskq bench`). The listing
-- index is therefore keyed on the expression (project_id + 0), which only the listing
-- statement uses (TaskSql.LIST), so that it can never stand in for the claimable index.
DROP INDEX tasks_project_id_idx;
CREATE INDEX tasks_listing_idx ON tasks ((project_id + 0), id);
--rollback DROP INDEX tasks_listing_idx;
--rollback CREATE INDEX tasks_project_id_idx ON tasks (project_id, id);
