-- Activities (issue 16): calls, emails, notes and tasks logged on one record each.
create table activities (
    id              bigserial primary key,
    kind            text not null check (kind in ('call', 'email', 'note', 'task')),
    customer_id     bigint references customers (id) on delete cascade,
    account_id      bigint references accounts (id) on delete cascade,
    cart_id         bigint references carts (id) on delete cascade,
    order_id        bigint references orders (id) on delete cascade,
    author_id       bigint references users (id) on delete set null,
    subject         text not null default '',
    body            text not null default '',
    direction       text check (direction in ('inbound', 'outbound')),
    outcome         text,
    duration_mins   integer check (duration_mins between 0 and 1440),
    -- Tasks: the day they are due, whom they are for, how urgent, when done.
    due_on          date,
    assignee_id     bigint references users (id) on delete set null,
    priority        text check (priority in ('low', 'normal', 'high')),
    done_at         timestamptz,
    created_at      timestamptz not null default now(),
    check (num_nonnulls(customer_id, account_id, cart_id, order_id) = 1),
    check ((kind = 'task') = (due_on is not null))
);
create index activities_customer_idx on activities (customer_id, id desc) where customer_id is not null;
create index activities_account_idx on activities (account_id, id desc) where account_id is not null;
create index activities_cart_idx on activities (cart_id, id desc) where cart_id is not null;
create index activities_order_idx on activities (order_id, id desc) where order_id is not null;
-- "My tasks": a user's open tasks by due day.
create index activities_open_tasks_idx on activities (assignee_id, due_on, id)
    where kind = 'task' and done_at is null;
