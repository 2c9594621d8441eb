//! OrderInterface (items with configurable parent/child rows, addresses, payment, status
//! history, shipping assignments) and CreditmemoInterface.

use rust_decimal::Decimal;

use super::{Malform, write_created_at, write_id};
use crate::json::JsonWriter;
use crate::model::{
    COLOR_ATTRIBUTE_ID, Catalog, ItemKind, Order, OrderAddress, OrderItem, OrderState,
    SIZE_ATTRIBUTE_ID,
};
use crate::pricing;

pub fn write_order(w: &mut JsonWriter<'_>, catalog: &Catalog, o: &Order, malform: Option<Malform>) {
    let website = catalog.website_of_store(o.store_id);
    let currency = &*website.currency;
    let zero = Decimal::ZERO;
    w.begin_object();
    if let Some(code) = &o.coupon_code {
        let rule = pricing::coupon(code).map(|c| c.1).unwrap_or(0);
        w.f_str("applied_rule_ids", &rule.to_string());
    }
    w.f_str("base_currency_code", currency);
    let money = [
        ("base_discount_amount", o.discount_amount),
        ("base_grand_total", o.grand_total),
        ("base_shipping_amount", o.shipping_amount),
        ("base_shipping_incl_tax", o.shipping_amount),
        ("base_shipping_tax_amount", zero),
        ("base_subtotal", o.subtotal),
        ("base_subtotal_incl_tax", o.subtotal + o.tax_amount),
        ("base_tax_amount", o.tax_amount),
        ("base_total_due", o.total_due()),
    ];
    for (key, v) in money {
        w.f_dec(key, v);
    }
    write_state_totals(w, o, true);
    w.f_int("base_to_global_rate", 1);
    w.f_int("base_to_order_rate", 1);
    w.f_int("billing_address_id", o.billing_address_id());
    write_created_at(w, o.created_at, malform);
    if let Some(dob) = o.customer_dob {
        w.f_str("customer_dob", &dob.format("%Y-%m-%d 00:00:00").to_string());
    }
    w.f_str("customer_email", &o.customer_email);
    w.f_str("customer_firstname", &o.customer_firstname);
    w.f_opt_int("customer_gender", o.customer_gender.map(i64::from));
    w.f_int("customer_group_id", o.customer_group_id as i64);
    w.f_opt_int("customer_id", o.customer_id.map(i64::from));
    w.f_int("customer_is_guest", o.customer_is_guest as i64);
    w.f_str("customer_lastname", &o.customer_lastname);
    w.f_int("customer_note_notify", 1);
    w.f_opt_str("coupon_code", o.coupon_code.as_deref());
    w.f_dec("discount_amount", o.discount_amount);
    w.f_opt_str("discount_description", o.coupon_code.as_deref());
    w.f_int("email_sent", o.email_sent as i64);
    write_id(w, "entity_id", o.id, malform);
    w.f_str("global_currency_code", currency);
    if malform == Some(Malform::Money) {
        w.f_str("grand_total", "12,3x");
    } else {
        w.f_dec("grand_total", o.grand_total);
    }
    w.f_str("increment_id", &catalog.increment_id(o.store_id, o.id));
    w.f_int("is_virtual", 0);
    w.f_str("order_currency_code", currency);
    w.f_str("protect_code", &format!("{:06x}", hash32(o.id) & 0xff_ffff));
    w.f_int("quote_id", o.quote_id as i64);
    w.f_str("remote_ip", &remote_ip(o.quote_id));
    w.f_dec("shipping_amount", o.shipping_amount);
    let method = o.shipping_method;
    w.f_str(
        "shipping_description",
        &format!("{} - {}", method.carrier_title(), method.method_title()),
    );
    w.f_dec("shipping_incl_tax", o.shipping_amount);
    w.f_dec("shipping_tax_amount", zero);
    w.f_str("state", o.state.as_str());
    w.f_str("status", o.status);
    w.f_str("store_currency_code", currency);
    w.f_int("store_id", o.store_id as i64);
    w.f_str("store_name", &catalog.store_name(o.store_id));
    w.f_int("store_to_base_rate", 0);
    w.f_int("store_to_order_rate", 0);
    w.f_dec("subtotal", o.subtotal);
    w.f_dec("subtotal_incl_tax", o.subtotal + o.tax_amount);
    w.f_dec("tax_amount", o.tax_amount);
    w.f_dec("total_due", o.total_due());
    write_state_totals(w, o, false);
    w.f_int("total_item_count", o.items.len() as i64);
    w.f_int("total_qty_ordered", o.total_qty_ordered() as i64);
    w.f_ts("updated_at", o.updated_at);
    w.f_dec("weight", weight(catalog, o));
    w.key("items");
    write_items(w, catalog, o);
    w.key("billing_address");
    write_order_address(w, catalog, o, &o.billing, "billing", o.billing_address_id());
    write_payment(w, o);
    write_status_histories(w, o);
    w.key("extension_attributes");
    w.begin_object();
    w.key("shipping_assignments");
    w.begin_array();
    w.begin_object();
    w.key("shipping");
    w.begin_object();
    w.key("address");
    write_order_address(
        w,
        catalog,
        o,
        &o.shipping,
        "shipping",
        o.shipping_address_id(),
    );
    w.f_str("method", &method.code());
    w.key("total");
    w.begin_object();
    w.f_dec("base_shipping_amount", o.shipping_amount);
    w.f_dec("shipping_amount", o.shipping_amount);
    w.f_dec("base_shipping_incl_tax", o.shipping_amount);
    w.f_dec("shipping_incl_tax", o.shipping_amount);
    w.f_dec("shipping_tax_amount", zero);
    w.end_object();
    w.end_object();
    w.key("items");
    write_items(w, catalog, o);
    w.f_int("stock_id", 1);
    w.end_object();
    w.end_array();
    w.key("payment_additional_info");
    w.begin_array();
    w.begin_object();
    w.f_str("key", "method_title");
    w.f_str("value", o.payment_method.title());
    w.end_object();
    w.end_array();
    w.key("applied_taxes");
    w.begin_array();
    w.end_array();
    w.key("item_applied_taxes");
    w.begin_array();
    w.end_array();
    w.end_object();
    w.end_object();
}

