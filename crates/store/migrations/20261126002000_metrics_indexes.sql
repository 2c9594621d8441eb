-- Dashboards and reports (issue 7) aggregate rows by creation time over millions of rows. These
-- covering indexes hold every column the aggregates read, so Postgres answers from the index
-- alone (index-only scans over the time range) instead of visiting each row; the channel filter
-- is applied on the included column, so one index serves "all channels" and "one channel".
create index orders_metrics_idx on orders (magento_created_at)
    include (channel_id, customer_id, order_currency_code, subtotal, discount_amount, state, status);

create index carts_metrics_idx on carts (magento_created_at)
    include (channel_id, website_id, status, items_count, has_billing_address);

-- Abandoned carts are open ones: a small share of all carts (open carts expire after the
-- channel's cart lifetime), indexed apart with what the abandoned widgets sum.
create index carts_open_metrics_idx on carts (magento_created_at)
    include (channel_id, abandon_at, grand_total, quote_currency_code)
    where status = 'open';

create index credit_memos_metrics_idx on credit_memos (magento_created_at)
    include (channel_id, state, grand_total, order_currency_code);
