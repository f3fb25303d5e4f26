#!/usr/bin/env bash
# Per-claim cost of the current claim (tasks_claimable_idx) and of the ready-ring candidate
# (ready-ring.sql, applied on top of the taskq schema) while a REPEATABLE READ snapshot
# holds the xmin horizon back, as claimed tasks accumulate behind it. A scratch PostgreSQL of its
# own (Debian's 15 by default). Figures and reading: benchmarks.md, "Target 5: a claim that does
# not walk a held snapshot's dead entries".
# usage: run.sh <taskq jar> [design ...]     designs: current ready (default both)
# Env: PGBIN (/usr/lib/postgresql/15/bin), PORT (55441), POINTS ("0 50000 200000 500000": claims
# accumulated behind the snapshot at each measurement), SECS (15: seconds measured a point),
# ROTATE (1: the ready design's leader step runs every 0.5 s; 0: never, to see the growth).
# Each point: pgbench, one client, -M prepared with taskq's session settings (generic plans,
# no sequential scans), churn-<design>.sql (create one task, claim one, complete it) for SECS
# seconds; prints the claim statement's mean latency (pgbench -r), the PostgreSQL CPU per
# transaction (every process of the cluster, from /proc) and the buffers one claim touches.
# churn-current.sql holds TaskSql.CLAIM (commit ad4e01a), churn-ready.sql the claim of the ready
# ring. The jar only migrates the schema (changesets 001-037). Run as root (initdb and pg_ctl run
# as the user pgrun); the cluster is left running: pg_ctl -D /tmp/hx-pg-<PORT> stop.
set -euo pipefail
JAR=$(realpath "$1"); shift
DESIGNS=${*:-current ready}
HERE=$(cd "$(dirname "$0")" && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}; PORT=${PORT:-55441}
POINTS=${POINTS:-0 50000 200000 500000}; SECS=${SECS:-15}; ROTATE=${ROTATE:-1}
DATA=/tmp/hx-pg-$PORT
AS="runuser -u pgrun --"
export PGHOST=/tmp PGPORT=$PORT PGUSER=pgrun
if [ ! -d "$DATA" ]; then
  $AS $PGBIN/initdb -A trust -U pgrun -D "$DATA" >/dev/null
  cat <<CONF | $AS tee -a "$DATA/postgresql.conf" >/dev/null
