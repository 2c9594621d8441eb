//! What building a cart and placing an order read from the CRM: the customer and their saved
//! addresses, store view codes, the synced catalog, and the cart as the store last answered.

use crate::{Error, Result};
use domain::CartStatus;
use domain::actions::AddressInput;
use domain::checkout::{
    CartBuilder, CartLine, OptionValue, ProductChoice, ProductOptionChoice, SavedAddress,
};
use domain::grid::Money;
use domain::grid::detail::RecordLink;
use rust_decimal::Decimal;
use sqlx::PgPool;

/// A customer a cart is opened for.
#[derive(Clone, Debug)]
pub struct CartCustomer {
    pub id: i64,
    pub channel_id: i64,
    /// `None` for a guest (made from guest orders): Magento has no account to give a cart.
    pub magento_id: Option<i64>,
    pub email: String,
    pub store_id: Option<i64>,
    pub website_id: i64,
}

pub async fn customer(pool: &PgPool, id: i64) -> Result<CartCustomer> {
    sqlx::query_as!(
        CartCustomer,
        "select id, channel_id, magento_id, email, store_id, website_id from customers where id = $1",
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)
}

/// The CRM customer with this Magento id (for the command line, which names customers by
/// email; see [`customer_by_email`]).
pub async fn customer_by_magento_id(
    pool: &PgPool,
    channel_id: i64,
    magento_id: i64,
) -> Result<Option<CartCustomer>> {
    Ok(sqlx::query_as!(
        CartCustomer,
        "select id, channel_id, magento_id, email, store_id, website_id from customers
         where channel_id = $1 and magento_id = $2",
        channel_id,
        magento_id
    )
    .fetch_optional(pool)
    .await?)
}

/// The registered customers of a channel with this email (one per website).
pub async fn customer_by_email(
    pool: &PgPool,
    channel_id: i64,
    email: &str,
) -> Result<Vec<CartCustomer>> {
    Ok(sqlx::query_as!(
        CartCustomer,
        "select id, channel_id, magento_id, email, store_id, website_id from customers
         where channel_id = $1 and email_key = lower($2) and not is_guest and removed_at is null
         order by website_id",
        channel_id,
        email
    )
    .fetch_all(pool)
    .await?)
}

/// A store view's code, for the store-scoped routes (`/rest/<code>/V1/…`).
pub async fn store_code(pool: &PgPool, channel_id: i64, store_view: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar!(
        "select code from store_views where channel_id = $1 and magento_id = $2",
        channel_id,
        store_view
    )
    .fetch_optional(pool)
    .await?)
}

/// A store view of the channel: the active one with the lowest id in the channel's websites
/// (a guest cart needs one when the user names none).
pub async fn default_store_view(pool: &PgPool, channel_id: i64) -> Result<Option<(i64, String)>> {
    let row = sqlx::query!(
        r#"select sv.magento_id, sv.code from store_views sv join channels ch on ch.id = sv.channel_id
           where sv.channel_id = $1 and sv.magento_id > 0 and sv.is_active
             and (ch.website_ids is null or sv.website_id = any(ch.website_ids))
           order by sv.magento_id limit 1"#,
        channel_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.magento_id, r.code)))
}

/// The store views a guest cart may be opened in: (Magento id, "Website › Store view").
pub async fn store_views(pool: &PgPool, channel_id: i64) -> Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        r#"select sv.magento_id, sv.name, w.name as "website?" from store_views sv
           join channels ch on ch.id = sv.channel_id
           left join websites w on w.channel_id = sv.channel_id and w.magento_id = sv.website_id
           where sv.channel_id = $1 and sv.magento_id > 0 and sv.is_active
             and (ch.website_ids is null or sv.website_id = any(ch.website_ids))
           order by sv.magento_id"#,
        channel_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let label = match r.website {
                Some(w) => format!("{w} › {}", r.name),
                None => r.name,
            };
            (r.magento_id, label)
        })
        .collect())
}

