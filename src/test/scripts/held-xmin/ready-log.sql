-- Candidate "ready log" (awa's shape), reduced to one lane (one project, one priority) to measure
-- its claim while a backlog is drained behind a held snapshot: ready rows are appended once, in
-- claim order, with a number from a sequence, and never updated or deleted; the claim takes the
-- next numbers from a second sequence (a cursor that is not a row, so it leaves no dead version)
-- and reads each row by its number. PROTOTYPE ONLY: a claimer that finds the task locked, or that
-- rolls back, has consumed the number and the task is not offered again (awa advances its cursor
-- only after the claim commits, under a lane lock); lanes per priority, tombstones, the promotion of
-- tasks that come due and the TRUNCATE of passed partitions are left out.
CREATE SEQUENCE ready_log_cursor;
CREATE TABLE ready_log (seq bigint PRIMARY KEY, project_id bigint NOT NULL, task_id bigint NOT NULL);

CREATE FUNCTION ready_log_candidates(p_project bigint, p_limit int)
    RETURNS TABLE (id bigint, priority integer, run_at timestamptz, type text)
    LANGUAGE plpgsql ROWS 10 AS $$
DECLARE
    s bigint;
    task bigint;
    t record;
    found_tasks int := 0;
BEGIN
    LOOP
        s := nextval('ready_log_cursor');
        SELECT g.task_id INTO task FROM ready_log g WHERE g.seq = s;
        IF NOT FOUND THEN
            PERFORM setval('ready_log_cursor', s - 1); -- past the end (one client: no race)
            RETURN;
        END IF;
        SELECT k.id, k.priority, k.run_at, k.type, k.status INTO t FROM tasks k
         WHERE k.id = task AND k.project_id = p_project
           FOR UPDATE SKIP LOCKED;
        CONTINUE WHEN NOT FOUND OR t.status <> 'pending';
        id := t.id; priority := t.priority; run_at := t.run_at; type := t.type;
        RETURN NEXT;
        found_tasks := found_tasks + 1;
        EXIT WHEN found_tasks >= p_limit;
    END LOOP;
END
$$;
