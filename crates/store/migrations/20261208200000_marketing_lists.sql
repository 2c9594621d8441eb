-- Marketing lists (issue 16): a saved filter over customers, carts or newsletter subscribers
-- (dynamic: recomputed when read) or a frozen member set (static: refreshed on demand).
create table marketing_lists (
    id              bigserial primary key,
    name            text not null check (length(name) between 1 and 120),
    entity          text not null check (entity in ('customers', 'carts', 'newsletter-subscribers')),
    kind            text not null check (kind in ('dynamic', 'static')),
    -- The grid query the list filters with (the grid's own URL syntax); for built-in lists the
    -- query is made when read (their dates move with today) and this is empty.
    query           text not null default '' check (length(query) <= 4000),
    -- Built-in lists: one of each per channel.
    builtin         text check (builtin in ('abandoned_carts', 'subscribed', 'first_time_buyers',
                                            'lapsed_customers')),
    channel_id      bigint references channels (id) on delete cascade,
    created_by      bigint references users (id) on delete set null,
    created_at      timestamptz not null default now(),
    refreshed_at    timestamptz,
    check ((builtin is null) or (channel_id is not null and kind = 'dynamic'))
);
create unique index marketing_lists_builtin_key on marketing_lists (channel_id, builtin)
    where builtin is not null;
create unique index marketing_lists_name_key on marketing_lists (lower(name));

-- A static list's members, frozen when it was (re)built.
create table marketing_list_members (
    list_id     bigint not null references marketing_lists (id) on delete cascade,
    record_id   bigint not null,
    primary key (list_id, record_id)
);

-- Members a user took off a list, without touching the record.
create table marketing_list_removed (
    list_id     bigint not null references marketing_lists (id) on delete cascade,
    record_id   bigint not null,
    removed_by  bigint references users (id) on delete set null,
    removed_at  timestamptz not null default now(),
    primary key (list_id, record_id)
);

-- How often a list's member was contacted (an export counted as a campaign), by email: the
-- same person reached through two records of the list is one contact.
create table marketing_list_contacts (
    list_id           bigint not null references marketing_lists (id) on delete cascade,
    email_key         text not null,
    contacted_times   integer not null default 0,
    last_contacted_at timestamptz,
    primary key (list_id, email_key)
);