/// A saved address as a typed one (to send its fields with its `customer_address_id`:
/// Magento validates the address it is given, even when it names a saved one).
pub async fn saved_address(
    pool: &PgPool,
    customer_id: i64,
    address_magento_id: i64,
) -> Result<Option<AddressInput>> {
    let row = sqlx::query!(
        r#"select a.first_name, a.last_name, a.company, a.street, a.city, a.region, a.region_id,
               a.postcode, a.country_id, a.telephone, c.email
           from customer_addresses a join customers c on c.id = a.customer_id
           where a.customer_id = $1 and a.magento_id = $2"#,
        customer_id,
        address_magento_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| AddressInput {
        firstname: r.first_name.unwrap_or_default(),
        lastname: r.last_name.unwrap_or_default(),
        company: r.company,
        street: r
            .street
            .map(|s| s.lines().map(str::to_string).collect())
            .unwrap_or_default(),
        city: r.city.unwrap_or_default(),
        region: r.region,
        region_id: r.region_id.filter(|id| *id > 0),
        postcode: r.postcode.unwrap_or_default(),
        country_id: r.country_id.unwrap_or_default(),
        telephone: r.telephone.unwrap_or_default(),
        email: Some(r.email),
    }))
}

/// The customer's synced address book, defaults first.
pub async fn addresses(pool: &PgPool, customer_id: i64) -> Result<Vec<SavedAddress>> {
    let rows = sqlx::query!(
        r#"select magento_id, first_name, last_name, company, street, city, region, postcode,
               country_id, is_default_billing, is_default_shipping
           from customer_addresses where customer_id = $1
           order by is_default_shipping desc, is_default_billing desc, magento_id"#,
        customer_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let name = [r.first_name, r.last_name]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let place = [r.postcode, r.region]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let parts: Vec<String> = [
                Some(name).filter(|s| !s.is_empty()),
                r.company,
                r.street.map(|s| s.replace('\n', ", ")),
                r.city,
                Some(place).filter(|s| !s.is_empty()),
                r.country_id,
            ]
            .into_iter()
            .flatten()
            .collect();
            SavedAddress {
                magento_id: r.magento_id,
                label: parts.join(", "),
                is_default_billing: r.is_default_billing,
                is_default_shipping: r.is_default_shipping,
            }
        })
        .collect())
}

/// The CRM cart for a Magento quote id, with its customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CartIds {
    pub id: i64,
    pub customer_id: Option<i64>,
}

pub async fn cart_ids(
    pool: &PgPool,
    channel_id: i64,
    cart_magento_id: i64,
) -> Result<Option<CartIds>> {
    Ok(sqlx::query_as!(
        CartIds,
        "select id, customer_id from carts where channel_id = $1 and magento_id = $2",
        channel_id,
        cart_magento_id
    )
    .fetch_optional(pool)
    .await?)
}

/// How many lines a cart holds in the store (removed ones left out).
pub async fn line_count(pool: &PgPool, cart_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "n!" from cart_items where cart_id = $1 and removed_at is null"#,
        cart_id
    )
    .fetch_one(pool)
    .await?)
}

/// The channel and Magento quote id of a CRM cart.
pub async fn cart_key(pool: &PgPool, cart_id: i64) -> Result<(i64, i64, Option<i64>)> {
    let row = sqlx::query!(
        "select channel_id, magento_id, customer_id from carts where id = $1",
        cart_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    Ok((row.channel_id, row.magento_id, row.customer_id))
}

/// The CRM order and its increment id, for a Magento order id.
pub async fn order_ids(
    pool: &PgPool,
    channel_id: i64,
    order_magento_id: i64,
) -> Result<Option<(i64, Option<String>)>> {
    let row = sqlx::query!(
        "select id, increment_id from orders where channel_id = $1 and magento_id = $2",
        channel_id,
        order_magento_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.id, r.increment_id)))
}

