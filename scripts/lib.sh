# Shared shell functions of ./run, scripts/test-stack and bench/run: start PostgreSQL, create the
# two databases and their roles, start Artemis. Sourced, not executed.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
ARTEMIS_VERSION=2.40.0
WILDFLY_VERSION=39.0.1.Final

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Runs a command as the postgres OS user (initdb, pg_ctl and peer-authenticated psql refuse root).
as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

# wait_for_port HOST PORT SECONDS [PID]: waits until something accepts connections, or fails
# early when PID (the process that should be listening) has died.
wait_for_port() {
  local host=$1 port=$2 seconds=$3 pid=${4:-}
  local deadline=$((SECONDS + seconds))
  while ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# psql_admin SOCKET_DIR PORT SQL...: runs SQL as the postgres superuser over the Unix socket.
psql_admin() {
  local socket_dir=$1 port=$2; shift 2
  as_postgres "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port" -d postgres "$@"
}

# Starts the machine's own cluster (the run stack's). pg_ctlcluster exits 2 when it already runs.
start_system_postgres() {
  local rc=0 out
  out=$(pg_ctlcluster 15 main start 2>&1) || rc=$?
  [ $rc -eq 0 ] || [ $rc -eq 2 ] || die "could not start PostgreSQL 15 (pg_ctlcluster exit $rc): $out"
  local i
  for i in $(seq 1 50); do
    as_postgres "$PG_BIN/pg_isready" -q -h /var/run/postgresql -p 5432 && return 0
    sleep 0.2
  done
  die "PostgreSQL on port 5432 did not become ready"
}

# provision_databases SOCKET_DIR PORT: creates (or updates) the two roles and databases named by
# CQRS_WRITE_DB, CQRS_WRITE_USER, CQRS_WRITE_PASSWORD and CQRS_READ_*, and the event store's
# read-only role CQRS_EVENTS_USER / CQRS_EVENTS_PASSWORD. Each database is reachable
# by its own role only: CONNECT is revoked from PUBLIC, so neither side can open the other's database.
provision_databases() {
  local socket_dir=$1 port=$2
  local side db user password
  for side in WRITE READ; do
    db=$(eval echo "\$CQRS_${side}_DB"); user=$(eval echo "\$CQRS_${side}_USER")
    password=$(eval echo "\$CQRS_${side}_PASSWORD")
    psql_admin "$socket_dir" "$port" -v role="$user" -v pw="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'role', :'pw') \gexec
SQL
    psql_admin "$socket_dir" "$port" -v db="$db" -v role="$user" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SQL
  done
  # The event store's read-only role (CQRS_EVENTS_USER): may connect to the write database; the
  # application grants it SELECT on the event store's tables when it migrates them.
  psql_admin "$socket_dir" "$port" -v role="$CQRS_EVENTS_USER" -v pw="$CQRS_EVENTS_PASSWORD" -v db="$CQRS_WRITE_DB" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'role', :'pw') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'db', :'role') \gexec
SQL
}

# drop_databases SOCKET_DIR PORT: removes both databases (for a fresh start).
drop_databases() {
  local socket_dir=$1 port=$2 side db
  for side in WRITE READ; do
    db=$(eval echo "\$CQRS_${side}_DB")
    psql_admin "$socket_dir" "$port" -v db="$db" <<'SQL'
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'db') \gexec
SQL
  done
}

# ensure_artemis_instance HOME_DIR INSTANCE_DIR USER PASSWORD: unpacks the Artemis distribution
# (copied from Maven Central by the build) and creates a broker instance, once; installs our
# broker.xml at every call, so that changes to server-config/artemis apply on the next start.
ensure_artemis_instance() {
  local home_parent=$1 instance=$2 user=$3 password=$4
  local home=$home_parent/apache-artemis-$ARTEMIS_VERSION
  if [ ! -x "$home/bin/artemis" ]; then
    mkdir -p "$home_parent"
    tar -xzf "$PROJECT_DIR/target/server/apache-artemis.tar.gz" -C "$home_parent"
  fi
  if [ ! -f "$instance/etc/broker.xml" ]; then
    log "creating Artemis broker instance in $instance"
    "$home/bin/artemis" create --silent --force --no-web --no-autotune --nio --java-memory 512M \
      --host 127.0.0.1 --user "$user" --password "$password" --require-login "$instance" >/dev/null
  fi
  cp "$PROJECT_DIR/server-config/artemis/broker.xml" "$instance/etc/broker.xml"
}

