//! Websites, store groups, store views, customer groups and regions: small, refreshed each run.
//!
//! One bad row must not cost the sync: each list is written in one statement inside a
//! savepoint, and a list the database refuses (a character Postgres cannot store, one id
//! listed twice) is written again row by row, each in a savepoint of its own, so that only the
//! refused rows are skipped and reported to the caller, who logs them like entity records.

use crate::Result;
use sqlx::{Acquire, PgConnection};
use std::collections::HashMap;

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

/// Which list a row belongs to, as the sync error log names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum List {
    Websites,
    StoreGroups,
    StoreViews,
    CustomerGroups,
    /// Countries and their regions (`GET /V1/directory/countries`).
    Countries,
}

impl List {
    pub fn as_str(self) -> &'static str {
        match self {
            List::Websites => "websites",
            List::StoreGroups => "store-groups",
            List::StoreViews => "store-views",
            List::CustomerGroups => "customer-groups",
            List::Countries => "countries",
        }
    }
}

/// A row of a list, with the key the table is unique on (within a channel).
pub trait Row: Clone + Sync {
    const LIST: List;
    fn key(&self) -> String;
    /// Upserts rows in one statement.
    fn insert(
        tx: &mut PgConnection,
        channel_id: i64,
        rows: &[Self],
    ) -> impl Future<Output = Result<()>> + Send;
}

impl Row for Website {
    const LIST: List = List::Websites;
    fn key(&self) -> String {
        self.magento_id.to_string()
    }
    async fn insert(tx: &mut PgConnection, channel_id: i64, rows: &[Self]) -> Result<()> {
        insert_websites(tx, channel_id, rows).await
    }
}

impl Row for StoreGroup {
    const LIST: List = List::StoreGroups;
    fn key(&self) -> String {
        self.magento_id.to_string()
    }
    async fn insert(tx: &mut PgConnection, channel_id: i64, rows: &[Self]) -> Result<()> {
        insert_store_groups(tx, channel_id, rows).await
    }
}

impl Row for StoreView {
    const LIST: List = List::StoreViews;
    fn key(&self) -> String {
        self.magento_id.to_string()
    }
    async fn insert(tx: &mut PgConnection, channel_id: i64, rows: &[Self]) -> Result<()> {
        insert_store_views(tx, channel_id, rows).await
    }
}

impl Row for CustomerGroup {
    const LIST: List = List::CustomerGroups;
    fn key(&self) -> String {
        self.magento_id.to_string()
    }
    async fn insert(tx: &mut PgConnection, channel_id: i64, rows: &[Self]) -> Result<()> {
        insert_customer_groups(tx, channel_id, rows).await
    }
}

impl Row for Region {
    const LIST: List = List::Countries;
    /// `US` for a country's own row, `US/12` for one of its regions.
    fn key(&self) -> String {
        region_key(&self.country_id, &self.magento_id)
    }
    async fn insert(tx: &mut PgConnection, channel_id: i64, rows: &[Self]) -> Result<()> {
        insert_regions(tx, channel_id, rows).await
    }
}

/// The key of a country (`region_id` '') or of one of its regions.
pub fn region_key(country_id: &str, region_id: &str) -> String {
    if region_id.is_empty() {
        country_id.to_string()
    } else {
        format!("{country_id}/{region_id}")
    }
}

/// A row the database refused: skipped, the rest of its list stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub list: List,
    pub key: String,
    pub error: String,
}

/// The last row of each key, in order. One statement cannot upsert a key twice ("ON CONFLICT
/// DO UPDATE command cannot affect row a second time"); callers that can say why a store
/// repeats a row (with its payload) drop and log the repeats first, this only makes sure.
pub fn last_of_each<R: Row>(rows: &[R]) -> Vec<R> {
    let last: HashMap<String, usize> = rows.iter().enumerate().map(|(i, r)| (r.key(), i)).collect();
    rows.iter()
        .enumerate()
        .filter(|(i, r)| last.get(&r.key()) == Some(i))
        .map(|(_, r)| r.clone())
        .collect()
}

