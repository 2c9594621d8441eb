-- Dashboard speed over millions of rows (issue 7): rollups kept current by the database itself.
--
-- Orders, carts and refunds are summed per channel and per hour and quarter hour (the grain) of
-- their creation time. Every time zone in use is offset from UTC by a whole number of quarter
-- hours, most by whole hours, so a period of whole local days is an exact run of buckets of one
-- grain: the dashboard sums ~8,760 hourly rows for a year instead of reading 500k orders (zones on
-- half and quarter hours, such as India, Nepal, Newfoundland and Chatham, read the quarter hours).
-- The store picks the grain (store::metrics::rollup_grain) and reads the base tables when a
-- period falls on neither, as with the historical local mean times before 1900.
-- Measured at 1M orders: the year's dashboard at p95 144 ms against 3-6 s from the rows.
--
-- Like grid_counts, the rollups are kept by statement-level triggers that add what a statement
-- inserted and subtract what it removed or changed, in the same transaction: a rollup read is
-- exactly the aggregate of the committed rows, whoever wrote them (sync, tests, a psql session).
-- The inserts take the rollup rows in key order so concurrent writers cannot deadlock on them.

create function metrics_bucket(t timestamptz, grain smallint) returns timestamptz
    language sql immutable parallel safe
    return date_bin(make_interval(mins => grain), t, timestamptz '2000-01-01 00:00:00+00');

-- The grains every rollup is kept at.
create view metrics_grains (grain) as values (15::smallint), (60::smallint);

create table order_rollups (
    channel_id  bigint not null references channels (id) on delete cascade,
    -- Minutes per bucket: 60 or 15 (metrics_grains).
    grain       smallint not null,
    bucket      timestamptz not null,
    currency    text not null,
    -- Not canceled (state or status `canceled`).
    orders      bigint not null,
    canceled    bigint not null,
    -- Not canceled, with a discount.
    discounted  bigint not null,
    -- Σ (subtotal − |discount|) of the orders that are not canceled.
    revenue     numeric not null,
    primary key (grain, bucket, channel_id, currency)
);

create table cart_rollups (
    channel_id  bigint not null references channels (id) on delete cascade,
    -- Minutes per bucket: 60 or 15 (metrics_grains).
    grain       smallint not null,
    bucket      timestamptz not null,
    status      text not null,
    carts       bigint not null,
    -- Funnel stages (cumulative: a purchased cart had items and reached checkout).
    with_items  bigint not null,
    checkout    bigint not null,
    primary key (grain, bucket, channel_id, status)
);

create table refund_rollups (
    channel_id  bigint not null references channels (id) on delete cascade,
    -- Minutes per bucket: 60 or 15 (metrics_grains).
    grain       smallint not null,
    bucket      timestamptz not null,
    currency    text not null,
    -- Credit memos in the refunded state (2).
    memos       bigint not null,
    total       numeric not null,
    primary key (grain, bucket, channel_id, currency)
);

create function order_rollups_apply() returns trigger language plpgsql as $$
declare
    source text := case tg_op
        when 'INSERT' then 'select n.*, 1 as sign from new_rows n'
        when 'DELETE' then 'select o.*, -1 as sign from old_rows o'
        else 'select n.*, 1 as sign from new_rows n union all select o.*, -1 as sign from old_rows o'
    end;
