#!/usr/bin/env bash
# First figures of the transport, against a running ./run stack (issue 4 replaces this with the
# full harness). Needs wrk (apt-get install wrk). Prints what docs/design-decisions.md quotes.
# Payara Micro's ./run only (it asks 8080 for readiness; WildFly serves it on 9990).
#   bench/transport-figures.sh [orders-for-lag=1000] [seconds-per-load=20]
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=http://localhost:8080
ORDERS=${1:-1000} SECONDS_PER_LOAD=${2:-20}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
curl -fsS "$BASE/health/ready" >/dev/null || { echo "the stack is not ready: start ./run first" >&2; exit 1; }

export BENCH_TOKEN=${BENCH_TOKEN:-$(scripts/token bench-admin admin --ttl 86400)}
id_of() { sed -E 's/.*_id":"([^"]+)".*/\1/'; }
product=$(curl -s "$BASE/products" -H "Authorization: Bearer $BENCH_TOKEN" -H 'Content-Type: application/json' -d '{"name":"Bench beans","price":12.50}' | id_of)
user=$(curl -s "$BASE/users" -H "Authorization: Bearer $BENCH_TOKEN" -H 'Content-Type: application/json' -d "{\"email\":\"bench-$RANDOM$RANDOM@example.com\"}" | id_of)
script=$(mktemp --suffix=.lua)
trap 'rm -f "$script"' EXIT
cat >"$script" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $BENCH_TOKEN"
wrk.body = '{"user_id":"$user","product_id":"$product","quantity":1}'
done = function(summary, latency, requests)
  io.write(string.format("  non-2xx: %d, p50 %.1f ms, p99 %.1f ms\n", summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
outbox() { runuser -u postgres -- psql -X -q -A -t -d "${CQRS_WRITE_DB:-write_db}" -c 'SELECT count(*) FROM outbox'; }
load() { wrk -t"$(( $1 < 2 ? 1 : 2 ))" -c"$1" -d"${SECONDS_PER_LOAD}s" -s "$script" "$BASE/orders" | grep -E 'Requests/sec|non-2xx'; }

echo "== 201 -> view visible, $ORDERS orders one at a time"
java bench/ViewLag.java lag "$ORDERS" "$BASE"
echo "== POST /orders, 1 connection"; load 1
echo "== POST /orders, 8 connections"; load 8
artemis=$(pgrep -f "artemis.instance=$PWD/work/artemis" | head -1)
echo "== POST /orders, 8 connections, broker paused (SIGSTOP $artemis): the command path alone"
kill -STOP "$artemis"
load 8 || true
echo "  waiting in the outbox: $(outbox) events"
kill -CONT "$artemis"
start=$(date +%s%N)
while [ "$(outbox)" != 0 ]; do sleep 0.2; done
echo "  outbox drained $(( ($(date +%s%N) - start) / 1000000 )) ms after the broker resumed"
