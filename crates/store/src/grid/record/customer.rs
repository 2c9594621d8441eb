//! A customer page.

use super::link;
use crate::grid::local_time;
use crate::{Error, Result};
use chrono_tz::Tz;
use domain::grid::Money;
use domain::grid::detail::{CustomerCounts, CustomerDetail, LifetimeSales};
use sqlx::PgPool;

pub async fn customer(pool: &PgPool, id: i64, tz: Tz) -> Result<CustomerDetail> {
    let c = sqlx::query!(
        r#"select c.id, ch.name as channel, w.name as "website?", sv.name as "store?",
               c.magento_id, c.is_guest,
               trim(concat_ws(' ', c.prefix, c.first_name, c.middle_name, c.last_name, c.suffix)) as "name!",
               c.email, g.code as "group_code?", c.gender, c.dob, c.taxvat, c.created_in,
               c.confirmed, c.is_subscribed, c.account_id, a.name as "account_name?",
               c.lifetime_sales, c.last_order_at, c.removed_at, c.magento_created_at,
               c.magento_updated_at, ch.two_way,
               (select s.status from newsletter_subscribers s
                 where s.channel_id = c.channel_id and s.customer_id = c.id
                   and s.removed_at is null
                 order by s.updated_at desc limit 1) as subscription,
               (select o.order_currency_code from orders o where o.customer_id = c.id
                order by o.id desc limit 1) as currency
           from customers c
           join channels ch on ch.id = c.channel_id
           left join websites w on w.channel_id = c.channel_id and w.magento_id = c.website_id
           left join store_views sv on sv.channel_id = c.channel_id and sv.magento_id = c.store_id
           left join customer_groups g on g.channel_id = c.channel_id and g.magento_id = c.group_id
           left join accounts a on a.id = c.account_id
           where c.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;

    // What lifetime sales are made of (product.md §5): subtotal − |discount| of the orders
    // that are not canceled (state or status `canceled`).
    let sums = sqlx::query!(
        r#"select count(*) filter (where not x.canceled) as "orders!",
                  count(*) filter (where x.canceled) as "canceled!",
                  coalesce(sum(coalesce(x.subtotal, 0)) filter (where not x.canceled), 0) as "subtotal!",
                  coalesce(sum(abs(coalesce(x.discount_amount, 0))) filter (where not x.canceled), 0) as "discount!"
           from (select o.subtotal, o.discount_amount,
                        coalesce(o.state = 'canceled' or o.status = 'canceled', false) as canceled
                 from orders o where o.customer_id = $1) x"#,
        id
    )
    .fetch_one(pool)
    .await?;

    let counts = sqlx::query!(
        r#"select (select count(*) from customer_addresses where customer_id = $1) as "addresses!",
                  (select count(*) from orders where customer_id = $1) as "orders!",
                  (select count(*) from carts where customer_id = $1) as "carts!",
                  (select count(*) from credit_memos m
                   where m.order_id in (select o.id from orders o where o.customer_id = $1)) as "credit_memos!",
                  (select count(*) from newsletter_subscribers where customer_id = $1) as "subscriptions!""#,
        id
    )
    .fetch_one(pool)
    .await?;

    Ok(CustomerDetail {
        id: c.id,
        channel: c.channel,
        website: c.website,
        store: c.store,
        magento_id: c.magento_id,
        is_guest: c.is_guest,
        name: c.name,
        email: c.email,
        group: c.group_code,
        gender: match c.gender {
            Some(1) => Some("Male".into()),
            Some(2) => Some("Female".into()),
            Some(3) => Some("Not specified".into()),
            _ => None,
        },
        dob: c.dob,
        taxvat: c.taxvat,
        created_in: c.created_in,
        confirmed: c.confirmed,
        is_subscribed: c.is_subscribed,
        subscription: c.subscription,
        read_only: crate::customer_edit::read_only_reason(
            c.two_way,
            c.is_guest,
            c.removed_at.is_some(),
        ),
        account: link(c.account_id, c.account_name),
        lifetime: LifetimeSales {
            amount: Money::new(c.lifetime_sales, c.currency.as_deref()),
            orders: sums.orders,
            canceled_orders: sums.canceled,
            subtotal: sums.subtotal,
            discount: sums.discount,
        },
        last_order_at: local_time(c.last_order_at, tz),
        removed_at: local_time(c.removed_at, tz),
        created_at: local_time(c.magento_created_at, tz),
        updated_at: local_time(c.magento_updated_at, tz),
        counts: CustomerCounts {
            addresses: counts.addresses,
            orders: counts.orders,
            carts: counts.carts,
            credit_memos: counts.credit_memos,
            subscriptions: counts.subscriptions,
        },
    })
}
