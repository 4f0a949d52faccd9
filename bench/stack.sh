# shellcheck shell=bash
# Sourced by bench/run, bench/post-split, bench/rebuild-rate and bench/startup: the benchmarks' own
# stack, started by ./run on ports and databases of its own (never the run stack's 8080, 61616,
# write_db or read_db), and how to find its server JVM.

# bench_environment: OUT (target/bench) and the environment ./run reads: HTTP 18090, Artemis 61646,
# WildFly's management interface 20000 (BENCH_HTTP_PORT, BENCH_ARTEMIS_PORT, BENCH_MANAGEMENT_PORT
# change them), work folder target/bench/work, databases bench_write_db and bench_read_db on the
# machine's PostgreSQL, with the development roles unless the environment names others.
bench_environment() {
  OUT=$PROJECT_DIR/target/bench
  export CQRS_HTTP_PORT=${BENCH_HTTP_PORT:-18090} CQRS_ARTEMIS_PORT=${BENCH_ARTEMIS_PORT:-61646}
  export CQRS_MANAGEMENT_PORT=${BENCH_MANAGEMENT_PORT:-20000}
  export CQRS_WORK_DIR=$OUT/work
  export CQRS_WRITE_DB=bench_write_db CQRS_READ_DB=bench_read_db
  export CQRS_WRITE_USER=${CQRS_WRITE_USER:-cqrs_write} CQRS_WRITE_PASSWORD=${CQRS_WRITE_PASSWORD:-cqrs-write-dev}
  export CQRS_READ_USER=${CQRS_READ_USER:-cqrs_read} CQRS_READ_PASSWORD=${CQRS_READ_PASSWORD:-cqrs-read-dev}
  export CQRS_EVENTS_USER=${CQRS_EVENTS_USER:-cqrs_events} CQRS_EVENTS_PASSWORD=${CQRS_EVENTS_PASSWORD:-cqrs-events-dev}
}

# start_bench_stack SERVER LOG [POLL_SECONDS]: ./run --server SERVER --fresh --no-build in the
# background, its output to LOG and its pid in RUN_PID, then waits (looking every POLL_SECONDS, 1 by
# default) until ./run says "ready in N s": the application answers, not just the server's own
# readiness. Dies with LOG's tail if ./run exits first.
start_bench_stack() {
  local server=$1 runlog=$2 poll=${3:-1}
  ./run --server "$server" --fresh --no-build >"$runlog" 2>&1 &
  RUN_PID=$!
  until grep -q '\] ready in [0-9]* s' "$runlog"; do
    kill -0 "$RUN_PID" 2>/dev/null || { tail -20 "$runlog" >&2; die "./run failed"; }
    sleep "$poll"
  done
}

# server_jvm_pid SERVER: the pid of the bench stack's application server JVM (on WildFly the JVM
# that standalone.sh started, from the pid file it wrote).
server_jvm_pid() {
  if [ "$1" = payara ]; then
    pgrep -f "payara-micro.jar .*--port $CQRS_HTTP_PORT" | head -1
  else
    cat "$CQRS_WORK_DIR/wildfly-base/wildfly.pid"
  fi
}
