-- Events the read models could not apply (yet), kept per aggregate in sequence order: the
-- application's own retry with backoff and dead-letter store (docs/reliability.md). Artemis's
-- redelivery delay and dead-letter address would move single messages out of their group.
--   retrying: applying it failed; tried again at next_attempt_at, with a growing delay
--   dead:     failed max-attempts times; waits for POST /admin/dead-letters/{id}/retry
--   waiting:  not applicable yet: behind a retrying or dead event of its aggregate, or after a gap
--             (the missing event is on its way); applied as soon as its predecessor is
CREATE TABLE parked_events (
    event_id        uuid PRIMARY KEY,
    aggregate_type  varchar(32)  NOT NULL,
    aggregate_id    uuid         NOT NULL,
    sequence        integer      NOT NULL,
    event           jsonb        NOT NULL,
    state           varchar(16)  NOT NULL CHECK (state IN ('retrying', 'dead', 'waiting')),
    attempts        integer      NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz,
    parked_at       timestamptz  NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz  NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX parked_events_by_aggregate ON parked_events (aggregate_id, sequence);
CREATE INDEX parked_events_due ON parked_events (next_attempt_at) WHERE state = 'retrying';