# start_artemis INSTANCE_DIR PORT LOG_FILE: starts the broker in the background (a child of this
# shell, killed with it) and waits until it is active. Sets ARTEMIS_PID.
start_artemis() {
  local instance=$1 port=$2 logfile=$3
  if port_in_use "$port"; then die "port $port is in use: is another broker running?"; fi
  : >"$logfile"
  JAVA_ARGS_APPEND="-Dcqrs.artemis.port=$port" child_process "$instance/bin/artemis" run >>"$logfile" 2>&1 &
  ARTEMIS_PID=$!
  local deadline=$((SECONDS + 90))
  until grep -q 'AMQ221007' "$logfile"; do
    kill -0 "$ARTEMIS_PID" 2>/dev/null || { tail -20 "$logfile" >&2; die "Artemis exited during start-up (log: $logfile)"; }
    [ $SECONDS -lt $deadline ] || die "Artemis did not become active in 90 s (log: $logfile)"
    sleep 0.2
  done
}

# child_process CMD...: runs CMD so that it dies with this shell even on kill -9 (parent-death signal).
child_process() {
  if command -v setpriv >/dev/null 2>&1; then
    exec_cmd=(setpriv --pdeathsig TERM -- "$@")
  else
    exec_cmd=("$@")
  fi
  exec "${exec_cmd[@]}"
}

# stop_process PID NAME SECONDS: SIGTERM, then SIGKILL after SECONDS.
stop_process() {
  local pid=$1 name=$2 seconds=${3:-30}
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + seconds))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      log "$name did not stop in $seconds s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
}

# class_data_options: sets CDS_OPTS, the JVM options for a dynamic class-data archive of Payara Micro
# (JDK application class-data sharing): a start that finds the archive maps ~15,000 classes instead
# of loading them (0-4 s of a 21-27 s start in two interleaved sittings on 7 Dec, within what starts
# vary by: docs/runs/2026-12-07-issue17-startup.md); a start that does not
# find it writes it when the JVM exits normally (a few seconds at stop), to a temporary name that
# keep_class_data_archive then moves in place. Kept outside the work folder (and target/), in
# ~/.cache/cqrs-orders, and keyed by the JDK, the Payara Micro jar *and the jar's path*: the JVM
# takes an archive only for the class path it was written with (-jar's jar, by its absolute path)
# and otherwise starts without it, silently at the log level below; keyed without the path, one
# checkout's archive made every other checkout's starts go without one. An archive not used for
# 14 days is deleted (each use touches it), so temporary checkouts do not pile up 100 MB files.
# A stale or damaged archive is refused by the JVM, which then starts without it.
# CQRS_CLASS_DATA=off turns it off; =use uses an archive that exists and writes none (./run --cluster:
# several JVMs of one script would write the same temporary file).
class_data_options() {
  CDS_OPTS=() CDS_ARCHIVE=''
  [ "${CQRS_CLASS_DATA:-on}" = off ] && return 0
  local dir=${XDG_CACHE_HOME:-$HOME/.cache}/cqrs-orders key jar=$PROJECT_DIR/target/server/payara-micro.jar
  key=$({ java -version 2>&1; cksum <"$jar"; echo "$jar"; } | md5sum | cut -c1-12)
  mkdir -p "$dir" 2>/dev/null || return 0
  find "$dir" -maxdepth 1 -name 'payara-micro-*.jsa*' -mtime +14 -delete 2>/dev/null || true
  CDS_ARCHIVE=$dir/payara-micro-$key.jsa
  # Warnings about the classes an archive cannot hold (hundreds of lines) are noise; errors stay.
  if [ -s "$CDS_ARCHIVE" ]; then
    touch "$CDS_ARCHIVE" 2>/dev/null || true
    CDS_OPTS=(-XX:SharedArchiveFile="$CDS_ARCHIVE" '-Xlog:cds*=error' '-Xlog:class+path=error')
  elif [ "${CQRS_CLASS_DATA:-on}" = on ]; then
    CDS_OPTS=(-XX:ArchiveClassesAtExit="$CDS_ARCHIVE.$$.tmp" '-Xlog:cds*=error' '-Xlog:class+path=error')
  fi
}

# keep_class_data_archive: after Payara Micro has exited, moves the archive it wrote (if any) in place.
keep_class_data_archive() {
  [ -n "${CDS_ARCHIVE:-}" ] && [ -s "$CDS_ARCHIVE.$$.tmp" ] && mv -f "$CDS_ARCHIVE.$$.tmp" "$CDS_ARCHIVE"
  rm -f "${CDS_ARCHIVE:-/nonexistent}.$$.tmp"
}

