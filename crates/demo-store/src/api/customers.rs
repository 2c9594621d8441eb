//! Customer and address routes.

use super::request::{Req, field, int_field, parse_id, str_field};
use super::search::search;
use super::{customer_save, input};
use crate::error::ApiError;
use crate::faults;
use crate::model::{Customer, Entity};
use crate::render::{RecordRef, write_customer_address, write_record};

pub fn search_customers(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    search(
        req,
        &store.customers,
        &store.catalog,
        Some(Entity::Customer),
        |w, c, m| write_record(w, &*store, RecordRef::Customer(c), m),
    )
}

fn render_customer(req: &Req<'_>, id: u32) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    let c = store
        .customers
        .get(id)
        .ok_or_else(|| ApiError::no_such_entity("customerId", id))?;
    let mut w = req.writer();
    let malform = faults::malformation(&req.rt.faults, Entity::Customer, id);
    write_record(&mut w, &*store, RecordRef::Customer(c), malform);
    Ok(w.into_bytes())
}

pub fn get_customer(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    render_customer(req, parse_id(id)?)
}

pub fn create_customer(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let body = req.required("customer")?;
    let catalog = req.shared.read().catalog.clone();
    let new = input::customer(&catalog, body)?.into_new(req.sales_store(), &catalog);
    let id = req.shared.write().create_customer(new)?;
    render_customer(req, id)
}

/// PUT: partial (2.4.1+) or whole-customer (<= 2.4.0) body as `/_demo/customers` says;
/// `addresses` (if sent) replaces the address book, `extension_attributes.is_subscribed`
/// moves the newsletter row without touching the customer row.
pub fn put_customer(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let body = req.required("customer")?;
    // The repository loads the stored customer first: an unknown id is a 404 whatever
    // the body holds.
    let (catalog, config) = {
        let store = req.shared.read();
        if store.customers.get(id).is_none() {
            return Err(ApiError::no_such_entity("customerId", id));
        }
        (store.catalog.clone(), store.customer_config)
    };
    let mut input = input::customer(&catalog, body)?;
    if config.full_put {
        input = customer_save::full_body(input)?;
    } else {
        customer_save::check_partial(&input)?;
    }
    if config.reject_address_default_flags
        && let Some(flagged) = input.addresses.iter().flatten().find_map(|a| {
            if a.default_billing {
                Some("default_billing")
            } else if a.default_shipping {
                Some("default_shipping")
            } else {
                None
            }
        })
    {
        // Magento 2.4.7 (#38878): the address's flag is taken as an invalid value.
        return Err(ApiError::new(
            400,
            "The %fieldName value is invalid. Set the correct value and try again.",
        )
        .named("fieldName", flagged));
    }
    let subscribe = input.is_subscribed;
    let addresses = input.addresses.take();
    let defaults = (input.default_billing, input.default_shipping);
    {
        let mut store = req.shared.write();
        store.save_customer(
            id,
            |c: &mut Customer| customer_save::apply(c, input),
            addresses,
        )?;
        // Defaults named by id on the customer, after the book: only ids of its addresses.
        if defaults != (None, None) {
            store.update_customer(id, |c| {
                for (given, slot) in [
                    (defaults.0, &mut c.default_billing),
                    (defaults.1, &mut c.default_shipping),
                ] {
                    if let Some(a) = given {
                        *slot = Some(a);
                    }
                }
            })?;
        }
        if let Some(on) = subscribe {
            store.set_subscribed(id, on)?;
        }
    }
    render_customer(req, id)
}

pub fn delete_customer(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    req.shared.write().delete_customer(parse_id(id)?)?;
    Ok(b"true".to_vec())
}

pub fn get_address(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let missing = || ApiError::no_such_entity("addressId", id);
    let owner = store.address_owner(id).ok_or_else(missing)?;
    let address = owner.address(id).ok_or_else(missing)?;
    let mut w = req.writer();
    write_customer_address(&mut w, &store.catalog, owner, address);
    Ok(w.into_bytes())
}

/// `GET /V1/customers/{id}/billingAddress` (or shipping): the default address, or `null`.
pub fn default_address(req: &Req<'_>, id: &str, billing: bool) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let c = store
        .customers
        .get(id)
        .ok_or_else(|| ApiError::no_such_entity("customerId", id))?;
    let address = if billing {
        c.default_billing_address()
    } else {
        c.default_shipping_address()
    };
    let Some(address) = address else {
        return Ok(b"null".to_vec());
    };
    let mut w = req.writer();
    write_customer_address(&mut w, &store.catalog, c, address);
    Ok(w.into_bytes())
}

pub fn delete_address(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    req.shared.write().delete_address(parse_id(id)?)?;
    Ok(b"true".to_vec())
}

/// `POST /V1/customers/isEmailAvailable` {customerEmail, websiteId}.
pub fn is_email_available(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let body = req
        .body
        .as_ref()
        .ok_or_else(|| ApiError::required("customerEmail"))?;
    let email =
        str_field(body, "customerEmail").ok_or_else(|| ApiError::required("customerEmail"))?;
    let store = req.shared.read();
    let website = int_field(body, "websiteId")?
        .map(|w| w as u16)
        .unwrap_or_else(|| store.catalog.website_of_store(req.sales_store()).id);
    let _ = field;
    Ok(if store.customer_by_email(website, email).is_some() {
        b"false".to_vec()
    } else {
        b"true".to_vec()
    })
}
