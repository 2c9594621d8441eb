-- Two-way customers (issue 15).

-- Writes to one customer run one at a time and in order, as a cart's do: the merge re-reads
-- the customer and saves it, and two users' edits must not interleave between the two.
alter table store_actions add column customer_magento_id bigint;
create index store_actions_customer_key_idx on store_actions (channel_id, customer_magento_id, id)
    where customer_magento_id is not null;

-- Per-field owners of a channel's two-way sync: [{"field": "email", "owner": "remote"}, …].
-- A field's owner wins its conflicts whatever the channel's priority.
alter table channels add column field_owners jsonb not null default '[]'::jsonb;

alter table store_actions drop constraint store_actions_kind_check;
alter table store_actions add constraint store_actions_kind_check check (kind in ('cart.open',
    'cart.item.add', 'cart.item.update', 'cart.item.remove', 'cart.rates', 'cart.shipping',
    'cart.place', 'record.sync', 'customer.create', 'customer.update', 'customer.subscribe',
    'customer.unsubscribe'));