/// Replaces the channel's dictionaries with the store's current ones. Returns the rows the
/// database refused (skipped; every other row is stored).
pub async fn replace(
    tx: &mut PgConnection,
    channel_id: i64,
    d: &Dictionaries,
) -> Result<Vec<Refused>> {
    let mut refused = Vec::new();

    let websites = last_of_each(&d.websites);
    let ids: Vec<i64> = websites.iter().map(|r| r.magento_id).collect();
    sqlx::query!(
        "delete from websites where channel_id = $1 and not (magento_id = any($2))",
        channel_id,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    write_isolated(tx, channel_id, &websites, &mut refused).await?;

    let groups = last_of_each(&d.store_groups);
    let ids: Vec<i64> = groups.iter().map(|r| r.magento_id).collect();
    sqlx::query!(
        "delete from store_groups where channel_id = $1 and not (magento_id = any($2))",
        channel_id,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    write_isolated(tx, channel_id, &groups, &mut refused).await?;

    let views = last_of_each(&d.store_views);
    let ids: Vec<i64> = views.iter().map(|r| r.magento_id).collect();
    sqlx::query!(
        "delete from store_views where channel_id = $1 and not (magento_id = any($2))",
        channel_id,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    write_isolated(tx, channel_id, &views, &mut refused).await?;

    let customer_groups = last_of_each(&d.customer_groups);
    let ids: Vec<i64> = customer_groups.iter().map(|r| r.magento_id).collect();
    sqlx::query!(
        "delete from customer_groups where channel_id = $1 and not (magento_id = any($2))",
        channel_id,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    write_isolated(tx, channel_id, &customer_groups, &mut refused).await?;

    // Regions are only upserted: a run that skipped reading them must not empty them.
    let regions = last_of_each(&d.regions);
    write_isolated(tx, channel_id, &regions, &mut refused).await?;
    Ok(refused)
}

/// Writes a list in one statement, or, when the database refuses it, row by row, skipping
/// and reporting the rows it refuses. Each attempt runs in a savepoint, so a refusal leaves
/// the caller's transaction usable.
async fn write_isolated<R: Row>(
    tx: &mut PgConnection,
    channel_id: i64,
    rows: &[R],
    refused: &mut Vec<Refused>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut all = tx.begin().await?;
    match R::insert(&mut all, channel_id, rows).await {
        Ok(()) => return Ok(all.commit().await?),
        Err(e) if e.is_refused_data() => {
            tracing::warn!(list = R::LIST.as_str(), error = %e, "the database refused a list; writing its rows one by one");
            all.rollback().await?;
        }
        Err(e) => return Err(e),
    }
    for row in rows {
        let mut one = tx.begin().await?;
        match R::insert(&mut one, channel_id, std::slice::from_ref(row)).await {
            Ok(()) => one.commit().await?,
            Err(e) if e.is_refused_data() => {
                one.rollback().await?;
                refused.push(Refused {
                    list: R::LIST,
                    key: row.key(),
                    error: e.to_string(),
                });
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

macro_rules! col {
    ($v:expr, $f:ident) => {
        $v.iter().map(|r| r.$f.clone()).collect::<Vec<_>>()
    };
}

async fn insert_websites(tx: &mut PgConnection, channel_id: i64, rows: &[Website]) -> Result<()> {
    sqlx::query!(
        r#"insert into websites (channel_id, magento_id, code, name, default_group_id)
           select $1, * from unnest($2::int8[], $3::text[], $4::text[], $5::int8[])
           on conflict (channel_id, magento_id) do update set code = excluded.code,
               name = excluded.name, default_group_id = excluded.default_group_id, updated_at = now()
           where (websites.code, websites.name, websites.default_group_id)
                 is distinct from (excluded.code, excluded.name, excluded.default_group_id)"#,
        channel_id,
        &col!(rows, magento_id),
        &col!(rows, code),
        &col!(rows, name),
        &col!(rows, default_group_id) as _,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn insert_store_groups(
    tx: &mut PgConnection,
    channel_id: i64,
    rows: &[StoreGroup],
) -> Result<()> {
    sqlx::query!(
        r#"insert into store_groups (channel_id, magento_id, website_id, code, name,
               root_category_id, default_store_id)
           select $1, * from unnest($2::int8[], $3::int8[], $4::text[], $5::text[], $6::int8[], $7::int8[])
           on conflict (channel_id, magento_id) do update set website_id = excluded.website_id,
               code = excluded.code, name = excluded.name,
               root_category_id = excluded.root_category_id,
               default_store_id = excluded.default_store_id, updated_at = now()"#,
        channel_id,
        &col!(rows, magento_id),
        &col!(rows, website_id) as _,
        &col!(rows, code) as _,
        &col!(rows, name),
        &col!(rows, root_category_id) as _,
        &col!(rows, default_store_id) as _,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn insert_store_views(
    tx: &mut PgConnection,
    channel_id: i64,
    rows: &[StoreView],
) -> Result<()> {
    sqlx::query!(
        r#"insert into store_views (channel_id, magento_id, code, name, website_id,
               store_group_id, is_active)
           select $1, * from unnest($2::int8[], $3::text[], $4::text[], $5::int8[], $6::int8[], $7::bool[])
           on conflict (channel_id, magento_id) do update set code = excluded.code,
               name = excluded.name, website_id = excluded.website_id,
               store_group_id = excluded.store_group_id, is_active = excluded.is_active,
               updated_at = now()"#,
        channel_id,
        &col!(rows, magento_id),
        &col!(rows, code),
        &col!(rows, name),
        &col!(rows, website_id) as _,
        &col!(rows, store_group_id) as _,
        &col!(rows, is_active),
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn insert_customer_groups(
    tx: &mut PgConnection,
    channel_id: i64,
    rows: &[CustomerGroup],
) -> Result<()> {
    sqlx::query!(
        r#"insert into customer_groups (channel_id, magento_id, code, tax_class_id, tax_class_name)
           select $1, * from unnest($2::int8[], $3::text[], $4::int8[], $5::text[])
           on conflict (channel_id, magento_id) do update set code = excluded.code,
               tax_class_id = excluded.tax_class_id, tax_class_name = excluded.tax_class_name,
               updated_at = now()"#,
        channel_id,
        &col!(rows, magento_id),
        &col!(rows, code),
        &col!(rows, tax_class_id) as _,
        &col!(rows, tax_class_name) as _,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn insert_regions(tx: &mut PgConnection, channel_id: i64, rows: &[Region]) -> Result<()> {
    sqlx::query!(
        r#"insert into regions (channel_id, country_id, country_name, magento_id, code, name)
           select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
           on conflict (channel_id, country_id, magento_id) do update set
               country_name = excluded.country_name, code = excluded.code,
               name = excluded.name, updated_at = now()
           where (regions.country_name, regions.code, regions.name)
                 is distinct from (excluded.country_name, excluded.code, excluded.name)"#,
        channel_id,
        &col!(rows, country_id),
        &col!(rows, country_name) as _,
        &col!(rows, magento_id),
        &col!(rows, code) as _,
        &col!(rows, name) as _,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
