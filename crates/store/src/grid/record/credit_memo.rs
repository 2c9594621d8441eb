//! A credit memo page.

use super::{link, money};
use crate::grid::local_time;
use crate::{Error, Result};
use chrono_tz::Tz;
use domain::grid::detail::CreditMemoDetail;
use sqlx::PgPool;

pub async fn credit_memo(pool: &PgPool, id: i64, tz: Tz) -> Result<CreditMemoDetail> {
    let m = sqlx::query!(
        r#"select m.id, ch.name as channel, m.magento_id, m.increment_id,
               o.id as "order_id?", o.increment_id as "order_increment?",
               o.magento_created_at as "order_date?", o.customer_id as "customer_id?",
               coalesce(nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), ''), cu.email) as customer_label,
               cu.account_id as "account_id?", a.name as "account_name?", m.state, m.subtotal,
               m.shipping_amount, m.adjustment, m.adjustment_positive, m.adjustment_negative,
               m.tax_amount, m.discount_amount, m.grand_total, m.order_currency_code,
               m.magento_created_at, m.magento_updated_at,
               (select count(*) from credit_memo_items i where i.credit_memo_id = m.id) as "items!"
           from credit_memos m
           join channels ch on ch.id = m.channel_id
           left join orders o on o.id = m.order_id
           left join customers cu on cu.id = o.customer_id
           left join accounts a on a.id = cu.account_id
           where m.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    let cur = m.order_currency_code;
    Ok(CreditMemoDetail {
        id: m.id,
        channel: m.channel,
        magento_id: m.magento_id,
        increment_id: m.increment_id,
        order: link(m.order_id, m.order_increment),
        order_date: local_time(m.order_date, tz),
        customer: link(m.customer_id, m.customer_label),
        account: link(m.account_id, m.account_name),
        state: m.state,
        subtotal: money(m.subtotal, &cur),
        shipping: money(m.shipping_amount, &cur),
        adjustment: money(m.adjustment, &cur),
        adjustment_positive: money(m.adjustment_positive, &cur),
        adjustment_negative: money(m.adjustment_negative, &cur),
        tax: money(m.tax_amount, &cur),
        discount: money(m.discount_amount, &cur),
        grand_total: money(m.grand_total, &cur),
        created_at: local_time(m.magento_created_at, tz),
        updated_at: local_time(m.magento_updated_at, tz),
        items: m.items,
    })
}
