#!/usr/bin/env bash
# What PostgreSQL spends per task, statement by statement, in one bench scenario: start a build on
# a PostgreSQL that has pg_stat_statements loaded (shared_preload_libraries, track = all), load it
# for PREWARM seconds, reset the statistics, run SCENARIO for DURATION seconds, then print each
# statement's calls, execution and planning time, WAL and buffers divided by the tasks completed
# in the window (counted from tasks.completed_at, whichever statements completed them), and
# PostgreSQL's CPU per task from /proc (every process of the postmaster).
# usage: [PREWARM=120 DURATION=20 WORKERS=32 SCENARIO=... SETUP_SQL=...] src/test/scripts/pg-cost-per-task.sh <server jar> <port> <postgresql://user@host:port/db> <postmaster pid>
# The database must exist, be empty but for the pg_stat_statements extension (CREATE EXTENSION
# pg_stat_statements), and the server migrates it; drop and create it between builds.
set -euo pipefail
JAR=$1; PORT=$2; DB=$3; PGPID=$4
PREWARM=${PREWARM:-120}; DURATION=${DURATION:-20}; WORKERS=${WORKERS:-32}; SCENARIO=${SCENARIO:-claim-complete-batch-100}
KEY=tq_bench_pg_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
LOG=$(mktemp /tmp/taskq-pgcost-XXXX.log)
TASKQ_DB_URL=$DB TASKQ_HTTP_PORT=$PORT TASKQ_ADMIN_KEY=$KEY java -Xmx192m -XX:+UseSerialGC -jar "$JAR" > "$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for i in $(seq 1 120); do curl -sf localhost:$PORT/health/ready >/dev/null && break; sleep 0.5; done
# SETUP_SQL: run once the server has migrated the database (a storage variant to try, e.g. a fillfactor).
[ -n "${SETUP_SQL:-}" ] && psql "$DB" -qc "$SETUP_SQL"
BENCH="java -jar $JAR bench --url http://localhost:$PORT --key $KEY --workers $WORKERS --scenarios $SCENARIO"
$BENCH --duration "$PREWARM" --warmup 0 --prewarm 0 > /dev/null 2>&1
# (a process may end between the glob and the read: cat's status is not the sum's)
pgticks() { { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v p="$PGPID" '$1 == p || $4 == p {s += $14 + $15} END {print s + 0}'; }
# The bench prefills before its window: reset when the prefill is over, i.e. once the first claim is seen.
$BENCH --duration "$DURATION" --warmup 0 --prewarm 0 > "$LOG.bench" 2>&1 &
BENCHPID=$!
until psql "$DB" -Atc "SELECT count(*) > 0 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%candidates AS MATERIALIZED%' AND pid <> pg_backend_pid()" | grep -q t; do sleep 0.2; done
sleep 2
psql "$DB" -qAtc "SELECT pg_stat_statements_reset()" > /dev/null
T0=$(pgticks); L0=$(psql "$DB" -Atc "SELECT pg_current_wal_lsn()"); S0=$(date +%s.%N)
sleep $((DURATION - 6))
T1=$(pgticks); L1=$(psql "$DB" -Atc "SELECT pg_current_wal_lsn()"); S1=$(date +%s.%N)
# The statistics as they stood at the window's end (the bench's last seconds and its clean-up are left out).
psql "$DB" -qAtc "DROP TABLE IF EXISTS pgcost_window; CREATE TABLE pgcost_window AS SELECT * FROM pg_stat_statements" > /dev/null
wait $BENCHPID || true
tail -3 "$LOG.bench"
psql "$DB" -P pager=off -v t0="$T0" -v t1="$T1" -v l0="$L0" -v l1="$L1" -v s0="$S0" -v s1="$S1" -v hz="$(getconf CLK_TCK)" <<'SQL'
WITH s AS (SELECT * FROM pgcost_window WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())),
     n AS (SELECT count(*)::numeric AS tasks FROM tasks WHERE completed_at >= to_timestamp(:s0) AND completed_at < to_timestamp(:s1))
SELECT n.tasks AS tasks_completed,
       round(((:t1 - :t0) / :hz::numeric) * 1e6 / n.tasks, 1) AS pg_cpu_us_per_task,
       round(n.tasks / (:s1 - :s0)) AS tasks_per_s,
       round(pg_wal_lsn_diff(:'l1', :'l0') / n.tasks) AS wal_bytes_per_task
  FROM n;
WITH s AS (SELECT * FROM pgcost_window WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())),
     n AS (SELECT count(*)::numeric AS tasks FROM tasks WHERE completed_at >= to_timestamp(:s0) AND completed_at < to_timestamp(:s1))
SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 60) AS statement, calls, s.rows,
       round((total_exec_time * 1000 / n.tasks)::numeric, 1) AS exec_us_task,
       round((total_plan_time * 1000 / n.tasks)::numeric, 1) AS plan_us_task,
       round(wal_bytes / n.tasks) AS wal_b_task, round(wal_records / n.tasks, 2) AS wal_rec_task,
       round(wal_fpi / n.tasks, 3) AS fpi_task,
       round((shared_blks_hit + shared_blks_read) / n.tasks, 1) AS blks_task,
       round(shared_blks_dirtied / n.tasks, 2) AS dirtied_task
  FROM s, n
 ORDER BY total_exec_time DESC LIMIT 12;
SQL
