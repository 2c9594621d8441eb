//! Products (`GET /V1/products`): what a cart can hold. A configurable product names its
//! options by attribute id and value index (`extension_attributes.configurable_product_options`)
//! and its children by product id (`configurable_product_links`); the values' labels come from
//! the product attributes, read after the products (`store::sync_write::products`).

use super::{Digest, MapError, text};
use magento::types::{AttributeOption, Product, ProductAttribute};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use store::sync_write::{AttributeOptionsRecord, ProductRecord};

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => n.to_string().parse().ok(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(s) => match s.trim() {
            "1" | "true" => Some(true),
            "0" | "false" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

pub fn product(p: &Product, digest: &Digest) -> Result<ProductRecord, MapError> {
    let magento_id =
        p.id.filter(|id| *id > 0)
            .ok_or_else(|| MapError::missing("id"))?;
    let sku = text(&p.sku).ok_or_else(|| MapError::missing("sku"))?;
    let small = |v: Option<i64>, path: &str| -> Result<Option<i16>, MapError> {
        v.map(|v| {
            i16::try_from(v).map_err(|_| MapError::invalid(path, format!("out of range: {v}")))
        })
        .transpose()
    };
    let ext = p.extension_attributes.as_ref();
    let website_ids = ext
        .and_then(|e| e.get("website_ids"))
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(int).collect())
        .unwrap_or_default();
    // Only a configurable's own options are kept, reduced to what a cart line needs.
    let options = ext
        .and_then(|e| e.get("configurable_product_options"))
        .and_then(Value::as_array)
        .map(|list| {
            let options: Vec<Value> = list
                .iter()
                .filter_map(|o| {
                    let attribute_id = o.get("attribute_id").and_then(int)?;
                    let values: Vec<i64> = o
                        .get("values")
                        .and_then(Value::as_array)
                        .map(|vs| {
                            vs.iter()
                                .filter_map(|v| v.get("value_index").and_then(int))
                                .collect()
                        })
                        .unwrap_or_default();
                    Some(json!({
                        "attribute_id": attribute_id,
                        "label": o.get("label").and_then(Value::as_str).unwrap_or(""),
                        "values": values,
                    }))
                })
                .collect();
            Value::Array(options)
        });
    let children = ext
        .and_then(|e| e.get("configurable_product_links"))
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(int).collect());
    let stock = ext.and_then(|e| e.get("stock_item"));
    Ok(ProductRecord {
        magento_id,
        sku,
        name: text(&p.name),
        type_id: text(&p.type_id),
        status: small(p.status, "status")?,
        visibility: small(p.visibility, "visibility")?,
        price: p.price,
        website_ids,
        options,
        children,
        // A quantity means something only where the store counts stock (`manage_stock`).
        stock_qty: stock
            .filter(|s| s.get("manage_stock").and_then(flag) != Some(false))
            .and_then(|s| s.get("qty"))
            .and_then(decimal),
        is_in_stock: stock.and_then(|s| s.get("is_in_stock")).and_then(flag),
        created_at: p.created_at,
        updated_at: p.updated_at,
        payload_hash: digest.to_vec(),
    })
}

/// The labels of a select attribute's values, for the option pickers.
pub fn attribute_options(a: &ProductAttribute) -> Option<AttributeOptionsRecord> {
    let option = |o: &AttributeOption| {
        let value = text(&o.value)?;
        Some(json!({ "value": value, "label": text(&o.label).unwrap_or_else(|| value.clone()) }))
    };
    Some(AttributeOptionsRecord {
        attribute_id: a.attribute_id.filter(|id| *id > 0)?,
        code: text(&a.attribute_code),
        label: text(&a.default_frontend_label),
        options: Value::Array(
            a.options
                .as_deref()
                .unwrap_or_default()
                .iter()
                .filter_map(option)
                .collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configurable_keeps_its_options_children_and_websites() {
        let p: Product = serde_json::from_value(json!({
            "id": 7, "sku": "MH01", "name": "Chaz Hoodie", "type_id": "configurable",
            "status": 1, "visibility": 4, "price": 52, "updated_at": "2026-01-02 03:04:05",
            "extension_attributes": {
                "website_ids": [1, "2"],
                "configurable_product_options": [
                    {"id": 70, "attribute_id": "93", "label": "Color", "position": 0,
                     "values": [{"value_index": 49}, {"value_index": 50}], "product_id": 7}],
                "configurable_product_links": [8, 9],
                "stock_item": {"qty": "12.0000", "is_in_stock": true}
            }
        }))
        .unwrap();
        let r = product(&p, &[0; 32]).unwrap();
        assert_eq!(r.sku, "MH01");
        assert_eq!(r.website_ids, vec![1, 2]);
        assert_eq!(r.children, Some(vec![8, 9]));
        assert_eq!(
            r.options,
            Some(json!([{"attribute_id": 93, "label": "Color", "values": [49, 50]}]))
        );
        assert_eq!(r.stock_qty, Some(Decimal::from(12)));
        assert_eq!(r.is_in_stock, Some(true));
    }

    #[test]
    fn unmanaged_stock_has_no_quantity() {
        let p: Product = serde_json::from_value(json!({
            "id": 3, "sku": "GIFT", "extension_attributes": {
                "stock_item": {"qty": 0, "is_in_stock": true, "manage_stock": false}}
        }))
        .unwrap();
        let r = product(&p, &[0; 32]).unwrap();
        assert_eq!((r.stock_qty, r.is_in_stock), (None, Some(true)));
    }

    #[test]
    fn a_product_without_id_or_sku_fails_alone() {
        let p: Product = serde_json::from_value(json!({"id": 3, "sku": "  "})).unwrap();
        assert_eq!(product(&p, &[0; 32]).unwrap_err().path, "sku");
        let p: Product = serde_json::from_value(json!({"sku": "X"})).unwrap();
        assert_eq!(product(&p, &[0; 32]).unwrap_err().path, "id");
        let p: Product =
            serde_json::from_value(json!({"id": 3, "sku": "X", "status": 70000})).unwrap();
        assert_eq!(product(&p, &[0; 32]).unwrap_err().path, "status");
    }
}
