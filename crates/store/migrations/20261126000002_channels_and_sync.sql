-- Channels (connected Magento stores), their dictionaries, the synced entities, and the sync
-- machinery (cursors, jobs, progress, error log).

create table channels (
    id                      bigserial primary key,
    name                    text not null,
    store_url               text not null,
    auth_kind               text not null check (auth_kind in ('bearer', 'oauth1', 'admin_password')),
    -- AES-256-GCM (nonce || ciphertext) of the credentials as JSON; never leaves the server.
    credentials             bytea not null,
    verify_tls              boolean not null default true,
    -- Magento website ids to sync; null = every website.
    website_ids             bigint[],
    sync_start_date         date,
    sync_interval_secs      integer not null default 300 check (sync_interval_secs >= 30),
    page_size               integer not null default 100 check (page_size between 1 and 300),
    abandon_threshold_secs  integer not null default 3600 check (abandon_threshold_secs >= 60),
    cart_lifetime_days      integer not null default 30 check (cart_lifetime_days between 1 and 3650),
    entities                text[] not null,
    two_way                 boolean not null default false,
    sync_priority           text not null default 'remote' check (sync_priority in ('remote', 'local')),
    is_active               boolean not null default true,
    -- idle | syncing | failed | access_rejected
    status                  text not null default 'idle'
        check (status in ('idle', 'syncing', 'failed', 'access_rejected')),
    status_message          text,
    -- How subscribers are read: the companion route, or customers' is_subscribed.
    subscriber_source       text check (subscriber_source in ('companion_route', 'customer_flag')),
    store_clock_skew_secs   integer,
    last_sync_started_at    timestamptz,
    last_success_at         timestamptz,
    next_sync_at            timestamptz,
    is_demo                 boolean not null default false,
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    check (entities <@ array['customers', 'carts', 'orders', 'credit-memos', 'newsletter-subscribers']::text[]),
    check ('customers' = any (entities))
);
create unique index channels_name_key on channels (lower(name));

-- Dictionaries, refreshed on each run.
create table websites (
    id              bigserial primary key,
    channel_id      bigint not null references channels (id) on delete cascade,
    magento_id      bigint not null,
    code            text not null,
    name            text not null,
    default_group_id bigint,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (channel_id, magento_id)
);

create table store_groups (
    id              bigserial primary key,
    channel_id      bigint not null references channels (id) on delete cascade,
    magento_id      bigint not null,
    website_id      bigint,
    code            text,
    name            text not null,
    root_category_id bigint,
    default_store_id bigint,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (channel_id, magento_id)
);

create table store_views (
    id              bigserial primary key,
    channel_id      bigint not null references channels (id) on delete cascade,
    magento_id      bigint not null,
    code            text not null,
    name            text not null,
    website_id      bigint,
    store_group_id  bigint,
    is_active       boolean not null default true,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (channel_id, magento_id)
);

create table customer_groups (
    id              bigserial primary key,
    channel_id      bigint not null references channels (id) on delete cascade,
    magento_id      bigint not null,
    code            text not null,
    tax_class_id    bigint,
    tax_class_name  text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (channel_id, magento_id)
);

create table regions (
    id              bigserial primary key,
    channel_id      bigint not null references channels (id) on delete cascade,
    country_id      text not null,
    country_name    text,
    -- Region ids are strings by contract; '' holds the country itself.
    magento_id      text not null,
    code            text,
    name            text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (channel_id, country_id, magento_id)
);

