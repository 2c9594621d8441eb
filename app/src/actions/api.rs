//! Store actions' server functions. Acting into a store (carts, orders) needs `StoreActions`
//! (Administrator, Sales); reading the log and re-reading a record from the store need only
//! `ReadData`. Each queues a command and waits for it (`super::server::run`); none calls the
//! store itself.

use domain::AppError;
use domain::actions::{ActionView, AddressChoice, ItemOption};
use domain::checkout::{CartBuilder, ProductChoice};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, Postcard};
use serde::{Deserialize, Serialize};

/// What the "new cart" page offers: the customer (if one was named) and, for a guest cart,
/// the channels and their store views.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewCartSetup {
    pub customer: Option<CartCustomer>,
    pub channels: Vec<ChannelViews>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CartCustomer {
    pub id: i64,
    pub label: String,
    pub email: String,
    pub channel: String,
    /// A guest (made from guest orders) has no account to hold a cart.
    pub is_guest: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelViews {
    pub id: i64,
    pub name: String,
    pub store_views: Vec<(i64, String)>,
}

/// A page of the store actions log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionsPage {
    pub rows: Vec<ActionView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[server(input = GetUrl, output = Postcard, endpoint = "load_new_cart")]
pub async fn load_new_cart(customer: Option<i64>) -> Result<NewCartSetup, AppError> {
    crate::auth::server::require(domain::Permission::StoreActions)?;
    let pool = crate::server::pool()?;
    let customer = match customer {
        Some(id) => {
            let c = crate::grids::server::answer(
                store::grid::record::customer(&pool, id, chrono_tz::UTC).await,
            )?;
            Some(CartCustomer {
                id: c.id,
                label: if c.name.trim().is_empty() {
                    c.email.clone()
                } else {
                    c.name.clone()
                },
                email: c.email,
                channel: c.channel,
                is_guest: c.is_guest,
            })
        }
        None => None,
    };
    let mut channels = Vec::new();
    for ch in crate::grids::server::answer(store::channels::list(&pool).await)? {
        if !ch.is_active {
            continue;
        }
        let store_views =
            crate::grids::server::answer(store::checkout::store_views(&pool, ch.id).await)?;
        channels.push(ChannelViews {
            id: ch.id,
            name: ch.settings.name,
            store_views,
        });
    }
    Ok(NewCartSetup { customer, channels })
}

/// Asks the store for the customer's cart: the shopper's live cart if there is one, else a
/// new one in the customer's store view.
#[server(output = Postcard, endpoint = "open_customer_cart")]
pub async fn open_customer_cart(customer: i64) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let pool = crate::server::pool()?;
    let c = crate::grids::server::answer(store::checkout::customer(&pool, customer).await)?;
    let Some(magento_id) = c.magento_id else {
        return Err(AppError::invalid(
            "customer",
            "This customer is a guest (known from guest orders): the store has no account to \
             hold a cart. Open a guest cart with their email instead.",
        ));
    };
    super::server::run(
        &user,
        c.channel_id,
        domain::actions::ActionCommand::CartOpen {
            customer_magento_id: Some(magento_id),
            guest_email: None,
            store_view: None,
        },
        store::store_actions::Targets {
            customer_id: Some(c.id),
            ..Default::default()
        },
    )
    .await
}

/// The cart of the registered customer with this email in a channel (the New cart page, where
/// the rep knows the shopper's email, not their record).
#[server(output = Postcard, endpoint = "open_cart_for_email")]
pub async fn open_cart_for_email(channel: i64, email: String) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let pool = crate::server::pool()?;
    let found = crate::grids::server::answer(
        store::checkout::customer_by_email(&pool, channel, email.trim()).await,
    )?;
    let customer = match found.as_slice() {
        [] => {
            return Err(AppError::invalid(
                "email",
                "No registered customer of this channel has this email. Open a guest cart for                  it instead, or sync the channel if the account is new.",
            ));
        }
        [one] => one.clone(),
        several => {
            return Err(AppError::invalid(
                "email",
                format!(
                    "This email has accounts in {} websites: open the right one from its customer page.",
                    several.len()
                ),
            ));
        }
    };
    super::server::run(
        &user,
        customer.channel_id,
        domain::actions::ActionCommand::CartOpen {
            customer_magento_id: customer.magento_id,
            guest_email: None,
            store_view: None,
        },
        store::store_actions::Targets {
            customer_id: Some(customer.id),
            ..Default::default()
        },
    )
    .await
}

