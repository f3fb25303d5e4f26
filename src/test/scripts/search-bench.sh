#!/usr/bin/env bash
# Full-text search figures (benchmarks.md, "Finding tasks: search at 1,000,000 tasks"): fills one
# project with N tasks (default 1,000,000) on the tests' embedded PostgreSQL (or TASKQ_TEST_DB_URL)
# and prints EXPLAIN (ANALYZE, BUFFERS) and timings of TaskSql.SEARCH (io.taskq.store.pg.SearchBenchmark).
# usage: src/test/scripts/search-bench.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../../.."
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.taskq.store.pg.SearchBenchmark "${1:-1000000}"
