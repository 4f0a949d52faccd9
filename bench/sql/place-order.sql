-- What a minimal correct implementation of POST /orders must do (issue 4): the order row and its
-- event row, in one committed transaction, on our tables with their indexes, keys and triggers.
-- pgbench -D user=<uuid> -D product=<uuid>
BEGIN;
INSERT INTO orders (order_id, user_id, product_id, quantity, unit_price, status, created_at, version)
VALUES (gen_random_uuid(), :user, :product, 1, 12.50, 'PENDING', now(), 1)
RETURNING order_id \gset
INSERT INTO events (aggregate_id, sequence, event_id, aggregate_type, type, occurred_at, command_id,
                    principal, schema_version, data)
VALUES (:order_id, 1, gen_random_uuid(), 'order', 'OrderPlaced', now(), gen_random_uuid(), 'pgbench', 1,
        jsonb_build_object('order_id', :order_id::text, 'user_id', :user::text, 'product_id', :product::text, 'quantity', 1,
                           'unit_price', 12.50, 'product_name', 'Bench beans', 'product_version', 1,
                           'user_email', 'bench@example.com', 'user_version', 1));
COMMIT;
