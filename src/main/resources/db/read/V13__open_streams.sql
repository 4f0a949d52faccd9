-- The open streams of changes (GET .../changes), one row per stream while it is open, so that a
-- caller's limit on open streams (cqrs.streams.max-per-caller) holds across every query instance
-- (order/query/StreamLeases). The instance that holds a stream renews its row every heartbeat; a row
-- not renewed for three heartbeats is a stream whose instance died, and no longer counts.
-- UNLOGGED, like rate_limit_buckets: after a PostgreSQL crash the table is empty, which counts no
-- stream (streams reconnect anyway when their instance loses the database).
CREATE UNLOGGED TABLE open_streams (
    stream_id  uuid PRIMARY KEY,
    caller     text NOT NULL,
    renewed_at timestamptz NOT NULL
);
CREATE INDEX open_streams_caller_idx ON open_streams (caller, renewed_at);
