//! The search-results envelope `{items, search_criteria, total_count}` for any table.

use std::sync::atomic::Ordering;

use super::request::Req;
use crate::error::ApiError;
use crate::faults;
use crate::json::JsonWriter;
use crate::model::{Catalog, Entity};
use crate::query::{Paging, Searchable, compile, execute};
use crate::render::Malform;
use crate::store::Table;

/// Runs the request's searchCriteria on `table` and renders each hit with `render`.
/// `entity` enables malformed-record faults for that entity.
pub fn search<T: Searchable>(
    req: &Req<'_>,
    table: &Table<T>,
    catalog: &Catalog,
    entity: Option<Entity>,
    mut render: impl FnMut(&mut JsonWriter<'_>, &T, Option<Malform>),
) -> Result<Vec<u8>, ApiError> {
    let mut criteria = req.criteria()?;
    let paging = Paging::resolve(
        &mut criteria,
        req.rt.paging,
        req.rt.input_limits,
        req.report,
    )?;
    let compiled = compile::<T>(&criteria, req.report)?;
    let found = execute(table, catalog, &compiled, paging);
    // A poisoned record fails the whole page, unless only ids are projected (`fields=`).
    if let Some(e) = entity
        && req.mask.is_none()
        && found
            .ids
            .iter()
            .any(|id| faults::is_poisoned(&req.rt.faults, e, *id))
    {
        return Err(ApiError::internal(req.report));
    }
    let mut w = req.writer();
    w.begin_object();
    w.key("items");
    w.begin_array();
    for row in found.ids.iter().filter_map(|id| table.get(*id)) {
        let malform = entity.and_then(|e| faults::malformation(&req.rt.faults, e, row.id()));
        render(&mut w, row, malform);
    }
    w.end_array();
    w.key("search_criteria");
    criteria.write_echo(&mut w);
    w.f_int("total_count", found.total as i64);
    w.end_object();
    req.shared
        .counters()
        .records_served
        .fetch_add(found.ids.len() as u64, Ordering::Relaxed);
    Ok(w.into_bytes())
}
