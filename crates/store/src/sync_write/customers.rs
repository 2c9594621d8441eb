//! Registered customers and their addresses.

use super::{CustomerRecord, UpsertCounts, dedup_by_key, links};
use crate::Result;
use sqlx::PgConnection;

/// Upserts a page of customers with their addresses, links new ones to accounts and merges
/// guests with the same email into them. Returns the counts and the ids of changed rows.
pub async fn upsert(
    tx: &mut PgConnection,
    channel_id: i64,
    records: &[CustomerRecord],
) -> Result<(UpsertCounts, Vec<i64>)> {
    let records = dedup_by_key(records, |r| r.magento_id);
    if records.is_empty() {
        return Ok((UpsertCounts::default(), Vec::new()));
    }
    macro_rules! col {
        ($f:ident) => {
            records.iter().map(|r| r.$f.clone()).collect::<Vec<_>>()
        };
    }
    let magento_id = col!(magento_id);
    let website_id = col!(website_id);
    let store_id = col!(store_id);
    let group_id = col!(group_id);
    let email = col!(email);
    let first_name = col!(first_name);
    let last_name = col!(last_name);
    let middle_name = col!(middle_name);
    let prefix = col!(prefix);
    let suffix = col!(suffix);
    let gender = col!(gender);
    let dob = col!(dob);
    let taxvat = col!(taxvat);
    let created_in = col!(created_in);
    let confirmed = col!(confirmed);
    let is_subscribed = col!(is_subscribed);
    let default_billing = col!(default_billing);
    let default_shipping = col!(default_shipping);
    let created_at = col!(created_at);
    let updated_at = col!(updated_at);
    let payload_hash = col!(payload_hash);

    // Every customer belongs to the account of its email. The accounts are made first (named
    // after the customer, already counting the customers of this page that will join them),
    // so that each customer is written once, in its account, and a new account is not
    // rewritten at once: in a history import that was a third of the customers' write time.
    let previous_accounts = sqlx::query_scalar!(
        r#"select account_id as "id!" from customers
           where channel_id = $1 and magento_id = any($2) and account_id is not null"#,
        channel_id,
        &magento_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let made = sqlx::query!(
        r#"insert into accounts (name, email_key, customers_count)
           select distinct on (lower(t.email))
                  coalesce(nullif(trim(concat_ws(' ', t.first_name, t.last_name)), ''), t.email),
                  lower(t.email), count(*) over (partition by lower(t.email))
           from unnest($1::int8[], $2::text[], $3::text[], $4::text[])
               as t(magento_id, email, first_name, last_name)
           where t.email <> ''
           order by lower(t.email), t.magento_id
           on conflict (email_key) do nothing
           returning id, customers_count"#,
        &magento_id,
        &email,
        &first_name as _,
        &last_name as _,
    )
    .fetch_all(&mut *tx)
    .await?;

    let returned = sqlx::query!(
        r#"insert into customers (channel_id, magento_id, is_guest, website_id, store_id, group_id,
               email, first_name, last_name, middle_name, prefix, suffix, gender, dob, taxvat,
               created_in, confirmed, is_subscribed, default_billing_magento_id,
               default_shipping_magento_id, magento_created_at, magento_updated_at, payload_hash,
               account_id)
           select $1, t.magento_id, false, t.website_id, t.store_id, t.group_id, t.email,
               t.first_name, t.last_name, t.middle_name, t.prefix, t.suffix, t.gender, t.dob,
               t.taxvat, t.created_in, t.confirmed, t.is_subscribed, t.default_billing,
               t.default_shipping, t.created_at, t.updated_at, t.payload_hash, a.id
           from unnest($2::int8[], $3::int8[], $4::int8[], $5::int8[], $6::text[], $7::text[],
                       $8::text[], $9::text[], $10::text[], $11::text[], $12::int2[], $13::date[],
                       $14::text[], $15::text[], $16::bool[], $17::bool[], $18::int8[], $19::int8[],
                       $20::timestamptz[], $21::timestamptz[], $22::bytea[])
               as t(magento_id, website_id, store_id, group_id, email, first_name, last_name,
                    middle_name, prefix, suffix, gender, dob, taxvat, created_in, confirmed,
                    is_subscribed, default_billing, default_shipping, created_at, updated_at,
                    payload_hash)
           left join accounts a on a.email_key = lower(t.email)
           on conflict (channel_id, magento_id) where magento_id is not null do update set
               account_id = coalesce(excluded.account_id, customers.account_id),
               website_id = excluded.website_id, store_id = excluded.store_id,
               group_id = excluded.group_id, email = excluded.email,
               first_name = excluded.first_name, last_name = excluded.last_name,
               middle_name = excluded.middle_name, prefix = excluded.prefix,
               suffix = excluded.suffix, gender = excluded.gender, dob = excluded.dob,
               taxvat = excluded.taxvat, created_in = excluded.created_in,
               confirmed = excluded.confirmed,
               is_subscribed = coalesce(excluded.is_subscribed, customers.is_subscribed),
               default_billing_magento_id = excluded.default_billing_magento_id,
               default_shipping_magento_id = excluded.default_shipping_magento_id,
               magento_created_at = excluded.magento_created_at,
               magento_updated_at = excluded.magento_updated_at,
               payload_hash = excluded.payload_hash, removed_at = null, updated_at = now()
           where customers.removed_at is not null
              or customers.magento_updated_at is null
              or customers.magento_updated_at < excluded.magento_updated_at
              or (customers.magento_updated_at = excluded.magento_updated_at
                  and customers.payload_hash is distinct from excluded.payload_hash)
           returning id, account_id, (xmax = 0) as "inserted!""#,
        channel_id,
        &magento_id,
        &website_id,
        &store_id as _,
        &group_id as _,
        &email,
        &first_name as _,
        &last_name as _,
        &middle_name as _,
        &prefix as _,
        &suffix as _,
        &gender as _,
        &dob as _,
        &taxvat as _,
        &created_in as _,
        &confirmed as _,
        &is_subscribed as _,
        &default_billing as _,
        &default_shipping as _,
        &created_at as _,
        &updated_at as _,
        &payload_hash,
    )
    .fetch_all(&mut *tx)
    .await?;
    let made: Vec<(i64, i32)> = made.iter().map(|m| (m.id, m.customers_count)).collect();
    let stale = links::accounts_to_refresh(
        &made,
        returned
            .iter()
            .filter_map(|r| r.account_id.map(|a| (a, r.inserted))),
        previous_accounts,
    );
    links::refresh_accounts(tx, &stale).await?;
    let returned: Vec<(i64, bool)> = returned.into_iter().map(|r| (r.id, r.inserted)).collect();
    let counts = UpsertCounts::from_returned(records.len(), &returned);
    let changed: Vec<i64> = returned.iter().map(|(id, _)| *id).collect();
    if changed.is_empty() {
        return Ok((counts, changed));
    }

    let replaced: Vec<i64> = returned
        .iter()
        .filter(|(_, inserted)| !inserted)
        .map(|(id, _)| *id)
        .collect();
    replace_addresses(tx, channel_id, &records, &changed, &replaced).await?;
    links::merge_guests_into(tx, &changed).await?;
    // Their orders carry their creation time (for new / returning customers).
    links::refresh_buyer_marks(tx, &changed).await?;
    Ok((counts, changed))
}

