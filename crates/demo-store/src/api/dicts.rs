//! Dictionaries (websites, stores, customer groups, countries, currency), products and the
//! Cartwise newsletter companion route.

use super::request::{Req, parse_id};
use super::search::search;
use crate::error::ApiError;
use crate::model::Entity;
use crate::render::{
    RecordRef, write_country, write_record, write_store_group, write_store_view, write_website,
};
use crate::store::Table;

pub fn websites(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    let mut w = req.writer();
    w.begin_array();
    for x in &store.catalog.websites {
        write_website(&mut w, x);
    }
    w.end_array();
    Ok(w.into_bytes())
}

pub fn store_groups(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    let mut w = req.writer();
    w.begin_array();
    for x in &store.catalog.store_groups {
        write_store_group(&mut w, x);
    }
    w.end_array();
    Ok(w.into_bytes())
}

pub fn store_views(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    let mut w = req.writer();
    w.begin_array();
    for x in &store.catalog.store_views {
        write_store_view(&mut w, x);
    }
    w.end_array();
    Ok(w.into_bytes())
}

/// `GET /V1/store/storeConfigs[?storeCodes[]=..]`: locale, currency, URLs per store view.
pub fn store_configs(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    let wanted: Vec<String> = req
        .query
        .get("storeCodes")
        .map(|n| {
            n.children()
                .iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut w = req.writer();
    w.begin_array();
    for view in store.catalog.store_views.iter().filter(|v| v.id != 0) {
        if !wanted.is_empty() && !wanted.iter().any(|c| c == &*view.code) {
            continue;
        }
        let currency = &store.catalog.website_of_store(view.id).currency;
        w.begin_object();
        w.f_int("id", view.id as i64);
        w.f_str("code", &view.code);
        w.f_int("website_id", view.website_id as i64);
        w.f_str("locale", &view.locale);
        w.f_str("base_currency_code", currency);
        w.f_str("default_display_currency_code", currency);
        w.f_str("timezone", "UTC");
        w.f_str("weight_unit", "lbs");
        w.f_str("base_url", "http://demo.cartwise.test/");
        w.f_str("base_link_url", "http://demo.cartwise.test/");
        w.end_object();
    }
    w.end_array();
    Ok(w.into_bytes())
}

pub fn customer_groups_search(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    let table = Table::from_rows(store.catalog.customer_groups.clone());
    search(req, &table, &store.catalog, None, |w, g, _| {
        write_record(w, &*store, RecordRef::CustomerGroup(g), None)
    })
}

pub fn customer_group(req: &Req<'_>, id: Option<&str>) -> Result<Vec<u8>, ApiError> {
    // `customerGroups/default` is the group new accounts get: General.
    let id = id.map(parse_id).transpose()?.unwrap_or(1);
    let store = req.shared.read();
    let group = store
        .catalog
        .customer_group(id as u16)
        .filter(|_| id <= u16::MAX as u32)
        .ok_or_else(|| ApiError::no_such_entity("id", id))?;
    let mut w = req.writer();
    write_record(&mut w, &*store, RecordRef::CustomerGroup(group), None);
    Ok(w.into_bytes())
}

pub fn countries(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    let mut w = req.writer();
    w.begin_array();
    for c in &store.catalog.countries {
        write_country(&mut w, c);
    }
    w.end_array();
    Ok(w.into_bytes())
}

pub fn country(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    let c = store
        .catalog
        .country(id)
        .ok_or_else(|| ApiError::new(404, "The country isn't available."))?;
    let mut w = req.writer();
    write_country(&mut w, c);
    Ok(w.into_bytes())
}

pub fn currency(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    let code = &store.catalog.website_of_store(req.sales_store()).currency;
    let mut w = req.writer();
    w.begin_object();
    w.f_str("base_currency_code", code);
    w.f_str("base_currency_symbol", "");
    w.f_str("default_display_currency_code", code);
    w.f_str("default_display_currency_symbol", "");
    w.key("available_currency_codes");
    w.begin_array();
    w.str(code);
    w.end_array();
    w.key("exchange_rates");
    w.begin_array();
    w.begin_object();
    w.f_str("currency_to", code);
    w.f_int("rate", 1);
    w.end_object();
    w.end_array();
    w.end_object();
    Ok(w.into_bytes())
}

pub fn search_products(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    search(req, &store.products, &store.catalog, None, |w, p, _| {
        write_record(w, &*store, RecordRef::Product(p), None)
    })
}

pub fn product(req: &Req<'_>, sku: &str) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    let p = store
        .product_by_sku(sku)
        .ok_or_else(ApiError::product_missing)?;
    let mut w = req.writer();
    write_record(&mut w, &*store, RecordRef::Product(p), None);
    Ok(w.into_bytes())
}

/// Cartwise companion route (§11): `newsletter_subscriber` rows, guests included.
pub fn search_subscribers(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    search(
        req,
        &store.subscribers,
        &store.catalog,
        Some(Entity::Subscriber),
        |w, s, m| write_record(w, &*store, RecordRef::Subscriber(s), m),
    )
}
