//! Customer saves as Magento does them (store-actions.md §2.1–2.2): 2.4.1+ partial PUT and
//! <= 2.4.0 full PUT, the `addresses` array as the whole address book, e-mail uniqueness per
//! website, and the validation messages of `POST`/`PUT /V1/customers`.

use chrono::NaiveDate;
use demo_store::{CustomerConfig, DemoStoreConfig, text};
use serde_json::{Value, json};

use crate::helpers::{TestStore, config, spawn, spawn_scale};

const DUPLICATE: &str =
    "A customer with the same email address already exists in an associated website.";
const EMAIL_MISSING: &str = "The customer email is missing. Enter and try again.";
const REQUIRED: &str = "\"%fieldName\" is required. Enter and try again.";
const INVALID: &str = "Invalid value of \"%value\" provided for the %fieldName field.";
const NO_SUCH: &str = "No such entity with %fieldName = %fieldValue";
const TOO_LONG: &str = "\"%1\" length must be equal or less than %2 characters.";

/// A website-1 customer with at least `addresses` addresses, its optional fields all set
/// and group 2 (so a full PUT has something to clear).
fn filled_customer(store: &TestStore, addresses: usize) -> u32 {
    let state = store.handle.state();
    let mut s = state.write();
    let id = s
        .customers
        .iter()
        .find(|c| c.website_id == 1 && c.addresses.len() >= addresses)
        .map(|c| c.id)
        .expect("a customer with addresses");
    s.update_customer(id, |c| {
        c.middlename = Some(text("Q."));
        c.prefix = Some(text("Dr."));
        c.suffix = Some(text("Jr."));
        c.dob = NaiveDate::from_ymd_opt(1980, 2, 29);
        c.gender = Some(2);
        c.taxvat = Some(text("FR12345678901"));
        c.group_id = 2;
    })
    .unwrap();
    id
}

/// `base` with `patch`'s top-level keys written over it.
fn with(base: &Value, patch: &Value) -> Value {
    let mut out = base.clone();
    for (k, v) in patch.as_object().expect("object") {
        out[k] = v.clone();
    }
    out
}

fn us_address() -> Value {
    json!({"firstname": "Ann", "lastname": "Lee", "street": ["1 Main St"], "city": "Austin",
           "postcode": "78701", "telephone": "555-0100", "country_id": "US",
           "region": {"region_id": 57}})
}

async fn set_full_put(store: &TestStore, on: bool) {
    store.control("customers", json!({ "full_put": on })).await;
}

#[tokio::test]
async fn partial_put_overwrites_only_the_keys_sent() {
    let store = spawn_scale(100).await;
    let id = filled_customer(&store, 1);
    let path = format!("customers/{id}");
    let before = store.ok(&path).await;
    store.handle.state().read().advance_clock(5);

    let (status, after) = store
        .put(&path, json!({"customer": {"lastname": "Partial"}}))
        .await;
    assert_eq!(status, 200, "{after}");
    // A customer-row change: `updated_at` moves, nothing else but the key sent.
    assert_ne!(after["updated_at"], before["updated_at"]);
    let expected = with(
        &before,
        &json!({"lastname": "Partial", "updated_at": after["updated_at"]}),
    );
    assert_eq!(after, expected);
}

#[tokio::test]
async fn full_put_clears_the_optional_fields_it_omits_and_resets_the_group() {
    // Set at start, as `--full-put` does.
    let store = spawn(DemoStoreConfig {
        customers: CustomerConfig {
            full_put: true,
            newsletter_confirm: false,
            ..CustomerConfig::default()
        },
        ..config(100)
    })
    .await;
    let id = filled_customer(&store, 1);
    let path = format!("customers/{id}");
    let before = store.ok(&path).await;
    let body = json!({"customer": {"email": before["email"], "firstname": "Full",
                                   "lastname": before["lastname"]}});
    let (status, after) = store.put(&path, body).await;
    assert_eq!(status, 200, "{after}");

    let mut expected = with(
        &before,
        &json!({"firstname": "Full", "group_id": 1, "updated_at": after["updated_at"]}),
    );
    for cleared in ["middlename", "prefix", "suffix", "dob", "gender", "taxvat"] {
        expected.as_object_mut().unwrap().remove(cleared);
    }
    // website_id, store_id, the address book and its defaults stay.
    assert_eq!(after, expected);
}

