//! The store's records in compact Rust form.
//!
//! Only what cannot be derived is stored: derived ids (order address ids), names from the
//! catalogue, base-currency twins and totals of carts are computed when rendering. Strings
//! are `Arc<str>` so an order shares its customer's email and address rather than copying
//! them (this is what keeps a million orders within a couple of gigabytes).

mod catalog;
mod customer;
mod sales;

use std::sync::Arc;

pub use catalog::{
    COLOR_ATTRIBUTE_ID, Catalog, Country, CustomerGroup, DEFAULT_MAX_SALE_QTY, Product,
    ProductAttribute, ProductType, Region, SIZE_ATTRIBUTE_ID, StockItem, StoreGroup, StoreView,
    Website,
};
pub use customer::{Customer, CustomerAddress, Subscriber, SubscriberStatus};
pub use sales::{
    Cart, CartItem, CreditMemo, CreditMemoItem, ItemKind, Order, OrderAddress, OrderItem,
    OrderState, PaymentMethod, QuoteAddress, ShippingMethod,
};

/// Shared immutable text.
pub type Text = Arc<str>;

pub fn text(s: &str) -> Text {
    Arc::from(s)
}

/// How an address names its region: a directory region, free text, or nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum RegionRef {
    None,
    Known(u32),
    Free(Text),
}

/// The postal part shared by customer, quote and order addresses. Orders keep an `Arc` of
/// the address they were placed with: editing the customer's address replaces the customer's
/// `Arc` and leaves the order's snapshot untouched.
#[derive(Clone, Debug, PartialEq)]
pub struct Postal {
    pub firstname: Text,
    pub lastname: Text,
    pub company: Option<Text>,
    pub street: Vec<Text>,
    pub city: Text,
    pub postcode: Text,
    pub telephone: Text,
    pub country_id: Text,
    pub region: RegionRef,
    pub vat_id: Option<Text>,
}

/// Entities that can be searched, faulted and counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    Customer,
    Cart,
    Order,
    CreditMemo,
    Subscriber,
    Product,
}

impl Entity {
    pub const ALL: [Entity; 6] = [
        Entity::Customer,
        Entity::Cart,
        Entity::Order,
        Entity::CreditMemo,
        Entity::Subscriber,
        Entity::Product,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Entity::Customer => "customers",
            Entity::Cart => "carts",
            Entity::Order => "orders",
            Entity::CreditMemo => "creditmemos",
            Entity::Subscriber => "subscribers",
            Entity::Product => "products",
        }
    }
}
