-- Which key encrypts the stored credentials. One row: a fingerprint of the key (SHA-256 of a
-- fixed label and the key; never the key), so a process started with another key refuses to
-- start instead of failing to decrypt later or writing ciphertexts the old key cannot read.
create table secret_key_checks (
    id          boolean primary key default true check (id),
    fingerprint bytea not null check (length(fingerprint) = 32),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

-- Null: the credentials were discarded because the key that encrypted them was lost
-- (`cartwise key reset`); they must be entered again before the channel syncs.
alter table channels alter column credentials drop not null;
comment on column channels.credentials is
    'AES-256-GCM of the credentials as JSON, bound to the channel id (secrets.rs); null when discarded with a lost key';
