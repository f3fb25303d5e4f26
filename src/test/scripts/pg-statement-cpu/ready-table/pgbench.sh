#!/usr/bin/env bash
# Throughput of the claim -> complete loop in PostgreSQL alone, no HTTP: pgbench runs CLIENTS
# clients, each claiming B tasks and completing them in a loop (as taskq's coalescers send one
# claim and one completion statement at a time, B to a statement), for DURATION seconds, and prints tasks a
# second. VARIANT: shipped (TaskSql.CLAIM and COMPLETE_ALL_WITHOUT_DEPENDENTS on public.tasks),
# reshaped (this folder's claim.sql and complete.sql on schema.sql's tables), or reshaped-audited
# (the same with the shipped statements' log and counter CTEs). Run from the worktree after
# `mvn -o -q compile`, against a scratch database migrated by taskq whose project 1 has enough
# pending tasks (public.tasks) or ready rows (schema.sql) for the run; VACUUM between runs.
# usage: [B=500 CLIENTS=2 DURATION=15] src/test/scripts/pg-statement-cpu/ready-table/pgbench.sh <postgresql://...> <shipped|reshaped|reshaped-audited>
set -euo pipefail
DB=$1; VARIANT=$2; B=${B:-500}; CLIENTS=${CLIENTS:-2}; DURATION=${DURATION:-15}
HERE=$(dirname "$0"); UP=$HERE/..
shipped() { java -cp target/classes "$UP/TaskSqlText.java" "$1" > "$2"; }
T=$(mktemp -d /tmp/ready-table-pgbench-XXXX)
shipped CLAIM "$T/claim.sql"; shipped COMPLETE_ALL_WITHOUT_DEPENDENTS "$T/complete.sql"
case "$VARIANT" in
  shipped) CLAIM=$T/claim.sql; COMPLETE=$T/complete.sql; OPTIONS="" ;;
  reshaped) CLAIM=$HERE/claim.sql; COMPLETE=$HERE/complete.sql; OPTIONS="-c search_path=proto,public" ;;
  reshaped-audited)
    "$UP/with-ctes-of.py" "$T/claim.sql" "$HERE/claim.sql" logged counted seen > "$T/rclaim.sql"
    "$UP/with-ctes-of.py" "$T/complete.sql" "$HERE/complete.sql" logged counted seen > "$T/rcomplete.sql"
    CLAIM=$T/rclaim.sql; COMPLETE=$T/rcomplete.sql; OPTIONS="-c search_path=proto,public" ;;
  *) echo "unknown variant $VARIANT" >&2; exit 2 ;;
esac
# One pgbench transaction: the claim, its ids and leases kept with \gset, their completion.
python3 - "$CLAIM" "$COMPLETE" "$B" > "$T/loop.sql" <<'PY'
import re, sys
claim, complete, b = open(sys.argv[1]).read(), open(sys.argv[2]).read(), int(sys.argv[3])
workers = "'{" + ",".join("w%d" % (i % 8) for i in range(b)) + "}'"
nulls = "'{" + ",".join(["NULL"] * b) + "}'"
claim = re.sub(r"^--.*\n", "", claim).replace("$1", "1").replace("$2::text[]", "'{}'::text[]") \
    .replace("$3::text[]", workers + "::text[]").replace("$4::int[]", nulls + "::int[]") \
    .replace("SELECT * FROM claimed ORDER BY slot",
             "SELECT array_agg(project_id)::text AS ps, array_agg(id)::text AS ids, array_agg(lease_id)::text AS leases FROM claimed")
complete = re.sub(r"^--.*\n", "", complete).replace("$1::bigint[]", ":ps::bigint[]").replace("$2::bigint[]", ":ids::bigint[]") \
    .replace("$3::uuid[]", ":leases::uuid[]").replace("$4::text[]", nulls + "::text[]")
print(claim.rstrip() + " \\gset")
print(complete.rstrip() + ";")
PY
OUT=$(PGOPTIONS="$OPTIONS" pgbench "$DB" -n -M prepared -c "$CLIENTS" -j "$CLIENTS" -T "$DURATION" -f "$T/loop.sql" 2>&1)
N=$(echo "$OUT" | grep -o "actually processed: [0-9]*" | grep -o "[0-9]*$")
FAILED=$(echo "$OUT" | grep -c "ERROR" || true)
echo "$VARIANT: $B tasks a statement, $CLIENTS clients, $DURATION s: $((N * B / DURATION)) tasks/s ($N loops, $FAILED errors)"
rm -rf "$T"
