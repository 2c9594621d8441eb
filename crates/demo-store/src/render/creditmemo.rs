//! CreditmemoInterface: totals, adjustments and item rows named after the order's products.

use rust_decimal::Decimal;

use super::{Malform, write_created_at, write_id};
use crate::json::JsonWriter;
use crate::model::{Catalog, CreditMemo, ItemKind};
use crate::pricing;

pub fn write_credit_memo(
    w: &mut JsonWriter<'_>,
    catalog: &Catalog,
    m: &CreditMemo,
    malform: Option<Malform>,
) {
    let currency = &*catalog.website_of_store(m.store_id).currency;
    let zero = Decimal::ZERO;
    w.begin_object();
    for (key, base_key, v) in [
        ("adjustment", "base_adjustment", m.adjustment()),
        (
            "adjustment_negative",
            "base_adjustment_negative",
            m.adjustment_negative,
        ),
        (
            "adjustment_positive",
            "base_adjustment_positive",
            m.adjustment_positive,
        ),
    ] {
        w.f_dec(key, v);
        w.f_dec(base_key, v);
    }
    w.f_str("base_currency_code", currency);
    w.f_dec("base_discount_amount", m.discount_amount);
    w.f_dec("base_grand_total", m.grand_total);
    w.f_dec("base_shipping_amount", m.shipping_amount);
    w.f_dec("base_subtotal", m.subtotal);
    w.f_dec("base_subtotal_incl_tax", m.subtotal + m.tax_amount);
    w.f_dec("base_tax_amount", m.tax_amount);
    w.f_int("base_to_global_rate", 1);
    w.f_int("base_to_order_rate", 1);
    w.f_int("billing_address_id", m.order_id as i64 * 2);
    write_created_at(w, m.created_at, malform);
    w.f_int("creditmemo_status", m.state as i64);
    w.f_dec("discount_amount", m.discount_amount);
    w.f_int("email_sent", m.email_sent as i64);
    write_id(w, "entity_id", m.id, malform);
    w.f_str("global_currency_code", currency);
    if malform == Some(Malform::Money) {
        w.f_str("grand_total", "12,3x");
    } else {
        w.f_dec("grand_total", m.grand_total);
    }
    w.f_str("increment_id", &catalog.increment_id(m.store_id, m.id));
    w.f_int("order_id", m.order_id as i64);
    w.f_str("order_currency_code", currency);
    w.f_dec("shipping_amount", m.shipping_amount);
    w.f_int("shipping_address_id", m.order_id as i64 * 2 - 1);
    w.f_dec("shipping_incl_tax", m.shipping_amount);
    w.f_dec("shipping_tax_amount", zero);
    w.f_int("state", m.state as i64);
    w.f_str("store_currency_code", currency);
    w.f_int("store_id", m.store_id as i64);
    w.f_int("store_to_base_rate", 0);
    w.f_int("store_to_order_rate", 0);
    w.f_dec("subtotal", m.subtotal);
    w.f_dec("subtotal_incl_tax", m.subtotal + m.tax_amount);
    w.f_dec("tax_amount", m.tax_amount);
    w.f_ts("updated_at", m.updated_at);
    w.key("items");
    w.begin_array();
    for item in &m.items {
        let product = catalog.product(item.product_id);
        let configurable = product
            .and_then(|p| p.parent_id)
            .and_then(|id| catalog.product(id));
        let shown = if item.kind == ItemKind::Parent {
            configurable.or(product)
        } else {
            product
        };
        let row = item.row_total();
        w.begin_object();
        w.f_dec("base_cost", zero);
        w.f_dec("base_discount_amount", item.discount_amount);
        w.f_dec("base_price", item.price);
        w.f_dec(
            "base_price_incl_tax",
            pricing::round2(item.price + item.tax_amount / Decimal::from(item.qty.max(1))),
        );
        w.f_dec("base_row_total", row);
        w.f_dec("base_row_total_incl_tax", row + item.tax_amount);
        w.f_dec("base_tax_amount", item.tax_amount);
        w.f_dec("discount_amount", item.discount_amount);
        w.f_int("entity_id", item.entity_id as i64);
        w.f_str("name", shown.map(|p| &*p.name).unwrap_or(""));
        w.f_int("order_item_id", item.order_item_id as i64);
        w.f_int("parent_id", m.id as i64);
        w.f_dec("price", item.price);
        w.f_dec(
            "price_incl_tax",
            pricing::round2(item.price + item.tax_amount / Decimal::from(item.qty.max(1))),
        );
        w.f_int("product_id", shown.map(|p| p.id as i64).unwrap_or(0));
        w.f_int("qty", item.qty as i64);
        w.f_dec("row_total", row);
        w.f_dec("row_total_incl_tax", row + item.tax_amount);
        w.f_str("sku", product.map(|p| &*p.sku).unwrap_or(""));
        w.f_dec("tax_amount", item.tax_amount);
        w.end_object();
    }
    w.end_array();
    w.key("comments");
    w.begin_array();
    w.end_array();
    w.end_object();
}
