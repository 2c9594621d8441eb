use super::{Digest, MapError, street, text};
use magento::types::Customer;
use store::sync_write::{AddressRecord, CustomerRecord};

pub fn customer(c: &Customer, digest: &Digest) -> Result<CustomerRecord, MapError> {
    let magento_id =
        c.id.filter(|id| *id > 0)
            .ok_or_else(|| MapError::missing("id"))?;
    let email = text(&c.email).ok_or_else(|| MapError::missing("email"))?;
    let addresses = c
        .addresses
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let magento_id = a.id?;
            let _ = i;
            Some(AddressRecord {
                magento_id,
                first_name: text(&a.firstname),
                last_name: text(&a.lastname),
                company: text(&a.company),
                street: street(&a.street),
                city: text(&a.city),
                region: a.region.as_ref().and_then(|r| text(&r.region)),
                region_code: a.region.as_ref().and_then(|r| text(&r.region_code)),
                region_id: a
                    .region_id
                    .or_else(|| a.region.as_ref().and_then(|r| r.region_id)),
                postcode: text(&a.postcode),
                country_id: text(&a.country_id),
                telephone: text(&a.telephone),
                vat_id: text(&a.vat_id),
                is_default_billing: a.default_billing.unwrap_or(false)
                    || c.default_billing.as_deref() == Some(magento_id.to_string().as_str()),
                is_default_shipping: a.default_shipping.unwrap_or(false)
                    || c.default_shipping.as_deref() == Some(magento_id.to_string().as_str()),
            })
        })
        .collect();
    Ok(CustomerRecord {
        magento_id,
        website_id: c.website_id.unwrap_or(0),
        store_id: c.store_id,
        group_id: c.group_id,
        email,
        first_name: text(&c.firstname),
        last_name: text(&c.lastname),
        middle_name: text(&c.middlename),
        prefix: text(&c.prefix),
        suffix: text(&c.suffix),
        gender: c.gender.and_then(|g| i16::try_from(g).ok()),
        dob: c.dob,
        taxvat: text(&c.taxvat),
        created_in: text(&c.created_in),
        // Magento sets `confirmation` while the account awaits email confirmation.
        confirmed: Some(text(&c.confirmation).is_none()),
        is_subscribed: c
            .extension_attributes
            .as_ref()
            .and_then(|e| e.is_subscribed),
        default_billing: c
            .default_billing
            .as_deref()
            .and_then(|s| s.trim().parse().ok()),
        default_shipping: c
            .default_shipping
            .as_deref()
            .and_then(|s| s.trim().parse().ok()),
        created_at: c.created_at,
        updated_at: c.updated_at,
        addresses,
        payload_hash: digest.to_vec(),
    })
}
