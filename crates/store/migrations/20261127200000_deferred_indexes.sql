-- Grid, search and metrics indexes dropped while a history import fills their table, with the
-- statement that makes each again (see store::sync_write::deferred_indexes). A row here is an
-- index to restore: after the import that deferred it, or by the next sync if that import
-- died.
create table deferred_indexes (
    name        text primary key,
    table_name  text not null,
    definition  text not null,
    job_id      bigint,
    deferred_at timestamptz not null default now()
);
