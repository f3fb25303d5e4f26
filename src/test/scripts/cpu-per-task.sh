#!/usr/bin/env bash
# CPU per task, for one build: start it on its own embedded PostgreSQL, load it for PREWARM
# seconds (uncounted, so the JIT has settled), then measure a window of each of SCENARIOS
# (default claim-complete, create), sampling from /proc every second the utime+stime of the taskq
# JVM and of PostgreSQL (the postmaster and its children: the backends do the statements' work).
# usage: src/test/scripts/cpu-per-task.sh <server jar> <label> <port>   (BENCH_JAR: the jar whose bench drives it, default target/taskq.jar; JAVA_OPTS: the server JVM's extra options)
# Interleave builds (before, after, before, after) and compare cpu_us_per_task: it moves far less
# between runs on a shared machine than tasks/s does.
set -euo pipefail
JAR=$1; LABEL=$2; PORT=$3
PREWARM=${PREWARM:-120}; DURATION=${DURATION:-30}; WORKERS=${WORKERS:-32}; SCENARIOS=${SCENARIOS:-claim-complete create}
KEY=tq_bench_ab_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
DATA=$(mktemp -d /tmp/taskq-ab-XXXX)
TASKQ_DATA_DIR=$DATA TASKQ_HTTP_PORT=$PORT TASKQ_ADMIN_KEY=$KEY java ${JAVA_OPTS:-} -Xmx192m -XX:+UseSerialGC -jar "$JAR" > "$DATA/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for i in $(seq 1 120); do curl -sf localhost:$PORT/health/ready >/dev/null && break; sleep 0.5; done
ticks() { awk '{print $14+$15}' /proc/$PID/stat; }
# The embedded PostgreSQL's postmaster (first line of postmaster.pid under the data directory) and every process it forked.
PGPID=$(head -1 "$(find "$DATA" -name postmaster.pid | head -1)")
pgticks() { cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$PGPID" '$1 == p || $4 == p {s += $14 + $15} END {print s + 0}'; }
HZ=$(getconf CLK_TCK)
BENCH="java -jar ${BENCH_JAR:-target/taskq.jar} bench --url http://localhost:$PORT --key $KEY --workers $WORKERS"
# PREWARM seconds of load in all, shared by the scenarios (the bench runs each for --duration).
COUNT=$(echo $SCENARIOS | wc -w)
$BENCH --scenarios "$(echo $SCENARIOS | tr ' ' ',')" --duration $((PREWARM/COUNT)) --warmup 0 --prewarm 0 > "$DATA/prewarm.txt" 2>&1
# The server's CPU is sampled every second; a run's measured window is its last DURATION seconds
# (prefill and setup come before it), of which the middle is used.
( while kill -0 $PID 2>/dev/null; do echo "$(date +%s.%N) $(ticks) $(pgticks)"; sleep 1; done ) > "$DATA/cpu.txt" &
SAMPLER=$!
for scenario in $SCENARIOS; do
  $BENCH --scenarios $scenario --duration $DURATION --warmup 2 --prewarm 0 --out "$DATA/$scenario.json" > "$DATA/$scenario.txt" 2>&1
  end=$(date +%s.%N)
  python3 - "$DATA/$scenario.json" "$DATA/cpu.txt" "$end" "$DURATION" "$HZ" "$LABEL" "$scenario" <<'PY'
import json, sys
result, cpu, end, duration, hz, label, scenario = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7]
run = json.load(open(result))["runs"][0]
samples = [tuple(map(float, l.split())) for l in open(cpu) if len(l.split()) == 3]
lo, hi = end - duration + 3, end - 2
window = [s for s in samples if lo <= s[0] <= hi]
seconds = window[-1][0] - window[0][0]
cpu_per_second = (window[-1][1] - window[0][1]) / hz / seconds
per_task_us = cpu_per_second / run["tasks_per_second"] * 1e6
pg_per_task_us = (window[-1][2] - window[0][2]) / hz / seconds / run["tasks_per_second"] * 1e6
print(f"{label} {scenario} workers={run['workers']} tasks/s={run['tasks_per_second']:.0f} p50={run['p50_ms']:.1f}ms p99={run['p99_ms']:.1f}ms server_cpu={cpu_per_second*100:.0f}% cpu_us_per_task={per_task_us:.0f} pg_cpu_us_per_task={pg_per_task_us:.0f} errors={run['errors']}")
PY
done
kill $SAMPLER