/// The Magento id (and channel) of a CRM record, for "Sync this record".
pub async fn magento_key(
    pool: &PgPool,
    entity: domain::Entity,
    id: i64,
) -> Result<(i64, Option<i64>)> {
    use domain::Entity;
    let row = match entity {
        Entity::Customers => sqlx::query!(
            "select channel_id, magento_id from customers where id = $1",
            id
        )
        .fetch_optional(pool)
        .await?
        .map(|r| (r.channel_id, r.magento_id)),
        Entity::Carts => sqlx::query!("select channel_id, magento_id from carts where id = $1", id)
            .fetch_optional(pool)
            .await?
            .map(|r| (r.channel_id, Some(r.magento_id))),
        Entity::Orders => sqlx::query!(
            "select channel_id, magento_id from orders where id = $1",
            id
        )
        .fetch_optional(pool)
        .await?
        .map(|r| (r.channel_id, Some(r.magento_id))),
        Entity::CreditMemos => sqlx::query!(
            "select channel_id, magento_id from credit_memos where id = $1",
            id
        )
        .fetch_optional(pool)
        .await?
        .map(|r| (r.channel_id, Some(r.magento_id))),
        Entity::NewsletterSubscribers => sqlx::query!(
            "select channel_id, magento_id from newsletter_subscribers where id = $1",
            id
        )
        .fetch_optional(pool)
        .await?
        .map(|r| (r.channel_id, r.magento_id)),
        Entity::Products => sqlx::query!(
            "select channel_id, magento_id from products where id = $1",
            id
        )
        .fetch_optional(pool)
        .await?
        .map(|r| (r.channel_id, Some(r.magento_id))),
    };
    row.ok_or(Error::NotFound)
}

/// The CRM id of a record just re-read (to link an action to it).
pub async fn crm_id(
    pool: &PgPool,
    channel_id: i64,
    entity: domain::Entity,
    magento_id: i64,
) -> Result<Option<i64>> {
    use domain::Entity;
    let id =
        match entity {
            Entity::Customers => {
                sqlx::query_scalar!(
                    "select id from customers where channel_id = $1 and magento_id = $2",
                    channel_id,
                    magento_id
                )
                .fetch_optional(pool)
                .await?
            }
            Entity::Carts => {
                sqlx::query_scalar!(
                    "select id from carts where channel_id = $1 and magento_id = $2",
                    channel_id,
                    magento_id
                )
                .fetch_optional(pool)
                .await?
            }
            Entity::Orders => {
                sqlx::query_scalar!(
                    "select id from orders where channel_id = $1 and magento_id = $2",
                    channel_id,
                    magento_id
                )
                .fetch_optional(pool)
                .await?
            }
            Entity::CreditMemos => {
                sqlx::query_scalar!(
                    "select id from credit_memos where channel_id = $1 and magento_id = $2",
                    channel_id,
                    magento_id
                )
                .fetch_optional(pool)
                .await?
            }
            Entity::NewsletterSubscribers => sqlx::query_scalar!(
                "select id from newsletter_subscribers where channel_id = $1 and magento_id = $2",
                channel_id,
                magento_id
            )
            .fetch_optional(pool)
            .await?,
            Entity::Products => {
                sqlx::query_scalar!(
                    "select id from products where channel_id = $1 and magento_id = $2",
                    channel_id,
                    magento_id
                )
                .fetch_optional(pool)
                .await?
            }
        };
    Ok(id)
}

/// The Magento ids an order hangs on (its cart, its customer), to re-read them with it.
pub async fn order_links(
    pool: &PgPool,
    channel_id: i64,
    order_magento_id: i64,
) -> Result<(Option<i64>, Option<i64>)> {
    let row = sqlx::query!(
        "select quote_magento_id, customer_magento_id from orders where channel_id = $1 and magento_id = $2",
        channel_id,
        order_magento_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row
        .map(|r| (r.quote_magento_id, r.customer_magento_id))
        .unwrap_or_default())
}

/// The customer's Magento id of a cart, to re-read it with the cart.
pub async fn cart_customer_magento_id(
    pool: &PgPool,
    channel_id: i64,
    cart_magento_id: i64,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar!(
        "select customer_magento_id from carts where channel_id = $1 and magento_id = $2",
        channel_id,
        cart_magento_id
    )
    .fetch_optional(pool)
    .await?
    .flatten())
}