-- CRM-side: a person or company, across stores. Customers are matched to one by email.
create table accounts (
    id              bigserial primary key,
    name            text not null,
    email_key       text not null,
    -- Maintained by the sync from the account's customers.
    customers_count integer not null default 0,
    lifetime_sales  numeric(19,4) not null default 0,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create unique index accounts_email_key on accounts (email_key);

create table customers (
    id                  bigserial primary key,
    channel_id          bigint not null references channels (id) on delete cascade,
    -- Null for guests (made from guest orders and carts).
    magento_id          bigint,
    is_guest            boolean not null default false,
    website_id          bigint not null default 0,
    store_id            bigint,
    group_id            bigint,
    email               text not null,
    email_key           text generated always as (lower(email)) stored,
    first_name          text,
    last_name           text,
    middle_name         text,
    prefix              text,
    suffix              text,
    gender              smallint,
    dob                 date,
    taxvat              text,
    created_in          text,
    confirmed           boolean,
    is_subscribed       boolean,
    default_billing_magento_id  bigint,
    default_shipping_magento_id bigint,
    account_id          bigint references accounts (id) on delete set null,
    -- Maintained by the sync: Σ (subtotal − |discount|) of non-canceled orders, their count.
    lifetime_sales      numeric(19,4) not null default 0,
    orders_count        integer not null default 0,
    last_order_at       timestamptz,
    -- Set when a reconciliation no longer finds the customer in the store.
    removed_at          timestamptz,
    magento_created_at  timestamptz,
    magento_updated_at  timestamptz,
    -- Hash of the mapped payload: detects changes Magento does not stamp (address-only edits).
    payload_hash        bytea,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    check (is_guest = (magento_id is null))
);
create unique index customers_channel_magento_key on customers (channel_id, magento_id) where magento_id is not null;
create unique index customers_guest_key on customers (channel_id, website_id, email_key) where is_guest;
create index customers_email_idx on customers (channel_id, website_id, email_key);
create index customers_account_idx on customers (account_id);

create table customer_addresses (
    id                  bigserial primary key,
    customer_id         bigint not null references customers (id) on delete cascade,
    magento_id          bigint not null,
    first_name          text,
    last_name           text,
    company             text,
    -- Street lines joined with newlines.
    street              text,
    city                text,
    region              text,
    region_code         text,
    region_id           bigint,
    postcode            text,
    country_id          text,
    telephone           text,
    vat_id              text,
    is_default_billing  boolean not null default false,
    is_default_shipping boolean not null default false,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (customer_id, magento_id)
);

create table carts (
    id                  bigserial primary key,
    channel_id          bigint not null references channels (id) on delete cascade,
    magento_id          bigint not null,
    customer_id         bigint references customers (id) on delete set null,
    customer_magento_id bigint,
    is_guest            boolean not null default true,
    email               text,
    email_key           text generated always as (lower(email)) stored,
    first_name          text,
    last_name           text,
    store_id            bigint,
    website_id          bigint,
    is_active           boolean not null,
    is_virtual          boolean,
    items_count         integer not null default 0,
    items_qty           numeric(19,4) not null default 0,
    subtotal            numeric(19,4),
    grand_total         numeric(19,4),
    -- Whether the totals came from the store (true) or were summed from the items.
    totals_from_store   boolean not null default false,
    base_currency_code  text,
    quote_currency_code text,
    reserved_order_id   text,
    billing_country     text,
    -- Checkout reached: the cart carries a billing address.
    has_billing_address boolean not null default false,
    status              text not null default 'open'
        check (status in ('open', 'lost', 'converted_to_opportunity', 'expired', 'purchased')),
    status_changed_at   timestamptz not null default now(),
    order_id            bigint,
    left_store_at       timestamptz,
    magento_created_at  timestamptz,
    magento_updated_at  timestamptz,
    converted_at        timestamptz,
    payload_hash        bytea,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (channel_id, magento_id)
);
create index carts_customer_idx on carts (customer_id);

create table cart_items (
    id                  bigserial primary key,
    cart_id             bigint not null references carts (id) on delete cascade,
    magento_id          bigint not null,
    sku                 text,
    name                text,
    product_type        text,
    qty                 numeric(19,4),
    price               numeric(19,4),
    row_total           numeric(19,4),
    -- Items removed in the store are kept and flagged.
    removed_at          timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (cart_id, magento_id)
);

create table orders (
    id                  bigserial primary key,
    channel_id          bigint not null references channels (id) on delete cascade,
    magento_id          bigint not null,
    increment_id        text,
    quote_magento_id    bigint,
    cart_id             bigint references carts (id) on delete set null,
    customer_id         bigint references customers (id) on delete set null,
    customer_magento_id bigint,
    is_guest            boolean not null,
    email               text,
    email_key           text generated always as (lower(email)) stored,
    first_name          text,
    last_name           text,
    store_id            bigint,
    website_id          bigint,
    state               text,
    status              text,
    subtotal            numeric(19,4),
    discount_amount     numeric(19,4),
    shipping_amount     numeric(19,4),
    tax_amount          numeric(19,4),
    grand_total         numeric(19,4),
    total_paid          numeric(19,4),
    total_invoiced      numeric(19,4),
    total_refunded      numeric(19,4),
    total_canceled      numeric(19,4),
    total_due           numeric(19,4),
    base_subtotal       numeric(19,4),
    base_discount_amount numeric(19,4),
    base_grand_total    numeric(19,4),
    order_currency_code text,
    base_currency_code  text,
    total_qty_ordered   numeric(19,4),
    total_item_count    integer,
    payment_method      text,
    shipping_method     text,
    shipping_description text,
    coupon_code         text,
    billing_country     text,
    shipping_country    text,
    magento_created_at  timestamptz,
    magento_updated_at  timestamptz,
    payload_hash        bytea,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (channel_id, magento_id)
);
create index orders_customer_idx on orders (customer_id);
create index orders_cart_idx on orders (cart_id);
create index orders_quote_idx on orders (channel_id, quote_magento_id);

alter table carts add constraint carts_order_fk foreign key (order_id) references orders (id) on delete set null;

create table order_items (
    id                  bigserial primary key,
    order_id            bigint not null references orders (id) on delete cascade,
    magento_id          bigint not null,
    parent_magento_id   bigint,
    sku                 text,
    name                text,
    product_type        text,
    qty_ordered         numeric(19,4),
    qty_invoiced        numeric(19,4),
    qty_refunded        numeric(19,4),
    qty_canceled        numeric(19,4),
    price               numeric(19,4),
    original_price      numeric(19,4),
    row_total           numeric(19,4),
    tax_amount          numeric(19,4),
    discount_amount     numeric(19,4),
    amount_refunded     numeric(19,4),
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (order_id, magento_id)
);

create table order_addresses (
    id                  bigserial primary key,
    order_id            bigint not null references orders (id) on delete cascade,
    address_type        text not null,
    first_name          text,
    last_name           text,
    company             text,
    -- Street lines joined with newlines.
    street              text,
    city                text,
    region              text,
    region_code         text,
    postcode            text,
    country_id          text,
    telephone           text,
    email               text,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (order_id, address_type)
);

create table order_status_history (
    id                  bigserial primary key,
    order_id            bigint not null references orders (id) on delete cascade,
    magento_id          bigint not null,
    status              text,
    comment             text,
    is_customer_notified boolean,
    magento_created_at  timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (order_id, magento_id)
);

create table credit_memos (
    id                  bigserial primary key,
    channel_id          bigint not null references channels (id) on delete cascade,
    magento_id          bigint not null,
    increment_id        text,
    order_magento_id    bigint not null,
    order_id            bigint references orders (id) on delete set null,
    store_id            bigint,
    -- 1 open/pending, 2 refunded, 3 canceled
    state               smallint,
    subtotal            numeric(19,4),
    shipping_amount     numeric(19,4),
    adjustment          numeric(19,4),
    adjustment_positive numeric(19,4),
    adjustment_negative numeric(19,4),
    tax_amount          numeric(19,4),
    discount_amount     numeric(19,4),
    grand_total         numeric(19,4),
    order_currency_code text,
    magento_created_at  timestamptz,
    magento_updated_at  timestamptz,
    payload_hash        bytea,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (channel_id, magento_id)
);
create index credit_memos_order_idx on credit_memos (order_id);
create index credit_memos_order_magento_idx on credit_memos (channel_id, order_magento_id);

create table credit_memo_items (
    id                  bigserial primary key,
    credit_memo_id      bigint not null references credit_memos (id) on delete cascade,
    magento_id          bigint not null,
    order_item_magento_id bigint,
    sku                 text,
    name                text,
    qty                 numeric(19,4),
    price               numeric(19,4),
    row_total           numeric(19,4),
    tax_amount          numeric(19,4),
    discount_amount     numeric(19,4),
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (credit_memo_id, magento_id)
);

create table newsletter_subscribers (
    id                  bigserial primary key,
    channel_id          bigint not null references channels (id) on delete cascade,
    -- subscriber_id from the companion route; null when read from customers' is_subscribed.
    magento_id          bigint,
    source              text not null check (source in ('companion_route', 'customer_flag')),
    email               text not null,
    email_key           text generated always as (lower(email)) stored,
    customer_magento_id bigint,
    customer_id         bigint references customers (id) on delete set null,
    store_id            bigint,
    website_id          bigint,
    -- 1 Subscribed, 2 Not activated, 3 Unsubscribed, 4 Unconfirmed
    status              smallint not null check (status between 1 and 4),
    status_changed_at   timestamptz,
    removed_at          timestamptz,
    payload_hash        bytea,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    check ((source = 'companion_route') = (magento_id is not null))
);
create unique index newsletter_subscribers_magento_key on newsletter_subscribers (channel_id, magento_id) where magento_id is not null;
create unique index newsletter_subscribers_flag_key on newsletter_subscribers (channel_id, customer_magento_id) where source = 'customer_flag';
create index newsletter_subscribers_customer_idx on newsletter_subscribers (customer_id);

-- Where each entity's sync stands: the §7.1 cursor (updated_at, entity id), committed in the
-- same transaction as the page it covers.
create table sync_cursors (
    channel_id          bigint not null references channels (id) on delete cascade,
    entity              text not null,
    cursor_updated_at   timestamp,
    cursor_id           bigint not null default 0,
    -- The initial (history) sync of this entity finished at least once.
    initial_done        boolean not null default false,
    last_full_scan_at   timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    primary key (channel_id, entity)
);

create table sync_jobs (
    id                  bigserial primary key,
    channel_id          bigint not null references channels (id) on delete cascade,
    -- sync: incremental (initial when nothing was synced yet); full: re-read everything;
    -- retry_errors: re-fetch the records of the open error log.
    kind                text not null check (kind in ('sync', 'full', 'retry_errors')),
    status              text not null default 'queued'
        check (status in ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    requested_by        bigint references users (id) on delete set null,
    trigger             text not null default 'schedule' check (trigger in ('schedule', 'manual', 'setup', 'cli')),
    run_after           timestamptz not null default now(),
    started_at          timestamptz,
    finished_at         timestamptz,
    heartbeat_at        timestamptz,
    worker_id           text,
    cancel_requested    boolean not null default false,
    error               text,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);
-- At most one queued and one running job per channel, whatever the number of processes.
create unique index sync_jobs_one_running on sync_jobs (channel_id) where status = 'running';
create unique index sync_jobs_one_queued on sync_jobs (channel_id) where status = 'queued';
create index sync_jobs_claim_idx on sync_jobs (run_after) where status = 'queued';
create index sync_jobs_channel_idx on sync_jobs (channel_id, id desc);

-- Per job and entity: progress and counts, updated page by page.
create table sync_job_entities (
    job_id              bigint not null references sync_jobs (id) on delete cascade,
    entity              text not null,
    total               bigint,
    fetched             bigint not null default 0,
    created             bigint not null default 0,
    updated             bigint not null default 0,
    unchanged           bigint not null default 0,
    failed              bigint not null default 0,
    started_at          timestamptz,
    finished_at         timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    primary key (job_id, entity)
);

-- Records that could not be fetched or mapped: kept with their payload, retryable.
create table sync_errors (
    id                  bigserial primary key,
    channel_id          bigint not null references channels (id) on delete cascade,
    job_id              bigint references sync_jobs (id) on delete set null,
    entity              text not null,
    magento_id          text,
    field_path          text,
    message             text not null,
    payload             jsonb,
    status              text not null default 'open' check (status in ('open', 'resolved')),
    attempts            integer not null default 1,
    resolved_at         timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);
create unique index sync_errors_open_key on sync_errors (channel_id, entity, magento_id) where status = 'open' and magento_id is not null;
create index sync_errors_channel_idx on sync_errors (channel_id, status, id desc);
