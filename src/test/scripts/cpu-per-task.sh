#!/usr/bin/env bash
# CPU of the taskq JVM per task, for one build: start it on its own embedded PostgreSQL, load it
# for PREWARM seconds (uncounted, so the JIT has settled), then measure a claim-complete and a
# create window, sampling the server's utime+stime from /proc every second.
# usage: src/test/scripts/cpu-per-task.sh <server jar> <label> <port>   (BENCH_JAR: the jar whose bench drives it, default target/taskq.jar)
# Interleave builds (before, after, before, after) and compare cpu_us_per_task: it moves far less
# between runs on a shared machine than tasks/s does.
set -euo pipefail
JAR=$1; LABEL=$2; PORT=$3
PREWARM=${PREWARM:-120}; DURATION=${DURATION:-30}; WORKERS=${WORKERS:-32}
KEY=tq_bench_ab_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
DATA=$(mktemp -d /tmp/taskq-ab-XXXX)
TASKQ_DATA_DIR=$DATA TASKQ_HTTP_PORT=$PORT TASKQ_ADMIN_KEY=$KEY java -Xmx192m -jar "$JAR" > "$DATA/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for i in $(seq 1 120); do curl -sf localhost:$PORT/health/ready >/dev/null && break; sleep 0.5; done
ticks() { awk '{print $14+$15}' /proc/$PID/stat; }
HZ=$(getconf CLK_TCK)
BENCH="java -jar ${BENCH_JAR:-target/taskq.jar} bench --url http://localhost:$PORT --key $KEY --workers $WORKERS"
$BENCH --scenarios claim-complete,create --duration $((PREWARM/2)) --warmup 0 --prewarm 0 > "$DATA/prewarm.txt" 2>&1
# The server's CPU is sampled every second; a run's measured window is its last DURATION seconds
# (prefill and setup come before it), of which the middle is used.
( while kill -0 $PID 2>/dev/null; do echo "$(date +%s.%N) $(ticks)"; sleep 1; done ) > "$DATA/cpu.txt" &
SAMPLER=$!
for scenario in claim-complete create; do
  $BENCH --scenarios $scenario --duration $DURATION --warmup 2 --prewarm 0 --out "$DATA/$scenario.json" > "$DATA/$scenario.txt" 2>&1
  end=$(date +%s.%N)
  python3 - "$DATA/$scenario.json" "$DATA/cpu.txt" "$end" "$DURATION" "$HZ" "$LABEL" "$scenario" <<'PY'
import json, sys
result, cpu, end, duration, hz, label, scenario = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7]
run = json.load(open(result))["runs"][0]
samples = [tuple(map(float, l.split())) for l in open(cpu) if len(l.split()) == 2]
lo, hi = end - duration + 3, end - 2
window = [s for s in samples if lo <= s[0] <= hi]
seconds = window[-1][0] - window[0][0]
cpu_per_second = (window[-1][1] - window[0][1]) / hz / seconds
per_task_us = cpu_per_second / run["tasks_per_second"] * 1e6
print(f"{label} {scenario} workers={run['workers']} tasks/s={run['tasks_per_second']:.0f} p50={run['p50_ms']:.1f}ms p99={run['p99_ms']:.1f}ms server_cpu={cpu_per_second*100:.0f}% cpu_us_per_task={per_task_us:.0f} errors={run['errors']}")
PY
done
kill $SAMPLER
