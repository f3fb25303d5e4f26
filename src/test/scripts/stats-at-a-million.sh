#!/usr/bin/env bash
# GET /projects/{p}/stats at a million tasks: start a build on its own embedded PostgreSQL, fill
# TASKS tasks (default 1,000,000) into one project over 10 types with SQL in chunks of 100,000
# (the triggers of changeset 035 count them as any statement's), let the leader fold, VACUUM
# ANALYZE, then time ROUNDS requests of /stats and show EXPLAIN (ANALYZE, BUFFERS) of each stats
# statement (their text is read from StatsSql.java and MaintenanceSql.java, so it is the code's),
# plus the old live-task gauge query over the tasks for comparison.
# usage: src/test/scripts/stats-at-a-million.sh <server jar> <port>     (run from the repository root)
set -euo pipefail
JAR=$1; PORT=$2; TASKS=${TASKS:-1000000}; ROUNDS=${ROUNDS:-200}
KEY=tq_bench_stats_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
DATA=$(mktemp -d /tmp/taskq-stats-XXXX)
TASKQ_DATA_DIR=$DATA TASKQ_HTTP_PORT=$PORT TASKQ_ADMIN_KEY=$KEY java -Xmx192m -XX:+UseSerialGC -jar "$JAR" > "$DATA/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for i in $(seq 1 120); do curl -sf localhost:$PORT/health/ready >/dev/null && break; sleep 0.5; done
PGPORT=$(sed -n 4p "$(find "$DATA" -name postmaster.pid | head -1)")
PSQL="psql -h localhost -p $PGPORT -U postgres -d taskq -v ON_ERROR_STOP=1 -q"
api() { curl -sf -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' "$@"; }
PROJECT=$(api -d '{"name":"stats-bench"}' localhost:$PORT/projects | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for t in $(seq 0 9); do
  api -d "{\"name\":\"stats-type-$t\",\"version\":1,\"param_schema\":{\"type\":\"object\"}}" localhost:$PORT/task-types > /dev/null
done
# One chunk: 70 % completed after 1-3 attempts, 10 % failed, 3 % cancelled, 15 % pending (half
# overdue by up to an hour, half due in an hour), 2 % claimed.
FILL="INSERT INTO tasks (project_id, type, type_version, status, attempts, max_attempts, lease_seconds, run_at,
                         worker_id, lease_id, claimed_at, lease_expires_at)
SELECT $PROJECT, 'stats-type-' || (g % 10), 1, s.status,
       CASE s.status WHEN 'completed' THEN 1 + g % 3 WHEN 'failed' THEN 3 WHEN 'cancelled' THEN 0 WHEN 'pending' THEN g % 2 ELSE 1 END,
       3, 60,
       CASE WHEN s.status = 'pending' AND g % 2 = 0 THEN now() + interval '1 hour' ELSE now() - (g % 3600) * interval '1 second' END,
       CASE WHEN s.status = 'claimed' THEN 'w' END, CASE WHEN s.status = 'claimed' THEN gen_random_uuid() END,
       CASE WHEN s.status = 'claimed' THEN now() END, CASE WHEN s.status = 'claimed' THEN now() + interval '1 hour' END
  FROM generate_series(1, 100000) g
  CROSS JOIN LATERAL (SELECT CASE WHEN g % 100 < 70 THEN 'completed' WHEN g % 100 < 80 THEN 'failed'
                                  WHEN g % 100 < 83 THEN 'cancelled' WHEN g % 100 < 98 THEN 'pending' ELSE 'claimed' END AS status) s"
echo "== fill: $TASKS tasks in chunks of 100,000 (one statement each, counted by the triggers)"
for c in $(seq 1 $((TASKS / 100000))); do
  $PSQL -c '\timing on' -c "$FILL" | grep Time
done
echo "== one more 100,000-row chunk, rolled back: with the counting trigger, then without, three times"
for i in 1 2 3; do
  for how in ENABLE DISABLE; do
    echo "$how: $($PSQL -c '\timing on' -c "BEGIN; ALTER TABLE tasks $how TRIGGER tasks_count_inserted; $FILL; ROLLBACK;" \
      | grep Time | tail -1)"
  done
done
sleep 3 # the leader folds every second
$PSQL -c "VACUUM ANALYZE tasks" -c "VACUUM ANALYZE task_counts" -c "VACUUM ANALYZE task_stat_deltas"
$PSQL -At -c "SELECT 'tasks ' || count(*) FROM tasks" -c "SELECT 'counter groups ' || count(*) FROM task_counts" \
  -c "SELECT 'unfolded deltas ' || count(*) FROM task_stat_deltas"
echo "== GET /projects/$PROJECT/stats, $ROUNDS times after $ROUNDS uncounted (curl's time_total, one request at a time)"
api localhost:$PORT/projects/$PROJECT/stats > "$DATA/stats.json"
for i in $(seq 1 $ROUNDS); do api -o /dev/null localhost:$PORT/projects/$PROJECT/stats; done # a fresh JVM compiles first
for i in $(seq 1 $ROUNDS); do api -o /dev/null -w '%{time_total}\n' localhost:$PORT/projects/$PROJECT/stats; done | sort -n \
  | awk '{a[NR]=$1} END {printf "min %.1f ms, median %.1f ms, p90 %.1f ms, max %.1f ms\n", a[1]*1000, a[int((NR+1)/2)]*1000, a[int(NR*0.9)]*1000, a[NR]*1000}'
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("total", d["total"], "by_status", d["by_status"], "attempts", d["attempts"], "oldest", d["oldest_claimable_age_seconds"])' "$DATA/stats.json"
# The text of a statement constant, from its Java source.
sql_of() { awk -v name="$2" '$0 ~ "static final String " name " = \"\"\"" {on=1; next} on && /^ *""";/ {exit} on {print}' "$1"; }
for name in COUNTS OLDEST_CLAIMABLE THROUGHPUT; do
  echo "== EXPLAIN (ANALYZE, BUFFERS) StatsSql.$name"
  # as the server plans them: generic plans, sequential scans off (PlannerSettings)
  $PSQL -c "SET plan_cache_mode = force_generic_plan" -c "SET enable_seqscan = off" -c "PREPARE s(bigint) AS $(sql_of src/main/java/io/taskq/store/pg/StatsSql.java $name)" \
        -c '\o /dev/null' -c "EXECUTE s($PROJECT)" -c '\o' -c "EXPLAIN (ANALYZE, BUFFERS) EXECUTE s($PROJECT)"
done
echo "== EXPLAIN (ANALYZE, BUFFERS) MaintenanceSql.LIVE_TASK_GAUGES (from the counters)"
$PSQL -c "EXPLAIN (ANALYZE, BUFFERS) $(sql_of src/main/java/io/taskq/maintenance/MaintenanceSql.java LIVE_TASK_GAUGES)"
echo "== for comparison: the gauge query before changeset 035, over the live tasks"
$PSQL -c "EXPLAIN (ANALYZE, BUFFERS) SELECT project_id, type, status, count(*) AS tasks,
       extract(epoch FROM now() - min(run_at) FILTER (WHERE status = 'pending' AND run_at <= now())) AS oldest_claimable_seconds
  FROM tasks WHERE status IN ('pending', 'claimed', 'blocked') GROUP BY project_id, type, status" | grep -E 'Execution Time|Planning Time'
