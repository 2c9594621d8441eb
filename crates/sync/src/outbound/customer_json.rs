//! Between Magento's customer JSON and the merge's terms: reading the store's customer into a
//! [`RemoteCustomer`], and writing the merged result back as the body of a save, either only
//! the keys that change (Magento 2.4.1+) or the whole customer (2.4.0 and older).

use domain::actions::{AddressInput, NewCustomer};
use domain::customer_edit::{CustomerField, Merged, RemoteAddress, RemoteCustomer};
use serde_json::{Map, Value, json};

/// Text of a JSON value as the merge compares it (numbers in decimal, `0`/empty as none for
/// the optional numbers).
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn field_text(customer: &Value, field: CustomerField) -> Option<String> {
    let raw = text(customer.get(field.as_str()));
    match field {
        // Magento answers `1990-02-01` or `1990-02-01 00:00:00`.
        CustomerField::Dob => raw.map(|d| d.chars().take(10).collect()),
        // Gender 0 is "not set".
        CustomerField::Gender => raw.filter(|g| g != "0"),
        _ => raw,
    }
}

fn flag(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => s == "1" || s == "true",
        _ => false,
    }
}

fn address_values(a: &Value) -> AddressInput {
    let region = a.get("region");
    let region_id = text(a.get("region_id"))
        .or_else(|| text(region.and_then(|r| r.get("region_id"))))
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|r| *r > 0);
    let region_text = match region {
        Some(Value::String(s)) => Some(s.clone()),
        Some(r) => text(r.get("region")),
        None => None,
    };
    AddressInput {
        firstname: text(a.get("firstname")).unwrap_or_default(),
        lastname: text(a.get("lastname")).unwrap_or_default(),
        company: text(a.get("company")),
        street: match a.get("street") {
            Some(Value::Array(lines)) => lines
                .iter()
                .filter_map(|l| l.as_str().map(str::to_owned))
                .collect(),
            Some(Value::String(s)) => s.lines().map(str::to_owned).collect(),
            _ => vec![],
        },
        city: text(a.get("city")).unwrap_or_default(),
        // With a region id the text is the list's name: compare ids only.
        region: if region_id.is_some() {
            None
        } else {
            region_text.filter(|r| !r.trim().is_empty())
        },
        region_id,
        postcode: text(a.get("postcode")).unwrap_or_default(),
        country_id: text(a.get("country_id")).unwrap_or_default(),
        telephone: text(a.get("telephone")).unwrap_or_default(),
        email: None,
    }
}

