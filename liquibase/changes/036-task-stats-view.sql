--liquibase formatted sql

--changeset taskq:036-task-stats-view
-- For people who query the database directly: one row per project, type and status with tasks,
-- built on the counters of 035 (counts plus the deltas not yet folded), so it costs what the
-- number of groups costs, not the table. The oldest claimable task is probed per pending
-- (project, type) through tasks_oldest_pending_idx. Untyped tasks have a null type.
CREATE VIEW task_stats AS
SELECT g.project_id, nullif(g.type, '') AS type, g.status, g.task_count, g.avg_attempts, g.max_attempts,
       o.run_at AS oldest_claimable_run_at, now() - o.run_at AS oldest_claimable_age
  FROM (SELECT project_id, type, status, sum(tasks)::bigint AS task_count,
               round(sum(tasks * attempts)::numeric / sum(tasks), 2) AS avg_attempts, max(attempts) AS max_attempts
          FROM (SELECT project_id, type, status, attempts, sum(tasks) AS tasks
                  FROM (SELECT project_id, type, status, attempts, tasks FROM task_counts
                        UNION ALL
                        SELECT project_id, type, status, attempts, tasks FROM task_stat_deltas) u
                 GROUP BY project_id, type, status, attempts
                HAVING sum(tasks) <> 0) c
         GROUP BY project_id, type, status) g
  LEFT JOIN LATERAL (
       SELECT min(t.run_at) AS run_at FROM tasks t
        WHERE g.status = 'pending' AND t.project_id = g.project_id AND coalesce(t.type, '') = g.type
          AND t.status = 'pending' AND t.run_at <= now()) o ON true;
--rollback DROP VIEW task_stats;
