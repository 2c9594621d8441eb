-- Follow-ups (issue 16): the work a team does about abandoned carts and new orders, kept apart
-- from the cart's status (a cart at step Contacted can still be Open), and opportunities.

-- Events the CRM itself writes on a record's timeline (a follow-up closed by the sync, a rule
-- that fired); tasks a follow-up closed say why they went.
alter table activities drop constraint activities_kind_check;
alter table activities add constraint activities_kind_check
    check (kind in ('call', 'email', 'note', 'task', 'event'));
alter table activities add column cancelled_reason text;

create table opportunities (
    id              bigserial primary key,
    channel_id      bigint not null references channels (id) on delete cascade,
    cart_id         bigint references carts (id) on delete set null,
    customer_id     bigint references customers (id) on delete set null,
    name            text not null check (length(name) between 1 and 200),
    owner_id        bigint references users (id) on delete set null,
    budget          numeric(20, 4) check (budget >= 0),
    currency        text,
    close_on        date,
    stage           text not null default 'qualify'
                    check (stage in ('qualify', 'develop', 'proposal', 'negotiation', 'won', 'lost')),
    probability     smallint not null default 10 check (probability between 0 and 100),
    notes           text not null default '',
    created_by      bigint references users (id) on delete set null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create index opportunities_created_idx on opportunities (created_at desc, id desc);
create index opportunities_cart_idx on opportunities (cart_id) where cart_id is not null;
create index opportunities_customer_idx on opportunities (customer_id) where customer_id is not null;
create index opportunities_owner_idx on opportunities (owner_id, stage);

-- One follow-up per cart. Open while Not contacted or Contacted; closed as Won back, Lost,
-- Converted to opportunity or Expired (domain::follow_up has the rules).
create table cart_follow_ups (
    cart_id           bigint primary key references carts (id) on delete cascade,
    channel_id        bigint not null references channels (id) on delete cascade,
    step              text not null check (step in ('not_contacted', 'contacted', 'won_back',
                                                    'lost', 'opportunity', 'expired')),
    owner_id          bigint references users (id) on delete set null,
    claimed_at        timestamptz,
    contacted_times   integer not null default 0,
    last_contacted_at timestamptz,
    lost_reason       text,
    opportunity_id    bigint references opportunities (id) on delete set null,
    closed_at         timestamptz,
    closed_by         text check (closed_by in ('user', 'sync', 'rule')),
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    check ((step in ('not_contacted', 'contacted')) = (closed_at is null))
);
create index cart_follow_ups_step_idx on cart_follow_ups (channel_id, step);
create index cart_follow_ups_owner_idx on cart_follow_ups (owner_id, step) where owner_id is not null;

-- Order follow-ups: which orders get one is the channel's rule.
alter table channels add column follow_up_first_orders boolean not null default true;
alter table channels add column follow_up_min_total numeric(20, 4) check (follow_up_min_total >= 0);

create table order_follow_ups (
    order_id        bigint primary key references orders (id) on delete cascade,
    channel_id      bigint not null references channels (id) on delete cascade,
    reason          text not null check (reason in ('first_order', 'order_total')),
    step            text not null default 'not_contacted' check (step in ('not_contacted', 'contacted')),
    owner_id        bigint references users (id) on delete set null,
    rating          smallint check (rating between 1 and 5),
    feedback        text,
    contacted_at    timestamptz,
    contacted_by    bigint references users (id) on delete set null,
    created_at      timestamptz not null default now(),
    check ((step = 'contacted') = (contacted_at is not null))
);
create index order_follow_ups_step_idx on order_follow_ups (channel_id, step, created_at desc);
create index order_follow_ups_feedback_idx on order_follow_ups (contacted_at desc) where step = 'contacted';

-- A purchase or the cart expiring closes its open follow-up the moment any write sees it (a
-- synced order, an expiry pass, a store action's re-read): nobody calls a shopper who already
-- bought. Its open tasks go with it, and the timeline says so. Only carts leaving Open can hold
-- an open follow-up (Lost and Converted close theirs), so the WHEN clause keeps the trigger off
-- every other write.
create function cart_follow_up_close_by_status() returns trigger language plpgsql as $$
declare
    closed_step text := case when new.status = 'purchased' then 'won_back' else 'expired' end;
    why text := case when new.status = 'purchased'
                     then 'The shopper placed the order.'
                     else 'The cart expired.' end;
begin
    update cart_follow_ups
       set step = closed_step, closed_at = now(), closed_by = 'sync', updated_at = now()
     where cart_id = new.id and closed_at is null;
    if found then
        update activities set done_at = now(), cancelled_reason = why
         where cart_id = new.id and kind = 'task' and done_at is null;
        insert into activities (kind, cart_id, subject, body)
        values ('event', new.id,
                case when closed_step = 'won_back' then 'Follow-up closed: Won back'
                     else 'Follow-up closed: Expired' end,
                why || ' Its open tasks were closed.');
    end if;
    return null;
end $$;

create trigger carts_close_follow_ups after update of status on carts
    for each row
    when (old.status = 'open' and new.status in ('purchased', 'expired'))
    execute function cart_follow_up_close_by_status();
