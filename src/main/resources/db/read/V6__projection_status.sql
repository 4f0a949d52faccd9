-- Issue 6: where the read models stand against the event store, and their rebuilds.

-- How far the live read models have applied the event store: every event up to this global
-- position is in them (ProjectionMonitor moves it; all live views share it, since one
-- transaction applies an event to all of them).
CREATE TABLE projection_positions (
    name       varchar(64) PRIMARY KEY,
    position   bigint      NOT NULL,
    updated_at timestamptz NOT NULL
);

-- The last or current rebuild of each view (ProjectionRebuilds). A rebuild in progress keeps
-- heartbeat_at fresh: one that stopped beating (its instance died) no longer blocks a new one.
CREATE TABLE projection_rebuilds (
    name              varchar(64)   PRIMARY KEY,
    state             varchar(16)   NOT NULL CHECK (state IN ('rebuilding', 'done', 'failed')),
    started_at        timestamptz   NOT NULL,
    heartbeat_at      timestamptz   NOT NULL,
    finished_at       timestamptz,
    events            bigint        NOT NULL DEFAULT 0,
    events_expected   bigint        NOT NULL DEFAULT 0,
    progress          numeric(5, 2) NOT NULL DEFAULT 0,
    events_per_second numeric(12, 1) NOT NULL DEFAULT 0,
    position          bigint        NOT NULL DEFAULT 0,
    error             text
);