# role_properties ROLES DIR: for an instance with ROLES (a cqrs.roles value, e.g. "query" or
# "command,query,projector"), sets ROLE_OPTS (JVM options: the roles, and WildFly's MDB delivery switches,
# WEB-INF/jboss-ejb3.xml) and writes DIR/system.properties, Payara Micro's system properties with the
# roles and, for a role the instance lacks, its MDBs pointed at the idle queue (WEB-INF/glassfish-ejb-jar.xml;
# the file is Payara's last word, so these cannot be -D options). payara_command uses that file when
# ROLE_PROPERTIES names it. (The tests' AppProcess.roleProperties does the same.)
role_properties() {
  local roles=$1 dir=$2
  ROLE_OPTS=(-Dcqrs.roles="$roles")
  ROLE_PROPERTIES=$dir/system.properties
  mkdir -p "$dir"
  { cat "$PROJECT_DIR/server-config/payara-micro/system.properties"; echo "cqrs.roles=$roles"; } >"$ROLE_PROPERTIES"
  case ",$roles," in *,projector,*) ;; *)
    ROLE_OPTS+=(-Dcqrs.mdb.projections.active=false)
    printf 'cqrs.mdb.%s.queue=cqrs.idle\n' orders products customers >>"$ROLE_PROPERTIES" ;;
  esac
  case ",$roles," in *,command,*) ;; *)
    ROLE_OPTS+=(-Dcqrs.mdb.republish.active=false)
    echo 'cqrs.mdb.republish.queue=cqrs.idle' >>"$ROLE_PROPERTIES" ;;
  esac
}

# payara_command HTTP_PORT ROOT_DIR: the Payara Micro command line of the app, on the given port, with
# the server configuration of server-config/payara-micro (and cqrs.readiness.self-url: where the app
# asks itself at start-up before readiness says UP). Extra arguments are appended. ROLE_OPTS and
# ROLE_PROPERTIES (role_properties), if set, give the instance its roles.
payara_command() {
  local port=$1 rootdir=$2; shift 2
  class_data_options
  PAYARA_CMD=(java ${CQRS_JAVA_OPTS:--Xms256m -Xmx1g} "${CDS_OPTS[@]}" "${ROLE_OPTS[@]}" -Dcqrs.readiness.self-url="http://127.0.0.1:$port/"
    -jar "$PROJECT_DIR/target/server/payara-micro.jar"
    --nohazelcast --nocluster --disablephonehome --port "$port" --rootdir "$rootdir"
    --addlibs "$PROJECT_DIR/target/server/postgresql.jar"
    --prebootcommandfile "$PROJECT_DIR/server-config/payara-micro/pre-boot-commands.asadmin"
    --postbootcommandfile "$PROJECT_DIR/server-config/payara-micro/post-boot-commands.asadmin"
    --systemproperties "${ROLE_PROPERTIES:-$PROJECT_DIR/server-config/payara-micro/system.properties}"
    "$@")
}

# wait_until_ready HEALTH_BASE_URL PID SECONDS FAILED_TEST...: waits until HEALTH_BASE_URL/health/ready
# answers 200 with the application's own readiness checks in it (a server's own endpoint can answer UP
# with no checks at all while the WAR starts: Payara Micro 6's did, docs/design-decisions.md §11). Fails early when PID has exited or the command FAILED_TEST... succeeds: the server
# keeps running when the application did not deploy.
wait_until_ready() {
  local url=$1/health/ready pid=$2 seconds=$3 body check; shift 3
  local deadline=$((SECONDS + seconds))
  while :; do
    if body=$(curl -fsS --max-time 5 "$url" 2>/dev/null); then
      for check in databases schema-migrations outbox-relay; do
        case $body in *"\"$check\""*) ;; *) body='' ;; esac
      done
      [ -n "$body" ] && return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    ! "$@" || return 1
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

# check_server: makes $server (from --server) payara or wildfly, or dies saying what is allowed.
check_server() {
  case $server in
    payara|payara-micro) server=payara ;;
    wildfly) ;;
    *) die "--server takes payara or wildfly, not '$server'" ;;
  esac
}

# --- WildFly (./run --server wildfly, the tests on WildFly) ----------------------------------

