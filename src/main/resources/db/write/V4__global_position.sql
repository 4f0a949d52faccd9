-- A commit-ordered global position for the event store (issue 6).
--
-- Each event remembers the transaction that appended it. The sequencer (EventSequencer) numbers
-- events in the order they become visible: each run takes the events visible in its snapshot that
-- were not visible in the previous run's snapshot (kept in event_sequencer), and gives them the
-- next positions, an aggregate's events in sequence order. An event committed late by a slow
-- transaction is simply numbered later: a reader that follows event_log by position never skips
-- one, and an aggregate's successor can only be visible once its predecessor is, so per-aggregate
-- order holds along the positions too.
ALTER TABLE events ADD COLUMN tx_id xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX events_tx_id_idx ON events (tx_id);

CREATE TABLE event_log (
    global_position bigint  PRIMARY KEY CHECK (global_position > 0),
    aggregate_id    uuid    NOT NULL,
    sequence        integer NOT NULL,
    UNIQUE (aggregate_id, sequence),
    FOREIGN KEY (aggregate_id, sequence) REFERENCES events (aggregate_id, sequence)
);

CREATE TABLE event_sequencer (
    id           integer     PRIMARY KEY CHECK (id = 1),
    -- The snapshot of the last run: every event visible in it has a position.
    snapshot     pg_snapshot NOT NULL,
    position     bigint      NOT NULL,
    sequenced_at timestamptz NOT NULL
);
-- A snapshot in which no event is visible: the first run numbers every event already stored.
INSERT INTO event_sequencer (id, snapshot, position, sequenced_at) VALUES (1, '3:3:', 0, now());

CREATE TRIGGER event_log_append_only
    BEFORE UPDATE OR DELETE ON event_log
    FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
