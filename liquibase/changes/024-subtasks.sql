--liquibase formatted sql

--changeset taskq:024-subtasks
-- Parent tasks with subtasks. parent_id is null for every task that is no child, so the partial
-- index costs ordinary writes nothing. A parent created with complete_when_children_done is
-- never claimed: it waits on its children through 'child' links (counted like requires
-- links), completes when the last one completes, and fails when one fails for good.
ALTER TABLE tasks ADD COLUMN parent_id bigint;
ALTER TABLE tasks ADD COLUMN complete_when_children_done boolean NOT NULL DEFAULT false;
CREATE INDEX tasks_parent_idx ON tasks (parent_id, id) WHERE parent_id IS NOT NULL;
ALTER TABLE task_dependencies DROP CONSTRAINT task_dependencies_link_type_known;
ALTER TABLE task_dependencies ADD CONSTRAINT task_dependencies_link_type_known
    CHECK (link_type IN ('requires', 'blocks', 'suggests', 'child'));
--rollback DELETE FROM task_dependencies WHERE link_type = 'child';
--rollback ALTER TABLE task_dependencies DROP CONSTRAINT task_dependencies_link_type_known;
--rollback ALTER TABLE task_dependencies ADD CONSTRAINT task_dependencies_link_type_known CHECK (link_type IN ('requires', 'blocks', 'suggests'));
--rollback DROP INDEX tasks_parent_idx;
--rollback ALTER TABLE tasks DROP COLUMN complete_when_children_done;
--rollback ALTER TABLE tasks DROP COLUMN parent_id;
