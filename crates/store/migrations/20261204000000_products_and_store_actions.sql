-- The catalog as a synced entity, and the store actions log (issue 14): what the CRM asked a
-- store to do, the exact request, and the store's answer.

-- Products join the entities a channel may sync; existing channels take them, since building
-- a cart needs the catalog (an admin may remove them again in the channel's settings).
alter table channels drop constraint channels_entities_check;
alter table channels add constraint channels_entities_check check (
    entities <@ array['customers', 'carts', 'orders', 'credit-memos', 'newsletter-subscribers',
                      'products']::text[]);
update channels set entities = entities || array['products']::text[]
    where not ('products' = any (entities));

create table products (
    id                  bigserial primary key,
    channel_id          bigint not null references channels (id) on delete cascade,
    magento_id          bigint not null,
    sku                 text not null,
    name                text,
    -- simple, configurable, virtual, bundle, grouped, downloadable
    type_id             text,
    -- 1 enabled, 2 disabled
    status              smallint,
    -- 1 not visible individually, 2 catalog, 3 search, 4 catalog and search
    visibility          smallint,
    price               numeric(19,4),
    website_ids         bigint[] not null default '{}',
    -- A configurable's options as the store names them: [{attribute_id, label, values: [int]}];
    -- the values' labels live in product_attribute_options.
    options             jsonb,
    -- A configurable's children (Magento product ids).
    children            bigint[],
    -- From extension_attributes.stock_item when the store sends it.
    stock_qty           numeric(19,4),
    is_in_stock         boolean,
    -- Set when a reconciliation no longer finds the product in the store.
    removed_at          timestamptz,
    magento_created_at  timestamptz,
    magento_updated_at  timestamptz,
    payload_hash        bytea,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (channel_id, magento_id)
);
create index products_sku_idx on products (channel_id, lower(sku));
create index products_search_trgm_idx on products using gin ((sku || ' ' || coalesce(name, '')) gin_trgm_ops);
create index products_updated_idx on products (magento_updated_at desc nulls last, id desc);
create index products_name_idx on products (lower(name), id);

-- The labels of configurable options (color: Red, size: M), per channel and attribute.
create table product_attribute_options (
    channel_id          bigint not null references channels (id) on delete cascade,
    attribute_id        bigint not null,
    attribute_code      text,
    label               text,
    -- [{value, label}]
    options             jsonb not null default '[]',
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    primary key (channel_id, attribute_id)
);

-- "Orders that contain SKU …", "carts that contain it".
create index order_items_sku_idx on order_items (lower(sku));
create index order_items_sku_trgm_idx on order_items using gin (sku gin_trgm_ops);
create index cart_items_sku_idx on cart_items (lower(sku));

create table store_actions (
    id                  bigserial primary key,
    channel_id          bigint not null references channels (id) on delete cascade,
    kind                text not null check (kind in ('cart.open', 'cart.item.add',
        'cart.item.update', 'cart.item.remove', 'cart.rates', 'cart.shipping', 'cart.place',
        'record.sync')),
    -- What the user asked, in CRM terms (domain::actions::ActionCommand as JSON).
    command             jsonb not null,
    -- The records it acts on, for the timelines of their pages (CRM ids; a new cart has none
    -- until it is read back, so its Magento quote id is kept too).
    customer_id         bigint references customers (id) on delete set null,
    cart_id             bigint references carts (id) on delete set null,
    order_id            bigint references orders (id) on delete set null,
    product_id          bigint references products (id) on delete set null,
    credit_memo_id      bigint references credit_memos (id) on delete set null,
    subscriber_id       bigint references newsletter_subscribers (id) on delete set null,
    cart_magento_id     bigint,
    -- What was sent: `PUT carts/12/order` and the exact JSON body (never a secret).
    route               text,
    request             jsonb,
    state               text not null default 'queued'
        check (state in ('queued', 'running', 'done', 'failed', 'unknown')),
    http_status         integer,
    -- Magento's message as sent (with its placeholders) and its parameters; rendered is the
    -- text shown (the message filled in, or the CRM's own explanation).
    message             text,
    parameters          jsonb,
    rendered            text,
    -- The form field or cart line the message names (qty, shipping.postcode, item:7, payment).
    field               text,
    result              jsonb,
    attempts            integer not null default 0,
    requested_by        bigint references users (id) on delete set null,
    worker_id           text,
    -- When an unknown outcome was last checked in the store.
    checked_at          timestamptz,
    started_at          timestamptz,
    finished_at         timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);
create index store_actions_created_idx on store_actions (created_at desc, id desc);
create index store_actions_customer_idx on store_actions (customer_id, id desc) where customer_id is not null;
create index store_actions_cart_idx on store_actions (cart_id, id desc) where cart_id is not null;
create index store_actions_order_idx on store_actions (order_id, id desc) where order_id is not null;
create index store_actions_product_idx on store_actions (product_id, id desc) where product_id is not null;
create index store_actions_quote_idx on store_actions (channel_id, cart_magento_id, id);
create index store_actions_open_idx on store_actions (state, id) where state in ('queued', 'running', 'unknown');
-- One order per cart from the CRM, whatever the clicks: a second "place" while one is
-- queued, sending, unresolved or done is refused by the database itself.
create unique index store_actions_one_place_per_cart on store_actions (channel_id, cart_magento_id)
    where kind = 'cart.place' and state in ('queued', 'running', 'unknown', 'done');
