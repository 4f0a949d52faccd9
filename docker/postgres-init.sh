#!/usr/bin/env bash
# First start of the postgres container: the two databases, each reachable by its own role only
# (the same as scripts/lib.sh provision_databases does for ./run and the tests). UNTESTED.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U postgres -d postgres \
     -v write_pw="$CQRS_WRITE_PASSWORD" -v read_pw="$CQRS_READ_PASSWORD" -v events_pw="$CQRS_EVENTS_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE cqrs_write LOGIN PASSWORD %L', :'write_pw') \gexec
SELECT format('CREATE ROLE cqrs_read LOGIN PASSWORD %L', :'read_pw') \gexec
SELECT format('CREATE ROLE cqrs_events LOGIN PASSWORD %L', :'events_pw') \gexec
CREATE DATABASE write_db OWNER cqrs_write;
CREATE DATABASE read_db OWNER cqrs_read;
REVOKE ALL ON DATABASE write_db FROM PUBLIC;
REVOKE ALL ON DATABASE read_db FROM PUBLIC;
GRANT CONNECT ON DATABASE write_db TO cqrs_events;
SQL
