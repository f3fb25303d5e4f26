--liquibase formatted sql

--changeset taskq:029-task-type-versions-as-text
-- A task type's version is text of 1-50 characters ("1.0.0", "2", "2025-06-01"), as in the
-- original design; the integers registered so far keep their decimal spelling. Which characters a
-- version may use (no white space, no controls) is checked by the server (TaskTypeVersion), where
-- the message can say so. Changing the type rewrites task_types and tasks once.
ALTER TABLE task_types DROP CONSTRAINT task_types_version_range;
ALTER TABLE task_types ALTER COLUMN version TYPE text USING version::text;
ALTER TABLE task_types ADD CONSTRAINT task_types_version_length CHECK (char_length(version) BETWEEN 1 AND 50);
ALTER TABLE tasks ALTER COLUMN type_version TYPE text USING type_version::text;
-- Workflow steps that name a type version stored it as a JSON number: store its string, so that
-- registering the same definition again compares equal.
UPDATE workflows w
   SET definition = jsonb_set(w.definition, '{steps}', (
         SELECT jsonb_agg(CASE WHEN jsonb_typeof(s.step -> 'type_version') = 'number'
                               THEN jsonb_set(s.step, '{type_version}', to_jsonb(s.step ->> 'type_version'))
                               ELSE s.step END ORDER BY s.n)
           FROM jsonb_array_elements(w.definition -> 'steps') WITH ORDINALITY AS s(step, n)))
 WHERE jsonb_typeof(w.definition -> 'steps') = 'array'
   AND EXISTS (SELECT 1 FROM jsonb_array_elements(w.definition -> 'steps') s(step)
                WHERE jsonb_typeof(s.step -> 'type_version') = 'number');
-- Rolling back fails while some version is not a whole number from 1 to 1,000,000: such a
-- version has no integer spelling. Workflow steps keep their string versions (read either way).
--rollback ALTER TABLE tasks ALTER COLUMN type_version TYPE integer USING type_version::integer;
--rollback ALTER TABLE task_types DROP CONSTRAINT task_types_version_length;
--rollback ALTER TABLE task_types ALTER COLUMN version TYPE integer USING version::integer;
--rollback ALTER TABLE task_types ADD CONSTRAINT task_types_version_range CHECK (version >= 1 AND version <= 1000000);
