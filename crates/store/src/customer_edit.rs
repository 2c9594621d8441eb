//! What two-way customer edits read and write in the CRM: the form (the CRM's copy of the
//! customer, which is the merge's base), a channel's merge rules, a customer the store no
//! longer has, and the subscription status after a change.

use crate::{Error, Result};
use domain::actions::AddressInput;
use domain::customer_edit::{
    CountryChoice, CustomerField, CustomerForm, FieldOwner, FormAddress, NewCustomerChannel,
};
use domain::{SubscriberSource, SyncPriority};
use sqlx::PgPool;

/// A channel's two-way rules, read when an edit runs (a changed priority applies at once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwoWayRules {
    pub two_way: bool,
    pub priority: SyncPriority,
    pub owners: Vec<FieldOwner>,
    pub subscriber_source: Option<SubscriberSource>,
}

pub async fn rules(pool: &PgPool, channel_id: i64) -> Result<TwoWayRules> {
    let channel = crate::channels::get(pool, channel_id).await?;
    Ok(TwoWayRules {
        two_way: channel.settings.two_way,
        priority: channel.settings.sync_priority,
        owners: channel.settings.field_owners,
        subscriber_source: channel.subscriber_source,
    })
}

/// Why a channel's customers cannot be edited from the CRM, or `None`.
pub fn read_only_reason(two_way: bool, is_guest: bool, removed: bool) -> Option<String> {
    if is_guest {
        Some("A guest has no account in the store to edit.".into())
    } else if removed {
        Some("The store no longer has this customer.".into())
    } else if !two_way {
        Some(
            "Two-way sync is off for this channel, so the store's customers are read-only here. \
             An administrator can turn it on in the channel's settings."
                .into(),
        )
    } else {
        None
    }
}

/// The editable columns of a customer row.
struct Columns {
    first_name: Option<String>,
    last_name: Option<String>,
    email: String,
    dob: Option<chrono::NaiveDate>,
    gender: Option<i16>,
    taxvat: Option<String>,
    group_id: Option<i64>,
}

/// A customer row's editable fields as the merge compares them (text as Magento's JSON carries
/// it; gender 0 is "not set"): the form's base and a bulk edit's.
fn field_values(c: Columns) -> Vec<(CustomerField, Option<String>)> {
    vec![
        (CustomerField::Firstname, c.first_name),
        (CustomerField::Lastname, c.last_name),
        (CustomerField::Email, Some(c.email)),
        (
            CustomerField::Dob,
            c.dob.map(|d| d.format("%Y-%m-%d").to_string()),
        ),
        (
            CustomerField::Gender,
            c.gender.filter(|g| *g > 0).map(|g| g.to_string()),
        ),
        (CustomerField::Taxvat, c.taxvat),
        (CustomerField::GroupId, c.group_id.map(|g| g.to_string())),
    ]
}

/// The customer form of CRM customer `id`.
pub async fn form(pool: &PgPool, id: i64) -> Result<CustomerForm> {
    let c = sqlx::query!(
        r#"select c.id, c.channel_id, ch.name as channel, c.magento_id, c.website_id, c.is_guest,
               c.removed_at is not null as "removed!", c.first_name, c.last_name, c.email,
               c.dob, c.gender, c.taxvat, c.group_id, ch.two_way, ch.sync_priority,
               ch.field_owners,
               (select s.status from newsletter_subscribers s
                 where s.channel_id = c.channel_id and s.customer_id = c.id
                   and s.removed_at is null
                 order by s.updated_at desc limit 1) as subscription
           from customers c join channels ch on ch.id = c.channel_id
           where c.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    let values = field_values(Columns {
        first_name: c.first_name,
        last_name: c.last_name,
        email: c.email,
        dob: c.dob,
        gender: c.gender,
        taxvat: c.taxvat,
        group_id: c.group_id,
    });
    Ok(CustomerForm {
        customer_id: c.id,
        channel_id: c.channel_id,
        channel: c.channel,
        magento_id: c.magento_id,
        website_id: c.website_id,
        read_only: read_only_reason(c.two_way, c.is_guest, c.removed),
        two_way: c.two_way,
        priority: SyncPriority::parse(&c.sync_priority).unwrap_or_default(),
        owners: serde_json::from_value(c.field_owners).unwrap_or_default(),
        values,
        addresses: addresses(pool, id).await?,
        subscription: c.subscription,
        groups: groups(pool, c.channel_id).await?,
        countries: countries(pool, c.channel_id).await?,
    })
}

/// The address book as the form edits it.
pub async fn addresses(pool: &PgPool, customer_id: i64) -> Result<Vec<FormAddress>> {
    let rows = sqlx::query!(
        r#"select magento_id, first_name, last_name, company, street, city, region, region_id,
               postcode, country_id, telephone, is_default_billing, is_default_shipping
           from customer_addresses where customer_id = $1 order by magento_id"#,
        customer_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| FormAddress {
            magento_id: r.magento_id,
            values: AddressInput {
                firstname: r.first_name.unwrap_or_default(),
                lastname: r.last_name.unwrap_or_default(),
                company: r.company.filter(|c| !c.is_empty()),
                street: r
                    .street
                    .unwrap_or_default()
                    .lines()
                    .map(str::to_owned)
                    .collect(),
                city: r.city.unwrap_or_default(),
                // With a region id the name is the list's; only free text is kept as text.
                region: if r.region_id.is_some() {
                    None
                } else {
                    r.region.filter(|x| !x.is_empty())
                },
                region_id: r.region_id,
                postcode: r.postcode.unwrap_or_default(),
                country_id: r.country_id.unwrap_or_default(),
                telephone: r.telephone.unwrap_or_default(),
                email: None,
            },
            default_billing: r.is_default_billing,
            default_shipping: r.is_default_shipping,
        })
        .collect())
}

