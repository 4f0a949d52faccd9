-- Issue 18: command tracking (GET /commands/{id}).
--
-- A command's audit row is its tracking record too: command_id is the id its client was given in the
-- Command-Id header (the request's Idempotency-Key if it sent one, otherwise its correlation id), and
-- problem the problem+json a rejected command got. recorded_at is from now on the moment the request
-- reached the application (received_at), not the audit row's insert.
ALTER TABLE audit_log ADD COLUMN command_id text, ADD COLUMN problem jsonb;
CREATE INDEX audit_log_command_idx ON audit_log (command_id) WHERE command_id IS NOT NULL;

-- When the broker acknowledged an event: written by the outbox relay in the transaction that deletes
-- the outbox rows, after the broker has them, so a row here means "published". Kept for
-- cqrs.commands.retention-seconds. BRIN: rows arrive in time order, and the sweep's range scan needs
-- no B-tree kept up to date on every publication.
CREATE TABLE event_publications (
    aggregate_id uuid        NOT NULL,
    sequence     integer     NOT NULL,
    published_at timestamptz NOT NULL,
    PRIMARY KEY (aggregate_id, sequence)
);
CREATE INDEX event_publications_published_at_idx ON event_publications USING brin (published_at);