begin
    execute format(
        'insert into order_rollups (channel_id, grain, bucket, currency, orders, canceled, discounted, revenue)
         select * from (
             select r.channel_id, g.grain, metrics_bucket(r.magento_created_at, g.grain) as bucket,
                    coalesce(r.order_currency_code, %L) as currency,
                    coalesce(sum(r.sign) filter (where not r.is_canceled), 0) as orders,
                    coalesce(sum(r.sign) filter (where r.is_canceled), 0) as canceled,
                    coalesce(sum(r.sign) filter (where not r.is_canceled
                                                 and coalesce(r.discount_amount, 0) <> 0), 0)
                        as discounted,
                    coalesce(sum(r.sign * (coalesce(r.subtotal, 0)
                                           - abs(coalesce(r.discount_amount, 0))))
                             filter (where not r.is_canceled), 0) as revenue
             from (select s.*, (coalesce(s.state, %L) = %L or coalesce(s.status, %L) = %L)
                                  as is_canceled
                   from (%s) s) r
             cross join metrics_grains g
             where r.magento_created_at is not null
               and exists (select 1 from channels c where c.id = r.channel_id)
             group by 1, 2, 3, 4) d
         -- An update that changed nothing counted (most do) writes nothing here.
         where d.orders <> 0 or d.canceled <> 0 or d.discounted <> 0 or d.revenue <> 0
         order by 2, 3, 1, 4
         on conflict (grain, bucket, channel_id, currency) do update
         set orders = order_rollups.orders + excluded.orders,
             canceled = order_rollups.canceled + excluded.canceled,
             discounted = order_rollups.discounted + excluded.discounted,
             revenue = order_rollups.revenue + excluded.revenue',
        '', '', 'canceled', '', 'canceled', source);
    return null;
end
$$;

create function cart_rollups_apply() returns trigger language plpgsql as $$
declare
    source text := case tg_op
        when 'INSERT' then 'select n.*, 1 as sign from new_rows n'
        when 'DELETE' then 'select o.*, -1 as sign from old_rows o'
        else 'select n.*, 1 as sign from new_rows n union all select o.*, -1 as sign from old_rows o'
    end;
begin
    execute format(
        'insert into cart_rollups (channel_id, grain, bucket, status, carts, with_items, checkout)
         select * from (
             select r.channel_id, g.grain, metrics_bucket(r.magento_created_at, g.grain) as bucket, r.status,
                    sum(r.sign) as carts,
                    coalesce(sum(r.sign) filter (where r.items_count > 0 or r.has_billing_address
                                                 or r.status = %L), 0) as with_items,
                    coalesce(sum(r.sign) filter (where r.has_billing_address or r.status = %L), 0)
                        as checkout
             from (%s) r cross join metrics_grains g
             where r.magento_created_at is not null
               and exists (select 1 from channels c where c.id = r.channel_id)
             group by 1, 2, 3, 4) d
         where d.carts <> 0 or d.with_items <> 0 or d.checkout <> 0
         order by 2, 3, 1, 4
         on conflict (grain, bucket, channel_id, status) do update
         set carts = cart_rollups.carts + excluded.carts,
             with_items = cart_rollups.with_items + excluded.with_items,
             checkout = cart_rollups.checkout + excluded.checkout',
        'purchased', 'purchased', source);
    return null;
end
$$;

create function refund_rollups_apply() returns trigger language plpgsql as $$
declare
    source text := case tg_op
        when 'INSERT' then 'select n.*, 1 as sign from new_rows n'
        when 'DELETE' then 'select o.*, -1 as sign from old_rows o'
        else 'select n.*, 1 as sign from new_rows n union all select o.*, -1 as sign from old_rows o'
    end;
begin
    execute format(
        'insert into refund_rollups (channel_id, grain, bucket, currency, memos, total)
         select * from (
             select r.channel_id, g.grain, metrics_bucket(r.magento_created_at, g.grain) as bucket,
                    coalesce(r.order_currency_code, %L) as currency,
                    sum(r.sign) as memos, sum(r.sign * coalesce(r.grand_total, 0)) as total
             from (%s) r cross join metrics_grains g
             where r.state = 2 and r.magento_created_at is not null
               and exists (select 1 from channels c where c.id = r.channel_id)
             group by 1, 2, 3, 4) d
         where d.memos <> 0 or d.total <> 0
         order by 2, 3, 1, 4
         on conflict (grain, bucket, channel_id, currency) do update
         set memos = refund_rollups.memos + excluded.memos,
             total = refund_rollups.total + excluded.total',
        '', source);
    return null;
end
$$;


create trigger orders_rollups_insert after insert on orders
    referencing new table as new_rows for each statement execute function order_rollups_apply();
