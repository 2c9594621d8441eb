-- Users, their sessions and sign-in throttling.

create table users (
    id              bigserial primary key,
    email           text not null,
    name            text not null,
    role            text not null check (role in ('administrator', 'sales', 'marketing', 'viewer')),
    password_hash   text not null,
    is_active       boolean not null default true,
    -- The browser's zone is the default; a user may pin one (IANA name).
    time_zone       text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);

-- Emails are compared case-insensitively: "Ann@x.com" and "ann@x.com" are one user.
create unique index users_email_key on users (lower(email));

-- Only a SHA-256 of the session token is stored: a leaked table does not leak sessions.
create table sessions (
    token_hash      text primary key,
    user_id         bigint not null references users (id) on delete cascade,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    last_seen_at    timestamptz not null default now(),
    expires_at      timestamptz not null
);

create index sessions_user_id_idx on sessions (user_id);
create index sessions_expires_at_idx on sessions (expires_at);

-- Failed sign-ins per email, to slow down guessing (kept in Postgres so several
-- cartwise processes share the count).
create table sign_in_failures (
    id              bigserial primary key,
    email           text not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);

create index sign_in_failures_email_idx on sign_in_failures (lower(email), created_at);
