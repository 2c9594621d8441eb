//! The links between synced records and the CRM's own rows: customers ↔ accounts, guests merged
//! into registered customers, orders and carts ↔ customers, orders ↔ carts (Purchased), credit
//! memos ↔ orders, subscribers ↔ customers, and the totals kept on customers and accounts.

use crate::Result;
use sqlx::PgConnection;

/// The accounts whose customer count and lifetime sales must be recomputed after customers
/// were written into them: every account a customer joined or left, except an account made
/// by the same write with its count given in advance (`made`: id and count) when exactly that
/// many customers joined it and all of them were new (a new customer has no sales yet).
/// `joined` yields (account, whether the customer was inserted); `left` the accounts the
/// written customers were in before.
pub(crate) fn accounts_to_refresh(
    made: &[(i64, i32)],
    joined: impl Iterator<Item = (i64, bool)>,
    left: Vec<i64>,
) -> Vec<i64> {
    let mut tally: std::collections::HashMap<i64, (i32, bool)> = Default::default();
    for (account, inserted) in joined {
        let entry = tally.entry(account).or_insert((0, true));
        entry.0 += 1;
        entry.1 &= inserted;
    }
    let mut stale = left;
    for &(account, counted) in made {
        if tally.remove(&account) != Some((counted, true)) {
            stale.push(account);
        }
    }
    stale.extend(tally.into_keys());
    stale.sort_unstable();
    stale.dedup();
    stale
}

/// Merges guest customers (made from guest orders and carts) into the registered customers of
/// `registered_ids` that share their channel, website and email: their orders, carts and
/// subscriptions move over and the guest rows go.
pub async fn merge_guests_into(tx: &mut PgConnection, registered_ids: &[i64]) -> Result<()> {
    let pairs = sqlx::query!(
        r#"select g.id as guest_id, r.id as registered_id
           from customers r
           join customers g on g.channel_id = r.channel_id and g.website_id = r.website_id
                           and g.email_key = r.email_key and g.is_guest
           where r.id = any($1) and not r.is_guest"#,
        registered_ids
    )
    .fetch_all(&mut *tx)
    .await?;
    if pairs.is_empty() {
        return Ok(());
    }
    let guests: Vec<i64> = pairs.iter().map(|p| p.guest_id).collect();
    let registered: Vec<i64> = pairs.iter().map(|p| p.registered_id).collect();
    sqlx::query!(
        r#"update orders o set customer_id = p.registered, is_guest = o.is_guest, updated_at = now()
           from unnest($1::int8[], $2::int8[]) as p(guest, registered)
           where o.customer_id = p.guest"#,
        &guests,
        &registered
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"update carts c set customer_id = p.registered, updated_at = now()
           from unnest($1::int8[], $2::int8[]) as p(guest, registered)
           where c.customer_id = p.guest"#,
        &guests,
        &registered
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"update newsletter_subscribers s set customer_id = p.registered, updated_at = now()
           from unnest($1::int8[], $2::int8[]) as p(guest, registered)
           where s.customer_id = p.guest"#,
        &guests,
        &registered
    )
    .execute(&mut *tx)
    .await?;
    let accounts = sqlx::query_scalar!(
        r#"delete from customers where id = any($1) returning account_id as "account_id?""#,
        &guests
    )
    .fetch_all(&mut *tx)
    .await?;
    refresh_customer_totals(tx, &registered).await?;
    let accounts: Vec<i64> = accounts.into_iter().flatten().collect();
    refresh_accounts(tx, &accounts).await
}

