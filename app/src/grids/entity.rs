//! What the grid component needs from a row type beyond its cells: the server function that
//! loads a page of it, its CSV export, and the words to talk about it.

use super::api;
use domain::AppError;
use domain::grid::accounts::AccountRow;
use domain::grid::carts::CartRow;
use domain::grid::credit_memos::CreditMemoRow;
use domain::grid::customers::CustomerRow;
use domain::grid::lines::{
    AddressRow, CartItemField, CreditMemoItemField, HistoryRow, Item, OrderItemField,
};
use domain::grid::orders::OrderRow;
use domain::grid::products::ProductRow;
use domain::grid::subscribers::SubscriberRow;
use domain::grid::{GridPage, GridRecord};
use std::future::Future;

/// A row type a grid can list.
pub trait GridEntity: GridRecord {
    /// Plural, lower case: "carts" in "1–50 of 1,204 carts".
    const NOUN: &'static str;
    /// The CSV export endpoint; `None` for the line grids of record pages.
    const EXPORT: Option<&'static str> = None;

    /// A page for a query string (the grid's server function).
    fn fetch(
        query: String,
    ) -> impl Future<Output = Result<GridPage<Self>, AppError>> + Send + 'static;
}

macro_rules! entity {
    ($row:ty, $noun:literal, $export:expr, $fetch:path) => {
        impl GridEntity for $row {
            const NOUN: &'static str = $noun;
            const EXPORT: Option<&'static str> = $export;

            fn fetch(
                query: String,
            ) -> impl Future<Output = Result<GridPage<Self>, AppError>> + Send + 'static {
                $fetch(query)
            }
        }
    };
}

entity!(
    CustomerRow,
    "customers",
    Some("/api/export_customers"),
    api::list_customers
);
entity!(
    AccountRow,
    "accounts",
    Some("/api/export_accounts"),
    api::list_accounts
);
entity!(CartRow, "carts", Some("/api/export_carts"), api::list_carts);
entity!(
    OrderRow,
    "orders",
    Some("/api/export_orders"),
    api::list_orders
);
entity!(
    CreditMemoRow,
    "credit memos",
    Some("/api/export_credit_memos"),
    api::list_credit_memos
);
entity!(
    SubscriberRow,
    "subscribers",
    Some("/api/export_subscribers"),
    api::list_subscribers
);
entity!(
    ProductRow,
    "products",
    Some("/api/export_products"),
    api::list_products
);
entity!(
    domain::grid::opportunities::OpportunityRow,
    "opportunities",
    Some("/api/export_opportunities"),
    api::list_opportunities
);
entity!(Item<CartItemField>, "items", None, api::list_cart_items);
entity!(Item<OrderItemField>, "items", None, api::list_order_items);
entity!(
    Item<CreditMemoItemField>,
    "items",
    None,
    api::list_credit_memo_items
);
entity!(AddressRow, "addresses", None, api::list_customer_addresses);
entity!(
    HistoryRow,
    "status changes",
    None,
    api::list_order_status_history
);