struct ProductRow {
    id: i64,
    magento_id: i64,
    sku: String,
    name: Option<String>,
    type_id: Option<String>,
    status: Option<i16>,
    price: Option<Decimal>,
    website_ids: Vec<i64>,
    is_in_stock: Option<bool>,
    options: Option<serde_json::Value>,
    labels: Option<serde_json::Value>,
    removed: bool,
}

/// Products of a channel whose SKU or name contains `text` (or all, by name, when empty),
/// as the cart builder offers them for a cart in `website_id`. Children of configurables
/// (not visible individually) are left out: the rep picks the parent and its options.
pub async fn search_products(
    pool: &PgPool,
    channel_id: i64,
    website_id: Option<i64>,
    text: &str,
    currency: Option<&str>,
    limit: i64,
) -> Result<Vec<ProductChoice>> {
    let text = text.trim();
    if text.chars().count() > 100 {
        return Err(Error::invalid("q", "Search with at most 100 characters."));
    }
    let pattern = format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows = sqlx::query_as!(
        ProductRow,
        r#"select p.id, p.magento_id, p.sku, p.name, p.type_id, p.status, p.price, p.website_ids,
               p.is_in_stock, p.options,
               (select jsonb_object_agg(a.attribute_id::text,
                                        jsonb_build_object('label', a.label, 'options', a.options))
                from product_attribute_options a
                where a.channel_id = p.channel_id
                  and a.attribute_id in (select (o->>'attribute_id')::int8
                                         from jsonb_array_elements(
                                             case when jsonb_typeof(p.options) = 'array'
                                                  then p.options else '[]'::jsonb end) o)) as labels,
               p.removed_at is not null as "removed!"
           from products p
           where p.channel_id = $1
             and coalesce(p.visibility, 4) <> 1
             and ($2 = '%%' or (p.sku || ' ' || coalesce(p.name, '')) ilike $2)
           order by (lower(p.sku) = lower($3)) desc, p.removed_at is not null, lower(p.name), p.id
           limit $4"#,
        channel_id,
        pattern,
        text,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| product_choice(r, website_id, currency))
        .collect())
}

/// One product as the builder offers it (by CRM id).
pub async fn product_choice_by_sku(
    pool: &PgPool,
    channel_id: i64,
    sku: &str,
) -> Result<Option<ProductChoice>> {
    Ok(search_products(pool, channel_id, None, sku, None, 5)
        .await?
        .into_iter()
        .find(|p| p.sku.eq_ignore_ascii_case(sku.trim())))
}

