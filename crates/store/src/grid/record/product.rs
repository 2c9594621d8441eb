//! A product page.

use crate::grid::local_time;
use crate::{Error, Result};
use chrono_tz::Tz;
use domain::grid::detail::ProductDetail;
use sqlx::PgPool;

pub async fn product(pool: &PgPool, id: i64, tz: Tz) -> Result<ProductDetail> {
    let p = sqlx::query!(
        r#"select p.id, p.channel_id, ch.name as channel, p.magento_id, p.sku, p.name, p.type_id,
               p.status, p.visibility, p.price, p.stock_qty, p.is_in_stock,
               coalesce(array_length(p.children, 1), 0) as "children!",
               array(select coalesce(w.name, w.code) from websites w
                     where w.channel_id = p.channel_id and w.magento_id = any(p.website_ids)
                     order by w.magento_id) as "websites!",
               p.magento_created_at, p.magento_updated_at, p.removed_at,
               (select count(distinct i.order_id) from order_items i join orders o on o.id = i.order_id
                where lower(i.sku) = lower(p.sku) and o.channel_id = p.channel_id) as "orders!",
               (select count(distinct i.cart_id) from cart_items i join carts c on c.id = i.cart_id
                where lower(i.sku) = lower(p.sku) and i.removed_at is null
                  and c.channel_id = p.channel_id) as "carts!"
           from products p join channels ch on ch.id = p.channel_id
           where p.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    // The options with their labels, as the cart builder shows them.
    let options = crate::checkout::product_choice_by_sku(pool, p.channel_id, &p.sku)
        .await?
        .map(|c| c.options)
        .unwrap_or_default();
    Ok(ProductDetail {
        id: p.id,
        channel_id: p.channel_id,
        channel: p.channel,
        magento_id: p.magento_id,
        sku: p.sku,
        name: p.name,
        type_id: p.type_id,
        status: p.status,
        visibility: p.visibility,
        price: p.price,
        websites: p.websites,
        options,
        children: p.children.into(),
        stock_qty: p.stock_qty,
        in_stock: p.is_in_stock,
        created_at: local_time(p.magento_created_at, tz),
        updated_at: local_time(p.magento_updated_at, tz),
        removed_at: local_time(p.removed_at, tz),
        orders: p.orders,
        carts: p.carts,
    })
}
