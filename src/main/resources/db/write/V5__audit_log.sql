-- The audit log of command requests (issue 7): one row per request that could change state
-- (POST, PUT, PATCH, DELETE), accepted or refused. An accepted command's row is written in the
-- command's own transaction (it commits or rolls back with the command's events); every other
-- answer, including refusals by authentication, authorization and the rate limiter that never
-- reach a handler, gets its row in a transaction of its own.
CREATE TABLE audit_log (
    id             bigserial   PRIMARY KEY,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    principal      text        NOT NULL,            -- the token's name (upn), or 'anonymous'
    command_type   text,                            -- e.g. order.place; NULL when no resource matched
    method         text        NOT NULL,
    path           text        NOT NULL,
    aggregate_id   text,                            -- as the request named it (may not be a UUID)
    status         integer     NOT NULL,
    outcome        text        NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'refused', 'failed')),
    correlation_id uuid        NOT NULL
);
-- GET /admin/audit filters by principal or aggregate, newest first.
CREATE INDEX audit_log_principal_idx ON audit_log (principal, id);
CREATE INDEX audit_log_aggregate_idx ON audit_log (aggregate_id, id) WHERE aggregate_id IS NOT NULL;
