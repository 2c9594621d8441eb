//! Magento's quote address validators (`Customer/Model/Address/Validator/General.php`, then
//! `Country.php`): the messages come back rendered, as they are inside the wrappers
//! `Please check the shipping address information. %1` and
//! `The shipping information was unable to be saved. Error: "%message"`.

use crate::model::{Catalog, Postal, RegionRef};

fn required(field: &str) -> String {
    format!("\"{field}\" is required. Enter and try again.")
}

fn invalid(field: &str, value: &str) -> String {
    format!("Invalid value of \"{value}\" provided for the {field} field.")
}

/// Every message for an address, in Magento's order: firstname, lastname, street, city,
/// telephone, postcode (unless the country's postcode is optional), countryId, region.
/// `None` is a quote's empty address row.
pub(crate) fn address_messages(catalog: &Catalog, postal: Option<&Postal>) -> Vec<String> {
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
        .map(required)
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
            out.push(required(field));
        }
    }
    if p.country_id.is_empty() {
        out.push(required("countryId"));
    } else if country.is_none() {
        out.push(invalid("countryId", &p.country_id));
    }
    // Region rules need the country's region list; an unknown country has none.
    if let Some(c) = country {
        let region_id = match &p.region {
            RegionRef::Known(id) => Some(*id),
            _ => None,
        };
        let has_text = matches!(&p.region, RegionRef::Free(t) if !t.trim().is_empty());
        if c.region_required && c.regions.is_empty() && !has_text && region_id.is_none() {
            out.push(required("region"));
        } else if !c.regions.is_empty() && region_id.is_none() && c.region_required {
            out.push(required("regionId"));
        } else if let Some(id) = region_id
            && !c.regions.is_empty()
            && !c.regions.iter().any(|r| r.id == id)
        {
            out.push(invalid("regionId", &id.to_string()));
        }
    }
    out
}

/// The messages joined as QuoteValidator and ShippingInformationManagement join them.
pub(crate) fn address_errors(catalog: &Catalog, postal: Option<&Postal>) -> Option<String> {
    let messages = address_messages(catalog, postal);
    (!messages.is_empty()).then(|| messages.join(" "))
}