port = $PORT
unix_socket_directories = '/tmp'
listen_addresses = 'localhost'
shared_buffers = 256MB
synchronous_commit = off
autovacuum = off
max_connections = 50
CONF
fi
$AS $PGBIN/pg_ctl -D "$DATA" -l "$DATA/log" -w start >/dev/null 2>&1 || true
HZ=$(getconf CLK_TCK)
PGPID=$(head -1 "$DATA/postmaster.pid")
# The cluster's CPU ticks: its live processes', and (cutime, cstime of the postmaster) those of
# the backends that have exited, such as pgbench's.
pgticks() { { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v p="$PGPID" '$1 == p {s += $14 + $15 + $16 + $17} $4 == p {s += $14 + $15} END {print s + 0}'; }
SESSION="-c plan_cache_mode=force_generic_plan -c enable_seqscan=off -c jit=off"
# pgbench for SECS seconds on $db with churn-$design.sql: sets out (its report) and cpu (PostgreSQL
# CPU microseconds per transaction over the run).
measure() {
  local before after tx
  before=$(pgticks)
  out=$(PGOPTIONS="$SESSION" $PGBIN/pgbench -n -M prepared -r -D project=1 -c 1 -T "$SECS" -f "$HERE/churn-$design.sql" "$db" 2>&1)
  sleep 0.3 # pgbench's backend has exited and been reaped by then: its CPU is in the postmaster's cutime
  after=$(pgticks)
  tx=$(echo "$out" | awk '/number of transactions actually processed/ {print $NF}')
  cpu=$(( (after - before) * 1000000 / HZ / tx ))
}

for design in $DESIGNS; do
  db=hx_$design
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  TASKQ_DB_URL="postgresql://pgrun:x@localhost:$PORT/$db" java -jar "$JAR" migrate >/dev/null
  CONN="host=/tmp port=$PORT user=pgrun dbname=$db"
  psql -X -q "$CONN" -c "INSERT INTO projects (id, name) VALUES (1, 'held-xmin')"
  [ "$design" = ready ] && psql -X -q -v ON_ERROR_STOP=1 "$CONN" -f "$HERE/ready-ring.sql"
  ROTATOR=
  if [ "$design" = ready ] && [ "$ROTATE" = 1 ]; then
    # The leader's step, on one connection (as MaintenanceJobs.rotateReadyRing runs it).
    ( while :; do echo "SELECT taskq_ready_rotate(20000);"; sleep 0.5; done | psql -X -q -t "$CONN" >/dev/null 2>&1 ) &
    ROTATOR=$!
  fi
  # The held snapshot: REPEATABLE READ, a first query takes it, then it waits.
  psql -X -q "$CONN" -c "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM projects; SELECT pg_sleep(86400);" >/dev/null 2>&1 &
  HOLDER=$!
  sleep 1
  echo "# $design: held snapshot xmin $(psql -X -At "$CONN" -c "SELECT backend_xmin FROM pg_stat_activity WHERE query LIKE '%pg_sleep(86400)%' AND pid <> pg_backend_pid()")"
  printf '%-8s %10s %12s %14s %10s\n' design accumulated claim_ms pg_cpu_us_tx buffers
  accumulated=0
  for point in $POINTS; do
    [ "$point" -gt "$accumulated" ] && "$HERE/accumulate.sh" "$CONN" $((point - accumulated))
    accumulated=$point
    # A few transactions first: hint bits, the plan, the relcache.
    PGOPTIONS="$SESSION" $PGBIN/pgbench -n -M prepared -D project=1 -c 1 -t 50 -f "$HERE/churn-$design.sql" "$db" >/dev/null 2>&1
    measure
    claim_ms=$(echo "$out" | awk '/WITH candidates AS MATERIALIZED/ {print $1}')
    sql=$(sed -n '/WITH candidates/,/claimed_lease FROM claimed ORDER BY slot/p' "$HERE/churn-$design.sql" | sed 's/:project/1/g')
    buffers=$(psql -X -At "$CONN" <<SQL | awk '/Buffers: shared/ && !done {print; done = 1}' | sed 's/^ *//'
BEGIN;
INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds) VALUES (1, 'churn', '1', 3, 60);
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $sql;
ROLLBACK;
SQL
)
    printf '%-8s %10s %12s %14s   %s\n' "$design" "$accumulated" "$claim_ms" "$cpu" "$buffers"
  done
  kill "$HOLDER" 2>/dev/null || true
  psql -X -q "$CONN" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(86400)%' AND pid <> pg_backend_pid()" >/dev/null
  wait "$HOLDER" 2>/dev/null || true
  # Unobstructed, for comparison: the snapshot released and the table vacuumed.
  psql -X -q "$CONN" -c "VACUUM ANALYZE tasks, task_logs"
  PGOPTIONS="$SESSION" $PGBIN/pgbench -n -M prepared -D project=1 -c 1 -t 50 -f "$HERE/churn-$design.sql" "$db" >/dev/null 2>&1
  measure
  printf '%-8s %10s %12s %14s\n' "$design" "vacuumed" "$(echo "$out" | awk '/WITH candidates AS MATERIALIZED/ {print $1}')" "$cpu"
  if [ -n "$ROTATOR" ]; then pkill -P "$ROTATOR" 2>/dev/null || true; kill "$ROTATOR" 2>/dev/null || true; wait "$ROTATOR" 2>/dev/null || true; fi
done
