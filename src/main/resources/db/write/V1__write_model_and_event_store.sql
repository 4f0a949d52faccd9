-- Write model: the current state of each aggregate, kept for command validation.
CREATE TABLE products (
    product_id uuid PRIMARY KEY,
    name       varchar(200)  NOT NULL,
    price      numeric(12, 2) NOT NULL CHECK (price >= 0),
    version    integer       NOT NULL CHECK (version > 0)
);

CREATE TABLE customers (
    user_id uuid PRIMARY KEY,
    email   varchar(254) NOT NULL,
    version integer      NOT NULL CHECK (version > 0)
);
-- One customer per e-mail address, whatever its case.
CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));

CREATE TABLE orders (
    order_id   uuid PRIMARY KEY,
    user_id    uuid           NOT NULL REFERENCES customers (user_id),
    product_id uuid           NOT NULL REFERENCES products (product_id),
    quantity   integer        NOT NULL CHECK (quantity > 0),
    unit_price numeric(12, 2) NOT NULL CHECK (unit_price >= 0),
    status     varchar(16)    NOT NULL,
    created_at timestamptz    NOT NULL,
    version    integer        NOT NULL CHECK (version > 0)
);

-- The event store: append-only and complete. An aggregate's events are numbered 1, 2, 3 ...;
-- the primary key makes two commands that both append the same next number collide.
CREATE TABLE events (
    aggregate_id   uuid        NOT NULL,
    sequence       integer     NOT NULL CHECK (sequence > 0),
    event_id       uuid        NOT NULL UNIQUE,
    aggregate_type varchar(32) NOT NULL,
    type           varchar(64) NOT NULL,
    occurred_at    timestamptz NOT NULL,
    command_id     uuid        NOT NULL,
    principal      varchar(200) NOT NULL,
    schema_version integer     NOT NULL,
    data           jsonb       NOT NULL,
    PRIMARY KEY (aggregate_id, sequence)
);

CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event store is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

-- The transactional outbox: which events are committed but not yet acknowledged by the broker.
-- A row is written in the command's transaction and deleted once Artemis has the message.
CREATE TABLE outbox (
    aggregate_id   uuid        NOT NULL,
    sequence       integer     NOT NULL,
    aggregate_type varchar(32) NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_id, sequence)
);
