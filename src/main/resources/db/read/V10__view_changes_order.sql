-- Issue 19's server-sent events read view_changes in one order that every instance agrees on:
-- (tx, seq), and only below the oldest transaction still running (pg_snapshot_xmin of the current
-- snapshot), so that no change can later appear before one a stream has already sent. A stream's
-- event id is that position, which resumes it (Last-Event-ID). version: the row's version after
-- the change (a stream skips a change its row has already moved past: the later one carries it).
ALTER TABLE view_changes ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE view_changes ADD COLUMN version int;
DROP INDEX view_changes_tx_idx;
CREATE INDEX view_changes_tx_seq_idx ON view_changes (tx, seq);

-- The newest change the retention sweep has deleted: a stream resumed from before it has lost
-- changes, and says so in an explicit event instead of skipping them silently.
CREATE TABLE view_changes_forgotten (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    tx       xid8    NOT NULL,
    seq      bigint  NOT NULL
);
INSERT INTO view_changes_forgotten (tx, seq) VALUES ('0', 0);