/// Replaces the address set of every customer in the batch whose row changed: Magento sends the
/// whole set each time, and an address deleted in the store must go here too.
async fn replace_addresses(
    tx: &mut PgConnection,
    channel_id: i64,
    records: &[&CustomerRecord],
    changed: &[i64],
    replaced: &[i64],
) -> Result<()> {
    let mut owner = Vec::new();
    let mut a = Vec::new();
    for r in records {
        for address in &r.addresses {
            owner.push(r.magento_id);
            a.push(address);
        }
    }
    macro_rules! col {
        ($f:ident) => {
            a.iter().map(|r| r.$f.clone()).collect::<Vec<_>>()
        };
    }
    let magento_id = col!(magento_id);
    let first_name = col!(first_name);
    let last_name = col!(last_name);
    let company = col!(company);
    let street = col!(street);
    let city = col!(city);
    let region = col!(region);
    let region_code = col!(region_code);
    let region_id = col!(region_id);
    let postcode = col!(postcode);
    let country_id = col!(country_id);
    let telephone = col!(telephone);
    let vat_id = col!(vat_id);
    let is_default_billing = col!(is_default_billing);
    let is_default_shipping = col!(is_default_shipping);

    // Only customers whose row changed are touched: an older payload never replaces addresses.
    // Those just inserted (not in `replaced`) have none to delete.
    if !replaced.is_empty() {
        sqlx::query!(
            "delete from customer_addresses where customer_id = any($1)",
            replaced
        )
        .execute(&mut *tx)
        .await?;
    }
    if a.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        r#"insert into customer_addresses (customer_id, magento_id, first_name, last_name, company,
               street, city, region, region_code, region_id, postcode, country_id, telephone,
               vat_id, is_default_billing, is_default_shipping)
           select c.id, t.magento_id, t.first_name, t.last_name, t.company, t.street, t.city,
               t.region, t.region_code, t.region_id, t.postcode, t.country_id, t.telephone,
               t.vat_id, t.is_default_billing, t.is_default_shipping
           from unnest($2::int8[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::text[], $10::text[], $11::int8[], $12::text[], $13::text[],
                       $14::text[], $15::text[], $16::bool[], $17::bool[])
               as t(owner, magento_id, first_name, last_name, company, street, city, region,
                    region_code, region_id, postcode, country_id, telephone, vat_id,
                    is_default_billing, is_default_shipping)
           join customers c on c.channel_id = $1 and c.magento_id = t.owner and c.id = any($18)
           on conflict (customer_id, magento_id) do nothing"#,
        channel_id,
        &owner,
        &magento_id,
        &first_name as _,
        &last_name as _,
        &company as _,
        &street as _,
        &city as _,
        &region as _,
        &region_code as _,
        &region_id as _,
        &postcode as _,
        &country_id as _,
        &telephone as _,
        &vat_id as _,
        &is_default_billing,
        &is_default_shipping,
        changed,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Marks registered customers absent from a full id scan as removed (never deletes them: their
/// orders and history stay). Returns how many were newly marked.
pub async fn mark_removed_except(
    tx: &mut PgConnection,
    channel_id: i64,
    present: &[i64],
) -> Result<u64> {
    let done = sqlx::query!(
        r#"update customers set removed_at = now(), updated_at = now()
           where channel_id = $1 and not is_guest and removed_at is null
             and not (magento_id = any($2))"#,
        channel_id,
        present
    )
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected())
}
