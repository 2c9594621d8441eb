//! The filter panel's choices that come from the data.

use crate::Result;
use domain::grid::view::{GridOptions, OptionItem};
use sqlx::PgPool;

/// Channels, websites (by Magento id, named after every channel's website with that id) and
/// the order statuses present.
pub async fn load(pool: &PgPool) -> Result<GridOptions> {
    let channels = sqlx::query!("select id, name from channels order by lower(name), id")
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| OptionItem {
            value: r.id.to_string(),
            label: r.name,
        })
        .collect();
    let websites = sqlx::query!(
        r#"select magento_id, string_agg(distinct name, ' / ') as "names!"
           from websites group by magento_id order by magento_id"#
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| OptionItem {
        value: r.magento_id.to_string(),
        label: r.names,
    })
    .collect();
    // Distinct statuses by skipping through the (status, …) index: one probe per status
    // instead of reading a million orders.
    let order_statuses = sqlx::query_scalar!(
        r#"with recursive s(status) as (
               (select status from orders where status is not null order by status limit 1)
               union all
               select (select o.status from orders o where o.status > s.status
                       order by o.status limit 1)
               from s where s.status is not null)
           select status as "status!" from s where status is not null"#
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|status| OptionItem {
        label: status.replace('_', " "),
        value: status,
    })
    .collect();
    Ok(GridOptions {
        channels,
        websites,
        order_statuses,
    })
}
