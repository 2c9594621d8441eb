-- Marketing lists count their members on every read (they are dynamic): over 1M carts and
-- 300k customers these counts must come from narrow indexes, not from the wide tables.

-- A cart's follow-up step, kept on the cart itself so "carts whose follow-up is Not contacted"
-- is one index range (cart_follow_ups has the step, but checking each of its carts against
-- the list's other conditions meant visiting 1M cart rows). cart_follow_ups stays the record;
-- this copy follows it through the statement-level triggers below (one update per statement,
-- not per row: a sync's follow-up pass creates thousands at once). Only `step` is copied, so
-- the carts update never touches `status` and `carts_close_follow_ups` does not fire again.
alter table carts add column follow_up_step text;

create function carts_follow_up_step_apply() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        update carts c set follow_up_step = null
        from old_rows o
        where c.id = o.cart_id and c.follow_up_step is not null;
    else
        update carts c set follow_up_step = n.step
        from new_rows n
        where c.id = n.cart_id and c.follow_up_step is distinct from n.step;
    end if;
    return null;
end
$$;

create trigger cart_follow_ups_step_insert after insert on cart_follow_ups
    referencing new table as new_rows for each statement execute function carts_follow_up_step_apply();
create trigger cart_follow_ups_step_update after update on cart_follow_ups
    referencing new table as new_rows for each statement execute function carts_follow_up_step_apply();
create trigger cart_follow_ups_step_delete after delete on cart_follow_ups
    referencing old table as old_rows for each statement execute function carts_follow_up_step_apply();

update carts c set follow_up_step = f.step from cart_follow_ups f where f.cart_id = c.id;

create index carts_follow_up_step_idx on carts (channel_id, follow_up_step)
    where follow_up_step is not null;

-- "Every customer of the channel" and the channel scope under every customer list: an
-- index-only count instead of a scan of the customers table.
create index customers_channel_idx on customers (channel_id, id);

-- RFM segments ("Champions: R, F and M at least 4"): index-only.
create index customers_rfm_idx on customers (channel_id, rfm_recency, rfm_frequency, rfm_monetary)
    where rfm_recency is not null;