/// The store's customer in the merge's terms.
pub fn remote(customer: &Value) -> RemoteCustomer {
    let default_id = |key: &str| text(customer.get(key)).and_then(|v| v.parse::<i64>().ok());
    let (billing, shipping) = (
        default_id("default_billing"),
        default_id("default_shipping"),
    );
    let addresses = customer
        .get("addresses")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|a| {
                    let id = text(a.get("id"))?.parse::<i64>().ok()?;
                    Some(RemoteAddress {
                        magento_id: id,
                        values: address_values(a),
                        default_billing: flag(a.get("default_billing")) || billing == Some(id),
                        default_shipping: flag(a.get("default_shipping")) || shipping == Some(id),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    RemoteCustomer {
        fields: CustomerField::ALL
            .into_iter()
            .map(|f| (f, field_text(customer, f)))
            .collect(),
        addresses,
    }
}

fn field_json(field: CustomerField, value: &Option<String>) -> Value {
    match value {
        None => Value::Null,
        Some(v) if field.is_integer() => v.parse::<i64>().map(Value::from).unwrap_or(Value::Null),
        Some(v) => Value::String(v.clone()),
    }
}

/// The modelled keys of an address, written over `into` (the store's own object for a kept
/// address, so keys Cartwise does not model, like `vat_id` or custom attributes, survive).
fn write_address(into: &mut Map<String, Value>, a: &AddressInput) {
    into.insert("firstname".into(), json!(a.firstname));
    into.insert("lastname".into(), json!(a.lastname));
    match &a.company {
        Some(c) => into.insert("company".into(), json!(c)),
        None => into.remove("company"),
    };
    into.insert("street".into(), json!(a.street));
    into.insert("city".into(), json!(a.city));
    into.insert("postcode".into(), json!(a.postcode));
    into.insert("country_id".into(), json!(a.country_id));
    into.insert("telephone".into(), json!(a.telephone));
    match (a.region_id, &a.region) {
        (Some(id), _) => {
            into.insert("region_id".into(), json!(id));
            into.insert("region".into(), json!({ "region_id": id }));
        }
        (None, Some(text)) => {
            into.insert("region_id".into(), json!(0));
            into.insert("region".into(), json!({ "region": text, "region_id": 0 }));
        }
        (None, None) => {
            into.remove("region_id");
            into.remove("region");
        }
    }
}

/// The address book to send: every address the customer keeps, with its id (an id left out
/// would be deleted by Magento), the new ones without.
fn address_book(
    remote_json: &Value,
    customer_id: i64,
    merged: &[domain::customer_edit::MergedAddress],
) -> Value {
    let stored = remote_json.get("addresses").and_then(Value::as_array);
    let mut out = Vec::with_capacity(merged.len());
    for a in merged {
        let original = a.magento_id.and_then(|id| {
            stored?
                .iter()
                .find(|s| text(s.get("id")).and_then(|v| v.parse::<i64>().ok()) == Some(id))
        });
        let mut obj = match original {
            Some(Value::Object(o)) if address_values(&Value::Object(o.clone())) == a.values => {
                o.clone()
            }
            Some(Value::Object(o)) => {
                let mut o = o.clone();
                write_address(&mut o, &a.values);
                o
            }
            _ => {
                let mut o = Map::new();
                write_address(&mut o, &a.values);
                o
            }
        };
        match a.magento_id {
            Some(id) => obj.insert("id".into(), json!(id)),
            None => obj.remove("id"),
        };
        obj.insert("customer_id".into(), json!(customer_id));
        obj.insert("default_billing".into(), json!(a.default_billing));
        obj.insert("default_shipping".into(), json!(a.default_shipping));
        out.push(Value::Object(obj));
    }
    Value::Array(out)
}

/// The body of a save on Magento 2.4.1+: the customer's id and only the keys that change.
pub fn partial(customer_id: i64, remote_json: &Value, merged: &Merged) -> Value {
    let mut body = Map::new();
    body.insert("id".into(), json!(customer_id));
    for (field, value) in &merged.fields {
        body.insert(field.as_str().into(), field_json(*field, value));
    }
    if let Some(book) = &merged.addresses {
        body.insert(
            "addresses".into(),
            address_book(remote_json, customer_id, book),
        );
    }
    Value::Object(body)
}

/// The body of a save on Magento 2.4.0 and older, which saves what it is given as the whole
/// customer: the store's customer as just read, with the merged changes applied. The
/// newsletter flag is left out (a save sends it only when the user changed it), and the
/// address book unless it changes (absent, the store keeps it).
pub fn full(customer_id: i64, remote_json: &Value, merged: &Merged) -> Value {
    let mut body = remote_json.as_object().cloned().unwrap_or_default();
    body.insert("id".into(), json!(customer_id));
    for (field, value) in &merged.fields {
        body.insert(field.as_str().into(), field_json(*field, value));
    }
    match &merged.addresses {
        Some(book) => {
            body.insert(
                "addresses".into(),
                address_book(remote_json, customer_id, book),
            );
        }
        None => {
            body.remove("addresses");
        }
    }
    strip_subscription(&mut body);
    Value::Object(body)
}

fn strip_subscription(body: &mut Map<String, Value>) {
    if let Some(Value::Object(ext)) = body.get_mut("extension_attributes") {
        ext.remove("is_subscribed");
        if ext.is_empty() {
            body.remove("extension_attributes");
        }
    }
}

/// The body that sets only the newsletter flag: the store's other extension attributes are
/// sent back as they are (2.4.1+ replaces `extension_attributes` as a whole value).
pub fn subscription(customer_id: i64, remote_json: &Value, subscribe: bool, whole: bool) -> Value {
    let mut ext = remote_json
        .get("extension_attributes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    ext.insert("is_subscribed".into(), json!(subscribe));
    let mut body = if whole {
        let mut b = remote_json.as_object().cloned().unwrap_or_default();
        b.remove("addresses");
        b
    } else {
        Map::new()
    };
    body.insert("id".into(), json!(customer_id));
    body.insert("extension_attributes".into(), Value::Object(ext));
    Value::Object(body)
}

/// Whether the store's customer is subscribed (status 1) by its `is_subscribed` flag.
pub fn is_subscribed(remote_json: &Value) -> bool {
    flag(
        remote_json
            .get("extension_attributes")
            .and_then(|e| e.get("is_subscribed")),
    )
}

/// `POST /V1/customers`'s `customer`.
pub fn new_customer(new: &NewCustomer) -> Value {
    let mut body = Map::new();
    body.insert("email".into(), json!(new.email.trim()));
    body.insert("firstname".into(), json!(new.firstname.trim()));
    body.insert("lastname".into(), json!(new.lastname.trim()));
    body.insert("website_id".into(), json!(new.website_id));
    body.insert("store_id".into(), json!(new.store_id));
    body.insert("group_id".into(), json!(new.group_id));
    if let Some(dob) = new.dob.as_deref().filter(|d| !d.trim().is_empty()) {
        body.insert("dob".into(), json!(dob.trim()));
    }
    if let Some(g) = new.gender {
        body.insert("gender".into(), json!(g));
    }
    if let Some(t) = new.taxvat.as_deref().filter(|t| !t.trim().is_empty()) {
        body.insert("taxvat".into(), json!(t.trim()));
    }
    if let Some(a) = &new.address {
        let mut o = Map::new();
        write_address(&mut o, a);
        o.insert("default_billing".into(), json!(true));
        o.insert("default_shipping".into(), json!(true));
        body.insert("addresses".into(), json!([Value::Object(o)]));
    }
    if new.subscribe {
        body.insert(
            "extension_attributes".into(),
            json!({ "is_subscribed": true }),
        );
    }
    Value::Object(body)
}

/// Magento 2.4.7 before -p4 (#38878) refuses addresses carrying default flags in a customer
/// save with this message, naming the flag.
pub fn refuses_default_flags(e: &magento::Error) -> bool {
    e.store_message().is_some_and(|m| {
        m.message.trim() == "The %fieldName value is invalid. Set the correct value and try again."
            && m.parameters
                .as_ref()
                .and_then(|p| p.get("fieldName"))
                .and_then(Value::as_str)
                .is_some_and(|f| f == "default_billing" || f == "default_shipping")
    })
}

/// A default to set after the save: on a kept address (by id, in the same body) or on a new one
/// (found once the store has given it an id).
#[derive(Clone, Debug, PartialEq)]
pub enum PendingDefault {
    New(&'static str, AddressInput),
}

/// The same save without default flags on its addresses: kept addresses' defaults move to the
/// customer's `default_billing`/`default_shipping` ids; a new address's default is returned, to
/// be set once it has an id.
pub fn without_default_flags(mut body: Value) -> (Value, Vec<PendingDefault>) {
    let mut pending = Vec::new();
    let Some(customer) = body.as_object_mut() else {
        return (body, pending);
    };
    let mut by_id: Vec<(&'static str, i64)> = Vec::new();
    if let Some(Value::Array(book)) = customer.get_mut("addresses") {
        for key in ["default_billing", "default_shipping"] {
            for a in book.iter_mut() {
                let Some(obj) = a.as_object_mut() else {
                    continue;
                };
                if flag(obj.get(key)) {
                    match text(obj.get("id")).and_then(|v| v.parse::<i64>().ok()) {
                        Some(id) => by_id.push((key, id)),
                        None => pending.push(PendingDefault::New(
                            key,
                            address_values(&Value::Object(obj.clone())),
                        )),
                    }
                }
                obj.remove(key);
            }
        }
    }
    for (key, id) in by_id {
        customer.insert(key.into(), json!(id.to_string()));
    }
    (body, pending)
}

/// The id of the address of `customer` (the store's JSON) with these values, not among `known`.
pub fn new_address_id(customer: &Value, values: &AddressInput, known: &[i64]) -> Option<i64> {
    remote(customer)
        .addresses
        .into_iter()
        .filter(|a| !known.contains(&a.magento_id))
        .find(|a| a.values == *values)
        .map(|a| a.magento_id)
}

/// Magento 2.4.0 and older refuse a save without the email with this message (2.1 and 2.2
/// with the second): the sign that the store wants the whole customer.
pub fn wants_whole_customer(e: &magento::Error) -> bool {
    e.store_message().is_some_and(|m| {
        let raw = m.message.trim();
        raw == "The customer email is missing. Enter and try again."
            || raw == "Please enter a customer email."
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::customer_edit::MergedAddress;

    fn stored() -> Value {
        json!({
            "id": 5, "email": "a@x.com", "firstname": "Ann", "lastname": "Lee", "gender": 0,
            "dob": "1990-02-01 00:00:00", "group_id": 1, "website_id": 1, "store_id": 1,
            "default_billing": "7",
            "extension_attributes": {"is_subscribed": true, "company_attributes": {"x": 1}},
            "addresses": [{
                "id": 7, "customer_id": 5, "firstname": "Ann", "lastname": "Lee",
                "street": ["1 Main St"], "city": "Springfield", "postcode": "12345",
                "country_id": "US", "telephone": "555", "vat_id": "V1",
                "region": {"region": "Texas", "region_code": "TX", "region_id": 57}, "region_id": 57,
                "default_billing": true
            }]
        })
    }

    #[test]
    fn the_stores_customer_reads_into_the_merges_terms() {
        let r = remote(&stored());
        assert_eq!(r.field(CustomerField::Dob), Some("1990-02-01"));
        assert_eq!(r.field(CustomerField::Gender), None, "0 is not set");
        assert_eq!(r.field(CustomerField::GroupId), Some("1"));
        assert_eq!(r.addresses.len(), 1);
        assert_eq!(r.addresses[0].values.region_id, Some(57));
        assert!(r.addresses[0].default_billing && !r.addresses[0].default_shipping);
        assert!(is_subscribed(&stored()));
    }

    #[test]
    fn a_partial_save_sends_only_what_changes_and_keeps_unmodelled_address_keys() {
        let mut merged = Merged {
            fields: vec![
                (CustomerField::GroupId, Some("2".into())),
                (CustomerField::Taxvat, None),
            ],
            ..Merged::default()
        };
        let body = partial(5, &stored(), &merged);
        assert_eq!(body, json!({"id": 5, "group_id": 2, "taxvat": null}));
        let mut edited = remote(&stored()).addresses[0].values.clone();
        edited.telephone = "777".into();
        merged.addresses = Some(vec![
            MergedAddress {
                magento_id: Some(7),
                values: edited,
                default_billing: true,
                default_shipping: false,
            },
            MergedAddress {
                magento_id: None,
                values: remote(&stored()).addresses[0].values.clone(),
                default_billing: false,
                default_shipping: true,
            },
        ]);
        let body = partial(5, &stored(), &merged);
        let book = body["addresses"].as_array().unwrap();
        assert_eq!(book[0]["id"], json!(7));
        assert_eq!(book[0]["telephone"], json!("777"));
        assert_eq!(
            book[0]["vat_id"],
            json!("V1"),
            "a key Cartwise does not model survives"
        );
        assert!(book[1].get("id").is_none());
        assert_eq!(book[1]["default_shipping"], json!(true));
    }

    #[test]
    fn a_whole_save_is_the_stores_customer_with_the_changes() {
        let merged = Merged {
            fields: vec![(CustomerField::Lastname, Some("Ray".into()))],
            ..Merged::default()
        };
        let body = full(5, &stored(), &merged);
        assert_eq!(body["lastname"], json!("Ray"));
        assert_eq!(body["email"], json!("a@x.com"));
        assert!(body.get("addresses").is_none(), "the book is left alone");
        assert!(body["extension_attributes"].get("is_subscribed").is_none());
        assert_eq!(
            body["extension_attributes"]["company_attributes"],
            json!({"x": 1})
        );
        let sub = subscription(5, &stored(), false, false);
        assert_eq!(sub["extension_attributes"]["is_subscribed"], json!(false));
        assert_eq!(
            sub["extension_attributes"]["company_attributes"],
            json!({"x": 1})
        );
        assert!(sub.get("email").is_none());
    }
}
