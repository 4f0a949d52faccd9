-- Which product and customer versions a view's product_name and user_email come from: a rename or
-- an e-mail change rewrites only the views that show an older version, so views only move forward.
ALTER TABLE order_views
    ADD COLUMN product_version integer NOT NULL DEFAULT 0,
    ADD COLUMN user_version    integer NOT NULL DEFAULT 0;

-- GET /orders: newest first, keyset-paged on (created_at, order_id), one index per filter. The
-- leading product_id / user_id columns also serve a rename's and an e-mail change's UPDATE.
DROP INDEX order_views_product_id_idx;
DROP INDEX order_views_user_id_idx;
CREATE INDEX order_views_created_idx ON order_views (created_at DESC, order_id DESC);
CREATE INDEX order_views_user_created_idx ON order_views (user_id, created_at DESC, order_id DESC);
CREATE INDEX order_views_product_created_idx ON order_views (product_id, created_at DESC, order_id DESC);
CREATE INDEX order_views_status_created_idx ON order_views (status, created_at DESC, order_id DESC);

-- GET /products/{id} and GET /users/{id}: fed by the products' and customers' own events only.
CREATE TABLE product_views (
    product_id uuid           PRIMARY KEY,
    name       varchar(200)   NOT NULL,
    price      numeric(12, 2) NOT NULL,
    version    integer        NOT NULL,
    created_at timestamptz    NOT NULL,
    updated_at timestamptz    NOT NULL
);

CREATE TABLE user_views (
    user_id    uuid         PRIMARY KEY,
    email      varchar(254) NOT NULL,
    version    integer      NOT NULL,
    created_at timestamptz  NOT NULL,
    updated_at timestamptz  NOT NULL
);

-- Counters, changed only by atomic increments in the transaction that changes the order's view
-- (never read-modify-write). Widths: up to 10^9 orders of the largest total still fit.
CREATE TABLE user_summaries (
    user_id     uuid           PRIMARY KEY,
    pending     bigint         NOT NULL DEFAULT 0,
    confirmed   bigint         NOT NULL DEFAULT 0,
    shipped     bigint         NOT NULL DEFAULT 0,
    cancelled   bigint         NOT NULL DEFAULT 0,
    total_spent numeric(24, 2) NOT NULL DEFAULT 0
);

CREATE TABLE product_sales (
    product_id uuid           PRIMARY KEY,
    units_sold bigint         NOT NULL DEFAULT 0,
    revenue    numeric(24, 2) NOT NULL DEFAULT 0
);

-- Views that existed before this version: their counters, and the customers the read side knows.
INSERT INTO user_summaries (user_id, pending, confirmed, shipped, cancelled, total_spent)
SELECT user_id,
       count(*) FILTER (WHERE status = 'PENDING'),
       count(*) FILTER (WHERE status = 'CONFIRMED'),
       count(*) FILTER (WHERE status = 'SHIPPED'),
       count(*) FILTER (WHERE status = 'CANCELLED'),
       coalesce(sum(total_price) FILTER (WHERE status <> 'CANCELLED'), 0)
FROM order_views GROUP BY user_id;

INSERT INTO product_sales (product_id, units_sold, revenue)
SELECT product_id,
       coalesce(sum(quantity) FILTER (WHERE status <> 'CANCELLED'), 0),
       coalesce(sum(total_price) FILTER (WHERE status <> 'CANCELLED'), 0)
FROM order_views GROUP BY product_id;
