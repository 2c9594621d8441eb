//! `GET /V1/products/attributes[/{code}[/options]]`: the select attributes configurable
//! products are built on, whose option values are the products' `value_index`es.

use super::request::Req;
use super::search::search;
use crate::error::ApiError;
use crate::model::ProductAttribute;
use crate::render::{write_attribute, write_attribute_options};
use crate::store::Table;

fn find(req: &Req<'_>, code: &str) -> Result<ProductAttribute, ApiError> {
    req.shared
        .read()
        .catalog
        .attribute_by_code(code)
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                404,
                "The attribute with a \"%1\" attributeCode doesn't exist. Verify the attribute and try again.",
            )
            .positional(vec![code.into()])
        })
}

/// The search envelope over the attributes (`attribute_id`, `attribute_code`, ...).
pub fn search_attributes(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    let table = Table::from_rows(store.catalog.attributes.clone());
    search(req, &table, &store.catalog, None, |w, a, _| {
        write_attribute(w, a)
    })
}

pub fn attribute(req: &Req<'_>, code: &str) -> Result<Vec<u8>, ApiError> {
    let a = find(req, code)?;
    let mut w = req.writer();
    write_attribute(&mut w, &a);
    Ok(w.into_bytes())
}

pub fn attribute_options(req: &Req<'_>, code: &str) -> Result<Vec<u8>, ApiError> {
    let a = find(req, code)?;
    let mut w = req.writer();
    write_attribute_options(&mut w, &a);
    Ok(w.into_bytes())
}
