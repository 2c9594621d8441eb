//! Customers: updated_at only moves when the customer row changes, newsletter state through
//! `is_subscribed`, hard deletes, creation and the product search used for CRM carts.

use demo_store::generate;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Criteria, anchor, ids, spawn_scale};

#[tokio::test]
async fn address_only_edits_leave_updated_at_alone() {
    let store = spawn_scale(100).await;
    let ds = generate(42, 100, Some(anchor()));
    let c = ds
        .customers
        .iter()
        .find(|c| !c.addresses.is_empty())
        .unwrap();
    let before = store.ok(&format!("customers/{}", c.id)).await;
    store.handle.state().read().advance_clock(5);

    // PUT the same customer with one address changed (ids kept).
    let mut customer = before.clone();
    customer["addresses"][0]["street"] = json!(["99 New Street"]);
    customer["addresses"][0]["city"] = json!("Springfield");
    let (status, after) = store
        .put(
            &format!("customers/{}", c.id),
            json!({ "customer": customer }),
        )
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["addresses"][0]["city"], "Springfield");
    assert_eq!(
        after["updated_at"], before["updated_at"],
        "address-only change must not bump"
    );

    // The store API behaves the same.
    let address_id = c.addresses[0].id;
    store
        .handle
        .state()
        .write()
        .update_customer_address(c.id, address_id, |p| p.telephone = "+1 555 0199".into())
        .unwrap();
    let again = store.ok(&format!("customers/{}", c.id)).await;
    assert_eq!(
        (
            again["updated_at"].clone(),
            again["addresses"][0]["telephone"].clone()
        ),
        (before["updated_at"].clone(), json!("+1 555 0199"))
    );

    // A name change is a customer-row change.
    let (status, renamed) = store
        .put(
            &format!("customers/{}", c.id),
            json!({"customer": {"firstname": "Renamed"}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_ne!(renamed["updated_at"], before["updated_at"]);
    assert_eq!(
        renamed["updated_at"],
        store.handle.state().read().now().to_string()
    );
}

#[tokio::test]
async fn is_subscribed_drives_the_subscriber_row_without_touching_the_customer() {
    let store = spawn_scale(100).await;
    let ds = generate(42, 100, Some(anchor()));
    let c = ds
        .customers
        .iter()
        .find(|c| !ds.subscribers.iter().any(|s| s.customer_id == c.id))
        .unwrap();
    let before = store.ok(&format!("customers/{}", c.id)).await;
    assert_eq!(before["extension_attributes"]["is_subscribed"], false);
    store.handle.state().read().advance_clock(3);
    let body = json!({"customer": {"extension_attributes": {"is_subscribed": true}}});
    let (status, after) = store.put(&format!("customers/{}", c.id), body).await;
    assert_eq!(status, 200);
    assert_eq!(after["extension_attributes"]["is_subscribed"], true);
    assert_eq!(after["updated_at"], before["updated_at"]);
    let subs = store
        .ok(&format!(
            "cartwise/newsletter-subscribers/search?{}",
            Criteria::new()
                .filter("customer_id", &c.id.to_string(), "eq")
                .query()
        ))
        .await;
    assert_eq!(subs["items"][0]["subscriber_status"], 1);
    assert_eq!(subs["items"][0]["subscriber_email"], c.email.as_ref());

    let (_, off) = store
        .put(
            &format!("customers/{}", c.id),
            json!({"customer": {"extension_attributes": {"is_subscribed": false}}}),
        )
        .await;
    assert_eq!(off["extension_attributes"]["is_subscribed"], false);
    let subs = store
        .ok(&format!(
            "cartwise/newsletter-subscribers/search?{}",
            Criteria::new()
                .filter("customer_id", &c.id.to_string(), "eq")
                .query()
        ))
        .await;
    assert_eq!(subs["items"][0]["subscriber_status"], 3);
}

#[tokio::test]
async fn deleted_customers_leave_no_trace() {
    let store = spawn_scale(300).await;
    let ds = generate(42, 300, Some(anchor()));
    let sub = ds
        .subscribers
        .iter()
        .find(|s| {
            s.customer_id != 0
                && ds
                    .orders
                    .iter()
                    .any(|o| o.customer_id == Some(s.customer_id))
        })
        .unwrap();
    let id = sub.customer_id;
    let (status, body) = store
        .call(Method::DELETE, &format!("customers/{id}"), None)
        .await;
    assert_eq!((status.as_u16(), body), (200, json!(true)));
    assert_eq!(store.get(&format!("customers/{id}")).await.0, 404);
    let found = store
        .ok(&format!(
            "customers/search?{}",
            Criteria::new()
                .filter("entity_id", &id.to_string(), "eq")
                .query()
        ))
        .await;
    assert_eq!(found["total_count"], 0);
    let subs = store
        .ok(&format!(
            "cartwise/newsletter-subscribers/search?{}",
            Criteria::new()
                .filter("subscriber_id", &sub.id.to_string(), "eq")
                .query()
        ))
        .await;
    assert_eq!(subs["total_count"], 0);
    // Orders stay, without the customer id (foreign key SET NULL).
    let order = ds
        .orders
        .iter()
        .find(|o| o.customer_id == Some(id))
        .unwrap();
    let body = store.ok(&format!("orders/{}", order.id)).await;
    assert!(body.get("customer_id").is_none());
    assert_eq!(body["customer_is_guest"], 0);
    assert_eq!(
        store
            .call(Method::DELETE, &format!("customers/{id}"), None)
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn customers_are_created_anonymously_with_unique_emails() {
    let mut store = spawn_scale(20).await;
    store.token = String::new();
    let customer = json!({"customer": {
        "email": "new.person@example.com", "firstname": "Ἀριστοτέλης", "lastname": "<b>Bold</b>", "website_id": 1,
        "addresses": [{"firstname": "A", "lastname": "B", "street": ["1 Main St"], "city": "Austin", "postcode": "78701",
                       "telephone": "555", "country_id": "US", "region": {"region_code": "TX"}, "default_billing": true, "default_shipping": true}]
    }, "password": "Secret123!"});
    let (status, created) = store.post("customers", customer.clone()).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(
        created["default_billing"],
        created["addresses"][0]["id"].to_string()
    );
    assert_eq!(
        created["addresses"][0]["region"],
        json!({"region_code": "TX", "region": "Texas", "region_id": 57})
    );
    assert_eq!(created["created_at"], created["updated_at"]);
    let (status, dup) = store.post("customers", customer).await;
    assert_eq!(
        (status.as_u16(), dup["message"].as_str()),
        (
            400,
            Some("A customer with the same email address already exists in an associated website.")
        )
    );
}

#[tokio::test]
async fn products_can_be_searched_by_sku_and_type() {
    let store = spawn_scale(20).await;
    let body = store
        .ok(&format!(
            "products?{}",
            Criteria::new()
                .filter("sku", "24-MB%", "like")
                .filter("type_id", "simple", "eq")
                .sort(&[("price", "ASC")])
                .query()
        ))
        .await;
    let skus: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap())
        .collect();
    assert_eq!(
        skus,
        ["24-MB04", "24-MB01", "24-MB03", "24-MB05", "24-MB06"]
    );
    let tee: Value = store.ok("products/WS12").await;
    assert_eq!(
        tee["extension_attributes"]["configurable_product_links"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let disabled = store
        .ok(&format!(
            "products?{}",
            Criteria::new().filter("status", "2", "eq").query()
        ))
        .await;
    assert_eq!(ids(&disabled, "id").len(), 1);
}