/// A new guest cart in a store view of a channel, for an email (no account).
#[server(output = Postcard, endpoint = "open_guest_cart")]
pub async fn open_guest_cart(
    channel: i64,
    email: String,
    store_view: Option<i64>,
) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    super::server::run(
        &user,
        channel,
        domain::actions::ActionCommand::CartOpen {
            customer_magento_id: None,
            guest_email: Some(email.trim().to_string()),
            store_view,
        },
        Default::default(),
    )
    .await
}

/// The cart builder's page.
#[server(input = GetUrl, output = Postcard, endpoint = "get_cart_builder")]
pub async fn get_cart_builder(cart: i64) -> Result<CartBuilder, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    super::server::builder(cart).await
}

/// Products of the cart's channel whose SKU or name contains `q`, as the builder offers them.
#[server(input = GetUrl, output = Postcard, endpoint = "find_products")]
pub async fn find_products(cart: i64, q: String) -> Result<Vec<ProductChoice>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let pool = crate::server::pool()?;
    let page = crate::grids::server::answer(store::checkout::builder(&pool, cart).await)?;
    crate::grids::server::answer(
        store::checkout::search_products(
            &pool,
            page.channel_id,
            page.website_id,
            &q,
            page.currency.as_deref(),
            20,
        )
        .await,
    )
}

/// A quantity as the user typed it (`2`, `1.5`), refused before the store is asked when it is
/// not a number.
#[cfg(feature = "ssr")]
fn parse_qty(qty: &str) -> Result<domain::Decimal, AppError> {
    qty.trim()
        .replace(',', ".")
        .parse::<domain::Decimal>()
        .map_err(|_| AppError::invalid("qty", "Enter a quantity as a number, like 1 or 2.5."))
}

/// Adds a product (with a configurable's chosen options) to the cart in the store.
#[server(input = Json, output = Postcard, endpoint = "add_to_cart")]
pub async fn add_to_cart(
    cart: i64,
    sku: String,
    qty: String,
    options: Vec<ItemOption>,
) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let qty = parse_qty(&qty).inspect_err(crate::grids::server::status_for)?;
    let (channel, magento, targets) = super::server::cart_key(cart).await?;
    super::server::run(
        &user,
        channel,
        domain::actions::ActionCommand::CartAddItem {
            cart: magento,
            sku,
            qty,
            options,
        },
        targets,
    )
    .await
}

/// Sets a line's quantity in the store.
#[server(output = Postcard, endpoint = "change_cart_line")]
pub async fn change_cart_line(cart: i64, item: i64, qty: String) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let qty = parse_qty(&qty).inspect_err(crate::grids::server::status_for)?;
    let (channel, magento, targets) = super::server::cart_key(cart).await?;
    super::server::run(
        &user,
        channel,
        domain::actions::ActionCommand::CartUpdateItem {
            cart: magento,
            item_id: item,
            qty,
        },
        targets,
    )
    .await
}

/// Removes a line from the cart in the store.
#[server(output = Postcard, endpoint = "remove_cart_line")]
pub async fn remove_cart_line(cart: i64, item: i64) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let (channel, magento, targets) = super::server::cart_key(cart).await?;
    super::server::run(
        &user,
        channel,
        domain::actions::ActionCommand::CartRemoveItem {
            cart: magento,
            item_id: item,
        },
        targets,
    )
    .await
}

/// The shipping rates the store offers this cart for an address.
#[server(input = Json, output = Postcard, endpoint = "ask_shipping_rates")]
pub async fn ask_shipping_rates(cart: i64, address: AddressChoice) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let (channel, magento, targets) = super::server::cart_key(cart).await?;
    super::server::run(
        &user,
        channel,
        domain::actions::ActionCommand::CartRates {
            cart: magento,
            address,
        },
        targets,
    )
    .await
}

