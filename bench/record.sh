# shellcheck shell=bash
# Sourced by bench/run, bench/rebuild-rate, scripts/fault-report, scripts/fault-mutations and
# scripts/test-mutations: the file (bench/results/, docs/results/) where each run keeps its
# command, commit, machine and raw output (the docs quote figures from these files only).
# Every probe of the machine falls back to "unknown": writing the record must not fail a run (CI runs
# the harness in a fresh clone, possibly without git metadata or /proc/cpuinfo's model name).

RECORD_STARTED=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
RECORD_LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# record_path NAME [DIR]: DIR (bench/results)/<UTC date>-<short commit>-NAME.md, with -2, -3... if that is taken
record_path() {
  local dir=${2:-$PROJECT_DIR/bench/results} base path n=1
  mkdir -p "$dir"
  base=$dir/$(date -u +%Y-%m-%d)-$(git -C "$PROJECT_DIR" rev-parse --short HEAD 2>/dev/null || echo nocommit)-$1
  path=$base.md
  while [ -e "$path" ]; do n=$((n + 1)); path=$base-$n.md; done
  echo "$path"
}

# record_env VAR...: "VAR=value " for each VAR set and not empty: the environment that changes what a run
# measures, to put in front of its command in the record
record_env() {
  local var
  for var in "$@"; do
    [ -n "${!var:-}" ] && printf '%s=%s ' "$var" "${!var}"
  done
  return 0
}

# record_header TITLE COMMAND: the record's heading and its command, commit, machine and date lines
record_header() {
  local commit dirty='' cpu os
  commit=$(git -C "$PROJECT_DIR" rev-parse HEAD 2>/dev/null || echo unknown)
  if [ "$commit" != unknown ] && ! git -C "$PROJECT_DIR" diff --quiet HEAD 2>/dev/null; then
    dirty=" (with uncommitted changes: $(git -C "$PROJECT_DIR" diff --stat HEAD 2>/dev/null | tail -1 | sed 's/^ *//'))"
  fi
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | sort | uniq -c | awk '{n = $1; $1 = ""; printf "%s%d x%s", (NR > 1) ? "; " : "", n, $0}')
  os=$(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release 2>/dev/null)
  echo "# $1"
  echo
  echo "- command: \`$2\` (in a checkout at $PROJECT_DIR)"
  echo "- commit: $commit$dirty"
  echo "- machine: $(hostname 2>/dev/null || echo unknown), $(nproc 2>/dev/null || echo '?') cores (nproc), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null || echo '? GiB') memory, CPU ${cpu:-unknown} (/proc/cpuinfo), kernel $(uname -sr 2>/dev/null || echo unknown), ${os:-unknown OS}"
  echo "- software: $(java -version 2>&1 | sed -n 1p), PostgreSQL $("$PG_BIN/postgres" --version 2>/dev/null | awk '{print $3}')${3:+, $3}"
  echo "- date: $RECORD_STARTED to ${RECORD_ENDED:-$(date -u '+%Y-%m-%d %H:%M:%S UTC')}; load average at the start: $RECORD_LOAD (/proc/loadavg: 1, 5, 15 min)"
}

# record_output NAME COMMAND SOFTWARE OUTPUT: the record of a script's run in docs/results/ (the
# header, then the file OUTPUT, what the script printed, without colour codes), Maven's version
# added to SOFTWARE; prints the record's path.
record_output() {
  local record maven
  maven=$(mvn -v 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | sed -n '1s/^Apache Maven \([^ ]*\).*/\1/p')
  RECORD_ENDED=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
  record=$(record_path "$1" "$PROJECT_DIR/docs/results")
  {
    record_header "Raw output: $2" "$2" "$3, Maven ${maven:-unknown}"
    printf '\n```\n%s\n```\n' "$(sed 's/\x1b\[[0-9;]*m//g' "$4")"
  } >"$record"
  echo "$record"
}
