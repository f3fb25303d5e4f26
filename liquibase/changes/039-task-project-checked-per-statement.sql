--liquibase formatted sql

--changeset taskq:039-task-project-checked-per-statement splitStatements:false
-- tasks.project_id must name a project, checked once per INSERT statement instead of once per
-- row. The foreign key's check is a row trigger: an SPI query, an index probe and a row lock
-- per inserted task, 4-5 us of the 25 us of backend CPU a task of a bulk of 1,000 costs
-- (BulkInsertCostProbe, benchmarks.md "A task's project checked once per statement"). Every
-- insert statement of taskq names one project, so the check below reads one project row per
-- statement whatever its size.
--
-- What the key guaranteed still holds:
-- - an inserted task's project exists, and is locked FOR KEY SHARE as the key's check did, so a
--   concurrent deletion of the project waits for the inserting transaction (and then finds its
--   tasks); the error is the key's (23503, constraint tasks_project_id_fkey), so that callers
--   translate it as before (PgErrors: project not found);
-- - a task's project_id never changes (the key would have checked the new one; nothing in taskq
--   moves a task, so moving one is refused);
-- - a project with tasks cannot be deleted (the key's NO ACTION).
ALTER TABLE tasks DROP CONSTRAINT tasks_project_id_fkey;

CREATE FUNCTION taskq_tasks_project_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM (SELECT 1 FROM projects p
                               WHERE p.id IN (SELECT project_id FROM inserted_tasks) FOR KEY SHARE) locked)
       <> (SELECT count(DISTINCT project_id) FROM inserted_tasks) THEN
        RAISE EXCEPTION 'insert on table "tasks" violates its project reference'
            USING ERRCODE = 'foreign_key_violation', TABLE = 'tasks', CONSTRAINT = 'tasks_project_id_fkey';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_project_exists AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS inserted_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION taskq_tasks_project_exists();

CREATE FUNCTION taskq_tasks_project_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a task stays in its project'
        USING ERRCODE = 'foreign_key_violation', TABLE = 'tasks', CONSTRAINT = 'tasks_project_id_fkey';
END
$$;

-- A column trigger: it fires only for UPDATEs that set project_id, which no statement of taskq does.
CREATE TRIGGER tasks_project_unchanged BEFORE UPDATE OF project_id ON tasks
    FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id)
    EXECUTE FUNCTION taskq_tasks_project_unchanged();

-- Through tasks_listing_idx, whose key is (project_id + 0, id).
CREATE FUNCTION taskq_project_without_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM tasks t WHERE t.project_id + 0 = OLD.id) THEN
        RAISE EXCEPTION 'a project with tasks cannot be deleted'
            USING ERRCODE = 'foreign_key_violation', TABLE = 'tasks', CONSTRAINT = 'tasks_project_id_fkey';
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER projects_without_tasks BEFORE DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION taskq_project_without_tasks();
--rollback DROP TRIGGER projects_without_tasks ON projects;
--rollback DROP FUNCTION taskq_project_without_tasks();
--rollback DROP TRIGGER tasks_project_unchanged ON tasks;
--rollback DROP FUNCTION taskq_tasks_project_unchanged();
--rollback DROP TRIGGER tasks_project_exists ON tasks;
--rollback DROP FUNCTION taskq_tasks_project_exists();
--rollback ALTER TABLE tasks ADD CONSTRAINT tasks_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id);