/// Links subscribers without a customer to the customers of `customer_ids` (by Magento id, or by
/// email within the website).
pub async fn link_subscribers_to_customers(
    tx: &mut PgConnection,
    customer_ids: &[i64],
) -> Result<()> {
    sqlx::query!(
        r#"update newsletter_subscribers s set customer_id = c.id, updated_at = now()
           from customers c
           where c.id = any($1) and s.channel_id = c.channel_id and s.customer_id is null
             and (s.customer_magento_id = c.magento_id
                  or (s.customer_magento_id is null and s.email_key = c.email_key
                      and (s.website_id is null or s.website_id = c.website_id)))"#,
        customer_ids
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The buyer named on a page of orders or carts, column by column (`UNNEST` input).
pub(crate) struct Buyers<'a> {
    pub customer_magento_id: &'a [Option<i64>],
    pub email: &'a [Option<String>],
    pub store_id: &'a [Option<i64>],
    pub first_name: &'a [Option<String>],
    pub last_name: &'a [Option<String>],
    pub created_at: &'a [Option<chrono::DateTime<chrono::Utc>>],
}

/// Before a page of orders or carts is written, makes the guest customers it needs: one per
/// website and email for rows whose registered customer (by Magento id) is not in the CRM —
/// a guest checkout, or a customer deleted from the store — unless a customer with that email
/// already exists in the website. The rows are then pointed at their customer by the insert
/// itself (registered by Magento id first, else by email: registered before guest), so a page
/// is written once instead of inserted and then rewritten, which with the grid and dashboard
/// indexes on orders and carts costs as much again.
///
/// A guest was created when they were first seen: their earliest cart or order. Orders are
/// synced before carts, so a guest made from an order is moved back to an earlier cart when
/// it arrives (and their orders' buyer marks follow).
pub(crate) async fn make_guest_customers(
    tx: &mut PgConnection,
    channel_id: i64,
    buyers: &Buyers<'_>,
) -> Result<()> {
    let moved_back = sqlx::query_scalar!(
        r#"with firsts as (
               select coalesce(sv.website_id, 0) as website_id, lower(t.email) as email_key,
                      min(t.created_at) as at
               from unnest($2::int8[], $3::text[], $4::int8[], $5::timestamptz[])
                   as t(customer_magento_id, email, store_id, created_at)
               left join store_views sv on sv.channel_id = $1 and sv.magento_id = t.store_id
               where coalesce(t.email, '') <> '' and t.created_at is not null
                 and not exists (select 1 from customers r
                                 where r.channel_id = $1 and r.magento_id = t.customer_magento_id)
               group by 1, 2),
           -- One lookup by the guest key per buyer, then the update by primary key. Written
           -- as a join, the plan was the planner's choice, and one benchmark run spent a
           -- second per page in its cached plan; these lookups have one plan.
           earlier as (
               select (select g.id from customers g
                       where g.channel_id = $1 and g.is_guest and g.website_id = f.website_id
                         and g.email_key = f.email_key
                         and (g.magento_created_at is null or f.at < g.magento_created_at)) as id,
                      f.at
               from firsts f)
           update customers c set magento_created_at = e.at, updated_at = now()
           from earlier e
           where c.id = any(array(select id from earlier where id is not null)) and c.id = e.id
           returning c.id"#,
        channel_id,
        buyers.customer_magento_id as _,
        buyers.email as _,
        buyers.store_id as _,
        buyers.created_at as _,
    )
    .fetch_all(&mut *tx)
    .await?;
    refresh_buyer_marks(tx, &moved_back).await?;

    // One guest per website and email, each written once, with its account (made first when
    // the email has none, named after the first buyer, already counting the guests about to
    // join it: most guests make their account, and rewriting each new account at once would
    // cost as much as making it).
    let rows = sqlx::query!(
        r#"with wanted as (
               select distinct on (coalesce(sv.website_id, 0), lower(t.email))
                      coalesce(sv.website_id, 0) as website_id, t.store_id, t.email,
                      lower(t.email) as email_key, t.first_name, t.last_name, t.created_at
               from unnest($2::int8[], $3::text[], $4::int8[], $5::text[], $6::text[],
                           $7::timestamptz[])
                   as t(customer_magento_id, email, store_id, first_name, last_name, created_at)
               left join store_views sv on sv.channel_id = $1 and sv.magento_id = t.store_id
               where coalesce(t.email, '') <> ''
                 and not exists (select 1 from customers r
                                 where r.channel_id = $1 and r.magento_id = t.customer_magento_id)
                 and not exists (select 1 from customers r
                                 where r.channel_id = $1
                                   and r.website_id = coalesce(sv.website_id, 0)
                                   and r.email_key = lower(t.email))
               order by coalesce(sv.website_id, 0), lower(t.email), t.created_at),
           made as (
               insert into accounts (name, email_key, customers_count)
               select distinct on (w.email_key)
                      coalesce(nullif(trim(concat_ws(' ', w.first_name, w.last_name)), ''), w.email),
                      w.email_key,
                      count(*) over (partition by w.email_key)
               from wanted w
               order by w.email_key, w.created_at
               on conflict (email_key) do nothing
               returning id, email_key, customers_count)
           insert into customers (channel_id, is_guest, website_id, store_id, email,
               first_name, last_name, magento_created_at, account_id)
           select $1, true, w.website_id, w.store_id, w.email, w.first_name, w.last_name,
                  w.created_at,
                  coalesce((select m.id from made m where m.email_key = w.email_key),
                           (select a.id from accounts a where a.email_key = w.email_key))
           from wanted w
           on conflict (channel_id, website_id, email_key) where is_guest do nothing
           returning account_id as "account_id?",
                     (select m.customers_count from made m where m.id = account_id)
                         as "counted_in_advance?""#,
        channel_id,
        buyers.customer_magento_id as _,
        buyers.email as _,
        buyers.store_id as _,
        buyers.first_name as _,
        buyers.last_name as _,
        buyers.created_at as _,
    )
    .fetch_all(&mut *tx)
    .await?;
    // The customer counts of the other accounts, and of a new one whose guests did not all go
    // in (another writer made one of them first).
    let made: Vec<(i64, i32)> = rows
        .iter()
        .filter_map(|r| Some((r.account_id?, r.counted_in_advance?)))
        .collect::<std::collections::HashMap<_, _>>()
        .into_iter()
        .collect();
    let stale = accounts_to_refresh(
        &made,
        rows.iter().filter_map(|r| r.account_id).map(|a| (a, true)),
        Vec::new(),
    );
    refresh_accounts(tx, &stale).await
}

