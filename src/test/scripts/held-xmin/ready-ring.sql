-- The "ready ring" candidate of target 5 (issue 14), as it was built and tested as changeset 038
-- on branch heldxmin (commit eb4336d, reverted after the bench: see benchmarks.md, "Target 5: a
-- claim that does not walk a held snapshot's dead entries"). run.sh applies it by hand on top of
-- changesets 001-037; churn-ready.sql holds the claim that goes with it (TaskSql.CLAIM with its
-- candidates from taskq_ready_candidates).
--
-- The claim reads the claimable tasks from task_ready, a narrow mirror of the pending tasks (its
-- claim key, project and type), instead of tasks_claimable_idx. A claim turns a pending task into
-- a claimed one; the claimable index kept the old version's entry, and while any transaction held
-- the xmin horizon back (a long report, a lagging replica) nothing could remove it, so every claim
-- walked the entries of every task claimed since: 995 -> 385 tasks/s and claim p99 19.9 -> 146 ms
-- over 10 minutes at 1,000 tasks/s (benchmarks.md). A TRUNCATE frees rows whatever snapshot is
-- held, so task_ready is split into three slot partitions by the time a row is written (periods
-- of taskq_ready_period() seconds, mod 3), and the leader empties the slot written two periods
-- ago (taskq_ready_rotate), copying its leftovers forward first: a claim meets the dead entries
-- of about two periods of claims, however long a snapshot is held.
--
-- task_ready holds exactly the pending tasks: inserts of pending tasks add their rows (a statement
-- trigger), and every change into or out of pending, or of a pending task's priority, run_at or
-- type (claim, lapse, release, retry after a failure, dependency release, cancel, PATCH, retry)
-- goes through the row trigger below, whose WHEN lets completions and heartbeats pass without a
-- call. The statements themselves name no slot: a TRUNCATE invalidates every cached plan that
-- reads the slots, and the claim's plan costs about 2 ms to make again, per connection, twice a
-- second; the triggers' and the functions' small plans are remade instead.
CREATE FUNCTION taskq_ready_period() RETURNS float8 LANGUAGE sql IMMUTABLE AS 'SELECT 0.5::float8';

-- The slot rows written now go to (now() is the transaction's start, so a long transaction may
-- write an older slot: the rotation copies what it finds, so no row is lost, whichever it is).
CREATE FUNCTION taskq_ready_slot() RETURNS smallint LANGUAGE sql STABLE
    AS 'SELECT (floor(extract(epoch FROM now()) / taskq_ready_period())::bigint % 3)::smallint';

CREATE TABLE task_ready (
    slot       smallint    NOT NULL,
    project_id bigint      NOT NULL,
    priority   integer     NOT NULL,
    run_at     timestamptz NOT NULL,
    id         bigint      NOT NULL,
    type       text
) PARTITION BY LIST (slot);
-- Autovacuum stays on: a slot the rotation cannot empty (a deep backlog, a lock held on it) is
-- vacuumed as any table is.
CREATE TABLE task_ready_0 PARTITION OF task_ready FOR VALUES IN (0);
CREATE TABLE task_ready_1 PARTITION OF task_ready FOR VALUES IN (1);
CREATE TABLE task_ready_2 PARTITION OF task_ready FOR VALUES IN (2);
-- The claim order, as tasks_claimable_idx's; a row is deleted through it too (by its whole key).
CREATE INDEX task_ready_claim_idx ON task_ready (project_id, priority DESC, run_at, id);

CREATE FUNCTION taskq_ready_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_ready (slot, project_id, priority, run_at, id, type)
    SELECT taskq_ready_slot(), project_id, priority, run_at, id, type FROM inserted_tasks WHERE status = 'pending';
    RETURN NULL;
END
$$;
CREATE TRIGGER tasks_ready_inserted AFTER INSERT ON tasks REFERENCING NEW TABLE AS inserted_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION taskq_ready_inserted();

-- A row's key is the task's claim key as it was, so OLD finds it through task_ready_claim_idx.
CREATE FUNCTION taskq_ready_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'pending' THEN
        DELETE FROM task_ready
         WHERE project_id = OLD.project_id AND priority = OLD.priority AND run_at = OLD.run_at AND id = OLD.id;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.status = 'pending' THEN
        INSERT INTO task_ready (slot, project_id, priority, run_at, id, type)
        VALUES (taskq_ready_slot(), NEW.project_id, NEW.priority, NEW.run_at, NEW.id, NEW.type);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tasks_ready_updated AFTER UPDATE OF status, priority, run_at, type ON tasks FOR EACH ROW
    WHEN ((OLD.status = 'pending' OR NEW.status = 'pending')
          AND (OLD.status, OLD.priority, OLD.run_at, OLD.type) IS DISTINCT FROM (NEW.status, NEW.priority, NEW.run_at, NEW.type))
    EXECUTE FUNCTION taskq_ready_changed();
CREATE TRIGGER tasks_ready_deleted AFTER DELETE ON tasks FOR EACH ROW WHEN (OLD.status = 'pending')
    EXECUTE FUNCTION taskq_ready_changed();

-- The claim's candidates, in claim order: a walk, not a query the planner may reshape. The ready
-- rows are read in claim order (MergeAppend over the slots' indexes; bitmap scans and sorts are off
-- here, as a generic plan made while the slots look nearly empty would otherwise read and sort every
-- row of the project, and LockRows cannot keep an order for an outer query); each task is locked
-- (SKIP LOCKED: concurrent claimers pass each other's) and kept only if it is still pending with the
-- key its ready row has (a row read may be dead by then: a fresh snapshot per statement). Stops at
-- p_limit tasks. A task locked here and not claimed (max_concurrency) stays pending, its row kept.
-- ROWS 10: as a generic plan expects of the claim's LIMIT, so that the claim joins the few
-- candidates to task_type_limits by its key.
CREATE FUNCTION taskq_ready_candidates(p_project bigint, p_types text[], p_limit int)
    RETURNS TABLE (id bigint, priority integer, run_at timestamptz, type text)
    LANGUAGE plpgsql ROWS 10 SET enable_bitmapscan = off SET enable_sort = off AS $$
DECLARE
    r record;
    t record;
    found_tasks int := 0;
BEGIN
    IF p_limit <= 0 THEN
        RETURN;
    END IF;
    FOR r IN SELECT x.id, x.priority, x.run_at FROM task_ready x
              WHERE x.project_id = p_project AND x.run_at <= now()
                AND (cardinality(p_types) = 0 OR x.type = ANY (p_types))
                AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.project_id = p_project AND p.type IN ('*', x.type))
                AND NOT EXISTS (SELECT 1 FROM task_type_limits l WHERE l.type = x.type AND l.claimed >= l.max_concurrency)
              ORDER BY x.priority DESC, x.run_at, x.id
    LOOP
        -- No status in the condition: the primary key finds the task (a status there would let the
        -- planner pick a partial index over pending tasks, all of them).
        SELECT k.id, k.priority, k.run_at, k.type, k.status INTO t FROM tasks k
         WHERE k.id = r.id AND k.project_id = p_project
           FOR UPDATE SKIP LOCKED;
        CONTINUE WHEN NOT FOUND OR t.status <> 'pending' OR t.priority <> r.priority OR t.run_at <> r.run_at;
        id := t.id; priority := t.priority; run_at := t.run_at; type := t.type;
        RETURN NEXT;
        found_tasks := found_tasks + 1;
        EXIT WHEN found_tasks >= p_limit;
    END LOOP;
END
$$;

-- The leader's step, every period: empties the slot written two periods ago (the next to be
-- written), after copying its leftovers (tasks still pending: a backlog, tasks due later, paused
-- types) into the slot written now, under the slot's ACCESS EXCLUSIVE lock, so that no row is
-- written to it or read from it meanwhile. A claim waits for that lock as long as the step lasts
-- (a copy of the leftovers and a TRUNCATE). The step waits at most 20 ms for the lock: a
-- transaction still open after touching the slot (a pg_dump) makes it skip, and the slot keeps its
-- dead entries until a later step. More than max_leftovers leftovers make it skip too, as copying
-- a deep backlog every period would cost more than its dead entries do. Answers the rows copied,
-- or -1 when it skipped.
CREATE FUNCTION taskq_ready_rotate(max_leftovers bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    current smallint := (floor(extract(epoch FROM clock_timestamp()) / taskq_ready_period())::bigint % 3)::smallint;
    oldest smallint := (current + 1) % 3;
    kept bigint;
BEGIN
    SET LOCAL lock_timeout = '20ms';
    BEGIN
        EXECUTE format('LOCK TABLE task_ready_%s IN ACCESS EXCLUSIVE MODE', oldest);
    EXCEPTION WHEN lock_not_available THEN
        RETURN -1;
    END;
    EXECUTE format('SELECT count(*) FROM task_ready_%s', oldest) INTO kept;
    IF kept > max_leftovers THEN
        RETURN -1;
    END IF;
    IF kept > 0 THEN
        EXECUTE format('INSERT INTO task_ready_%1$s SELECT %1$s, project_id, priority, run_at, id, type FROM task_ready_%2$s',
                       current, oldest);
    END IF;
    EXECUTE format('TRUNCATE task_ready_%s', oldest);
    RETURN kept;
END
$$;

-- Existing data: every pending task.
INSERT INTO task_ready (slot, project_id, priority, run_at, id, type)
SELECT taskq_ready_slot(), project_id, priority, run_at, id, type FROM tasks WHERE status = 'pending';
