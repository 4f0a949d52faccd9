-- The seed's order view, denormalized: everything GET /orders/{id} answers, in one row.
CREATE TABLE order_views (
    order_id     uuid           PRIMARY KEY,
    user_id      uuid           NOT NULL,
    product_id   uuid           NOT NULL,
    quantity     integer        NOT NULL,
    status       varchar(16)    NOT NULL,
    created_at   timestamptz    NOT NULL,
    product_name varchar(200)   NOT NULL,
    user_email   varchar(254)   NOT NULL,
    unit_price   numeric(12, 2) NOT NULL,
    -- quantity <= 1,000,000 and price <= 1,000,000.00: the total needs 13 integer digits at most.
    total_price  numeric(15, 2) NOT NULL,
    version      integer        NOT NULL,
    updated_at   timestamptz    NOT NULL
);
-- A product rename or an e-mail change rewrites every view that shows it.
CREATE INDEX order_views_product_id_idx ON order_views (product_id);
CREATE INDEX order_views_user_id_idx ON order_views (user_id);

-- The newest name and e-mail the read side knows, with the version they belong to. Fed both by
-- the catalog's and customers' own events and by the snapshot an OrderPlaced event carries, so
-- whichever arrives first, the newest version wins.
CREATE TABLE product_refs (
    product_id uuid PRIMARY KEY,
    name       varchar(200) NOT NULL,
    version    integer      NOT NULL
);

CREATE TABLE customer_refs (
    user_id uuid PRIMARY KEY,
    email   varchar(254) NOT NULL,
    version integer      NOT NULL
);
