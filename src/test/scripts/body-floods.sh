#!/usr/bin/env bash
# Bodies against the heap, for one build under README's -Xmx192m and the serial collector, each
# step on a fresh server and its own embedded PostgreSQL:
#   1. four concurrent bulk requests of 6,000 tasks (about 10 MB each);
#   2. two concurrent bulk requests of 10,000 tasks (about 16.9 MB each);
#   3. 250 connections without an API key, each sending a body of just under 1 MiB and holding
#      the connection for 8 s.
# For each: the answers' status codes, the OutOfMemoryErrors in the server's log, the collector's
# largest heap after a full collection, and whether /health/live answers within 5 s (during the
# flood for step 3, and after each step).
# usage: src/test/scripts/body-floods.sh <server jar> <port>      (needs curl and python3)
set -uo pipefail
JAR=$1; PORT=$2
KEY=tq_floods_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
WORK=$(mktemp -d /tmp/taskq-floods-XXXX)
trap 'pkill -f "$WORK/data" 2>/dev/null; rm -rf "$WORK"' EXIT

bulk_body() { # tasks, description length
  python3 -c 'import json,sys; n,s=int(sys.argv[1]),int(sys.argv[2]); print(json.dumps({"tasks":[{"title":"t%d"%i,"description":"x"*s} for i in range(n)]}))' "$1" "$2"
}
bulk_body 6000 1650 > "$WORK/10mb.json"
bulk_body 10000 1650 > "$WORK/17mb.json"

start() {
  rm -rf "$WORK/data" "$WORK/gc.log"
  TASKQ_DATA_DIR=$WORK/data TASKQ_HTTP_PORT=$PORT TASKQ_ADMIN_KEY=$KEY \
    java -Xmx192m -XX:+UseSerialGC -Xlog:gc:file=$WORK/gc.log -jar "$JAR" > "$WORK/server.log" 2>&1 &
  PID=$!
  for i in $(seq 1 240); do curl -sf localhost:$PORT/health/ready >/dev/null && break; sleep 0.5; done
  PROJECT=$(curl -s -XPOST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    localhost:$PORT/projects -d '{"name":"floods"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
}

report() {
  echo "  OutOfMemoryErrors logged: $(grep -c OutOfMemoryError "$WORK/server.log")"
  echo "  largest heap after a full collection: $(grep 'Pause Full' "$WORK/gc.log" | sed -E 's/.*->([0-9]+)M.*/\1/' | sort -n | tail -1) MB"
  echo "  /health/live: $(curl -s -m 5 -o /dev/null -w '%{http_code}' localhost:$PORT/health/live || true)"
  kill $PID 2>/dev/null; wait $PID 2>/dev/null
}

concurrent_bulks() { # count, file
  for i in $(seq 1 "$1"); do
    curl -s -m 120 -o /dev/null -w "%{http_code} in %{time_total} s\n" -XPOST -H "Authorization: Bearer $KEY" \
      -H 'Content-Type: application/json' --data-binary @"$WORK/$2" localhost:$PORT/projects/$PROJECT/tasks:bulk &
  done
  wait
}

echo "1. four concurrent bulks of $(stat -c %s "$WORK/10mb.json") bytes"
start; concurrent_bulks 4 10mb.json | sed 's/^/  /'; report
echo "2. two concurrent bulks of $(stat -c %s "$WORK/17mb.json") bytes"
start; concurrent_bulks 2 17mb.json | sed 's/^/  /'; report
echo "3. 250 connections without a key, a body of just under 1 MiB each"
start
python3 - "$PORT" <<'EOF' | sed 's/^/  /'
import socket, sys, time
port = int(sys.argv[1]); size = 1024 * 1024 - 100
body = b'{"name":"' + b'x' * (size - 20)
socks = []
for i in range(250):
    s = socket.create_connection(("localhost", port))
    s.sendall(b"POST /projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % size)
    socks.append(s)
answered = {}
for s in socks:
    s.settimeout(0.05)
    try:
        s.sendall(body)
    except OSError:
        pass
time.sleep(2)
probe = socket.create_connection(("localhost", port))
probe.settimeout(5)
probe.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
try:
    print("/health/live during the flood:", probe.recv(64).split(b" ")[1].decode())
except (OSError, IndexError):
    print("/health/live during the flood: no answer within 5 s")
probe.close()
time.sleep(6)
for s in socks:
    try:
        s.settimeout(0.5)
        status = s.recv(64).split(b" ")[1].decode()
    except (OSError, IndexError):
        status = "none"
    answered[status] = answered.get(status, 0) + 1
    s.close()
print("answers by status:", dict(sorted(answered.items())))
EOF
report
