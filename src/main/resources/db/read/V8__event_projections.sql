-- Issue 18: when the read side applied an event (to every projection that reads it: they share one
-- read_db transaction, ProjectionGate), for GET /commands/{id}. Written in that transaction, so a row
-- here means "projected". Kept for cqrs.commands.retention-seconds; a rebuild does not touch it.
CREATE TABLE event_projections (
    event_id     uuid        PRIMARY KEY,
    projected_at timestamptz NOT NULL
);
CREATE INDEX event_projections_projected_at_idx ON event_projections USING brin (projected_at);
