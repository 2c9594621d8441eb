//! CartInterface, cart items and cart totals.
//!
//! Inactive carts come back without `items` and `extension_attributes` (Magento's
//! `LoadHandler` returns early for them, issue 19846).

use rust_decimal::Decimal;

use super::address::{write_empty_quote_address, write_flat_postal};
use super::customer::write_customer;
use super::{Malform, RenderCtx, write_created_at, write_id};
use crate::json::JsonWriter;
use crate::model::{COLOR_ATTRIBUTE_ID, Cart, CartItem, Catalog, QuoteAddress, SIZE_ATTRIBUTE_ID};
use crate::pricing::{self, Totals};

pub fn write_cart<C: RenderCtx + ?Sized>(
    w: &mut JsonWriter<'_>,
    ctx: &C,
    c: &Cart,
    malform: Option<Malform>,
) {
    let catalog = ctx.catalog();
    w.begin_object();
    write_id(w, "id", c.id, malform);
    write_created_at(w, c.created_at, malform);
    w.f_ts("updated_at", c.updated_at);
    w.f_bool("is_active", c.is_active);
    w.f_bool("is_virtual", pricing::is_virtual(c, catalog));
    if c.is_active {
        w.key("items");
        w.begin_array();
        for item in &c.items {
            write_cart_item(w, catalog, c.id, item);
        }
        w.end_array();
    }
    w.f_int("items_count", c.items.len() as i64);
    w.f_int("items_qty", c.items_qty() as i64);
    w.key("customer");
    match c.customer_id.and_then(|id| ctx.customer(id)) {
        Some(customer) => write_customer(w, ctx, customer, None),
        None => {
            // A guest quote's customer is an empty data object: its required keys are null.
            w.begin_object();
            w.f_null("email");
            w.f_null("firstname");
            w.f_null("lastname");
            w.end_object();
        }
    }
    w.key("billing_address");
    write_quote_address(w, catalog, c, c.billing.as_ref(), c.id as i64 * 2);
    w.f_opt_str("reserved_order_id", c.reserved_order_id.as_deref());
    w.f_int("orig_order_id", 0);
    let currency = &catalog.website_of_store(c.store_id).currency;
    w.key("currency");
    w.begin_object();
    for key in [
        "global_currency_code",
        "base_currency_code",
        "store_currency_code",
        "quote_currency_code",
    ] {
        w.f_str(key, currency);
    }
    w.f_int("store_to_base_rate", 0);
    w.f_int("store_to_quote_rate", 0);
    w.f_int("base_to_global_rate", 1);
    w.f_int("base_to_quote_rate", 1);
    w.end_object();
    w.f_bool("customer_is_guest", c.is_guest());
    w.f_bool("customer_note_notify", true);
    w.f_int("customer_tax_class_id", 3);
    w.f_int("store_id", c.store_id as i64);
    if c.is_active {
        w.key("extension_attributes");
        w.begin_object();
        w.key("shipping_assignments");
        w.begin_array();
        w.begin_object();
        w.key("shipping");
        w.begin_object();
        w.key("address");
        write_quote_address(w, catalog, c, c.shipping.as_ref(), c.id as i64 * 2 + 1);
        match c.shipping_method {
            Some(m) => w.f_str("method", &m.code()),
            None => w.f_null("method"),
        }
        w.end_object();
        w.key("items");
        w.begin_array();
        for item in &c.items {
            write_cart_item(w, catalog, c.id, item);
        }
        w.end_array();
        w.end_object();
        w.end_array();
        w.end_object();
    }
    w.end_object();
}

/// Quote address ids are derived from the cart id (billing 2n, shipping 2n+1).
fn write_quote_address(
    w: &mut JsonWriter<'_>,
    catalog: &Catalog,
    c: &Cart,
    a: Option<&QuoteAddress>,
    id: i64,
) {
    let Some(a) = a else {
        return write_empty_quote_address(w, id, c.customer_email.as_deref());
    };
    w.begin_object();
    w.f_int("id", id);
    write_flat_postal(w, catalog, &a.postal, true);
    w.f_opt_int("customer_id", c.customer_id.map(i64::from));
    w.f_req_str("email", a.email.as_deref());
    w.f_int(
        "same_as_billing",
        matches!((&c.billing, &c.shipping), (Some(b), Some(s)) if b == s) as i64,
    );
    w.f_opt_int("customer_address_id", a.customer_address_id.map(i64::from));
    w.f_int("save_in_address_book", 0);
    w.end_object();
}

