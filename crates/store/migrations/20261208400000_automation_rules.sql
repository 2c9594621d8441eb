-- Automation rules (issue 16): a small rule list per channel, run by the job worker after each
-- sync. A rule fires at most once per record (rule_firings' key), however many workers run it.
create table automation_rules (
    id              bigserial primary key,
    channel_id      bigint not null references channels (id) on delete cascade,
    kind            text not null check (kind in ('assign_abandoned', 'lose_uncontacted',
                                                  'follow_up_first_orders')),
    -- assign_abandoned: carts whose total is at least this.
    min_total       numeric(20, 4) check (min_total >= 0),
    -- Whom the rule assigns to: one user, or round-robin over a role's active users.
    assignee_id     bigint references users (id) on delete set null,
    assignee_role   text check (assignee_role in ('sales', 'administrator')),
    -- lose_uncontacted: days without a contact.
    after_days      integer check (after_days between 1 and 365),
    -- Where the round-robin continues.
    turn            bigint not null default 0,
    enabled         boolean not null default true,
    created_by      bigint references users (id) on delete set null,
    created_at      timestamptz not null default now(),
    check (kind <> 'lose_uncontacted' or after_days is not null),
    check (kind <> 'assign_abandoned' or assignee_id is not null or assignee_role is not null)
);
create index automation_rules_channel_idx on automation_rules (channel_id) where enabled;

create table rule_firings (
    rule_id     bigint not null references automation_rules (id) on delete cascade,
    record_id   bigint not null,
    fired_at    timestamptz not null default now(),
    primary key (rule_id, record_id)
);
