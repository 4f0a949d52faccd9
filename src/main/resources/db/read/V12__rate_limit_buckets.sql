-- The rate limit's token buckets, one row per principal and limit, shared by every instance (commands
-- and stream openings spend from the same bucket): Bucket4j's PostgreSQL integration, select-for-update
-- strategy (platform/security/RateLimiter). state: Bucket4j's serialized bucket; expires_at: epoch
-- milliseconds after which the bucket would be full again, so the row can go (RateLimiter's expiry job).
-- In read_db because every instance that takes commands or opens streams has it (a query instance has
-- no write_db).
-- UNLOGGED: a bucket is a limit, not something a client was told succeeded. After a PostgreSQL crash
-- the table comes back empty, i.e. every bucket full, which is what a caller would have after a pause;
-- and a commit that only touches it does not wait for a WAL flush.
CREATE UNLOGGED TABLE rate_limit_buckets (
    id         text PRIMARY KEY,
    state      bytea,
    expires_at bigint
);
CREATE INDEX rate_limit_buckets_expires_idx ON rate_limit_buckets (expires_at);
