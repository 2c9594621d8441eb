//! The small lists refreshed with every run: websites, store groups, store views, customer
//! groups and (when asked) countries with their regions.
//!
//! They get the isolation entity pages get: a store that lists one id twice (which one upsert
//! statement cannot write) or a row the database refuses must not fail every sync. A repeated
//! id keeps its last entry and logs the others with their payload; a refused row is skipped and
//! logged; the rest is stored and the sync goes on.

use crate::map::{self, text};
use anyhow::{Context, Result};
use magento::types::{Country, CustomerGroup, StoreGroup, StoreView, Website};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use store::PgPool;
use store::sync_errors::ListFailure;
use store::sync_write::dictionaries::{self as d, List, Row};

/// Refreshes websites, store groups, store views and customer groups (and countries with their
/// regions when asked). Returns the store views as (store id, website id) for scoping.
pub async fn refresh_dictionaries(
    pool: &PgPool,
    client: &magento::Client,
    channel_id: i64,
    with_regions: bool,
) -> Result<Vec<(i64, Option<i64>)>> {
    refresh(pool, client, channel_id, None, with_regions).await
}

/// The same within a job, whose id goes on the error log's entries.
pub(super) async fn refresh(
    pool: &PgPool,
    client: &magento::Client,
    channel_id: i64,
    job_id: Option<i64>,
    with_regions: bool,
) -> Result<Vec<(i64, Option<i64>)>> {
    let (websites, groups, views, customer_groups) = tokio::try_join!(
        client.websites(),
        client.store_groups(),
        client.store_views(),
        client.customer_groups(),
    )
    .context("reading the store's websites, stores and customer groups")?;
    let countries = if !with_regions {
        Vec::new()
    } else {
        match client.countries().await {
            Ok(c) => c,
            // Countries are a nicety for display; a store hiding them must not stop a sync.
            Err(e) => {
                tracing::warn!(error = %e, "could not read countries and regions");
                Vec::new()
            }
        }
    };
    let mut skipped = Vec::new();
    let lists = Lists {
        websites: last_of_each(List::Websites, websites, website_key, &mut skipped),
        groups: last_of_each(List::StoreGroups, groups, |g| id_key(g.id), &mut skipped),
        views: last_of_each(List::StoreViews, views, |v| id_key(v.id), &mut skipped),
        customer_groups: last_of_each(
            List::CustomerGroups,
            customer_groups,
            |g| id_key(g.id),
            &mut skipped,
        ),
        countries: countries_once(countries, &mut skipped),
    };
    let dictionaries = d::Dictionaries {
        websites: map::dictionaries::websites(&lists.websites),
        store_groups: map::dictionaries::store_groups(&lists.groups),
        store_views: map::dictionaries::store_views(&lists.views),
        customer_groups: map::dictionaries::customer_groups(&lists.customer_groups),
        regions: map::dictionaries::regions(&lists.countries),
    };
    let mut tx = pool.begin().await?;
    let refused = d::replace(&mut tx, channel_id, &dictionaries).await?;
    skipped.extend(refused.into_iter().map(|r| Skipped {
        payload: lists.payload(r.list, &r.key).map(storable),
        message: format!("the database refused this row: {}", r.error),
        list: r.list,
        key: r.key,
    }));
    log(&mut tx, channel_id, job_id, &skipped, &dictionaries).await?;
    tx.commit().await?;
    Ok(dictionaries
        .store_views
        .iter()
        .map(|s| (s.magento_id, s.website_id))
        .collect())
}

/// The store's lists, each id once.
struct Lists {
    websites: Vec<Website>,
    groups: Vec<StoreGroup>,
    views: Vec<StoreView>,
    customer_groups: Vec<CustomerGroup>,
    countries: Vec<Country>,
}

impl Lists {
    /// What the store sent for a row, for the error log.
    fn payload(&self, list: List, key: &str) -> Option<Value> {
        fn find<T: Serialize>(
            items: &[T],
            key: &str,
            of: impl Fn(&T) -> Option<String>,
        ) -> Option<Value> {
            let item = items.iter().find(|i| of(i).as_deref() == Some(key))?;
            serde_json::to_value(item).ok()
        }
        match list {
            List::Websites => find(&self.websites, key, website_key),
            List::StoreGroups => find(&self.groups, key, |g| id_key(g.id)),
            List::StoreViews => find(&self.views, key, |v| id_key(v.id)),
            List::CustomerGroups => find(&self.customer_groups, key, |g| id_key(g.id)),
            List::Countries => {
                let (country_key, region) = match key.split_once('/') {
                    Some((c, r)) => (c, Some(r)),
                    None => (key, None),
                };
                let country = self
                    .countries
                    .iter()
                    .find(|c| country_id(c).as_deref() == Some(country_key))?;
                match region {
                    None => serde_json::to_value(country).ok(),
                    Some(region) => find(
                        country.available_regions.as_deref().unwrap_or_default(),
                        region,
                        |r| text(&r.id),
                    ),
                }
            }
        }
    }
}

