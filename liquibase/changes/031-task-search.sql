--liquibase formatted sql

--changeset taskq:031-task-search splitStatements:false
-- Full-text search over a task's title and description (GET .../tasks?q=).
--
-- The document lives in a side table, not on the tasks row: every claim, heartbeat and
-- completion is a non-HOT UPDATE of tasks (their indexes cover status), so a stored generated
-- tsvector column would be copied into each new row version and its GIN index entered again on
-- every state change of the hot path. Here a task's document is written when the task is
-- inserted and again only when its title or description change; tasks with neither get no row.
--
-- 'english': titles are mostly English sentences ("Resize uploaded images"); stemming lets
-- "resizing" find "resize" and "emails" find "email", and stop words ("the", "of") neither
-- bloat the index nor match everything. The configuration is named, never the session's
-- default_text_search_config, so documents and queries always agree. The title weighs A and
-- the description B: a match in the title ranks higher.
--
-- No foreign key to tasks: its check is a row trigger (an index probe and a row lock, WAL-logged)
-- per search row, 10,000 of them for a bulk of 10,000, and ON DELETE CASCADE would be another
-- per deleted task. Retention (MaintenanceSql.DELETE_FINISHED_TASKS), the only statement that
-- deletes tasks, deletes their search rows in the same statement.
CREATE TABLE task_search (
    task_id    bigint PRIMARY KEY,
    project_id bigint NOT NULL,
    document   tsvector NOT NULL
);

-- Plain GIN on the document; the project is a filter on the matches (btree_gin is an extension
-- taskq does not require).
CREATE INDEX task_search_document_idx ON task_search USING gin (document);

CREATE FUNCTION taskq_search_document(title text, description text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
$$;

-- One statement per INSERT over its transition table, not a row trigger: a bulk of 10,000
-- tasks costs one INSERT ... SELECT, not 10,000 trigger calls, and every insert path (plain
-- creates, bulks, graphs, workflow runs, subtasks) goes through it.
CREATE FUNCTION taskq_task_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_search (task_id, project_id, document)
    SELECT id, project_id, taskq_search_document(title, description)
      FROM inserted_tasks
     WHERE title IS NOT NULL OR description IS NOT NULL;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS inserted_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION taskq_task_search_insert();

-- A row trigger (PostgreSQL allows no transition table on an UPDATE OF trigger): it fires only
-- for UPDATEs that set title or description, so claims and completions never reach it.
CREATE FUNCTION taskq_task_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.title IS NULL AND NEW.description IS NULL THEN
        DELETE FROM task_search WHERE task_id = NEW.id;
    ELSE
        INSERT INTO task_search (task_id, project_id, document)
        VALUES (NEW.id, NEW.project_id, taskq_search_document(NEW.title, NEW.description))
        ON CONFLICT (task_id) DO UPDATE SET document = EXCLUDED.document;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_search_update AFTER UPDATE OF title, description ON tasks
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM NEW.description)
    EXECUTE FUNCTION taskq_task_search_update();

INSERT INTO task_search (task_id, project_id, document)
SELECT id, project_id, taskq_search_document(title, description)
  FROM tasks
 WHERE title IS NOT NULL OR description IS NOT NULL;
--rollback DROP TRIGGER tasks_search_update ON tasks;
--rollback DROP TRIGGER tasks_search_insert ON tasks;
--rollback DROP FUNCTION taskq_task_search_update();
--rollback DROP FUNCTION taskq_task_search_insert();
--rollback DROP TABLE task_search;
--rollback DROP FUNCTION taskq_search_document(text, text);
