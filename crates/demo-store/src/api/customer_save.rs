//! `PUT /V1/customers/{id}` bodies in both Magento behaviours (store-actions.md §2.1).
//!
//! - 2.4.1+ (partial, the default): `UpdateCustomer::beforeSave` loads the stored customer
//!   and overwrites only the top-level keys sent.
//! - <= 2.4.0 (`full_put`): the body is the whole customer. We turn it into the partial
//!   form by filling every omitted key with what Magento would store for it, so both
//!   behaviours share one merge (`apply`).

use super::input::CustomerInput;
use crate::error::ApiError;
use crate::model::{Customer, text};

/// What the resource model's `_beforeSave` says before any other check (2.3; 2.1 said
/// `Please enter a customer email.`). A client detects a full-PUT store by it.
pub const EMAIL_MISSING: &str = "The customer email is missing. Enter and try again.";

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// Partial PUT: a key sent as an empty string is refused rather than stored blank.
pub fn check_partial(input: &CustomerInput) -> Result<(), ApiError> {
    for (name, value) in [
        ("email", &input.email),
        ("firstname", &input.firstname),
        ("lastname", &input.lastname),
    ] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(ApiError::required(name));
        }
    }
    Ok(())
}

/// Full PUT: refuses a body without e-mail or names, then makes every omitted key
/// explicit. Optional scalars are cleared and `group_id` falls back to General (1), as a
/// fresh data object would hold; `website_id`/`store_id` and the address book stay (the
/// repository keeps them when absent).
pub fn full_body(mut input: CustomerInput) -> Result<CustomerInput, ApiError> {
    if blank(&input.email) {
        return Err(ApiError::bad_request(EMAIL_MISSING));
    }
    if blank(&input.firstname) {
        return Err(ApiError::required("firstname"));
    }
    if blank(&input.lastname) {
        return Err(ApiError::required("lastname"));
    }
    for field in [
        &mut input.middlename,
        &mut input.prefix,
        &mut input.suffix,
        &mut input.taxvat,
    ] {
        field.get_or_insert(None);
    }
    input.dob.get_or_insert(None);
    input.gender.get_or_insert(None);
    input.group_id.get_or_insert(1);
    Ok(input)
}

/// Overwrites the customer-row fields the input carries (`Some`); `Some(None)` clears.
/// Addresses and the newsletter flag are handled by the caller.
pub fn apply(c: &mut Customer, i: CustomerInput) {
    let opt = |v: Option<String>| v.as_deref().map(text);
    if let Some(v) = i.email {
        c.email = text(&v);
    }
    if let Some(v) = i.firstname {
        c.firstname = text(&v);
    }
    if let Some(v) = i.lastname {
        c.lastname = text(&v);
    }
    if let Some(v) = i.middlename {
        c.middlename = opt(v);
    }
    if let Some(v) = i.prefix {
        c.prefix = opt(v);
    }
    if let Some(v) = i.suffix {
        c.suffix = opt(v);
    }
    if let Some(v) = i.taxvat {
        c.taxvat = opt(v);
    }
    if let Some(v) = i.website_id {
        c.website_id = v;
    }
    if let Some(v) = i.store_id {
        c.store_id = v;
    }
    if let Some(v) = i.group_id {
        c.group_id = v;
    }
    if let Some(v) = i.gender {
        c.gender = v;
    }
    if let Some(v) = i.dob {
        c.dob = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CustomerInput {
        CustomerInput {
            email: Some("a@example.com".into()),
            firstname: Some("A".into()),
            lastname: Some("B".into()),
            middlename: None,
            prefix: None,
            suffix: None,
            taxvat: None,
            website_id: None,
            store_id: None,
            group_id: None,
            gender: None,
            dob: None,
            addresses: None,
            is_subscribed: None,
            default_billing: None,
            default_shipping: None,
        }
    }

    #[test]
    fn a_full_body_clears_what_it_omits_and_keeps_scope_and_addresses() {
        let full = full_body(input()).unwrap();
        assert_eq!(
            (full.middlename, full.prefix, full.suffix, full.taxvat),
            (Some(None), Some(None), Some(None), Some(None))
        );
        assert_eq!((full.dob, full.gender), (Some(None), Some(None)));
        assert_eq!(full.group_id, Some(1));
        assert_eq!((full.website_id, full.store_id), (None, None));
        assert!(full.addresses.is_none() && full.is_subscribed.is_none());
    }

    #[test]
    fn a_full_body_needs_email_first_then_names() {
        let mut i = input();
        i.email = None;
        i.firstname = None;
        assert_eq!(full_body(i).unwrap_err().message, EMAIL_MISSING);
        let mut i = input();
        i.email = Some("  ".into());
        assert_eq!(full_body(i).unwrap_err().message, EMAIL_MISSING);
        let mut i = input();
        i.lastname = None;
        assert_eq!(full_body(i).unwrap_err(), ApiError::required("lastname"));
    }
}