#[tokio::test]
async fn full_put_without_email_or_names_is_refused_and_changes_nothing() {
    let store = spawn_scale(100).await;
    set_full_put(&store, true).await;
    let id = filled_customer(&store, 0);
    let path = format!("customers/{id}");
    let before = store.ok(&path).await;
    let (email, first, last) = (&before["email"], &before["firstname"], &before["lastname"]);

    for (body, expected) in [
        (
            json!({"firstname": "X", "lastname": "Y"}),
            json!({"message": EMAIL_MISSING}),
        ),
        (
            json!({"email": "", "firstname": "X", "lastname": "Y"}),
            json!({"message": EMAIL_MISSING}),
        ),
        (
            json!({"email": email, "lastname": last}),
            json!({"message": REQUIRED, "parameters": {"fieldName": "firstname"}}),
        ),
        (
            json!({"email": email, "firstname": first}),
            json!({"message": REQUIRED, "parameters": {"fieldName": "lastname"}}),
        ),
    ] {
        let (status, answer) = store.put(&path, json!({ "customer": body })).await;
        assert_eq!((status.as_u16(), answer), (400, expected), "{body}");
    }
    assert_eq!(store.ok(&path).await, before);

    // Back to 2.4.1+: the same e-mail-less body is a partial update.
    set_full_put(&store, false).await;
    let (status, after) = store
        .put(&path, json!({"customer": {"firstname": "X"}}))
        .await;
    assert_eq!((status.as_u16(), &after["firstname"]), (200, &json!("X")));
    assert_eq!(after["middlename"], "Q.");
}

#[tokio::test]
async fn a_full_put_of_the_stored_customer_changes_nothing() {
    let store = spawn_scale(100).await;
    set_full_put(&store, true).await;
    let id = filled_customer(&store, 2);
    let path = format!("customers/{id}");
    let before = store.ok(&path).await;
    store.handle.state().read().advance_clock(5);
    let (status, after) = store.put(&path, json!({ "customer": before })).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after, before, "same values, same updated_at");
}

#[tokio::test]
async fn addresses_sent_are_the_whole_address_book() {
    let store = spawn_scale(300).await;
    let id = filled_customer(&store, 2);
    let path = format!("customers/{id}");
    let before = store.ok(&path).await;
    let stored: Vec<Value> = before["addresses"].as_array().unwrap().clone();
    store.handle.state().read().advance_clock(5);

    // Entries with ids are updated, one without is created; defaults ride on the flags, so
    // this is an address-only change and `updated_at` stays.
    let mut book = stored.clone();
    book[0]["city"] = json!("Springfield");
    book.push(us_address());
    let (status, after) = store
        .put(&path, json!({"customer": {"addresses": book}}))
        .await;
    assert_eq!(status, 200, "{after}");
    let ids = |v: &Value| -> Vec<u64> {
        v["addresses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_u64().unwrap())
            .collect()
    };
    let (old_ids, new_ids) = (ids(&before), ids(&after));
    assert_eq!(new_ids[..old_ids.len()], old_ids[..]);
    assert_eq!(new_ids.len(), old_ids.len() + 1);
    assert!(!old_ids.contains(new_ids.last().unwrap()));
    assert_eq!(after["addresses"][0]["city"], "Springfield");
    assert_eq!(
        after["addresses"].as_array().unwrap().last().unwrap()["region"]["region_code"],
        "TX"
    );
    assert_eq!(after["updated_at"], before["updated_at"]);
    assert_eq!(
        (&after["default_billing"], &after["default_shipping"]),
        (&before["default_billing"], &before["default_shipping"])
    );

    // Stored ids not listed are deleted.
    let (status, after) = store
        .put(
            &path,
            json!({"customer": {"addresses": [after["addresses"][0]]}}),
        )
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(ids(&after), vec![old_ids[0]]);
    for gone in &new_ids[1..] {
        let (status, body) = store.get(&format!("customers/addresses/{gone}")).await;
        assert_eq!(
            (status.as_u16(), body),
            (
                404,
                json!({"message": NO_SUCH, "parameters": {"fieldName": "addressId", "fieldValue": gone}})
            )
        );
    }

    // No `addresses` key: the book stays. `[]`: it is emptied, defaults with it.
    let (_, kept) = store
        .put(&path, json!({"customer": {"firstname": "Kept"}}))
        .await;
    assert_eq!(ids(&kept), vec![old_ids[0]]);
    let (status, emptied) = store
        .put(&path, json!({"customer": {"addresses": []}}))
        .await;
    assert_eq!(status, 200, "{emptied}");
    assert_eq!(emptied["addresses"], json!([]));
    assert!(emptied.get("default_billing").is_none() && emptied.get("default_shipping").is_none());
}

#[tokio::test]
async fn emails_are_unique_per_website() {
    let store = spawn_scale(100).await;
    let (email, b) = {
        let state = store.handle.state();
        let s = state.read();
        let mut site1 = s.customers.iter().filter(|c| c.website_id == 1);
        let a = site1.next().unwrap().email.to_string();
        (a, site1.next().unwrap().id)
    };
    // The same address in another website is another account.
    let other_site = json!({"customer": {"email": email, "firstname": "Other", "lastname": "Site",
                                         "website_id": 2, "store_id": 3}});
    let (status, created) = store.post("customers", other_site.clone()).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["website_id"], 2);
    let (status, dup) = store.post("customers", other_site).await;
    assert_eq!(
        (status.as_u16(), dup),
        (400, json!({ "message": DUPLICATE }))
    );

    // Taking a website-1 address on PUT is refused (any case) and changes nothing.
    let path = format!("customers/{b}");
    let before = store.ok(&path).await;
    for taken in [email.clone(), email.to_uppercase()] {
        let (status, body) = store
            .put(
                &path,
                json!({"customer": {"email": taken, "firstname": "Changed"}}),
            )
            .await;
        assert_eq!(
            (status.as_u16(), body),
            (400, json!({ "message": DUPLICATE }))
        );
    }
    let (status, body) = store
        .put(
            &path,
            json!({"customer": {"email": email, "website_id": 2}}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body),
        (400, json!({ "message": DUPLICATE }))
    );
    assert_eq!(store.ok(&path).await, before);

    // Website 3 does not have it: the move is allowed.
    let (status, moved) = store
        .put(
            &path,
            json!({"customer": {"email": email, "website_id": 3, "store_id": 5}}),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        (&moved["email"], &moved["website_id"]),
        (&json!(email), &json!(3))
    );
}

