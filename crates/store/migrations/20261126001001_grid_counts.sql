-- Exact grid totals without counting a million rows, and index refinements (issue 6).
--
-- A grid shows the exact number of matching rows. For selective filters `count(*)` over an
-- index is cheap; for the broad, categorical ones users apply most (a channel, a cart status,
-- an order state or status, guests or not) it would read most of the table on every page.
-- Those totals are kept here instead, per channel and per value of each counted column, by
-- statement-level triggers that add what a statement inserted and subtract what it removed or
-- changed, in the same transaction: a count read here is exactly `count(*)` of the committed
-- rows. The store answers a grid's total from this table when every filter is the channel or
-- one counted column (store::grid, `Counted`), and with `count(*)` otherwise.

create table grid_counts (
    table_name      text not null,
    channel_id      bigint not null references channels (id) on delete cascade,
    -- The counted column, or '*' for all rows of the channel.
    dimension       text not null,
    -- The column's value as text ('open', '2', 'true'), or '*'. NULL values are not counted.
    value           text not null,
    rows            bigint not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (table_name, channel_id, dimension, value)
);

-- Applies a statement's rows to grid_counts. Arguments: the counted columns of the table.
create function grid_counts_apply() returns trigger language plpgsql as $$
declare
    dims text := '(''*'', ''*'')';
    dim text;
    source text;
begin
    foreach dim in array tg_argv loop
        dims := dims || format(', (%L, r.%I::text)', dim, dim);
    end loop;
    -- The rows the statement added (+1) and removed (−1); an update is both.
    source := case tg_op
        when 'INSERT' then 'select n.*, 1 as sign from new_rows n'
        when 'DELETE' then 'select o.*, -1 as sign from old_rows o'
        else 'select n.*, 1 as sign from new_rows n union all select o.*, -1 as sign from old_rows o'
    end;
    -- Only counts of channels that still exist: while a channel is deleted, the cascade's
    -- deletes must not recreate its rows (they go with the channel).
    execute format(
        'insert into grid_counts (table_name, channel_id, dimension, value, rows)
         select %L, r.channel_id, d.dimension, d.value, sum(r.sign)
         from (%s) r cross join lateral (values %s) d(dimension, value)
         where d.value is not null and exists (select 1 from channels c where c.id = r.channel_id)
         group by r.channel_id, d.dimension, d.value
         having sum(r.sign) <> 0
         on conflict (table_name, channel_id, dimension, value)
         do update set rows = grid_counts.rows + excluded.rows, updated_at = now()',
        tg_table_name, source, dims);
    return null;
end
$$;

-- Recounts a table from scratch (used below, and by hand should the counts ever be doubted).
create function grid_counts_rebuild(tbl text, variadic dims text[]) returns void language plpgsql as $$
declare
    list text := '(''*'', ''*'')';
    dim text;
begin
    foreach dim in array dims loop
        list := list || format(', (%L, r.%I::text)', dim, dim);
    end loop;
    delete from grid_counts where table_name = tbl;
    execute format(
        'insert into grid_counts (table_name, channel_id, dimension, value, rows)
         select %L, r.channel_id, d.dimension, d.value, count(*)
         from %I r cross join lateral (values %s) d(dimension, value)
         where d.value is not null
         group by r.channel_id, d.dimension, d.value',
        tbl, tbl, list);
end
$$;

-- The triggers, three per table (each statement kind names its transition tables).
create trigger carts_grid_counts_insert after insert on carts
    referencing new table as new_rows for each statement execute function grid_counts_apply('status');
create trigger carts_grid_counts_update after update on carts
    referencing old table as old_rows new table as new_rows for each statement execute function grid_counts_apply('status');
create trigger carts_grid_counts_delete after delete on carts
    referencing old table as old_rows for each statement execute function grid_counts_apply('status');

create trigger orders_grid_counts_insert after insert on orders
    referencing new table as new_rows for each statement execute function grid_counts_apply('state', 'status', 'is_guest');
create trigger orders_grid_counts_update after update on orders
    referencing old table as old_rows new table as new_rows for each statement execute function grid_counts_apply('state', 'status', 'is_guest');
create trigger orders_grid_counts_delete after delete on orders
    referencing old table as old_rows for each statement execute function grid_counts_apply('state', 'status', 'is_guest');

create trigger customers_grid_counts_insert after insert on customers
    referencing new table as new_rows for each statement execute function grid_counts_apply('is_guest');
create trigger customers_grid_counts_update after update on customers
    referencing old table as old_rows new table as new_rows for each statement execute function grid_counts_apply('is_guest');
create trigger customers_grid_counts_delete after delete on customers
    referencing old table as old_rows for each statement execute function grid_counts_apply('is_guest');

create trigger credit_memos_grid_counts_insert after insert on credit_memos
    referencing new table as new_rows for each statement execute function grid_counts_apply('state');
create trigger credit_memos_grid_counts_update after update on credit_memos
    referencing old table as old_rows new table as new_rows for each statement execute function grid_counts_apply('state');
create trigger credit_memos_grid_counts_delete after delete on credit_memos
    referencing old table as old_rows for each statement execute function grid_counts_apply('state');

create trigger newsletter_subscribers_grid_counts_insert after insert on newsletter_subscribers
    referencing new table as new_rows for each statement execute function grid_counts_apply('status');
create trigger newsletter_subscribers_grid_counts_update after update on newsletter_subscribers
    referencing old table as old_rows new table as new_rows for each statement execute function grid_counts_apply('status');
create trigger newsletter_subscribers_grid_counts_delete after delete on newsletter_subscribers
    referencing old table as old_rows for each statement execute function grid_counts_apply('status');

-- Rows synced before this migration (the triggers' locks keep writers out meanwhile).
select grid_counts_rebuild('carts', 'status');
select grid_counts_rebuild('orders', 'state', 'status', 'is_guest');
select grid_counts_rebuild('customers', 'is_guest');
select grid_counts_rebuild('credit_memos', 'state');
select grid_counts_rebuild('newsletter_subscribers', 'status');

-- Index refinements measured at 1M rows (`cartwise bench grid`).
--
-- A closed date window sorted by another date ("created in March, newest update first") is
-- filtered before it is sorted (store::grid, `filter_first`): with the update time carried in
-- the creation index, that filter is an index-only scan, not a heap fetch per matching row.
drop index carts_created_idx;
create index carts_created_idx on carts (magento_created_at desc nulls last, id desc)
    include (magento_updated_at);
drop index orders_created_idx;
create index orders_created_idx on orders (magento_created_at desc nulls last, id desc)
    include (magento_updated_at);

-- Sorting by a status orders by (status, id): without these, a million rows are sorted.
create index carts_status_id_idx on carts (status, id);
create index orders_status_id_idx on orders (status, id);
create index orders_state_id_idx on orders (state, id);

-- "Orders with this coupon": only the orders that carry one are indexed, so "contains" and
-- exact counts over the codes are index-only scans of those.
create index orders_coupon_present_idx on orders (coupon_code) where coupon_code is not null;
