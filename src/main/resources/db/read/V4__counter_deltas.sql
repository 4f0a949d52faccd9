-- Projections no longer update the counters of user_summaries and product_sales themselves: every
-- order of one product (or one customer) would queue on that one counter row, held until each
-- projection's commit (measured: 8 MDB sessions waiting on one user_summaries row, the lag growing
-- without bound at 200 orders/s). A projection appends its order's delta here (insert only, no
-- row shared with another projection), and CounterFold moves batches of deltas into the counters,
-- deleting them in the same statement. Queries add the deltas not yet folded, in one statement,
-- so they see every delta exactly once: in the counters or here.
CREATE TABLE counter_deltas (
    delta_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    uuid           NOT NULL,
    product_id uuid           NOT NULL,
    pending    integer        NOT NULL,
    confirmed  integer        NOT NULL,
    shipped    integer        NOT NULL,
    cancelled  integer        NOT NULL,
    spent      numeric(24, 2) NOT NULL,
    units      bigint         NOT NULL
);
CREATE INDEX counter_deltas_user_id_idx ON counter_deltas (user_id);
CREATE INDEX counter_deltas_product_id_idx ON counter_deltas (product_id);
