//! Request bodies to model values: addresses (quote and customer shapes) and customers.

use chrono::NaiveDate;
use serde_json::Value;

use super::request::{bool_field, field, int_field, str_field};
use crate::error::ApiError;
use crate::model::{Catalog, Postal, QuoteAddress, RegionRef, text};
use crate::store::{NewAddress, NewCustomer};

/// Street arrives as an array of lines (or, leniently, one string).
fn street(obj: &Value) -> Vec<crate::model::Text> {
    match field(obj, "street") {
        Some(Value::Array(lines)) => lines.iter().filter_map(Value::as_str).map(text).collect(),
        Some(Value::String(s)) => vec![text(s)],
        _ => Vec::new(),
    }
}

/// Region from `region_id`, `region_code` or the region text; customer addresses send an
/// object `{region, region_code, region_id}`, quote addresses flat keys. `keep_unknown`
/// keeps a region id the directory lacks, for the address validator to name.
fn region(
    catalog: &Catalog,
    obj: &Value,
    country: &str,
    keep_unknown: bool,
) -> Result<RegionRef, ApiError> {
    let nested = field(obj, "region").filter(|v| v.is_object());
    let source = nested.unwrap_or(obj);
    let id = int_field(source, "region_id")?
        .or(int_field(obj, "region_id")?)
        .unwrap_or(0);
    if id > 0
        && let Some(r) = catalog.region(id as u32)
    {
        return Ok(RegionRef::Known(r.id));
    }
    if id > 0 && keep_unknown {
        return Ok(RegionRef::Known(id.min(u32::MAX as i64) as u32));
    }
    let code = str_field(source, "region_code").or_else(|| str_field(obj, "region_code"));
    let name = if nested.is_some() {
        str_field(source, "region")
    } else {
        str_field(obj, "region")
    };
    let regions = catalog
        .country(country)
        .map(|c| c.regions.as_slice())
        .unwrap_or(&[]);
    if let Some(r) = regions
        .iter()
        .find(|r| Some(&*r.code) == code || Some(&*r.name) == name)
    {
        return Ok(RegionRef::Known(r.id));
    }
    Ok(match name.filter(|n| !n.is_empty()) {
        Some(n) => RegionRef::Free(text(n)),
        None => RegionRef::None,
    })
}

pub fn postal(catalog: &Catalog, obj: &Value) -> Result<Postal, ApiError> {
    postal_checked(catalog, obj, true)
}

/// `strict` refuses an unknown country at once (customer addresses); quote addresses keep
/// what was sent and are judged by the address validator when it runs.
fn postal_checked(catalog: &Catalog, obj: &Value, strict: bool) -> Result<Postal, ApiError> {
    let s = |name: &str| text(str_field(obj, name).unwrap_or(""));
    let country = str_field(obj, "country_id")
        .unwrap_or("")
        .to_ascii_uppercase();
    if strict && !country.is_empty() && catalog.country(&country).is_none() {
        return Err(ApiError::invalid_value("countryId", country));
    }
    Ok(Postal {
        firstname: s("firstname"),
        lastname: s("lastname"),
        company: str_field(obj, "company")
            .filter(|c| !c.is_empty())
            .map(text),
        street: street(obj),
        city: s("city"),
        postcode: s("postcode"),
        telephone: s("telephone"),
        region: region(catalog, obj, &country, !strict)?,
        country_id: text(&country),
        vat_id: str_field(obj, "vat_id").filter(|v| !v.is_empty()).map(text),
    })
}

pub fn quote_address(catalog: &Catalog, obj: &Value) -> Result<QuoteAddress, ApiError> {
    Ok(QuoteAddress {
        postal: std::sync::Arc::new(postal_checked(catalog, obj, false)?),
        email: str_field(obj, "email").filter(|e| !e.is_empty()).map(text),
        customer_address_id: int_field(obj, "customer_address_id")?
            .filter(|id| *id > 0)
            .map(|id| id as u32),
    })
}

