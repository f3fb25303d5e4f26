#!/usr/bin/env bash
# Adds N tasks that are created, claimed and completed (in batches of 10,000, each step its own
# transaction, as taskq's statements would leave them) to database DB, behind whatever snapshot is
# held: each leaves a dead entry at the head of the claim index that no VACUUM can remove while
# the snapshot lives. With ready-ring.sql applied, its triggers keep task_ready in step (the ready
# rows of the claimed tasks die as the claim's do, in one slot or another).
# usage: accumulate.sh <psql connection string> <N>
set -euo pipefail
CONN=$1; N=$2
for ((done = 0; done < N; done += 10000)); do
  n=$(( N - done < 10000 ? N - done : 10000 ))
  psql -X -q -v ON_ERROR_STOP=1 "$CONN" >/dev/null <<SQL
CREATE TEMP TABLE batch AS SELECT id FROM tasks LIMIT 0;
WITH i AS (INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds)
           SELECT 1, 'churn', '1', 3, 60 FROM generate_series(1, $n) RETURNING id)
INSERT INTO batch SELECT id FROM i;
UPDATE tasks t SET status = 'claimed', worker_id = 'w0', lease_id = gen_random_uuid(), claimed_at = now(),
                   lease_expires_at = now() + interval '60 s', attempts = 1, updated_at = now()
  FROM batch b WHERE t.id = b.id;
UPDATE tasks t SET status = 'completed', completed_at = now(), lease_expires_at = NULL, updated_at = now()
  FROM batch b WHERE t.id = b.id;
SQL
done