# ensure_wildfly PARENT_DIR: unpacks WildFly (wildfly-dist from Maven Central, which the build copies
# to target/server) into PARENT_DIR once, and configures it the WildFly way: the JBoss CLI scripts
# server-config/wildfly/configure-*.cli, applied offline (embedded server) to a copy of
# standalone-full.xml named standalone-cqrs.xml. Done again whenever those scripts or the JDBC
# driver change; the scripts are idempotent, but a fresh copy keeps steps of removed lines from
# lingering. Sets WILDFLY_HOME. Addresses and passwords are not in the configuration: it reads them
# from the environment (CQRS_*) when the server starts.
ensure_wildfly() {
  local parent=$1 stamp script
  WILDFLY_HOME=$parent/wildfly-$WILDFLY_VERSION
  if [ ! -f "$WILDFLY_HOME/jboss-modules.jar" ]; then
    log "unpacking WildFly $WILDFLY_VERSION into $parent"
    mkdir -p "$parent"
    tar -xzf "$PROJECT_DIR/target/server/wildfly-dist.tar.gz" -C "$parent"
  fi
  stamp=$(cat "$PROJECT_DIR"/server-config/wildfly/configure-*.cli "$PROJECT_DIR/target/server/postgresql.jar" | md5sum | cut -c1-32)
  [ "$(cat "$WILDFLY_HOME/.cqrs-configured" 2>/dev/null)" = "$stamp" ] && return 0
  log "configuring WildFly with server-config/wildfly/configure-*.cli"
  cp "$WILDFLY_HOME/standalone/configuration/standalone-full.xml" "$WILDFLY_HOME/standalone/configuration/standalone-cqrs.xml"
  rm -rf "$WILDFLY_HOME/modules/org/postgresql"
  script=$WILDFLY_HOME/cqrs-configure.cli
  { echo 'embed-server --std-out=discard --server-config=standalone-cqrs.xml'
    cat "$PROJECT_DIR"/server-config/wildfly/configure-*.cli
    echo 'stop-embedded-server'; } >"$script"
  echo "cqrs.postgresql.jar=$PROJECT_DIR/target/server/postgresql.jar" >"$WILDFLY_HOME/cqrs-configure.properties"
  JAVA_OPTS='' "$WILDFLY_HOME/bin/jboss-cli.sh" --properties="$WILDFLY_HOME/cqrs-configure.properties" \
      --file="$script" >"$WILDFLY_HOME/cqrs-configure.log" 2>&1 ||
    { tail -30 "$WILDFLY_HOME/cqrs-configure.log" >&2; die "configuring WildFly failed (log: $WILDFLY_HOME/cqrs-configure.log)"; }
  echo "$stamp" >"$WILDFLY_HOME/.cqrs-configured"
}

# wildfly_command HTTP_PORT MANAGEMENT_PORT BASE_DIR: the command line of a WildFly instance of
# WILDFLY_HOME (see ensure_wildfly) in its own base directory (configuration copied fresh from the
# home at every start; data, log and deployments kept), HTTP and management on 127.0.0.1 at the given
# ports, and a transaction node id of its own (cqrs-<port>). standalone.sh runs the JVM in the
# background and relays SIGTERM/SIGINT to it, then waits for it to exit; the JVM's pid goes to
# BASE_DIR/wildfly.pid. Sets WILDFLY_CMD.
wildfly_command() {
  local port=$1 management_port=$2 base=$3
  mkdir -p "$base/deployments" "$base/configuration"
  cp -r "$WILDFLY_HOME/standalone/configuration/." "$base/configuration/"
  rm -f "$base/wildfly.pid"
  WILDFLY_CMD=(env LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE="$base/wildfly.pid"
    JAVA_OPTS="${CQRS_JAVA_OPTS:--Xms256m -Xmx1g} -Djava.net.preferIPv4Stack=true -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true"
    "$WILDFLY_HOME/bin/standalone.sh" -c standalone-cqrs.xml -Djboss.server.base.dir="$base"
    -Djboss.bind.address=127.0.0.1 -Djboss.bind.address.management=127.0.0.1
    -Djboss.http.port="$port" -Djboss.management.http.port="$management_port"
    -Djboss.tx.node.id="cqrs-$port" -Dcqrs.readiness.self-url="http://127.0.0.1:$port/")
}

# stop_wildfly PID BASE_DIR: stops the instance that standalone.sh (PID) runs from BASE_DIR (see
# wildfly_command): SIGTERM, which it relays to the JVM; if the JVM outlives stop_process's timeout,
# SIGKILL to it too (stop_process's SIGKILL reaches standalone.sh only).
stop_wildfly() {
  local pid=$1 base=$2 jvm
  stop_process "$pid" "WildFly" 60
  jvm=$(cat "$base/wildfly.pid" 2>/dev/null || true)
  if [ -n "$jvm" ] && kill -0 "$jvm" 2>/dev/null; then kill -KILL "$jvm" 2>/dev/null || true; fi
}

# ensure_debian_package COMMAND PACKAGE: installs Debian's PACKAGE (apt-get) unless COMMAND is on the path.
ensure_debian_package() {
  command -v "$1" >/dev/null && return 0
  log "installing $2 (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null; } ||
    die "could not install $2 (apt-get install $2)"
}

# ensure_wrk: the HTTP load generator of bench/run and bench/post-split, Debian's package, installed if missing.
ensure_wrk() { ensure_debian_package wrk wrk; }

# ensure_haproxy: the load balancer of ./run --cluster and bench/cluster, Debian's package, installed if
# missing (the package's own service has no listener in its default configuration).
ensure_haproxy() { ensure_debian_package haproxy haproxy; }