/// Paid/invoiced/refunded/canceled totals exist only once the event happened (NULL columns
/// before, so Magento omits them).
fn write_state_totals(w: &mut JsonWriter<'_>, o: &Order, base: bool) {
    let key = |plain: &'static str, based: &'static str| if base { based } else { plain };
    if o.state.is_paid() {
        w.f_dec(key("total_paid", "base_total_paid"), o.total_paid);
        w.f_dec(
            key("total_invoiced", "base_total_invoiced"),
            o.total_invoiced,
        );
    }
    if !o.total_refunded.is_zero() {
        w.f_dec(
            key("total_refunded", "base_total_refunded"),
            o.total_refunded,
        );
        w.f_dec(
            key("total_offline_refunded", "base_total_offline_refunded"),
            o.total_refunded,
        );
    }
    if o.state == OrderState::Canceled {
        w.f_dec(
            key("total_canceled", "base_total_canceled"),
            o.total_canceled,
        );
    }
}

fn weight(catalog: &Catalog, o: &Order) -> Decimal {
    o.items
        .iter()
        .filter(|i| i.kind != ItemKind::Child)
        .map(|i| {
            catalog
                .product(i.product_id)
                .map(|p| p.weight)
                .unwrap_or_default()
                * Decimal::from(i.qty_ordered)
        })
        .sum()
}

fn write_items(w: &mut JsonWriter<'_>, catalog: &Catalog, o: &Order) {
    w.begin_array();
    for (i, item) in o.items.iter().enumerate() {
        // A child row embeds its parent row, which precedes it.
        let parent = (item.kind == ItemKind::Child)
            .then(|| i.checked_sub(1).map(|p| &o.items[p]))
            .flatten();
        write_item(w, catalog, o, item, parent);
    }
    w.end_array();
}

