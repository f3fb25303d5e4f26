#!/usr/bin/env bash
# PostgreSQL's CPU per statement of one task, most of which a statement costs whatever its size.
# One connection with the server's session settings (db/PlannerSettings) prepares TaskSql.CLAIM
# and a completing statement, runs the loop 5 times uncounted, then N times, and prints the
# backend's utime + stime (/proc) over the N, per round. Rounds:
#   claim   a claim of one task (no completes: each round leaves one more claimed task's entry at
#           the head of tasks_claimable_idx, so keep N at a few thousand and VACUUM between runs)
#   cycle   a claim of one, a look-up of its lease (as a worker would know it), its completion
#   select  SELECT 1: what psql and the protocol cost alone
# COMPLETE: the TaskSql constant that completes (COMPLETE_ALL or COMPLETE_ALL_WITHOUT_DEPENDENTS);
# CLAIM_SQL / COMPLETE_SQL: files holding variants of the statements instead. Variants of the
# schema (triggers disabled, CHECK constraints dropped) are made on a scratch database between
# runs; see benchmarks.md, "What a statement costs PostgreSQL whatever its size".
# Run from the worktree after `mvn -o -q compile`, on the database's host, against a migrated
# database whose project 1 has N + 5 pending tasks at least.
# usage: [COMPLETE=COMPLETE_ALL] src/test/scripts/pg-statement-cpu/one-task-statements.sh <postgresql://...> <claim|cycle|select> <N>
set -euo pipefail
DB=$1; MODE=$2; N=$3
HERE=$(dirname "$0")
sql() { if [ -n "$1" ]; then cat "$1"; else java -cp target/classes "$HERE/TaskSqlText.java" "$2"; fi; }
CLAIM=$(sql "${CLAIM_SQL:-}" CLAIM)
COMPLETE=$(sql "${COMPLETE_SQL:-}" "${COMPLETE:-COMPLETE_ALL}")

round() {
  case "$MODE" in
    select) echo "SELECT 1 \\g /dev/null" ;;
    claim) echo "EXECUTE claim(1, '{}', '{w}', '{NULL}') \\g /dev/null" ;;
    cycle)
      echo "EXECUTE claim(1, '{}', '{w}', '{NULL}') \\g /dev/null"
      echo "SELECT array_agg(project_id)::text AS p, array_agg(id)::text AS i, array_agg(lease_id)::text AS l FROM (SELECT * FROM tasks WHERE status = 'claimed' AND project_id = 1 AND lease_expires_at > now() ORDER BY lease_expires_at DESC LIMIT 1) x \\gset"
      echo "EXECUTE complete(:'p', :'i', :'l', '{NULL}') \\g /dev/null" ;;
    *) echo "unknown mode $MODE" >&2; exit 2 ;;
  esac
}

F=$(mktemp /tmp/one-task-statements-XXXX.sql)
{
  echo "SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; SET jit = off;"
  echo "PREPARE claim(bigint, text[], text[], int[]) AS $CLAIM;"
  echo "PREPARE complete(bigint[], bigint[], uuid[], text[]) AS $COMPLETE;"
  echo "SELECT pg_backend_pid() AS pid \\gset"; echo "\\setenv PGPIDX :pid"
  for _ in 1 2 3 4 5; do round; done
  echo '\! awk '"'"'{print "T", $14 + $15}'"'"' /proc/$PGPIDX/stat'
  for _ in $(seq 1 "$N"); do round; done
  echo '\! awk '"'"'{print "T", $14 + $15}'"'"' /proc/$PGPIDX/stat'
} > "$F"
psql "$DB" -q -X -f "$F" 2>&1 | awk -v n="$N" -v mode="$MODE" -v us=$((1000000 / $(getconf CLK_TCK))) '
  /^T/ { t[c++] = $2 } /ERROR/ { print } END { printf "%s: %.0f us a round\n", mode, (t[1] - t[0]) * us / n }'
rm -f "$F"
