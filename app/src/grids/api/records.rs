//! Record pages: one record with its links and tab counts. Related lists are grids.

use domain::AppError;
use domain::grid::detail::{
    AccountDetail, CartDetail, CreditMemoDetail, CustomerDetail, OrderDetail, ProductDetail,
    SubscriberDetail,
};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// A customer, with lifetime sales and what they are made of.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_customer")]
pub async fn get_customer(id: i64) -> Result<CustomerDetail, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let tz = crate::timezone::server::current();
    crate::grids::server::answer(
        store::grid::record::customer(&crate::server::pool()?, id, tz).await,
    )
}

/// An account.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_account")]
pub async fn get_account(id: i64) -> Result<AccountDetail, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let tz = crate::timezone::server::current();
    crate::grids::server::answer(
        store::grid::record::account(&crate::server::pool()?, id, tz).await,
    )
}

/// A shopping cart, with its order.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_cart")]
pub async fn get_cart(id: i64) -> Result<CartDetail, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let tz = crate::timezone::server::current();
    let pool = crate::server::pool()?;
    let mut cart = crate::grids::server::answer(store::grid::record::cart(&pool, id, tz).await)?;
    cart.follow_up = crate::grids::server::answer(store::follow_ups::cart(&pool, id, tz).await)?;
    Ok(cart)
}

/// An order, with its cart, addresses and totals.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_order")]
pub async fn get_order(id: i64) -> Result<OrderDetail, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let tz = crate::timezone::server::current();
    let pool = crate::server::pool()?;
    let mut order = crate::grids::server::answer(store::grid::record::order(&pool, id, tz).await)?;
    order.follow_up = crate::grids::server::answer(store::follow_ups::order(&pool, id, tz).await)?;
    Ok(order)
}

/// A credit memo, with its order and customer.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_credit_memo")]
pub async fn get_credit_memo(id: i64) -> Result<CreditMemoDetail, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let tz = crate::timezone::server::current();
    crate::grids::server::answer(
        store::grid::record::credit_memo(&crate::server::pool()?, id, tz).await,
    )
}

/// A newsletter subscriber.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_subscriber")]
pub async fn get_subscriber(id: i64) -> Result<SubscriberDetail, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let tz = crate::timezone::server::current();
    crate::grids::server::answer(
        store::grid::record::subscriber(&crate::server::pool()?, id, tz).await,
    )
}

/// A product, with how many orders and carts hold it.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_product")]
pub async fn get_product(id: i64) -> Result<ProductDetail, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let tz = crate::timezone::server::current();
    crate::grids::server::answer(
        store::grid::record::product(&crate::server::pool()?, id, tz).await,
    )
}