/// A payload `jsonb` can hold: it refuses the NUL character (a reason a row is refused in the
/// first place), so each is shown as U+FFFD instead.
fn storable(value: Value) -> Value {
    let clean = |s: String| {
        if s.contains('\0') {
            s.replace('\0', "\u{FFFD}")
        } else {
            s
        }
    };
    match value {
        Value::String(s) => Value::String(clean(s)),
        Value::Array(items) => Value::Array(items.into_iter().map(storable).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (clean(k), storable(v)))
                .collect(),
        ),
        other => other,
    }
}

/// A row logged instead of stored.
struct Skipped {
    list: List,
    key: String,
    message: String,
    payload: Option<Value>,
}

fn id_key(id: Option<i64>) -> Option<String> {
    id.map(|i| i.to_string())
}

fn website_key(w: &Website) -> Option<String> {
    id_key(w.id)
}

/// A country's id as the mapping reads it (`map::dictionaries::regions`).
fn country_id(c: &Country) -> Option<String> {
    text(&c.id).or_else(|| text(&c.two_letter_abbreviation))
}

/// The last entry of each key, in order; the earlier ones go to `skipped` with their payload.
/// Entries without a key pass (the mapping drops them).
fn last_of_each<T: Serialize>(
    list: List,
    items: Vec<T>,
    key: impl Fn(&T) -> Option<String>,
    skipped: &mut Vec<Skipped>,
) -> Vec<T> {
    let last: HashMap<String, usize> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| Some((key(item)?, i)))
        .collect();
    let mut kept = Vec::with_capacity(last.len());
    for (i, item) in items.into_iter().enumerate() {
        match key(&item) {
            Some(k) if last.get(&k) != Some(&i) => {
                tracing::warn!(list = list.as_str(), key = %k, "the store lists an id twice; keeping its last entry");
                skipped.push(Skipped {
                    list,
                    payload: serde_json::to_value(&item).ok().map(storable),
                    message: format!(
                        "The store lists this id more than once in its {}; its last entry was stored and this one skipped.",
                        list.as_str()
                    ),
                    key: k,
                });
            }
            _ => kept.push(item),
        }
    }
    kept
}

/// Countries, each once, with each of their regions once.
fn countries_once(countries: Vec<Country>, skipped: &mut Vec<Skipped>) -> Vec<Country> {
    let mut countries = last_of_each(List::Countries, countries, country_id, skipped);
    for country in &mut countries {
        let (Some(id), Some(regions)) = (country_id(country), country.available_regions.take())
        else {
            continue;
        };
        let key = |r: &magento::types::Region| text(&r.id).map(|r| d::region_key(&id, &r));
        country.available_regions = Some(last_of_each(List::Countries, regions, key, skipped));
    }
    countries
}

/// Logs the skipped rows and closes the open entries of rows now stored cleanly, in the
/// transaction that stored them.
async fn log(
    tx: &mut sqlx::PgConnection,
    channel_id: i64,
    job_id: Option<i64>,
    skipped: &[Skipped],
    stored: &d::Dictionaries,
) -> Result<()> {
    let failures: Vec<ListFailure> = skipped
        .iter()
        .map(|s| ListFailure {
            list: s.list.as_str(),
            // Text columns refuse NUL too (a country id could hold one).
            key: s.key.replace('\0', "\u{FFFD}"),
            message: s.message.clone(),
            payload: s.payload.as_ref(),
        })
        .collect();
    store::sync_errors::record_list(tx, channel_id, job_id, &failures).await?;
    let failed: HashSet<(List, &str)> = skipped.iter().map(|s| (s.list, s.key.as_str())).collect();
    let mut clean: HashMap<List, Vec<String>> = HashMap::new();
    let mut add = |list: List, key: String| {
        if !failed.contains(&(list, key.as_str())) {
            clean.entry(list).or_default().push(key);
        }
    };
    stored
        .websites
        .iter()
        .for_each(|r| add(List::Websites, r.key()));
    stored
        .store_groups
        .iter()
        .for_each(|r| add(List::StoreGroups, r.key()));
    stored
        .store_views
        .iter()
        .for_each(|r| add(List::StoreViews, r.key()));
    stored
        .customer_groups
        .iter()
        .for_each(|r| add(List::CustomerGroups, r.key()));
    stored
        .regions
        .iter()
        .for_each(|r| add(List::Countries, r.key()));
    for (list, keys) in clean {
        store::sync_errors::resolve_list(tx, channel_id, list.as_str(), &keys).await?;
    }
    Ok(())
}