#[tokio::test]
async fn put_on_an_unknown_customer_is_a_404_in_both_modes() {
    let store = spawn_scale(20).await;
    let expected = json!({"message": NO_SUCH, "parameters": {"fieldName": "customerId", "fieldValue": 9999999}});
    for full in [false, true] {
        set_full_put(&store, full).await;
        let (status, body) = store
            .put(
                "customers/9999999",
                json!({"customer": {"firstname": "Nobody"}}),
            )
            .await;
        assert_eq!(
            (status.as_u16(), body),
            (404, expected.clone()),
            "full_put {full}"
        );
    }
}

/// Each invalid field, with Magento's message, on both `PUT` and `POST`.
fn invalid_cases(tomorrow: NaiveDate) -> Vec<(&'static str, Value, u16, Value)> {
    let long = "x".repeat(256);
    let too_long = |label: &str| json!({"message": TOO_LONG, "parameters": [label, 255]});
    let address = |patch: Value| json!({ "addresses": [with(&us_address(), &patch)] });
    vec![
        (
            "dob",
            json!({"dob": tomorrow.to_string()}),
            400,
            json!({"message": "The Date of Birth should not be greater than today."}),
        ),
        (
            "firstname",
            json!({"firstname": long}),
            400,
            too_long("First Name"),
        ),
        (
            "lastname",
            json!({"lastname": long}),
            400,
            too_long("Last Name"),
        ),
        (
            "taxvat",
            json!({"taxvat": long}),
            400,
            too_long("Tax/VAT Number"),
        ),
        (
            "group",
            json!({"group_id": 99}),
            404,
            json!({"message": NO_SUCH, "parameters": {"fieldName": "id", "fieldValue": 99}}),
        ),
        (
            "country",
            address(json!({"country_id": "XX", "region": null})),
            400,
            json!({"message": INVALID, "parameters": {"fieldName": "countryId", "value": "XX"}}),
        ),
        (
            "region",
            address(json!({"region": null})),
            400,
            json!({"message": REQUIRED, "parameters": {"fieldName": "regionId"}}),
        ),
        (
            "address firstname",
            address(json!({"firstname": long})),
            400,
            too_long("First Name"),
        ),
        (
            "street",
            address(json!({"street": ["1 Main St", long]})),
            400,
            too_long("Street Address"),
        ),
        (
            "city",
            address(json!({"city": long})),
            400,
            too_long("City"),
        ),
        (
            "telephone",
            address(json!({"telephone": long})),
            400,
            too_long("Phone Number"),
        ),
    ]
}

#[tokio::test]
async fn customer_saves_answer_magento_validation_messages() {
    let store = spawn_scale(100).await;
    let id = filled_customer(&store, 0);
    let path = format!("customers/{id}");
    let before = store.ok(&path).await;
    let today = store.handle.state().read().now().to_datetime().date_naive();
    let tomorrow = today.succ_opt().unwrap();

    for (n, (name, patch, status, expected)) in invalid_cases(tomorrow).into_iter().enumerate() {
        let (got, body) = store.put(&path, json!({ "customer": patch })).await;
        assert_eq!((got.as_u16(), &body), (status, &expected), "PUT {name}");

        let email = format!("invalid{n}@example.com");
        let new = with(
            &json!({"email": email, "firstname": "New", "lastname": "Person", "website_id": 1}),
            &patch,
        );
        let (got, body) = store.post("customers", json!({ "customer": new })).await;
        assert_eq!((got.as_u16(), &body), (status, &expected), "POST {name}");
        let (_, available) = store
            .post(
                "customers/isEmailAvailable",
                json!({"customerEmail": email, "websiteId": 1}),
            )
            .await;
        assert_eq!(available, json!(true), "POST {name} created nothing");
    }
    assert_eq!(
        store.ok(&path).await,
        before,
        "no failed PUT changed anything"
    );

    // The limits themselves are allowed: today's birthday, 255 characters, a country
    // without required regions.
    let edge = "y".repeat(255);
    let germany = json!({"firstname": edge, "lastname": "Lee", "street": [edge], "city": "Berlin",
                         "postcode": "10115", "telephone": "030", "country_id": "DE"});
    let (status, after) = store
        .put(
            &path,
            json!({"customer": {"dob": today.to_string(), "firstname": edge, "taxvat": edge,
                                "group_id": 3, "addresses": [germany]}}),
        )
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["dob"], today.to_string());
    assert_eq!(after["addresses"][0]["country_id"], "DE");
}
