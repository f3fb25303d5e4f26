--liquibase formatted sql

--changeset taskq:006-updated-at-trigger splitStatements:false
-- updated_at is kept by the database, so no code path can forget it.
CREATE FUNCTION taskq_set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER projects_set_updated_at BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION taskq_set_updated_at();
CREATE TRIGGER task_types_set_updated_at BEFORE UPDATE ON task_types FOR EACH ROW EXECUTE FUNCTION taskq_set_updated_at();
CREATE TRIGGER tasks_set_updated_at BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION taskq_set_updated_at();
CREATE TRIGGER api_keys_set_updated_at BEFORE UPDATE ON api_keys FOR EACH ROW EXECUTE FUNCTION taskq_set_updated_at();
--rollback DROP TRIGGER api_keys_set_updated_at ON api_keys;
--rollback DROP TRIGGER tasks_set_updated_at ON tasks;
--rollback DROP TRIGGER task_types_set_updated_at ON task_types;
--rollback DROP TRIGGER projects_set_updated_at ON projects;
--rollback DROP FUNCTION taskq_set_updated_at();