fn write_item(
    w: &mut JsonWriter<'_>,
    catalog: &Catalog,
    o: &Order,
    item: &OrderItem,
    parent: Option<&OrderItem>,
) {
    let product = catalog.product(item.product_id);
    let configurable = product
        .and_then(|p| p.parent_id)
        .and_then(|id| catalog.product(id));
    // The parent row is the configurable product; the child row is the simple one.
    let shown = if item.kind == ItemKind::Parent {
        configurable.or(product)
    } else {
        product
    };
    let row_total = item.row_total();
    let refunded = item.price * Decimal::from(item.qty_refunded);
    let invoiced = item.price * Decimal::from(item.qty_invoiced);
    let weight = product.map(|p| p.weight).unwrap_or_default();
    w.begin_object();
    w.f_dec("amount_refunded", refunded);
    if let Some(code) = &o.coupon_code {
        let rule = pricing::coupon(code).map(|c| c.1).unwrap_or(0);
        w.f_str("applied_rule_ids", &rule.to_string());
    }
    w.f_dec("base_amount_refunded", refunded);
    w.f_dec("base_discount_amount", item.discount_amount);
    w.f_dec("base_original_price", item.price);
    w.f_dec("base_price", item.price);
    w.f_dec("base_price_incl_tax", price_incl_tax(item));
    w.f_dec("base_row_invoiced", invoiced);
    w.f_dec("base_row_total", row_total);
    w.f_dec("base_row_total_incl_tax", row_total + item.tax_amount);
    w.f_dec("base_tax_amount", item.tax_amount);
    w.f_ts("created_at", o.created_at);
    w.f_dec("discount_amount", item.discount_amount);
    w.f_int("discount_percent", discount_percent(o));
    w.f_int("free_shipping", 0);
    w.f_int("is_qty_decimal", 0);
    w.f_int("is_virtual", 0);
    w.f_int("item_id", item.item_id as i64);
    w.f_str("name", shown.map(|p| &*p.name).unwrap_or(""));
    w.f_int("no_discount", 0);
    w.f_int("order_id", o.id as i64);
    w.f_dec("original_price", item.price);
    w.f_opt_int("parent_item_id", item.parent_item_id.map(i64::from));
    w.f_dec("price", item.price);
    w.f_dec("price_incl_tax", price_incl_tax(item));
    w.f_int("product_id", shown.map(|p| p.id as i64).unwrap_or(0));
    w.f_str(
        "product_type",
        shown.map(|p| p.type_id.as_str()).unwrap_or("simple"),
    );
    for (key, qty) in [
        ("qty_canceled", item.qty_canceled),
        ("qty_invoiced", item.qty_invoiced),
        ("qty_ordered", item.qty_ordered),
        ("qty_refunded", item.qty_refunded),
        ("qty_shipped", item.qty_shipped),
    ] {
        w.f_int(key, qty as i64);
    }
    w.f_int("quote_item_id", item.quote_item_id as i64);
    w.f_dec("row_invoiced", invoiced);
    w.f_dec("row_total", row_total);
    w.f_dec("row_total_incl_tax", row_total + item.tax_amount);
    w.f_dec("row_weight", weight * Decimal::from(item.qty_ordered));
    w.f_str("sku", product.map(|p| &*p.sku).unwrap_or(""));
    w.f_int("store_id", o.store_id as i64);
    w.f_dec("tax_amount", item.tax_amount);
    w.f_dec(
        "tax_invoiced",
        if item.qty_invoiced > 0 {
            item.tax_amount
        } else {
            Decimal::ZERO
        },
    );
    w.f_dec("tax_percent", item.tax_percent);
    w.f_ts("updated_at", o.updated_at);
    w.f_dec("weight", weight);
    if item.kind == ItemKind::Parent
        && let Some((color, size)) = product.and_then(|p| p.options)
    {
        write_configurable_option(w, color, size);
    }
    if let Some(parent) = parent {
        w.key("parent_item");
        write_item(w, catalog, o, parent, None);
    }
    w.end_object();
}

