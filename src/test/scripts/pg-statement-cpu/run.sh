#!/usr/bin/env bash
# PostgreSQL's CPU per task of the claim and of the batch complete, each measured alone: one
# connection with the server's session settings (db/PlannerSettings) prepares TaskSql.CLAIM and
# TaskSql.COMPLETE_ALL, then runs ROUNDS rounds of a claim of B tasks (slots for 8 workers) and a
# complete of those B tasks, reading the backend's utime + stime from /proc around each statement.
# Run from the worktree after `mvn -o -q compile`, against a migrated database whose project 1 has
# pending tasks (B * (ROUNDS + 3) at least; the server's own database, or one made with
# `TASKQ_DB_URL=... java -jar target/taskq.jar migrate` and an INSERT of tasks), on the same host
# (it reads /proc/<backend pid>). CLAIM_SQL / COMPLETE_SQL: files holding variants of the statements.
# usage: [B=100] src/test/scripts/pg-statement-cpu/run.sh <postgresql://...> <rounds>
set -euo pipefail
DB=$1; N=$2; B=${B:-100}
HERE=$(dirname "$0")
CLAIM=$(if [ -n "${CLAIM_SQL:-}" ]; then cat "$CLAIM_SQL"; else java -cp target/classes "$HERE/TaskSqlText.java" CLAIM; fi)
COMPLETE=$(if [ -n "${COMPLETE_SQL:-}" ]; then cat "$COMPLETE_SQL"; else java -cp target/classes "$HERE/TaskSqlText.java" COMPLETE_ALL; fi)
F=$(mktemp /tmp/pg-statement-cpu-XXXX.sql)
tick='\! awk '"'"'{print "T", $14+$15}'"'"' /proc/$PGPIDX/stat'
{
echo "SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; SET jit = off;"
echo "PREPARE claim(bigint, text[], text[], int[]) AS $CLAIM;"
echo "PREPARE complete(bigint[], bigint[], uuid[], text[]) AS $COMPLETE;"
echo "SELECT array_agg('w' || (g % 8))::text AS w, array_fill(NULL::int, ARRAY[$B])::text AS n, array_fill(NULL::text, ARRAY[$B])::text AS r FROM generate_series(1,$B) g \\gset"
echo "SELECT pg_backend_pid() AS pid \\gset"; echo "\\setenv PGPIDX :pid"
for i in $(seq 1 $((N + 3))); do
 [ $i -gt 3 ] && echo "$tick"
 echo "EXECUTE claim(1, '{}', :'w', :'n') \\g /dev/null"
 [ $i -gt 3 ] && echo "$tick"
 echo "SELECT array_agg(project_id)::text AS p, array_agg(id)::text AS i, array_agg(lease_id)::text AS l FROM (SELECT * FROM tasks WHERE status = 'claimed' AND project_id = 1 ORDER BY id LIMIT $B) x \\gset"
 [ $i -gt 3 ] && echo "$tick"
 echo "EXECUTE complete(:'p', :'i', :'l', :'r') \\g /dev/null"
 [ $i -gt 3 ] && echo "$tick"
done
} > $F
psql "$DB" -q -X -f $F 2>&1 | awk -v n=$N -v b=$B -v us=$((1000000 / $(getconf CLK_TCK))) '
  /^T/ { k = (c++ % 4); v[k] = $2; if (k == 1) claim += v[1] - v[0]; if (k == 3) complete += v[3] - v[2]; }
  /ERROR/ { print }
  END { printf "claim %.1f us/task, complete %.1f us/task, sum %.1f\n", claim*us/(n*b), complete*us/(n*b), (claim+complete)*us/(n*b) }'
rm -f $F