/// The store's customer groups (NOT LOGGED IN, id 0, cannot hold an account).
pub async fn groups(pool: &PgPool, channel_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query!(
        "select magento_id, code from customer_groups
         where channel_id = $1 and magento_id > 0 order by magento_id",
        channel_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.magento_id, r.code))
    .collect())
}

/// The countries the store knows, with their region lists.
pub async fn countries(pool: &PgPool, channel_id: i64) -> Result<Vec<CountryChoice>> {
    let rows = sqlx::query!(
        r#"select country_id, coalesce(max(country_name), country_id) as "name!",
               coalesce(jsonb_agg(jsonb_build_array(magento_id, coalesce(name, code, magento_id))
                                  order by name) filter (where magento_id <> ''), '[]')
                   as "regions!"
           from regions where channel_id = $1
           group by country_id order by 2"#,
        channel_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CountryChoice {
            code: r.country_id,
            name: r.name,
            regions: serde_json::from_value::<Vec<(String, String)>>(r.regions)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(id, name)| Some((id.parse().ok()?, name)))
                .collect(),
        })
        .collect())
}

/// What the "new customer" form offers for each active channel with two-way sync.
pub async fn new_customer_channels(pool: &PgPool) -> Result<Vec<NewCustomerChannel>> {
    let mut out = Vec::new();
    for ch in crate::channels::list(pool).await? {
        if !ch.is_active || !ch.settings.two_way {
            continue;
        }
        let store_views = sqlx::query!(
            r#"select magento_id, coalesce(website_id, 0) as "website_id!", name
               from store_views where channel_id = $1 and magento_id > 0 and is_active
               order by magento_id"#,
            ch.id
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| (r.magento_id, r.website_id, r.name))
        .collect();
        out.push(NewCustomerChannel {
            channel_id: ch.id,
            channel: ch.settings.name.clone(),
            store_views,
            groups: groups(pool, ch.id).await?,
            countries: countries(pool, ch.id).await?,
        });
    }
    Ok(out)
}

/// Marks a customer the store no longer has (a 404 on an edit): the CRM keeps its copy, shown
/// as removed, as a reconciliation would. Returns its CRM id.
pub async fn mark_removed(pool: &PgPool, channel_id: i64, magento_id: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar!(
        "update customers set removed_at = coalesce(removed_at, now()), updated_at = now()
         where channel_id = $1 and magento_id = $2 returning id",
        channel_id,
        magento_id
    )
    .fetch_optional(pool)
    .await?)
}

/// The newsletter status the CRM holds for a registered customer after its re-read.
pub async fn subscription_status(
    pool: &PgPool,
    channel_id: i64,
    customer_magento_id: i64,
) -> Result<Option<i16>> {
    Ok(sqlx::query_scalar!(
        "select status from newsletter_subscribers
         where channel_id = $1 and customer_magento_id = $2 and removed_at is null
         order by updated_at desc limit 1",
        channel_id,
        customer_magento_id
    )
    .fetch_optional(pool)
    .await?)
}

/// The CRM customer whose email is taken in a website (for "open the existing one").
pub async fn by_email_in_website(
    pool: &PgPool,
    channel_id: i64,
    website_id: i64,
    email: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar!(
        "select id from customers
         where channel_id = $1 and website_id = $2 and email_key = lower($3) and not is_guest
         order by removed_at nulls first, id limit 1",
        channel_id,
        website_id,
        email
    )
    .fetch_optional(pool)
    .await?)
}

/// The CRM subscriber row of a guest subscriber (companion route id), with its channel.
pub async fn subscriber_key(
    pool: &PgPool,
    subscriber_id: i64,
) -> Result<(i64, Option<i64>, Option<i64>, i16)> {
    let r = sqlx::query!(
        "select channel_id, magento_id, customer_magento_id, status
         from newsletter_subscribers where id = $1",
        subscriber_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    Ok((r.channel_id, r.magento_id, r.customer_magento_id, r.status))
}

/// A customer as a bulk edit starts from: its ids and the CRM's values (the merge's base).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerBase {
    pub id: i64,
    pub magento_id: i64,
    pub values: Vec<(CustomerField, Option<String>)>,
}

impl CustomerBase {
    pub fn value(&self, field: CustomerField) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, v)| v.as_deref())
    }
}

/// One page (by CRM id, after `after`) of a channel's registered customers still in the store,
/// those of customer group `group` when given: what a bulk edit walks through, a page at a
/// time, so its memory does not grow with the selection.
pub async fn bases(
    pool: &PgPool,
    channel_id: i64,
    group: Option<i64>,
    after: i64,
    limit: i64,
) -> Result<Vec<CustomerBase>> {
    let rows = sqlx::query!(
        r#"select id, magento_id as "magento_id!", first_name, last_name, email, dob, gender,
               taxvat, group_id
           from customers
           where channel_id = $1 and not is_guest and removed_at is null and id > $3
             and ($2::int8 is null or group_id = $2)
           order by id limit $4"#,
        channel_id,
        group,
        after,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CustomerBase {
            id: r.id,
            magento_id: r.magento_id,
            values: field_values(Columns {
                first_name: r.first_name,
                last_name: r.last_name,
                email: r.email,
                dob: r.dob,
                gender: r.gender,
                taxvat: r.taxvat,
                group_id: r.group_id,
            }),
        })
        .collect())
}