fn write_configurable_option(w: &mut JsonWriter<'_>, color: u32, size: u32) {
    w.key("product_option");
    w.begin_object();
    w.key("extension_attributes");
    w.begin_object();
    w.key("configurable_item_options");
    w.begin_array();
    for (attribute, value) in [(COLOR_ATTRIBUTE_ID, color), (SIZE_ATTRIBUTE_ID, size)] {
        w.begin_object();
        w.f_str("option_id", &attribute.to_string());
        w.f_int("option_value", value as i64);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    w.end_object();
}

fn price_incl_tax(item: &OrderItem) -> Decimal {
    pricing::round2(item.price * (Decimal::ONE + item.tax_percent / Decimal::from(100)))
}

fn discount_percent(o: &Order) -> i64 {
    o.coupon_code
        .as_deref()
        .and_then(pricing::coupon)
        .map(|c| c.2 as i64)
        .unwrap_or(0)
}

fn write_order_address(
    w: &mut JsonWriter<'_>,
    catalog: &Catalog,
    o: &Order,
    a: &OrderAddress,
    kind: &str,
    id: i64,
) {
    w.begin_object();
    w.f_str("address_type", kind);
    w.f_str("city", &a.postal.city);
    w.f_opt_str("company", a.postal.company.as_deref());
    w.f_str("country_id", &a.postal.country_id);
    w.f_opt_int("customer_address_id", a.customer_address_id.map(i64::from));
    w.f_opt_int("customer_id", o.customer_id.map(i64::from));
    w.f_str("email", &a.email);
    w.f_int("entity_id", id);
    w.f_str("firstname", &a.postal.firstname);
    w.f_str("lastname", &a.postal.lastname);
    w.f_int("parent_id", o.id as i64);
    w.f_str("postcode", &a.postal.postcode);
    let (name, code, region_id) = super::address::region_parts(catalog, &a.postal);
    w.f_opt_str("region", name);
    w.f_opt_str("region_code", code);
    if region_id != 0 {
        w.f_int("region_id", region_id as i64);
    }
    super::address::write_street(w, &a.postal);
    w.f_str("telephone", &a.postal.telephone);
    w.f_opt_str("vat_id", a.postal.vat_id.as_deref());
    w.end_object();
}

fn write_payment(w: &mut JsonWriter<'_>, o: &Order) {
    w.key("payment");
    w.begin_object();
    w.f_null("account_status");
    w.key("additional_information");
    w.begin_array();
    w.str(o.payment_method.title());
    w.str("");
    w.end_array();
    w.f_dec("amount_ordered", o.grand_total);
    w.f_dec("base_amount_ordered", o.grand_total);
    if o.state.is_paid() {
        w.f_dec("amount_paid", o.total_paid);
        w.f_dec("base_amount_paid", o.total_paid);
    }
    if !o.total_refunded.is_zero() {
        w.f_dec("amount_refunded", o.total_refunded);
        w.f_dec("base_amount_refunded", o.total_refunded);
    }
    if o.state == OrderState::Canceled {
        w.f_dec("amount_canceled", o.total_canceled);
        w.f_dec("base_amount_canceled", o.total_canceled);
    }
    w.f_dec("base_shipping_amount", o.shipping_amount);
    w.f_null("cc_last4");
    w.f_int("entity_id", o.id as i64);
    w.f_str("method", o.payment_method.code());
    w.f_int("parent_id", o.id as i64);
    w.f_dec("shipping_amount", o.shipping_amount);
    w.end_object();
}

/// One history entry per order past `new`, derived from its state and last change.
fn write_status_histories(w: &mut JsonWriter<'_>, o: &Order) {
    w.key("status_histories");
    w.begin_array();
    let comment = match o.state {
        OrderState::New => None,
        OrderState::PendingPayment => Some(None),
        OrderState::Processing => Some(Some("Invoice created.".to_string())),
        OrderState::Complete => Some(Some("Order shipped.".to_string())),
        OrderState::Closed => Some(Some(format!(
            "We refunded {} offline.",
            o.total_refunded.normalize()
        ))),
        OrderState::Canceled => Some(Some("Canceled at the customer's request.".to_string())),
        OrderState::Holded => Some(Some("On hold: address check.".to_string())),
        OrderState::PaymentReview => Some(Some("Payment under review.".to_string())),
    };
    if let Some(comment) = comment {
        w.begin_object();
        w.f_req_str("comment", comment.as_deref());
        w.f_ts("created_at", o.updated_at);
        w.f_int("entity_id", o.id as i64 * 2);
        w.f_str("entity_name", "order");
        w.f_int("is_customer_notified", o.email_sent as i64);
        w.f_int("is_visible_on_front", 0);
        w.f_int("parent_id", o.id as i64);
        w.f_str("status", o.status);
        w.end_object();
    }
    w.end_array();
}

/// Deterministic per-record noise (protect codes, IPs) without storing it.
pub fn hash32(x: u32) -> u32 {
    let mut h = x.wrapping_mul(0x9E37_79B9) ^ 0x85EB_CA6B;
    h ^= h >> 15;
    h = h.wrapping_mul(0xC2B2_AE35);
    h ^ (h >> 13)
}

pub fn remote_ip(seed: u32) -> String {
    let h = hash32(seed);
    format!(
        "{}.{}.{}.{}",
        10 + (h >> 24) % 200,
        (h >> 16) & 0xff,
        (h >> 8) & 0xff,
        1 + (h & 0xfe)
    )
}
