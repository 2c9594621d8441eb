-- "Customers who ordered in the period" for a period that reaches the present: no order exists
-- after it, so a customer ordered in it exactly when their last order (kept by the sync) falls
-- in it. This index makes new and returning customers of the current period one index-only
-- range scan instead of a distinct over every order of the period.
create index customers_last_order_idx on customers (last_order_at)
    include (magento_created_at, channel_id)
    where last_order_at is not null;
