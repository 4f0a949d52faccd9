-- Idempotency-Key: the first answer to a command, kept so that a retry with the same key gets it
-- again instead of running the command twice. Written in the command's own transaction: a command
-- that fails leaves no key behind, and a concurrent retry waits on the unique key until the first
-- one has committed or rolled back. Deleted after cqrs.idempotency.retention-hours (24).
CREATE TABLE idempotency_keys (
    principal       varchar(200) NOT NULL,
    idempotency_key varchar(200) NOT NULL,
    -- SHA-256 of method, path and body: the same key with another request is refused.
    request_hash    bytea        NOT NULL,
    status          integer      NOT NULL,
    location        text,
    body            text         NOT NULL,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
