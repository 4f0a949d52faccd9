-- Issue 19's server-sent events send each change of an order view as the projection wrote it, not
-- the row as it is when a stream gets there (a later change would hide the earlier one): the
-- projection writes the row, a JSON object of its columns, with the change of a pushed table
-- (order_views). The feed reads it back through the table's own column types
-- (jsonb_populate_record). Null for the tables no stream follows and for changes written before
-- this migration (the feed then sends the row as it is, if it has not moved past the change).
ALTER TABLE view_changes ADD COLUMN row_data jsonb;
