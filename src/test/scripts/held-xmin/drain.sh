#!/usr/bin/env bash
# Per-claim cost while a prefilled backlog is drained behind a held REPEATABLE READ snapshot (the
# shape of bench's churn: prefill, then claim -> complete): the current claim, the ready ring
# (ready-ring.sql) and the ready log (ready-log.sql). Same scratch PostgreSQL as run.sh (start it
# with run.sh first, or set it up the same way).
# usage: drain.sh <taskq jar> [design ...]     designs: current ready log (default all)
# Env: PORT (55441), BACKLOG (500000 tasks prefilled), POINTS ("0 50000 200000 450000": tasks
# drained by bulk updates before each measurement), SECS (15).
# Each point: pgbench, one client, drain-<design>.sql (claim one, complete it) for SECS seconds:
# the claim's mean latency, PostgreSQL CPU per claim-complete, the buffers one claim touches.
set -euo pipefail
JAR=$(realpath "$1"); shift
DESIGNS=${*:-current ready log}
HERE=$(cd "$(dirname "$0")" && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}; PORT=${PORT:-55441}
BACKLOG=${BACKLOG:-500000}; POINTS=${POINTS:-0 50000 200000 450000}; SECS=${SECS:-15}
DATA=/tmp/hx-pg-$PORT
export PGHOST=/tmp PGPORT=$PORT PGUSER=pgrun
HZ=$(getconf CLK_TCK)
PGPID=$(head -1 "$DATA/postmaster.pid")
pgticks() { { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v p="$PGPID" '$1 == p {s += $14 + $15 + $16 + $17} $4 == p {s += $14 + $15} END {print s + 0}'; }
SESSION="-c plan_cache_mode=force_generic_plan -c enable_seqscan=off -c jit=off"
for design in $DESIGNS; do
  db=hx_drain_$design
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  TASKQ_DB_URL="postgresql://pgrun:x@localhost:$PORT/$db" java -jar "$JAR" migrate >/dev/null
  CONN="host=/tmp port=$PORT user=pgrun dbname=$db"
  psql -X -q "$CONN" -c "INSERT INTO projects (id, name) VALUES (1, 'held-xmin')"
  [ "$design" = ready ] && psql -X -q -v ON_ERROR_STOP=1 "$CONN" -f "$HERE/ready-ring.sql"
  [ "$design" = log ] && psql -X -q -v ON_ERROR_STOP=1 "$CONN" -f "$HERE/ready-log.sql"
  # The backlog, in claim order by id (run_at one millisecond apart, in the past).
  psql -X -q -v ON_ERROR_STOP=1 "$CONN" -c "INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds, run_at)
    SELECT 1, 'churn', '1', 3, 60, now() - interval '2 hours' + g * interval '1 ms' FROM generate_series(1, $BACKLOG) g"
  [ "$design" = log ] && psql -X -q "$CONN" -c "INSERT INTO ready_log SELECT row_number() OVER (ORDER BY id), 1, id FROM tasks"
  psql -X -q "$CONN" -c "VACUUM ANALYZE tasks"
  ROTATOR=
  if [ "$design" = ready ]; then
    ( while :; do echo "SELECT taskq_ready_rotate(20000);"; sleep 0.5; done | psql -X -q -t "$CONN" >/dev/null 2>&1 ) &
    ROTATOR=$!
  fi
  psql -X -q "$CONN" -c "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM projects; SELECT pg_sleep(86400);" >/dev/null 2>&1 &
  HOLDER=$!
  sleep 1
  first=$(psql -X -At "$CONN" -c "SELECT min(id) FROM tasks")
  printf '%-8s %10s %12s %14s   %s\n' design drained claim_ms pg_cpu_us_tx buffers
  drained=0
  for point in $POINTS; do
    # Drain to the point: the next tasks in claim order claimed, then completed, 10,000 at a time
    # (the measurements' own claims come off the head first, so count from the lowest pending id).
    while [ "$drained" -lt "$point" ]; do
      n=$(( point - drained < 10000 ? point - drained : 10000 ))
      lo=$(psql -X -At "$CONN" -c "SELECT min(id) FROM tasks WHERE id >= $first AND status = 'pending'")
      psql -X -q -v ON_ERROR_STOP=1 "$CONN" >/dev/null <<SQL
UPDATE tasks SET status = 'claimed', worker_id = 'w0', lease_id = gen_random_uuid(), claimed_at = now(),
                 lease_expires_at = now() + interval '60 s', attempts = 1, updated_at = now()
 WHERE id >= $lo AND id < $lo + $n AND status = 'pending';
UPDATE tasks SET status = 'completed', completed_at = now(), lease_expires_at = NULL, updated_at = now()
 WHERE id >= $lo AND id < $lo + $n AND status = 'claimed';
SQL
      [ "$design" = log ] && psql -X -q "$CONN" -c "SELECT setval('ready_log_cursor', (SELECT max(seq) FROM ready_log g JOIN tasks t ON t.id = g.task_id WHERE t.status <> 'pending'))" >/dev/null
      first=$lo
      drained=$(( drained + n ))
    done
    PGOPTIONS="$SESSION" $PGBIN/pgbench -n -M prepared -D project=1 -c 1 -t 50 -f "$HERE/drain-$design.sql" "$db" >/dev/null 2>&1
    before=$(pgticks)
    out=$(PGOPTIONS="$SESSION" $PGBIN/pgbench -n -M prepared -r -D project=1 -c 1 -T "$SECS" -f "$HERE/drain-$design.sql" "$db" 2>&1)
    sleep 0.3; after=$(pgticks)
    tx=$(echo "$out" | awk '/number of transactions actually processed/ {print $NF}')
    sql=$(sed -n '/WITH candidates/,/claimed_lease FROM claimed ORDER BY slot/p' "$HERE/drain-$design.sql" | sed 's/:project/1/g')
    buffers=$(psql -X -At "$CONN" <<SQL | awk '/Buffers: shared/ && !done {print; done = 1}' | sed 's/^ *//'
BEGIN;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $sql;
ROLLBACK;
SQL
)
    printf '%-8s %10s %12s %14s   %s\n' "$design" "$drained+$tx" "$(echo "$out" | awk '/WITH candidates AS MATERIALIZED/ {print $1}')" \
      $(( (after - before) * 1000000 / HZ / tx )) "$buffers"
    drained=$(( drained + tx + 50 ))
  done
  kill "$HOLDER" 2>/dev/null || true
  psql -X -q "$CONN" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(86400)%' AND pid <> pg_backend_pid()" >/dev/null
  wait "$HOLDER" 2>/dev/null || true
  if [ -n "$ROTATOR" ]; then pkill -P "$ROTATOR" 2>/dev/null || true; kill "$ROTATOR" 2>/dev/null || true; wait "$ROTATOR" 2>/dev/null || true; fi
done