pub fn customer_address(catalog: &Catalog, obj: &Value) -> Result<NewAddress, ApiError> {
    let p = postal(catalog, obj)?;
    for (name, value) in [
        ("firstname", &p.firstname),
        ("lastname", &p.lastname),
        ("city", &p.city),
        ("telephone", &p.telephone),
        ("countryId", &p.country_id),
    ] {
        if value.is_empty() {
            return Err(ApiError::required(name));
        }
    }
    if p.street.iter().all(|s| s.is_empty()) {
        return Err(ApiError::required("street"));
    }
    Ok(NewAddress {
        id: int_field(obj, "id")?
            .filter(|id| *id > 0)
            .map(|id| id as u32),
        postal: p,
        default_billing: bool_field(obj, "default_billing").unwrap_or(false),
        default_shipping: bool_field(obj, "default_shipping").unwrap_or(false),
    })
}

fn dob(obj: &Value) -> Result<Option<NaiveDate>, ApiError> {
    match str_field(obj, "dob").filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ApiError::invalid_value("dob", d)),
    }
}

/// The parts of a `customer` body; `None` = not sent (PUT keeps the current value).
#[derive(Debug)]
pub struct CustomerInput {
    pub email: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub middlename: Option<Option<String>>,
    pub prefix: Option<Option<String>>,
    pub suffix: Option<Option<String>>,
    pub taxvat: Option<Option<String>>,
    pub website_id: Option<u16>,
    pub store_id: Option<u16>,
    pub group_id: Option<u16>,
    pub gender: Option<Option<u8>>,
    pub dob: Option<Option<NaiveDate>>,
    pub addresses: Option<Vec<NewAddress>>,
    pub is_subscribed: Option<bool>,
    /// Top-level `default_billing` / `default_shipping`: an address id (a string by contract).
    pub default_billing: Option<u32>,
    pub default_shipping: Option<u32>,
}

/// An address id given as a number or a numeric string.
fn address_id(obj: &Value, name: &str) -> Option<u32> {
    match field(obj, name)? {
        Value::Number(n) => n.as_u64().map(|n| n as u32),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
}

pub fn customer(catalog: &Catalog, obj: &Value) -> Result<CustomerInput, ApiError> {
    let text_of = |name: &str| str_field(obj, name).map(str::to_string);
    let optional = |name: &str| {
        field(obj, name).map(|v| v.as_str().filter(|s| !s.is_empty()).map(str::to_string))
    };
    let small = |name: &str| -> Result<Option<u16>, ApiError> {
        Ok(int_field(obj, name)?.map(|v| v.clamp(0, u16::MAX as i64) as u16))
    };
    let addresses = match field(obj, "addresses") {
        Some(Value::Array(list)) => Some(
            list.iter()
                .map(|a| customer_address(catalog, a))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        _ => None,
    };
    let is_subscribed =
        field(obj, "extension_attributes").and_then(|e| bool_field(e, "is_subscribed"));
    Ok(CustomerInput {
        email: text_of("email"),
        firstname: text_of("firstname"),
        lastname: text_of("lastname"),
        middlename: optional("middlename"),
        prefix: optional("prefix"),
        suffix: optional("suffix"),
        taxvat: optional("taxvat"),
        website_id: small("website_id")?,
        store_id: small("store_id")?,
        group_id: small("group_id")?,
        gender: field(obj, "gender")
            .map(|_| int_field(obj, "gender"))
            .transpose()?
            .map(|g| g.map(|g| g as u8)),
        dob: field(obj, "dob").map(|_| dob(obj)).transpose()?,
        addresses,
        is_subscribed,
        default_billing: address_id(obj, "default_billing"),
        default_shipping: address_id(obj, "default_shipping"),
    })
}

impl CustomerInput {
    pub fn into_new(self, default_store: u16, catalog: &Catalog) -> NewCustomer {
        let store_id = self.store_id.unwrap_or(default_store);
        let website_id = self
            .website_id
            .unwrap_or_else(|| catalog.website_of_store(store_id).id);
        NewCustomer {
            email: self.email.unwrap_or_default(),
            firstname: self.firstname.unwrap_or_default(),
            lastname: self.lastname.unwrap_or_default(),
            website_id,
            store_id,
            group_id: self.group_id.unwrap_or(1),
            middlename: self.middlename.flatten(),
            prefix: self.prefix.flatten(),
            suffix: self.suffix.flatten(),
            dob: self.dob.flatten(),
            gender: self.gender.flatten(),
            taxvat: self.taxvat.flatten(),
            addresses: self.addresses.unwrap_or_default(),
            is_subscribed: self.is_subscribed,
        }
    }
}
