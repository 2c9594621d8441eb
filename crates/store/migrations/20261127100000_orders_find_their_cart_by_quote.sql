-- An order's cart is the cart with its quote id (product.md §2), found through the unique
-- (channel_id, magento_id) of carts. Keeping a copy of that link on orders meant rewriting
-- every order (and its 20-odd grid and dashboard indexes) whenever its cart arrived after it,
-- which is what lets a history import write orders before carts: the carts are then written
-- once, already Purchased, instead of inserted and then rewritten.
drop index if exists orders_cart_idx;
alter table orders drop column cart_id;