/// Sets the shipping address, billing address and shipping method: the store answers with
/// the payment methods it offers for this cart.
#[server(input = Json, output = Postcard, endpoint = "set_cart_shipping")]
pub async fn set_cart_shipping(
    cart: i64,
    shipping: AddressChoice,
    billing: Option<AddressChoice>,
    carrier: String,
    method: String,
) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let (channel, magento, targets) = super::server::cart_key(cart).await?;
    super::server::run(
        &user,
        channel,
        domain::actions::ActionCommand::CartShipping {
            cart: magento,
            shipping,
            billing,
            carrier,
            method,
        },
        targets,
    )
    .await
}

/// Places the order. Never twice: while an order for this cart is being placed (or was
/// placed), this returns that action instead of sending another.
#[server(output = Postcard, endpoint = "place_cart_order")]
pub async fn place_cart_order(cart: i64, payment: String) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let (channel, magento, targets) = super::server::cart_key(cart).await?;
    super::server::run(
        &user,
        channel,
        domain::actions::ActionCommand::CartPlace {
            cart: magento,
            payment,
        },
        targets,
    )
    .await
}

/// Re-reads one record (and what it hangs on) from the store now. A read: every role may.
#[server(output = Postcard, endpoint = "sync_record")]
pub async fn sync_record(entity: String, id: i64) -> Result<ActionView, AppError> {
    let user = crate::auth::server::require(domain::Permission::ReadData)?;
    let entity: domain::Entity = entity
        .parse()
        .map_err(|e: String| AppError::invalid("entity", e))?;
    let pool = crate::server::pool()?;
    let (channel, magento) =
        crate::grids::server::answer(store::checkout::magento_key(&pool, entity, id).await)?;
    let Some(magento_id) = magento else {
        return Err(AppError::invalid(
            "record",
            "This record is not in the store (a guest made from orders, or a subscriber read \
             from customers' flags): there is nothing to re-read.",
        ));
    };
    let mut targets = store::store_actions::Targets::default();
    match entity {
        domain::Entity::Customers => targets.customer_id = Some(id),
        domain::Entity::Carts => targets.cart_id = Some(id),
        domain::Entity::Orders => targets.order_id = Some(id),
        domain::Entity::Products => targets.product_id = Some(id),
        domain::Entity::CreditMemos => targets.credit_memo_id = Some(id),
        domain::Entity::NewsletterSubscribers => targets.subscriber_id = Some(id),
    }
    super::server::run(
        &user,
        channel,
        domain::actions::ActionCommand::RecordSync { entity, magento_id },
        targets,
    )
    .await
}

/// The actions on one record, newest first (its timeline).
#[server(input = GetUrl, output = Postcard, endpoint = "record_actions")]
pub async fn record_actions(entity: String, id: i64) -> Result<Vec<ActionView>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let entity: domain::Entity = entity
        .parse()
        .map_err(|e: String| AppError::invalid("entity", e))?;
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let filter = store::store_actions::ActionFilter {
        record: Some((entity, id)),
        ..Default::default()
    };
    let (rows, _) =
        crate::grids::server::answer(store::store_actions::list(&pool, &filter, 100, 0, tz).await)?;
    Ok(rows)
}

/// A page of the store actions log, newest first, filtered by channel, kind and state.
#[server(input = GetUrl, output = Postcard, endpoint = "list_store_actions")]
pub async fn list_store_actions(
    channel: Option<i64>,
    kind: Option<String>,
    state: Option<String>,
    page: Option<i64>,
) -> Result<ActionsPage, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let kind = kind
        .filter(|k| !k.is_empty())
        .map(|k| k.parse().map_err(|e: String| AppError::invalid("kind", e)))
        .transpose()?;
    let state = state
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|e: String| AppError::invalid("state", e)))
        .transpose()?;
    let per_page = 50;
    let page = page.unwrap_or(1).clamp(1, 100_000);
    let filter = store::store_actions::ActionFilter {
        channel_id: channel,
        kind,
        state,
        ..Default::default()
    };
    let (rows, total) = crate::grids::server::answer(
        store::store_actions::list(&pool, &filter, per_page, (page - 1) * per_page, tz).await,
    )?;
    Ok(ActionsPage {
        rows,
        total,
        page,
        per_page,
    })
}