pub fn write_cart_item(w: &mut JsonWriter<'_>, catalog: &Catalog, cart_id: u32, item: &CartItem) {
    let product = catalog.product(item.product_id);
    let parent = item.parent_id.and_then(|id| catalog.product(id));
    w.begin_object();
    w.f_int("item_id", item.item_id as i64);
    w.f_str("sku", product.map(|p| &*p.sku).unwrap_or(""));
    w.f_int("qty", item.qty as i64);
    w.f_str("name", parent.or(product).map(|p| &*p.name).unwrap_or(""));
    w.f_dec("price", item.price);
    w.f_str(
        "product_type",
        parent
            .or(product)
            .map(|p| p.type_id.as_str())
            .unwrap_or("simple"),
    );
    w.f_id_str("quote_id", cart_id);
    if let (Some(_), Some((color, size))) = (parent, product.and_then(|p| p.options)) {
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
    w.end_object();
}

/// `GET /V1/carts/{id}/totals` (and the `totals` of shipping-information).
pub fn write_totals(w: &mut JsonWriter<'_>, catalog: &Catalog, c: &Cart) {
    let t: Totals = pricing::cart_totals(c, catalog);
    let currency = &catalog.website_of_store(c.store_id).currency;
    let rate = catalog.website_of_store(c.store_id).tax_rate;
    let pct = c
        .coupon_code
        .as_deref()
        .and_then(pricing::coupon)
        .map(|x| x.2)
        .unwrap_or(0);
    w.begin_object();
    for (key, v) in [
        ("grand_total", t.grand_total),
        ("base_grand_total", t.grand_total),
        ("subtotal", t.subtotal),
        ("base_subtotal", t.subtotal),
        ("discount_amount", t.discount),
        ("base_discount_amount", t.discount),
        ("subtotal_with_discount", t.subtotal + t.discount),
        ("base_subtotal_with_discount", t.subtotal + t.discount),
        ("shipping_amount", t.shipping),
        ("base_shipping_amount", t.shipping),
        ("shipping_discount_amount", Decimal::ZERO),
        ("base_shipping_discount_amount", Decimal::ZERO),
        ("tax_amount", t.tax),
        ("base_tax_amount", t.tax),
    ] {
        w.f_dec(key, v);
    }
    w.f_null("weee_tax_applied_amount");
    w.f_dec("shipping_tax_amount", Decimal::ZERO);
    w.f_dec("base_shipping_tax_amount", Decimal::ZERO);
    w.f_dec("subtotal_incl_tax", t.subtotal + t.tax);
    w.f_dec("shipping_incl_tax", t.shipping);
    w.f_dec("base_shipping_incl_tax", t.shipping);
    w.f_str("base_currency_code", currency);
    w.f_str("quote_currency_code", currency);
    w.f_opt_str("coupon_code", c.coupon_code.as_deref());
    w.f_int("items_qty", t.items_qty as i64);
    w.key("items");
    w.begin_array();
    for item in &c.items {
        let l = pricing::line(item.price, item.qty, pct, rate);
        let product = item
            .parent_id
            .or(Some(item.product_id))
            .and_then(|id| catalog.product(id));
        w.begin_object();
        w.f_int("item_id", item.item_id as i64);
        w.f_dec("price", item.price);
        w.f_dec("base_price", item.price);
        w.f_int("qty", item.qty as i64);
        w.f_dec("row_total", l.row_total);
        w.f_dec("base_row_total", l.row_total);
        w.f_dec("row_total_with_discount", l.row_total - l.discount);
        w.f_dec("tax_amount", l.tax);
        w.f_dec("base_tax_amount", l.tax);
        w.f_dec("tax_percent", rate * Decimal::from(100));
        w.f_dec("discount_amount", l.discount);
        w.f_dec("base_discount_amount", l.discount);
        w.f_int("discount_percent", pct as i64);
        w.f_dec(
            "price_incl_tax",
            pricing::round2(item.price * (Decimal::ONE + rate)),
        );
        w.f_dec("row_total_incl_tax", l.row_total + l.tax);
        w.f_str("options", "[]");
        w.f_null("weee_tax_applied_amount");
        w.f_null("weee_tax_applied");
        w.f_str("name", product.map(|p| &*p.name).unwrap_or(""));
        w.end_object();
    }
    w.end_array();
    w.key("total_segments");
    w.begin_array();
    for (code, title, value) in [
        ("subtotal", "Subtotal", t.subtotal),
        ("discount", "Discount", t.discount),
        ("shipping", "Shipping & Handling", t.shipping),
        ("tax", "Tax", t.tax),
        ("grand_total", "Grand Total", t.grand_total),
    ] {
        w.begin_object();
        w.f_str("code", code);
        w.f_str("title", title);
        w.f_dec("value", value);
        w.end_object();
    }
    w.end_array();
    w.end_object();
}
