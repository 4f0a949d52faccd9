-- When the projection wrote the row: with created_at / updated_at (the event's time), the lag of
-- the read side per row, which the benchmarks read back. Not part of the view's content.
ALTER TABLE order_views ADD COLUMN projected_at timestamptz NOT NULL DEFAULT clock_timestamp();
