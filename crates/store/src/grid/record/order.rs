//! An order page.

use super::{link, money};
use crate::grid::local_time;
use crate::{Error, Result};
use chrono_tz::Tz;
use domain::grid::detail::{OrderAddress, OrderDetail, OrderTotals};
use domain::grid::orders::is_canceled;
use sqlx::PgPool;

pub async fn order(pool: &PgPool, id: i64, tz: Tz) -> Result<OrderDetail> {
    // The order's cart is the cart with its quote id (product.md §2).
    let o = sqlx::query!(
        r#"select o.id, ch.name as channel, w.name as "website?", sv.name as "store?",
               o.magento_id, o.increment_id, o.customer_id,
               coalesce(nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), ''), cu.email) as customer_label,
               cu.account_id as "account_id?", a.name as "account_name?",
               k.id as "cart_id?", k.magento_id as "cart_magento_id?", o.is_guest, o.email,
               nullif(trim(concat_ws(' ', o.first_name, o.last_name)), '') as name,
               o.state, o.status, o.subtotal, o.discount_amount, o.shipping_amount, o.tax_amount,
               o.grand_total, o.total_paid, o.total_invoiced, o.total_refunded, o.total_canceled,
               o.total_due, o.order_currency_code, o.payment_method, o.shipping_method,
               o.shipping_description, o.coupon_code, o.magento_created_at, o.magento_updated_at,
               (select count(*) from order_items i where i.order_id = o.id and i.parent_magento_id is null) as "items!",
               (select count(*) from order_status_history h where h.order_id = o.id) as "history!",
               (select count(*) from credit_memos m where m.order_id = o.id) as "credit_memos!"
           from orders o
           join channels ch on ch.id = o.channel_id
           left join websites w on w.channel_id = o.channel_id and w.magento_id = o.website_id
           left join store_views sv on sv.channel_id = o.channel_id and sv.magento_id = o.store_id
           left join customers cu on cu.id = o.customer_id
           left join accounts a on a.id = cu.account_id
           left join carts k on k.channel_id = o.channel_id and k.magento_id = o.quote_magento_id
           where o.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    let addresses = sqlx::query!(
        r#"select address_type, nullif(trim(concat_ws(' ', first_name, last_name)), '') as name,
               company, street, city, region, postcode, country_id, telephone, email
           from order_addresses where order_id = $1
           order by address_type = 'billing' desc, address_type"#,
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|a| OrderAddress {
        kind: a.address_type,
        name: a.name,
        company: a.company,
        street: a
            .street
            .map(|s| s.lines().map(str::to_string).collect())
            .unwrap_or_default(),
        city: a.city,
        region: a.region,
        postcode: a.postcode,
        country: a.country_id,
        telephone: a.telephone,
        email: a.email,
    })
    .collect();
    let cur = o.order_currency_code;
    Ok(OrderDetail {
        follow_up: None,
        id: o.id,
        channel: o.channel,
        website: o.website,
        store: o.store,
        magento_id: o.magento_id,
        is_canceled: is_canceled(o.state.as_deref(), o.status.as_deref()),
        increment_id: o.increment_id,
        customer: link(o.customer_id, o.customer_label),
        account: link(o.account_id, o.account_name),
        cart: link(o.cart_id, o.cart_magento_id.map(|m| format!("Cart {m}"))),
        is_guest: o.is_guest,
        email: o.email,
        name: o.name,
        state: o.state,
        status: o.status,
        totals: OrderTotals {
            subtotal: money(o.subtotal, &cur),
            discount: money(o.discount_amount, &cur),
            shipping: money(o.shipping_amount, &cur),
            tax: money(o.tax_amount, &cur),
            grand_total: money(o.grand_total, &cur),
            paid: money(o.total_paid, &cur),
            invoiced: money(o.total_invoiced, &cur),
            refunded: money(o.total_refunded, &cur),
            canceled: money(o.total_canceled, &cur),
            due: money(o.total_due, &cur),
        },
        payment_method: o.payment_method,
        shipping_method: o.shipping_method,
        shipping_description: o.shipping_description,
        coupon: o.coupon_code,
        created_at: local_time(o.magento_created_at, tz),
        updated_at: local_time(o.magento_updated_at, tz),
        addresses,
        items: o.items,
        history: o.history,
        credit_memos: o.credit_memos,
    })
}
