//! Records to Magento JSON, written straight into a `JsonWriter`.
//!
//! The same code serves HTTP responses and `to_json`, so a test's expected value and what the
//! CRM received can only differ by the deliberate faults.

mod address;
mod cart;
mod catalog;
mod creditmemo;
mod customer;
mod order;

use serde_json::Value;

use crate::json::JsonWriter;
use crate::model::{
    Cart, Catalog, Country, CreditMemo, Customer, CustomerGroup, Order, Product, StoreGroup,
    StoreView, Subscriber, Website,
};

pub use cart::{write_cart_item, write_totals};
pub use catalog::{
    write_attribute, write_attribute_options, write_country, write_customer_group,
    write_store_group, write_store_view, write_website,
};
pub use customer::write_customer_address;
pub use order::{hash32, remote_ip as order_remote_ip};

/// What renderers look up besides the record itself.
pub trait RenderCtx {
    fn catalog(&self) -> &Catalog;
    fn customer(&self, id: u32) -> Option<&Customer>;
    fn is_subscribed(&self, customer_id: u32) -> bool;
}

/// Any record the store serves.
#[derive(Clone, Copy, Debug)]
pub enum RecordRef<'a> {
    Customer(&'a Customer),
    Cart(&'a Cart),
    Order(&'a Order),
    CreditMemo(&'a CreditMemo),
    Subscriber(&'a Subscriber),
    Product(&'a Product),
    Website(&'a Website),
    StoreGroup(&'a StoreGroup),
    StoreView(&'a StoreView),
    CustomerGroup(&'a CustomerGroup),
    Country(&'a Country),
}

/// The ways a faulty store breaks a record (fault injection, `malformed_records`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Malform {
    /// A money field as text that is no number: `"grand_total":"12,3x"`.
    Money,
    /// `"created_at":"not a date"`.
    Date,
    /// The record id as a JSON string.
    Id,
}

/// The record's exact Magento JSON, as `GET` of the record returns it.
pub fn to_json<C: RenderCtx + ?Sized>(ctx: &C, record: RecordRef<'_>) -> Value {
    let mut w = JsonWriter::new(None);
    write_record(&mut w, ctx, record, None);
    serde_json::from_slice(&w.into_bytes()).unwrap_or(Value::Null)
}

pub fn write_record<C: RenderCtx + ?Sized>(
    w: &mut JsonWriter<'_>,
    ctx: &C,
    record: RecordRef<'_>,
    malform: Option<Malform>,
) {
    let catalog = ctx.catalog();
    match record {
        RecordRef::Customer(c) => customer::write_customer(w, ctx, c, malform),
        RecordRef::Cart(c) => cart::write_cart(w, ctx, c, malform),
        RecordRef::Order(o) => order::write_order(w, catalog, o, malform),
        RecordRef::CreditMemo(m) => creditmemo::write_credit_memo(w, catalog, m, malform),
        RecordRef::Subscriber(s) => customer::write_subscriber(w, s, malform),
        RecordRef::Product(p) => catalog::write_product(w, catalog, p),
        RecordRef::Website(x) => write_website(w, x),
        RecordRef::StoreGroup(x) => write_store_group(w, x),
        RecordRef::StoreView(x) => write_store_view(w, x),
        RecordRef::CustomerGroup(x) => write_customer_group(w, x),
        RecordRef::Country(x) => write_country(w, x),
    }
}

/// Writes the id field, or its deliberately wrong-typed variant.
fn write_id(w: &mut JsonWriter<'_>, key: &str, id: u32, malform: Option<Malform>) {
    if malform == Some(Malform::Id) {
        w.f_id_str(key, id);
    } else {
        w.f_int(key, id as i64);
    }
}

fn write_created_at(w: &mut JsonWriter<'_>, ts: crate::clock::Ts, malform: Option<Malform>) {
    if malform == Some(Malform::Date) {
        w.f_str("created_at", "not a date");
    } else {
        w.f_ts("created_at", ts);
    }
}

impl RenderCtx for crate::generate::Dataset {
    fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn customer(&self, id: u32) -> Option<&Customer> {
        crate::generate::Dataset::customer(self, id)
    }

    fn is_subscribed(&self, customer_id: u32) -> bool {
        crate::generate::Dataset::is_subscribed(self, customer_id)
    }
}