/// Marks the carts of the given orders (the carts with their quote ids) Purchased, which is
/// sticky, and points them at their order. Carts synced after their order are written
/// Purchased by their own insert (see [`super::carts::upsert`]).
pub async fn link_orders_to_carts(tx: &mut PgConnection, order_ids: &[i64]) -> Result<()> {
    sqlx::query!(
        r#"update carts c set status = 'purchased', order_id = o.id,
               status_changed_at = case when c.status = 'purchased' then c.status_changed_at else now() end,
               updated_at = now()
           from orders o
           where o.id = any($1) and c.channel_id = o.channel_id
             and c.magento_id = o.quote_magento_id
             and (c.status <> 'purchased' or c.order_id is distinct from o.id)"#,
        order_ids
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Links credit memos that arrived before their order.
pub async fn link_credit_memos_to_orders(tx: &mut PgConnection, order_ids: &[i64]) -> Result<()> {
    sqlx::query!(
        r#"update credit_memos m set order_id = o.id
           from orders o
           where o.id = any($1) and m.channel_id = o.channel_id
             and m.order_magento_id = o.magento_id and m.order_id is distinct from o.id"#,
        order_ids
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Recomputes lifetime sales (Σ subtotal − |discount| of non-canceled orders), the order count
/// and the last order time of the given customers.
pub async fn refresh_customer_totals(tx: &mut PgConnection, customer_ids: &[i64]) -> Result<()> {
    if customer_ids.is_empty() {
        return Ok(());
    }
    let accounts = sqlx::query_scalar!(
        r#"update customers c set lifetime_sales = s.sales, orders_count = s.n,
               last_order_at = s.last, updated_at = now()
           from (select c2.id,
                        coalesce(sum(coalesce(o.subtotal, 0) - abs(coalesce(o.discount_amount, 0)))
                                 filter (where o.id is not null and not o.is_canceled), 0) as sales,
                        count(o.id) filter (where not o.is_canceled)::int4 as n,
                        max(o.magento_created_at) filter (where not o.is_canceled) as last
                 from customers c2
                 left join lateral (select o.id, o.subtotal, o.discount_amount, o.magento_created_at,
                                           (coalesce(o.state, '') = 'canceled'
                                            or coalesce(o.status, '') = 'canceled') as is_canceled
                                    from orders o where o.customer_id = c2.id) o on true
                 where c2.id = any($1)
                 group by c2.id) s
           where c.id = s.id
             and (c.lifetime_sales, c.orders_count, c.last_order_at)
                 is distinct from (s.sales, s.n, s.last)
           returning c.account_id as "account_id?""#,
        customer_ids
    )
    .fetch_all(&mut *tx)
    .await?;
    let accounts: Vec<i64> = accounts.into_iter().flatten().collect();
    refresh_buyer_marks(tx, customer_ids).await?;
    refresh_accounts(tx, &accounts).await
}

/// Recomputes, on every order of the given customers, the time of the customer's previous
/// non-canceled order and the customer's creation time: what lets the dashboard count the
/// customers who ordered in a period (new and returning) from one index range, without a
/// distinct over the period's orders (migration `20261126002100`). Called whenever a customer's
/// orders or record change.
pub async fn refresh_buyer_marks(tx: &mut PgConnection, customer_ids: &[i64]) -> Result<()> {
    if customer_ids.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        r#"update orders o set prev_order_at = w.prev, customer_created_at = w.created
           from (select o2.id,
                        lag(o2.magento_created_at) over (partition by o2.customer_id
                                                         order by o2.magento_created_at, o2.id)
                            as prev,
                        c.magento_created_at as created
                 from orders o2 join customers c on c.id = o2.customer_id
                 where o2.customer_id = any($1)
                   and coalesce(o2.state, '') <> 'canceled'
                   and coalesce(o2.status, '') <> 'canceled') w
           where o.id = w.id
             and (o.prev_order_at, o.customer_created_at) is distinct from (w.prev, w.created)"#,
        customer_ids
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// [`refresh_customer_totals`] (with the buyer marks and the accounts) for every customer of
/// a channel at once: the end of a history import (`orders::Totals::AtTheEnd`).
pub async fn refresh_channel_totals(tx: &mut PgConnection, channel_id: i64) -> Result<()> {
    let customers =
        sqlx::query_scalar!("select id from customers where channel_id = $1", channel_id)
            .fetch_all(&mut *tx)
            .await?;
    refresh_customer_totals(tx, &customers).await
}

/// Recomputes the customer count and lifetime sales of the given accounts. Sales are kept per
/// order currency: an account's customers may buy from stores that sell in different
/// currencies, and a sum across them would be a number in no currency. `lifetime_sales` (with
/// `lifetime_currency`) is the amount when there is one currency, 0 when there is no order,
/// and NULL when there are several (migration `20261205300000`).
pub async fn refresh_accounts(tx: &mut PgConnection, account_ids: &[i64]) -> Result<()> {
    if account_ids.is_empty() {
        return Ok(());
    }
    // Two channels' syncs may add customers to one account at once. Each reads the account's
    // customers in its own statement's snapshot, so without this the one that writes last
    // leaves the other's new customers out. Locking the rows first (in id order, so two
    // writers never wait on each other crosswise) waits for the other writer to commit; the
    // statement after it then sees its customers (READ COMMITTED: a new snapshot per statement).
    sqlx::query!(
        "select id from accounts where id = any($1) order by id for no key update",
        account_ids
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query!(
        r#"with per as (
               select c.account_id as id,
                      coalesce(o.order_currency_code, o.base_currency_code, '') as cur,
                      sum(coalesce(o.subtotal, 0) - abs(coalesce(o.discount_amount, 0))) as amount
               from customers c join orders o on o.customer_id = c.id
               where c.account_id = any($1)
                 and coalesce(o.state, '') <> 'canceled' and coalesce(o.status, '') <> 'canceled'
               group by 1, 2),
           sales as (
               select id, jsonb_object_agg(cur, amount order by cur) as by_currency,
                      count(*) as currencies, sum(amount) as total, min(cur) as cur
               from per group by id),
           members as (
               select account_id as id, count(*)::int4 as n from customers
               where account_id = any($1) group by account_id),
           s as (
               select a2.id, coalesce(m.n, 0) as n,
                      coalesce(sales.by_currency, '{}'::jsonb) as by_currency,
                      case when coalesce(sales.currencies, 0) = 0 then 0::numeric
                           when sales.currencies = 1 then sales.total end as total,
                      case when sales.currencies = 1 then nullif(sales.cur, '') end as cur
               from accounts a2
               left join members m on m.id = a2.id
               left join sales on sales.id = a2.id
               where a2.id = any($1))
           update accounts a
              set customers_count = s.n, lifetime_sales = s.total, lifetime_currency = s.cur,
                  lifetime_sales_by_currency = s.by_currency, updated_at = now()
             from s
            where a.id = s.id
              and (a.customers_count, a.lifetime_sales, a.lifetime_currency,
                   a.lifetime_sales_by_currency)
                  is distinct from (s.n, s.total, s.cur, s.by_currency)"#,
        account_ids
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::accounts_to_refresh;

    #[test]
    fn accounts_counted_in_advance_are_left_alone_only_when_the_count_held() {
        // Account 1 made for two new customers who both joined it: nothing to do.
        assert_eq!(
            accounts_to_refresh(&[(1, 2)], [(1, true), (1, true)].into_iter(), vec![]),
            Vec::<i64>::new()
        );
        // Made for two, but one of them was written by another writer first.
        assert_eq!(
            accounts_to_refresh(&[(1, 2)], [(1, true)].into_iter(), vec![]),
            vec![1]
        );
        // A customer who moved in (not new) brings sales: recompute.
        assert_eq!(
            accounts_to_refresh(&[(1, 1)], [(1, false)].into_iter(), vec![]),
            vec![1]
        );
        // Accounts that existed before, and accounts customers left, are recomputed once.
        assert_eq!(
            accounts_to_refresh(
                &[],
                [(3, true), (2, false), (3, true)].into_iter(),
                vec![2, 5]
            ),
            vec![2, 3, 5]
        );
        // A made account nobody joined counts nobody.
        assert_eq!(
            accounts_to_refresh(&[(7, 1)], std::iter::empty(), vec![]),
            vec![7]
        );
    }
}
