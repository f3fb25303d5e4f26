--liquibase formatted sql

--changeset taskq:038-hot-statements-count-themselves splitStatements:false
-- The claim and the completion append their own counter rows (TaskSql.CLAIM and
-- TaskSql.COMPLETE_ALL: task_stat_deltas and worker_deltas, in CTEs of the statement), and the
-- update triggers of 035 and 037 skip the statement that did. Their bodies were most of what the
-- counters cost (the transition tables and the call cost almost nothing; the two trigger queries
-- about 60-75 us of backend CPU each per statement), while these statements know what they
-- changed without pairing old and new rows: a claimed row went from pending to claimed, its
-- attempts up by one, under the slot's worker; a completed row from claimed to completed under
-- its worker's live lease; a released dependent from the status it was locked in to its new one.
-- The statement's UPDATE marks it by setting taskq.counted, for the transaction, to
-- statement_timestamp(): a later statement of the same transaction has another timestamp, so it
-- is counted by the triggers again. Every other statement that writes tasks (fail, cancel,
-- sweeps, releases, PATCH, heartbeats) is still counted by the triggers.
LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE;
DROP TRIGGER tasks_count_updated ON tasks;
DROP TRIGGER tasks_worker_deltas ON tasks;
CREATE TRIGGER tasks_count_updated AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_tasks NEW TABLE AS new_tasks
    FOR EACH STATEMENT WHEN (current_setting('taskq.counted', true) IS DISTINCT FROM statement_timestamp()::text)
    EXECUTE FUNCTION taskq_count_updated_tasks();
CREATE TRIGGER tasks_worker_deltas AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT WHEN (current_setting('taskq.counted', true) IS DISTINCT FROM statement_timestamp()::text)
    EXECUTE FUNCTION worker_deltas_from_tasks();
--rollback DROP TRIGGER tasks_worker_deltas ON tasks;
--rollback DROP TRIGGER tasks_count_updated ON tasks;
--rollback CREATE TRIGGER tasks_count_updated AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_tasks NEW TABLE AS new_tasks FOR EACH STATEMENT EXECUTE FUNCTION taskq_count_updated_tasks();
--rollback CREATE TRIGGER tasks_worker_deltas AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION worker_deltas_from_tasks();
