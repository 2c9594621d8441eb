-- When an open cart counts as abandoned (product.md §3): it has items and a contact email, and
-- it is abandoned once `abandon_at` (its last update + the channel's threshold) has passed.
-- Stored so "abandoned" is an indexable range condition instead of a per-row computation.
alter table carts add column abandon_at timestamptz;
create index carts_abandon_idx on carts (channel_id, abandon_at) where status = 'open' and abandon_at is not null;
