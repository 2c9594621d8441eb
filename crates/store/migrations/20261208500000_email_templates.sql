-- Email templates (issue 16): the follow-up emails reps send from a cart's page when the
-- installation has SMTP settings. Placeholders are checked when saved (domain::email_template).
create table email_templates (
    id          bigserial primary key,
    name        text not null check (length(name) between 1 and 120),
    subject     text not null check (length(subject) between 1 and 200),
    body        text not null check (length(body) between 1 and 20000),
    created_by  bigint references users (id) on delete set null,
    updated_by  bigint references users (id) on delete set null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create unique index email_templates_name_key on email_templates (lower(name));
