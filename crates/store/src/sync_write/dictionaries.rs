//! Websites, store groups, store views, customer groups and regions: small, refreshed each run.

use crate::Result;
use sqlx::PgConnection;

#[derive(Clone, Debug)]
pub struct Website {
    pub magento_id: i64,
    pub code: String,
    pub name: String,
    pub default_group_id: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct StoreGroup {
    pub magento_id: i64,
    pub website_id: Option<i64>,
    pub code: Option<String>,
    pub name: String,
    pub root_category_id: Option<i64>,
    pub default_store_id: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct StoreView {
    pub magento_id: i64,
    pub code: String,
    pub name: String,
    pub website_id: Option<i64>,
    pub store_group_id: Option<i64>,
    pub is_active: bool,
}

#[derive(Clone, Debug)]
pub struct CustomerGroup {
    pub magento_id: i64,
    pub code: String,
    pub tax_class_id: Option<i64>,
    pub tax_class_name: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Region {
    pub country_id: String,
    pub country_name: Option<String>,
    /// '' for the country row itself.
    pub magento_id: String,
    pub code: Option<String>,
    pub name: Option<String>,
}

/// The whole dictionary set of a store.
#[derive(Clone, Debug, Default)]
pub struct Dictionaries {
    pub websites: Vec<Website>,
    pub store_groups: Vec<StoreGroup>,
    pub store_views: Vec<StoreView>,
    pub customer_groups: Vec<CustomerGroup>,
    pub regions: Vec<Region>,
}

/// Replaces the channel's dictionaries with the store's current ones.
pub async fn replace(tx: &mut PgConnection, channel_id: i64, d: &Dictionaries) -> Result<()> {
    macro_rules! col {
        ($v:expr, $f:ident) => {
            $v.iter().map(|r| r.$f.clone()).collect::<Vec<_>>()
        };
    }
    let ids = col!(d.websites, magento_id);
    sqlx::query!(
        "delete from websites where channel_id = $1 and not (magento_id = any($2))",
        channel_id,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into websites (channel_id, magento_id, code, name, default_group_id)
           select $1, * from unnest($2::int8[], $3::text[], $4::text[], $5::int8[])
           on conflict (channel_id, magento_id) do update set code = excluded.code,
               name = excluded.name, default_group_id = excluded.default_group_id, updated_at = now()
           where (websites.code, websites.name, websites.default_group_id)
                 is distinct from (excluded.code, excluded.name, excluded.default_group_id)"#,
        channel_id,
        &ids,
        &col!(d.websites, code),
        &col!(d.websites, name),
        &col!(d.websites, default_group_id) as _,
    )
    .execute(&mut *tx)
    .await?;

    let ids = col!(d.store_groups, magento_id);
    sqlx::query!(
        "delete from store_groups where channel_id = $1 and not (magento_id = any($2))",
        channel_id,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into store_groups (channel_id, magento_id, website_id, code, name,
               root_category_id, default_store_id)
           select $1, * from unnest($2::int8[], $3::int8[], $4::text[], $5::text[], $6::int8[], $7::int8[])
           on conflict (channel_id, magento_id) do update set website_id = excluded.website_id,
               code = excluded.code, name = excluded.name,
               root_category_id = excluded.root_category_id,
               default_store_id = excluded.default_store_id, updated_at = now()"#,
        channel_id,
        &ids,
        &col!(d.store_groups, website_id) as _,
        &col!(d.store_groups, code) as _,
        &col!(d.store_groups, name),
        &col!(d.store_groups, root_category_id) as _,
        &col!(d.store_groups, default_store_id) as _,
    )
    .execute(&mut *tx)
    .await?;

    let ids = col!(d.store_views, magento_id);
    sqlx::query!(
        "delete from store_views where channel_id = $1 and not (magento_id = any($2))",
        channel_id,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into store_views (channel_id, magento_id, code, name, website_id,
               store_group_id, is_active)
           select $1, * from unnest($2::int8[], $3::text[], $4::text[], $5::int8[], $6::int8[], $7::bool[])
           on conflict (channel_id, magento_id) do update set code = excluded.code,
               name = excluded.name, website_id = excluded.website_id,
               store_group_id = excluded.store_group_id, is_active = excluded.is_active,
               updated_at = now()"#,
        channel_id,
        &ids,
        &col!(d.store_views, code),
        &col!(d.store_views, name),
        &col!(d.store_views, website_id) as _,
        &col!(d.store_views, store_group_id) as _,
        &col!(d.store_views, is_active),
    )
    .execute(&mut *tx)
    .await?;

    let ids = col!(d.customer_groups, magento_id);
    sqlx::query!(
        "delete from customer_groups where channel_id = $1 and not (magento_id = any($2))",
        channel_id,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into customer_groups (channel_id, magento_id, code, tax_class_id, tax_class_name)
           select $1, * from unnest($2::int8[], $3::text[], $4::int8[], $5::text[])
           on conflict (channel_id, magento_id) do update set code = excluded.code,
               tax_class_id = excluded.tax_class_id, tax_class_name = excluded.tax_class_name,
               updated_at = now()"#,
        channel_id,
        &ids,
        &col!(d.customer_groups, code),
        &col!(d.customer_groups, tax_class_id) as _,
        &col!(d.customer_groups, tax_class_name) as _,
    )
    .execute(&mut *tx)
    .await?;

    if !d.regions.is_empty() {
        sqlx::query!(
            r#"insert into regions (channel_id, country_id, country_name, magento_id, code, name)
               select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
               on conflict (channel_id, country_id, magento_id) do update set
                   country_name = excluded.country_name, code = excluded.code,
                   name = excluded.name, updated_at = now()
               where (regions.country_name, regions.code, regions.name)
                     is distinct from (excluded.country_name, excluded.code, excluded.name)"#,
            channel_id,
            &col!(d.regions, country_id),
            &col!(d.regions, country_name) as _,
            &col!(d.regions, magento_id),
            &col!(d.regions, code) as _,
            &col!(d.regions, name) as _,
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