fn product_choice(r: ProductRow, website_id: Option<i64>, currency: Option<&str>) -> ProductChoice {
    let type_id = r.type_id.clone().unwrap_or_default();
    let not_addable = if r.removed {
        Some("No longer in the store's catalog.".to_string())
    } else if r.status == Some(2) {
        Some("Disabled in the store.".to_string())
    } else if matches!(type_id.as_str(), "bundle" | "grouped" | "downloadable") {
        Some(format!(
            "A {type_id} product: add it in the store's own admin (its parts cannot be chosen here)."
        ))
    } else if website_id.is_some_and(|w| !r.website_ids.is_empty() && !r.website_ids.contains(&w)) {
        Some("Not sold on this cart's website.".to_string())
    } else {
        None
    };
    let labels = r.labels.unwrap_or(serde_json::Value::Null);
    let options = r
        .options
        .as_ref()
        .and_then(|o| o.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|o| {
                    let attribute_id = o.get("attribute_id")?.as_i64()?;
                    let known = labels.get(attribute_id.to_string());
                    let label = o
                        .get("label")
                        .and_then(|l| l.as_str())
                        .filter(|l| !l.is_empty())
                        .or_else(|| known.and_then(|k| k.get("label")?.as_str()))
                        .unwrap_or("Option")
                        .to_string();
                    let value_label = |value: i64| {
                        known
                            .and_then(|k| k.get("options")?.as_array())
                            .and_then(|opts| {
                                opts.iter().find(|v| {
                                    v.get("value").and_then(|x| x.as_str())
                                        == Some(value.to_string().as_str())
                                })
                            })
                            .and_then(|v| v.get("label")?.as_str().map(str::to_string))
                            .unwrap_or_else(|| value.to_string())
                    };
                    let values = o
                        .get("values")?
                        .as_array()?
                        .iter()
                        .filter_map(|v| v.as_i64())
                        .map(|value| OptionValue {
                            value,
                            label: value_label(value),
                        })
                        .collect();
                    Some(ProductOptionChoice {
                        attribute_id,
                        label,
                        values,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    ProductChoice {
        id: r.id,
        magento_id: r.magento_id,
        sku: r.sku,
        name: r.name,
        type_id: r.type_id,
        price: r.price.map(|p| Money::new(p, currency)),
        in_stock: r.is_in_stock,
        not_addable,
        options,
    }
}

struct BuilderRow {
    id: i64,
    channel_id: i64,
    channel: String,
    magento_id: i64,
    is_active: bool,
    status: String,
    customer_id: Option<i64>,
    customer_magento_id: Option<i64>,
    customer_name: Option<String>,
    email: Option<String>,
    store: Option<String>,
    website_id: Option<i64>,
    currency: Option<String>,
    subtotal: Option<Decimal>,
    grand_total: Option<Decimal>,
    order_id: Option<i64>,
    order_label: Option<String>,
}

/// The cart builder's page: the cart as the store last answered, its lines, the customer's
/// addresses. Where the checkout stands and the recent actions are added by the caller.
pub async fn builder(pool: &PgPool, cart_id: i64) -> Result<CartBuilder> {
    let r = sqlx::query_as!(
        BuilderRow,
        r#"select c.id, c.channel_id, ch.name as channel, c.magento_id, c.is_active, c.status,
               c.customer_id, c.customer_magento_id,
               nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), '') as customer_name,
               c.email, sv.name as "store?", c.website_id,
               coalesce(c.quote_currency_code, c.base_currency_code) as currency,
               c.subtotal, c.grand_total, c.order_id, o.increment_id as "order_label?"
           from carts c join channels ch on ch.id = c.channel_id
           left join customers cu on cu.id = c.customer_id
           left join store_views sv on sv.channel_id = c.channel_id and sv.magento_id = c.store_id
           left join orders o on o.id = c.order_id
           where c.id = $1"#,
        cart_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    let currency = r.currency.clone();
    let money = |d: Option<Decimal>| d.map(|a| Money::new(a, currency.as_deref()));
    let lines = sqlx::query!(
        r#"select magento_id, sku, name, product_type, qty, price, row_total
           from cart_items where cart_id = $1 and removed_at is null order by magento_id"#,
        cart_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|l| CartLine {
        item_id: l.magento_id,
        sku: l.sku,
        name: l.name,
        product_type: l.product_type,
        qty: l.qty,
        price: money(l.price),
        row_total: money(l.row_total),
    })
    .collect();
    let addresses = match r.customer_id {
        Some(id) if r.customer_magento_id.is_some() => addresses(pool, id).await?,
        _ => Vec::new(),
    };
    let guest_email = if r.customer_magento_id.is_none() {
        crate::store_actions::guest_email_of_cart(pool, r.channel_id, r.magento_id).await?
    } else {
        None
    };
    Ok(CartBuilder {
        id: r.id,
        channel_id: r.channel_id,
        channel: r.channel,
        cart: r.magento_id,
        is_active: r.is_active,
        status: r.status.parse().unwrap_or(CartStatus::Open),
        customer: r.customer_id.map(|id| RecordLink {
            id,
            label: r
                .customer_name
                .clone()
                .or_else(|| r.email.clone())
                .unwrap_or_else(|| format!("Customer {id}")),
        }),
        customer_magento_id: r.customer_magento_id,
        guest_email,
        email: r.email,
        store_view: r.store,
        website_id: r.website_id,
        currency: r.currency,
        lines,
        subtotal: money(r.subtotal),
        grand_total: money(r.grand_total),
        addresses,
        order: r.order_id.map(|id| RecordLink {
            id,
            label: r
                .order_label
                .clone()
                .unwrap_or_else(|| format!("Order {id}")),
        }),
        pending: None,
        checkout: Default::default(),
        recent: Vec::new(),
    })
}
