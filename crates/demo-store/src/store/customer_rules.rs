//! What Magento checks when a customer is saved (`POST /V1/customers`, `PUT
//! /V1/customers/{id}`), with its raw messages. The checks run on the customer as it would
//! be stored (after a partial PUT's merge), before anything changes, and the first failure
//! is the answer: e-mail (format, then uniqueness per website, as the resource model's
//! `_beforeSave` does first), group, the customer's own fields, then each address.

use chrono::NaiveDate;

use super::Store;
use super::address_rules::country_problems;
use crate::error::ApiError;
use crate::model::{Customer, Postal};

/// The `varchar(255)` limit of names, street lines, city, telephone and taxvat.
pub(crate) const MAX_TEXT: usize = 255;

/// `"%1" length must be equal or less than %2 characters.` with the attribute's frontend
/// label (what the EAV text validator names), counting characters as `mb_strlen` does.
fn check_length(label: &str, value: &str) -> Result<(), ApiError> {
    if value.chars().count() <= MAX_TEXT {
        return Ok(());
    }
    Err(
        ApiError::bad_request("\"%1\" length must be equal or less than %2 characters.")
            .positional(vec![label.into(), MAX_TEXT.into()]),
    )
}

/// `Customer/Model/Validator/Dob`: a birthday may be today, not later.
fn check_dob(dob: Option<NaiveDate>, today: NaiveDate) -> Result<(), ApiError> {
    match dob {
        Some(d) if d > today => Err(ApiError::bad_request(
            "The Date of Birth should not be greater than today.",
        )),
        _ => Ok(()),
    }
}

fn check_customer_fields(c: &Customer, today: NaiveDate) -> Result<(), ApiError> {
    check_length("First Name", &c.firstname)?;
    check_length("Last Name", &c.lastname)?;
    check_length("Tax/VAT Number", c.taxvat.as_deref().unwrap_or(""))?;
    check_dob(c.dob, today)
}

/// An address book entry: the directory rules (known country, region when required),
/// then lengths. Required fields were refused while the body was read.
fn check_address(store: &Store, p: &Postal) -> Result<(), ApiError> {
    if let Some(problem) = country_problems(&store.catalog, p).first() {
        return Err(problem.error());
    }
    check_length("First Name", &p.firstname)?;
    check_length("Last Name", &p.lastname)?;
    for line in &p.street {
        check_length("Street Address", line)?;
    }
    check_length("City", &p.city)?;
    check_length("Phone Number", &p.telephone)
}

impl Store {
    /// Validates a customer about to be saved with `addresses` as its address book.
    /// `before` is the stored customer (None on create): an unchanged e-mail is not
    /// re-checked, so old generated data never blocks an unrelated edit.
    pub(crate) fn check_customer_save(
        &self,
        before: Option<&Customer>,
        after: &Customer,
        addresses: &[&Postal],
    ) -> Result<(), ApiError> {
        let email_changed = before.is_none_or(|b| {
            b.email.to_lowercase() != after.email.to_lowercase() || b.website_id != after.website_id
        });
        if email_changed {
            self.check_email(after.website_id, &after.email, before.map(|b| b.id))?;
        }
        // GroupRepository::getById: a NoSuchEntityException, which the web API answers 404.
        if self.catalog.customer_group(after.group_id).is_none() {
            return Err(ApiError::no_such_entity("id", after.group_id));
        }
        let today = self.now().to_datetime().date_naive();
        check_customer_fields(after, today)?;
        addresses.iter().try_for_each(|p| check_address(self, p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lengths_count_characters_and_name_the_label() {
        assert!(check_length("City", &"é".repeat(255)).is_ok());
        let e = check_length("City", &"a".repeat(256)).unwrap_err();
        assert_eq!(
            e.body(),
            json!({"message": "\"%1\" length must be equal or less than %2 characters.",
                   "parameters": ["City", 255]})
        );
        assert_eq!(e.status, 400);
    }

    #[test]
    fn a_birthday_may_be_today_but_not_tomorrow() {
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        assert!(check_dob(Some(today), today).is_ok());
        assert!(check_dob(None, today).is_ok());
        let e = check_dob(today.succ_opt(), today).unwrap_err();
        assert_eq!(
            e.body(),
            json!({"message": "The Date of Birth should not be greater than today."})
        );
    }
}
