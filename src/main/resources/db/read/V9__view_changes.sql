-- Issue 19: every change of a view row a client reads by key (order_views, product_views,
-- user_views), written in the projection's own transaction (JdbcViews), and a row with no row_id
-- for a rebuild's swap (every row of the table changed). Each instance's ViewCache reads it by
-- snapshot visibility (the rows committed since its last look, whatever their transaction id's
-- order) to drop what it holds of those rows, whichever instance's projection wrote them.
-- Kept cqrs.view-changes.retention-minutes (60), deleted by tx ranges.
CREATE TABLE view_changes (
    tx         xid8        NOT NULL DEFAULT pg_current_xact_id(),
    view_table text        NOT NULL,
    row_id     uuid,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX view_changes_tx_idx ON view_changes (tx);
CREATE INDEX view_changes_changed_at_idx ON view_changes USING brin (changed_at);
