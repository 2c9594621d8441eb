//! Two-way customers' server functions. Editing and creating customers needs `StoreActions`
//! (Administrator, Sales), changing a subscription `ManageSubscribers` (Administrator,
//! Marketing). Each queues a store action and waits for it (`crate::actions::server::run`, the
//! command line's path too); none calls the store itself.

use domain::AppError;
use domain::actions::{ActionView, NewCustomer};
use domain::customer_edit::{CustomerEdit, CustomerForm, NewCustomerChannel};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, Postcard};
use serde::{Deserialize, Serialize};

/// What creating a customer did; when the store refused the email as taken, the CRM's copy of
/// the customer who has it, to open instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedCustomer {
    pub action: ActionView,
    pub existing: Option<i64>,
}

/// The customer form for editing (only for those who may edit: the page's own loader, so a
/// user who may not gets the refusal, not the form).
#[server(input = GetUrl, output = Postcard, endpoint = "load_customer_edit")]
pub async fn load_customer_edit(customer: i64) -> Result<CustomerForm, AppError> {
    crate::auth::server::require(domain::Permission::StoreActions)?;
    let pool = crate::server::pool()?;
    crate::grids::server::answer(store::customer_edit::form(&pool, customer).await)
}

/// Sends a user's changes to a customer to the store (merged with what the store holds now).
#[server(input = Json, output = Postcard, endpoint = "edit_customer")]
pub async fn edit_customer(customer: i64, edit: CustomerEdit) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    super::server::edit(&user, customer, edit, false).await
}

/// "Send my value anyway": the same edit again, the user's values winning its conflicts.
#[server(output = Postcard, endpoint = "resend_customer_edit")]
pub async fn resend_customer_edit(action: i64) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    super::server::resend(&user, action).await
}

/// The channels a customer may be created in (active, two-way), with their store views.
#[server(input = GetUrl, output = Postcard, endpoint = "load_new_customer")]
pub async fn load_new_customer() -> Result<Vec<NewCustomerChannel>, AppError> {
    crate::auth::server::require(domain::Permission::StoreActions)?;
    let pool = crate::server::pool()?;
    crate::grids::server::answer(store::customer_edit::new_customer_channels(&pool).await)
}

/// Creates a customer account in a channel's store.
#[server(input = Json, output = Postcard, endpoint = "create_customer")]
pub async fn create_customer(
    channel: i64,
    customer: NewCustomer,
) -> Result<CreatedCustomer, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    super::server::create(&user, channel, customer).await
}

/// Subscribes or unsubscribes a registered customer (CRM id) or a guest subscriber (CRM
/// subscriber id) in the store.
#[server(output = Postcard, endpoint = "set_subscription")]
pub async fn set_subscription(
    customer: Option<i64>,
    subscriber: Option<i64>,
    subscribe: bool,
) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageSubscribers)?;
    super::server::subscription(&user, customer, subscriber, subscribe).await
}