create trigger orders_rollups_update after update on orders
    referencing new table as new_rows old table as old_rows
    for each statement execute function order_rollups_apply();
create trigger orders_rollups_delete after delete on orders
    referencing old table as old_rows for each statement execute function order_rollups_apply();

create trigger carts_rollups_insert after insert on carts
    referencing new table as new_rows for each statement execute function cart_rollups_apply();
create trigger carts_rollups_update after update on carts
    referencing new table as new_rows old table as old_rows
    for each statement execute function cart_rollups_apply();
create trigger carts_rollups_delete after delete on carts
    referencing old table as old_rows for each statement execute function cart_rollups_apply();

create trigger credit_memos_rollups_insert after insert on credit_memos
    referencing new table as new_rows for each statement execute function refund_rollups_apply();
create trigger credit_memos_rollups_update after update on credit_memos
    referencing new table as new_rows old table as old_rows
    for each statement execute function refund_rollups_apply();
create trigger credit_memos_rollups_delete after delete on credit_memos
    referencing old table as old_rows for each statement execute function refund_rollups_apply();

-- What is already stored, at every grain.
insert into order_rollups (channel_id, grain, bucket, currency, orders, canceled, discounted, revenue)
select r.channel_id, g.grain, metrics_bucket(r.magento_created_at, g.grain),
       coalesce(r.order_currency_code, ''),
       count(*) filter (where not r.is_canceled),
       count(*) filter (where r.is_canceled),
       count(*) filter (where not r.is_canceled and coalesce(r.discount_amount, 0) <> 0),
       coalesce(sum(coalesce(r.subtotal, 0) - abs(coalesce(r.discount_amount, 0)))
                filter (where not r.is_canceled), 0)
from (select o.*, (coalesce(o.state, '') = 'canceled' or coalesce(o.status, '') = 'canceled')
                  as is_canceled
      from orders o where o.magento_created_at is not null) r
cross join metrics_grains g
group by 1, 2, 3, 4;

insert into cart_rollups (channel_id, grain, bucket, status, carts, with_items, checkout)
select c.channel_id, g.grain, metrics_bucket(c.magento_created_at, g.grain), c.status, count(*),
       count(*) filter (where c.items_count > 0 or c.has_billing_address or c.status = 'purchased'),
       count(*) filter (where c.has_billing_address or c.status = 'purchased')
from carts c cross join metrics_grains g
where c.magento_created_at is not null
group by 1, 2, 3, 4;

insert into refund_rollups (channel_id, grain, bucket, currency, memos, total)
select m.channel_id, g.grain, metrics_bucket(m.magento_created_at, g.grain),
       coalesce(m.order_currency_code, ''), count(*), coalesce(sum(coalesce(m.grand_total, 0)), 0)
from credit_memos m cross join metrics_grains g
where m.state = 2 and m.magento_created_at is not null
group by 1, 2, 3, 4;

-- New and returning customers of any period, without a distinct over the period's orders: each
-- order keeps the time of its customer's previous non-canceled order and the customer's
-- creation time (the sync refreshes both for every customer whose orders or record change,
-- store::sync_write::links::refresh_buyer_marks). A customer ordered in [a, b) exactly once
-- through the first of their orders there, the one whose previous order is before a (or none).
alter table orders
    add column prev_order_at timestamptz,
    add column customer_created_at timestamptz;

update orders o set prev_order_at = w.prev, customer_created_at = w.created
from (select o2.id,
             lag(o2.magento_created_at) over (partition by o2.customer_id
                                              order by o2.magento_created_at, o2.id) as prev,
             c.magento_created_at as created
      from orders o2 join customers c on c.id = o2.customer_id
      where coalesce(o2.state, '') <> 'canceled' and coalesce(o2.status, '') <> 'canceled') w
where o.id = w.id;

create index orders_buyers_idx on orders (magento_created_at)
    include (channel_id, prev_order_at, customer_created_at)
    where customer_id is not null
      and coalesce(state, '') <> 'canceled' and coalesce(status, '') <> 'canceled';
