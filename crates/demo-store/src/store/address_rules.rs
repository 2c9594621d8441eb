//! Magento's address validators (`Customer/Model/Address/Validator/General.php`, then
//! `Country.php`). Quote addresses get every message back rendered, as they are inside the
//! wrappers `Please check the shipping address information. %1` and `The shipping
//! information was unable to be saved. Error: "%message"`; customer saves answer the first
//! country/region problem as a raw `{message, parameters}` error.

use crate::error::ApiError;
use crate::model::{Catalog, Country, Postal, RegionRef};

/// One validator finding, kept structured so it can be rendered or raised.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum AddressProblem {
    /// `"%fieldName" is required. Enter and try again.`
    Required(&'static str),
    /// `Invalid value of "%value" provided for the %fieldName field.`
    Invalid(&'static str, String),
}

impl AddressProblem {
    /// The rendered text, as QuoteValidator joins it.
    pub(crate) fn message(&self) -> String {
        match self {
            AddressProblem::Required(field) => {
                format!("\"{field}\" is required. Enter and try again.")
            }
            AddressProblem::Invalid(field, value) => {
                format!("Invalid value of \"{value}\" provided for the {field} field.")
            }
        }
    }

    /// The raw 400 a repository save throws (InputException with named parameters).
    pub(crate) fn error(&self) -> ApiError {
        match self {
            AddressProblem::Required(field) => ApiError::required(field),
            AddressProblem::Invalid(field, value) => ApiError::invalid_value(field, value.clone()),
        }
    }
}

/// Every problem of an address, in Magento's order: firstname, lastname, street, city,
/// telephone, postcode (unless the country's postcode is optional), countryId, region.
/// `None` is a quote's empty address row.
pub(crate) fn address_problems(catalog: &Catalog, postal: Option<&Postal>) -> Vec<AddressProblem> {
    use AddressProblem::Required;
    let Some(p) = postal else {
        return [
            "firstname",
            "lastname",
            "street",
            "city",
            "telephone",
            "postcode",
            "countryId",
        ]
        .map(Required)
        .to_vec();
    };
    let country = catalog.country(&p.country_id);
    let mut out = Vec::new();
    for (field, empty) in [
        ("firstname", p.firstname.trim().is_empty()),
        ("lastname", p.lastname.trim().is_empty()),
        (
            "street",
            p.street.first().is_none_or(|s| s.trim().is_empty()),
        ),
        ("city", p.city.trim().is_empty()),
        ("telephone", p.telephone.trim().is_empty()),
        (
            "postcode",
            p.postcode.trim().is_empty() && !country.is_some_and(|c| c.postcode_optional),
        ),
    ] {
        if empty {
            out.push(Required(field));
        }
    }
    out.extend(country_problems(catalog, p));
    out
}

/// `Country.php` alone: the country is known, and the region is there when the country
/// requires one and belongs to the country when given.
pub(crate) fn country_problems(catalog: &Catalog, p: &Postal) -> Vec<AddressProblem> {
    use AddressProblem::{Invalid, Required};
    if p.country_id.is_empty() {
        return vec![Required("countryId")];
    }
    // Region rules need the country's region list; an unknown country has none.
    match catalog.country(&p.country_id) {
        None => vec![Invalid("countryId", p.country_id.to_string())],
        Some(c) => region_problem(c, p).into_iter().collect(),
    }
}

fn region_problem(c: &Country, p: &Postal) -> Option<AddressProblem> {
    use AddressProblem::{Invalid, Required};
    let region_id = match &p.region {
        RegionRef::Known(id) => Some(*id),
        _ => None,
    };
    let has_text = matches!(&p.region, RegionRef::Free(t) if !t.trim().is_empty());
    if c.region_required && c.regions.is_empty() && !has_text && region_id.is_none() {
        Some(Required("region"))
    } else if !c.regions.is_empty() && region_id.is_none() && c.region_required {
        Some(Required("regionId"))
    } else if let Some(id) = region_id
        && !c.regions.is_empty()
        && !c.regions.iter().any(|r| r.id == id)
    {
        Some(Invalid("regionId", id.to_string()))
    } else {
        None
    }
}

/// Every message for an address, rendered (see `address_problems`).
pub(crate) fn address_messages(catalog: &Catalog, postal: Option<&Postal>) -> Vec<String> {
    address_problems(catalog, postal)
        .iter()
        .map(AddressProblem::message)
        .collect()
}

/// The messages joined as QuoteValidator and ShippingInformationManagement join them.
pub(crate) fn address_errors(catalog: &Catalog, postal: Option<&Postal>) -> Option<String> {
    let messages = address_messages(catalog, postal);
    (!messages.is_empty()).then(|| messages.join(" "))
}
