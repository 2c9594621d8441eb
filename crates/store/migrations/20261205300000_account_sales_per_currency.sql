-- An account gathers customers of several stores, and stores sell in different currencies:
-- adding a USD customer's sales to a EUR customer's gave a number in no currency. An account's
-- lifetime sales are now kept per order currency (`lifetime_sales_by_currency`, e.g.
-- {"EUR": 270.00, "USD": 19.50}); `lifetime_sales` and `lifetime_currency` hold the amount and
-- its currency when there is exactly one currency (or no order: 0 and NULL), and `lifetime_sales`
-- is NULL when there are several — such an account sorts after the others and no amount filter
-- matches it, rather than matching on a meaningless sum.
alter table accounts
    add column lifetime_sales_by_currency jsonb not null default '{}',
    add column lifetime_currency text,
    alter column lifetime_sales drop not null;

-- The grids sort nullable columns `desc nulls last` (see 20261126001000_grids.sql).
drop index accounts_lifetime_idx;
create index accounts_lifetime_idx on accounts (lifetime_sales desc nulls last, id desc);

-- Recompute every account from its customers' non-canceled orders (the sync keeps them from now
-- on: `sync_write::links::refresh_accounts`).
with per as (
    select c.account_id as id,
           coalesce(o.order_currency_code, o.base_currency_code, '') as cur,
           sum(coalesce(o.subtotal, 0) - abs(coalesce(o.discount_amount, 0))) as amount
    from customers c join orders o on o.customer_id = c.id
    where c.account_id is not null
      and coalesce(o.state, '') <> 'canceled' and coalesce(o.status, '') <> 'canceled'
    group by 1, 2),
agg as (
    select id, jsonb_object_agg(cur, amount order by cur) as by_currency,
           count(*) as currencies, sum(amount) as total, min(cur) as cur
    from per group by id)
update accounts a
   set lifetime_sales_by_currency = agg.by_currency,
       lifetime_sales = case when agg.currencies = 1 then agg.total end,
       lifetime_currency = case when agg.currencies = 1 then nullif(agg.cur, '') end
  from agg
 where a.id = agg.id;
