//! One server function per grid: a page of rows for the page's query string (the URL contract:
//! `page`, `per_page`, `sort`, `cols`, `view` and the grid's filters), with the exact total and
//! the state applied.

use domain::AppError;
use domain::grid::GridPage;
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
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// A page of Magento customers.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_customers")]
pub async fn list_customers(query: String) -> Result<GridPage<CustomerRow>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<domain::grid::customers::CustomerField>(&query).await
}

/// A page of accounts.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_accounts")]
pub async fn list_accounts(query: String) -> Result<GridPage<AccountRow>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<domain::grid::accounts::AccountField>(&query).await
}

/// A page of shopping carts.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_carts")]
pub async fn list_carts(query: String) -> Result<GridPage<CartRow>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<domain::grid::carts::CartField>(&query).await
}

/// A page of orders.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_orders")]
pub async fn list_orders(query: String) -> Result<GridPage<OrderRow>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<domain::grid::orders::OrderField>(&query).await
}

/// A page of credit memos.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_credit_memos")]
pub async fn list_credit_memos(query: String) -> Result<GridPage<CreditMemoRow>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<domain::grid::credit_memos::CreditMemoField>(&query).await
}

/// A page of products.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_products")]
pub async fn list_products(query: String) -> Result<GridPage<ProductRow>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<domain::grid::products::ProductField>(&query).await
}

/// A page of newsletter subscribers.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_subscribers")]
pub async fn list_subscribers(query: String) -> Result<GridPage<SubscriberRow>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<domain::grid::subscribers::SubscriberField>(&query).await
}

/// A page of a cart's items (`cart=<id>`), removed ones included.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_cart_items")]
pub async fn list_cart_items(query: String) -> Result<GridPage<Item<CartItemField>>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<CartItemField>(&query).await
}

/// A page of an order's items (`order=<id>`).
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_order_items")]
pub async fn list_order_items(query: String) -> Result<GridPage<Item<OrderItemField>>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<OrderItemField>(&query).await
}

/// A page of a credit memo's items (`credit_memo=<id>`).
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_credit_memo_items")]
pub async fn list_credit_memo_items(
    query: String,
) -> Result<GridPage<Item<CreditMemoItemField>>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<CreditMemoItemField>(&query).await
}

/// A page of a customer's addresses (`customer=<id>`).
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_customer_addresses")]
pub async fn list_customer_addresses(query: String) -> Result<GridPage<AddressRow>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<domain::grid::lines::AddressField>(&query).await
}

/// A page of an order's status history (`order=<id>`).
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_order_status_history")]
pub async fn list_order_status_history(query: String) -> Result<GridPage<HistoryRow>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<domain::grid::lines::HistoryField>(&query).await
}

/// A page of opportunities.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_opportunities")]
pub async fn list_opportunities(
    query: String,
) -> Result<GridPage<domain::grid::opportunities::OpportunityRow>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::list::<domain::grid::opportunities::OpportunityField>(&query).await
}
