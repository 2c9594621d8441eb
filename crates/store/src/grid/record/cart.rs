//! A cart page.

use super::{link, money};
use crate::grid::local_time;
use crate::{Error, Result};
use chrono_tz::Tz;
use domain::CartStatus;
use domain::grid::detail::CartDetail;
use sqlx::PgPool;

pub async fn cart(pool: &PgPool, id: i64, tz: Tz) -> Result<CartDetail> {
    // The cart's order: the one linked by the sync, else the order placed from this quote.
    let c = sqlx::query!(
        r#"select c.id, ch.name as channel, w.name as "website?", sv.name as "store?",
               c.magento_id, c.customer_id,
               coalesce(nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), ''), cu.email) as customer_label,
               cu.account_id as "account_id?", a.name as "account_name?", c.is_guest, c.email,
               nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') as name,
               c.status, c.status_changed_at,
               coalesce(c.status = 'open' and c.abandon_at <= now(), false) as "abandoned!",
               c.abandon_at, c.is_active, c.items_count, c.items_qty, c.subtotal, c.grand_total,
               c.quote_currency_code, c.reserved_order_id, c.billing_country,
               c.has_billing_address, o.id as "order_id?", o.increment_id as "order_increment?",
               c.magento_created_at, c.magento_updated_at, c.converted_at, c.left_store_at,
               (select count(*) from cart_items i where i.cart_id = c.id and i.removed_at is null) as "items!",
               (select count(*) from cart_items i where i.cart_id = c.id and i.removed_at is not null) as "removed_items!"
           from carts c
           join channels ch on ch.id = c.channel_id
           left join websites w on w.channel_id = c.channel_id and w.magento_id = c.website_id
           left join store_views sv on sv.channel_id = c.channel_id and sv.magento_id = c.store_id
           left join customers cu on cu.id = c.customer_id
           left join accounts a on a.id = cu.account_id
           left join lateral (select o.id, o.increment_id from orders o
                              where o.id = c.order_id
                                 or (o.channel_id = c.channel_id and o.quote_magento_id = c.magento_id)
                              order by (o.id = c.order_id) desc nulls last, o.id limit 1) o on true
           where c.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    let currency = c.quote_currency_code;
    Ok(CartDetail {
        follow_up: None,
        id: c.id,
        channel: c.channel,
        website: c.website,
        store: c.store,
        magento_id: c.magento_id,
        customer: link(c.customer_id, c.customer_label),
        account: link(c.account_id, c.account_name),
        is_guest: c.is_guest,
        email: c.email,
        name: c.name,
        status: c.status.parse().unwrap_or(CartStatus::Open),
        status_changed_at: local_time(Some(c.status_changed_at), tz),
        abandoned: c.abandoned,
        abandon_at: local_time(c.abandon_at, tz),
        is_active: c.is_active,
        items_count: c.items_count,
        items_qty: c.items_qty,
        subtotal: money(c.subtotal, &currency),
        grand_total: money(c.grand_total, &currency),
        reserved_order_id: c.reserved_order_id,
        billing_country: c.billing_country,
        has_billing_address: c.has_billing_address,
        order: link(c.order_id, c.order_increment),
        created_at: local_time(c.magento_created_at, tz),
        updated_at: local_time(c.magento_updated_at, tz),
        converted_at: local_time(c.converted_at, tz),
        left_store_at: local_time(c.left_store_at, tz),
        items: c.items,
        removed_items: c.removed_items,
    })
}
