//! CSV exports of a grid's whole filtered set, in its order and visible columns, streamed as
//! the rows come from Postgres (flat memory however many rows match). Plain GET links: the
//! browser saves the answer as a file.

use domain::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, StreamingText, TextStream};

/// Customers as CSV.
#[server(input = GetUrl, output = StreamingText, endpoint = "export_customers")]
pub async fn export_customers(query: String) -> Result<TextStream<AppError>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::export::<domain::grid::customers::CustomerField>(&query).await
}

/// Accounts as CSV.
#[server(input = GetUrl, output = StreamingText, endpoint = "export_accounts")]
pub async fn export_accounts(query: String) -> Result<TextStream<AppError>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::export::<domain::grid::accounts::AccountField>(&query).await
}

/// Shopping carts as CSV.
#[server(input = GetUrl, output = StreamingText, endpoint = "export_carts")]
pub async fn export_carts(query: String) -> Result<TextStream<AppError>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::export::<domain::grid::carts::CartField>(&query).await
}

/// Orders as CSV.
#[server(input = GetUrl, output = StreamingText, endpoint = "export_orders")]
pub async fn export_orders(query: String) -> Result<TextStream<AppError>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::export::<domain::grid::orders::OrderField>(&query).await
}

/// Credit memos as CSV.
#[server(input = GetUrl, output = StreamingText, endpoint = "export_credit_memos")]
pub async fn export_credit_memos(query: String) -> Result<TextStream<AppError>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::export::<domain::grid::credit_memos::CreditMemoField>(&query).await
}

/// Newsletter subscribers as CSV.
#[server(input = GetUrl, output = StreamingText, endpoint = "export_subscribers")]
pub async fn export_subscribers(query: String) -> Result<TextStream<AppError>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::export::<domain::grid::subscribers::SubscriberField>(&query).await
}

/// Products as CSV.
#[server(input = GetUrl, output = StreamingText, endpoint = "export_products")]
pub async fn export_products(query: String) -> Result<TextStream<AppError>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::export::<domain::grid::products::ProductField>(&query).await
}

/// Opportunities as CSV.
#[server(input = GetUrl, output = StreamingText, endpoint = "export_opportunities")]
pub async fn export_opportunities(query: String) -> Result<TextStream<AppError>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::export::<domain::grid::opportunities::OpportunityField>(&query).await
}
