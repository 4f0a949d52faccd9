-- Issue 15: each projection owns its tables, described once by the records of their rows.

-- The sales projection (reporting feature) keeps what each order counts, instead of reading
-- order_views: its own per-order state, from which each event's difference to the counters follows.
CREATE TABLE order_contributions (
    order_id    uuid           PRIMARY KEY,
    user_id     uuid           NOT NULL,
    product_id  uuid           NOT NULL,
    status      varchar(16)    NOT NULL,
    quantity    integer        NOT NULL,
    total_price numeric(15, 2) NOT NULL,
    version     integer        NOT NULL
);
INSERT INTO order_contributions (order_id, user_id, product_id, status, quantity, total_price, version)
SELECT order_id, user_id, product_id, status, quantity, total_price, version FROM order_views;

-- One table of deltas per counter table (<table>_deltas, the counter table's columns), folded by
-- CounterFold; replaces the shared counter_deltas.
CREATE TABLE user_summaries_deltas (
    delta_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     uuid           NOT NULL,
    pending     bigint         NOT NULL,
    confirmed   bigint         NOT NULL,
    shipped     bigint         NOT NULL,
    cancelled   bigint         NOT NULL,
    total_spent numeric(24, 2) NOT NULL
);
CREATE INDEX user_summaries_deltas_user_id_idx ON user_summaries_deltas (user_id);

CREATE TABLE product_sales_deltas (
    delta_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id uuid           NOT NULL,
    units_sold bigint         NOT NULL,
    revenue    numeric(24, 2) NOT NULL
);
CREATE INDEX product_sales_deltas_product_id_idx ON product_sales_deltas (product_id);

INSERT INTO user_summaries_deltas (user_id, pending, confirmed, shipped, cancelled, total_spent)
SELECT user_id, pending, confirmed, shipped, cancelled, spent FROM counter_deltas;
INSERT INTO product_sales_deltas (product_id, units_sold, revenue)
SELECT product_id, units, spent FROM counter_deltas;
DROP TABLE counter_deltas;

-- Rebuilds are per projection now: the two counter tables are rebuilt together, as "sales".
DELETE FROM projection_rebuilds WHERE name IN ('user_summaries', 'product_sales');
