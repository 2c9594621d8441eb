-- Grids and record pages (issue 6): saved views, and the indexes behind the grids' sorts and
-- common filters.
--
-- How grids use them (crates/store/src/grid): a page is `where <filters> order by <column>,
-- id limit 50`, and its total is `select count(*) where <filters>`, both on the base table only
-- (names of channels, websites and customers are joined onto the 50 rows afterwards). So:
-- * every sort column has a btree `(column desc nulls last, id desc)`: grids treat NULL as the
--   smallest value and break ties by id in the sort's direction, so one index read forwards or
--   backwards serves both directions, and a page is an index walk that stops after 50 rows;
-- * choice filters lead an index with the value (`(status, created …)`), so "open carts, newest
--   first" is one index range and its count an index-only scan of that range;
-- * "contains" text filters (email, name, order #, coupon) are trigram GIN indexes: an ILIKE
--   '%…%' over a million rows is then a bitmap of the few matches, not a sequential scan;
-- * exact text filters compare the lower-cased column (`email_key` is `lower(email)`).

-- Trigram matching for "contains" filters. Trusted since Postgres 13: a database owner may
-- create it without superuser rights.
create extension if not exists pg_trgm;

-- A user's named grid states.
create table grid_views (
    id              bigserial primary key,
    user_id         bigint not null references users (id) on delete cascade,
    -- The grid: carts, orders, customers, accounts, credit-memos, newsletter-subscribers.
    grid            text not null,
    name            text not null,
    -- The grid's URL parameters (filters, sort, columns, page size), canonical.
    query           text not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
-- One name per user and grid; saving under an existing name replaces that view.
create unique index grid_views_user_grid_name_key on grid_views (user_id, grid, lower(name));

-- Shopping carts.
create index carts_created_idx on carts (magento_created_at desc nulls last, id desc);
create index carts_updated_idx on carts (magento_updated_at desc nulls last, id desc);
create index carts_grand_total_idx on carts (grand_total desc nulls last, id desc);
create index carts_magento_id_idx on carts (magento_id desc, id desc);
create index carts_status_created_idx on carts (status, magento_created_at desc nulls last, id desc);
create index carts_email_key_idx on carts (email_key desc nulls last, id desc);
create index carts_email_trgm_idx on carts using gin (email gin_trgm_ops);
-- Abandoned carts newest first (the abandoned filter with the default sort).
create index carts_abandon_created_idx on carts (magento_created_at desc nulls last, id desc)
    where status = 'open' and abandon_at is not null;

-- Orders.
create index orders_created_idx on orders (magento_created_at desc nulls last, id desc);
create index orders_updated_idx on orders (magento_updated_at desc nulls last, id desc);
create index orders_grand_total_idx on orders (grand_total desc nulls last, id desc);
create index orders_increment_idx on orders (lower(increment_id) desc nulls last, id desc);
create index orders_increment_trgm_idx on orders using gin (increment_id gin_trgm_ops);
create index orders_status_created_idx on orders (status, magento_created_at desc nulls last, id desc);
create index orders_state_created_idx on orders (state, magento_created_at desc nulls last, id desc);
create index orders_guest_created_idx on orders (is_guest, magento_created_at desc nulls last, id desc);
create index orders_email_key_idx on orders (email_key desc nulls last, id desc);
create index orders_email_trgm_idx on orders using gin (email gin_trgm_ops);
create index orders_coupon_idx on orders (lower(coupon_code) desc nulls last, id desc);
create index orders_coupon_trgm_idx on orders using gin (coupon_code gin_trgm_ops);

-- Customers.
create index customers_created_idx on customers (magento_created_at desc nulls last, id desc);
create index customers_updated_idx on customers (magento_updated_at desc nulls last, id desc);
create index customers_lifetime_idx on customers (lifetime_sales desc, id desc);
create index customers_guest_created_idx on customers (is_guest, magento_created_at desc nulls last, id desc);
create index customers_email_key_sort_idx on customers (email_key desc, id desc);
create index customers_email_trgm_idx on customers using gin (email gin_trgm_ops);
create index customers_name_idx on customers
    (lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) desc, id desc);
create index customers_name_trgm_idx on customers
    using gin ((coalesce(first_name, '') || ' ' || coalesce(last_name, '')) gin_trgm_ops);

-- Accounts.
create index accounts_lifetime_idx on accounts (lifetime_sales desc, id desc);
create index accounts_customers_idx on accounts (customers_count desc, id desc);
create index accounts_created_idx on accounts (created_at desc, id desc);
create index accounts_name_idx on accounts (lower(name) desc, id desc);
create index accounts_name_trgm_idx on accounts using gin (name gin_trgm_ops);
create index accounts_email_trgm_idx on accounts using gin (email_key gin_trgm_ops);

-- Credit memos.
create index credit_memos_created_idx on credit_memos (magento_created_at desc nulls last, id desc);
create index credit_memos_state_created_idx on credit_memos (state, magento_created_at desc nulls last, id desc);
create index credit_memos_grand_total_idx on credit_memos (grand_total desc nulls last, id desc);
create index credit_memos_increment_idx on credit_memos (lower(increment_id) desc nulls last, id desc);

-- Newsletter subscribers.
create index newsletter_subscribers_changed_idx on newsletter_subscribers (status_changed_at desc nulls last, id desc);
create index newsletter_subscribers_status_idx on newsletter_subscribers (status, status_changed_at desc nulls last, id desc);
create index newsletter_subscribers_email_key_idx on newsletter_subscribers (email_key desc, id desc);
create index newsletter_subscribers_email_trgm_idx on newsletter_subscribers using gin (email gin_trgm_ops);
