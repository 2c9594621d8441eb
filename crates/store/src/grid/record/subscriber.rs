//! A newsletter subscriber page.

use super::link;
use crate::grid::local_time;
use crate::{Error, Result};
use chrono_tz::Tz;
use domain::grid::detail::SubscriberDetail;
use sqlx::PgPool;

pub async fn subscriber(pool: &PgPool, id: i64, tz: Tz) -> Result<SubscriberDetail> {
    let s = sqlx::query!(
        r#"select s.id, ch.name as channel, w.name as "website?", sv.name as "store?",
               s.magento_id, s.email, s.customer_id,
               coalesce(nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), ''), cu.email) as customer_label,
               s.status, s.status_changed_at, s.source, s.removed_at, s.created_at, s.updated_at
           from newsletter_subscribers s
           join channels ch on ch.id = s.channel_id
           left join websites w on w.channel_id = s.channel_id and w.magento_id = s.website_id
           left join store_views sv on sv.channel_id = s.channel_id and sv.magento_id = s.store_id
           left join customers cu on cu.id = s.customer_id
           where s.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    Ok(SubscriberDetail {
        id: s.id,
        channel: s.channel,
        website: s.website,
        store: s.store,
        magento_id: s.magento_id,
        email: s.email,
        customer: link(s.customer_id, s.customer_label),
        status: s.status,
        status_changed_at: local_time(s.status_changed_at, tz),
        source: s.source,
        removed_at: local_time(s.removed_at, tz),
        created_at: local_time(Some(s.created_at), tz),
        updated_at: local_time(Some(s.updated_at), tz),
    })
}
