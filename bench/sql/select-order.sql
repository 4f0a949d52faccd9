-- The read behind GET /orders/{id}: one order_views row by its key. pgbench -D order=<uuid>
SELECT * FROM order_views WHERE order_id = :order;
