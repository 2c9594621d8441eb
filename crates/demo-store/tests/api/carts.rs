//! Carts: inactive carts, customer cart re-use, the checkout flow end to end, QuoteValidator
//! errors and the quote purge.

use demo_store::generate;
use serde_json::{Value, json};

use crate::helpers::{Criteria, TestStore, anchor, spawn_scale};

fn address(email: &str) -> Value {
    json!({
        "firstname": "Zoé", "lastname": "O'Brien", "street": ["1 Rue de Rivoli"], "city": "Paris",
        "postcode": "75001", "telephone": "+33 1 23 45 67 89", "countryId": "FR", "regionId": 257,
        "email": email
    })
}

#[tokio::test]
async fn inactive_carts_come_without_items_and_their_items_route_is_404() {
    let store = spawn_scale(200).await;
    let ds = generate(42, 200, Some(anchor()));
    let inactive = ds
        .carts
        .iter()
        .find(|c| !c.is_active && !c.items.is_empty())
        .expect("an inactive cart");
    let body = store.ok(&format!("carts/{}", inactive.id)).await;
    assert_eq!(body["is_active"], false);
    assert_eq!(body["items_count"], inactive.items.len());
    assert!(
        body.get("items").is_none() && body.get("extension_attributes").is_none(),
        "{body}"
    );
    let (status, err) = store.get(&format!("carts/{}/items", inactive.id)).await;
    assert_eq!(status, 404);
    assert_eq!(err["parameters"]["fieldName"], "cartId");

    let active = ds
        .carts
        .iter()
        .find(|c| c.is_active && !c.items.is_empty())
        .expect("an active cart");
    let body = store.ok(&format!("carts/{}", active.id)).await;
    assert_eq!(body["items"].as_array().unwrap().len(), active.items.len());
    assert_eq!(body["items"][0]["quote_id"], active.id.to_string());
    assert!(body["extension_attributes"]["shipping_assignments"].is_array());
    let items = store.ok(&format!("carts/{}/items", active.id)).await;
    assert_eq!(items.as_array().unwrap().len(), active.items.len());
}

#[tokio::test]
async fn creating_a_customer_cart_returns_the_existing_active_one() {
    let store = spawn_scale(300).await;
    let ds = generate(42, 300, Some(anchor()));
    let cart = ds
        .carts
        .iter()
        .find(|c| c.is_active && c.customer_id.is_some() && c.store_id == 1)
        .expect("a customer with a live cart");
    let (status, id) = store
        .post(
            &format!("customers/{}/carts", cart.customer_id.unwrap()),
            json!({}),
        )
        .await;
    assert_eq!((status.as_u16(), id), (200, json!(cart.id)));

    let without = ds
        .customers
        .iter()
        .find(|c| {
            !ds.carts
                .iter()
                .any(|k| k.is_active && k.customer_id == Some(c.id))
        })
        .unwrap();
    let (_, first) = store
        .post(&format!("customers/{}/carts", without.id), json!({}))
        .await;
    let (_, second) = store
        .post(&format!("customers/{}/carts", without.id), json!({}))
        .await;
    assert!(first.as_u64().unwrap() > ds.carts.last().unwrap().id as u64);
    assert_eq!(first, second);
    let (status, _) = store.post("customers/999999/carts", json!({})).await;
    assert_eq!(status, 404);
}

async fn add(store: &TestStore, cart: u64, item: Value) -> Value {
    let (status, body) = store
        .post(&format!("carts/{cart}/items"), json!({ "cartItem": item }))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn a_customer_checks_out_end_to_end() {
    let store = spawn_scale(200).await;
    // A fresh store offers only checkmo and flatrate; this one has the others switched on.
    let control = format!("{}/_demo/checkout", store.handle.base_url());
    let switched: Value = store
        .http
        .post(&control)
        .json(&json!({"payment_methods": ["checkmo", "banktransfer"], "shipping_methods": ["flatrate", "tablerate"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        switched,
        json!({"payment_methods": ["checkmo", "banktransfer"], "shipping_methods": ["flatrate", "tablerate"]})
    );
    let ds = generate(42, 200, Some(anchor()));
    let customer = ds
        .customers
        .iter()
        .find(|c| {
            !ds.carts
                .iter()
                .any(|k| k.is_active && k.customer_id == Some(c.id))
        })
        .unwrap();
    let (_, cart) = store
        .post(&format!("customers/{}/carts", customer.id), json!({}))
        .await;
    let cart = cart.as_u64().unwrap();

    let simple = add(
        &store,
        cart,
        json!({"sku": "24-MB01", "qty": 2, "quote_id": cart.to_string()}),
    )
    .await;
    assert_eq!(
        (
            simple["sku"].as_str(),
            simple["qty"].as_u64(),
            simple["quote_id"].as_str()
        ),
        (Some("24-MB01"), Some(2), Some(cart.to_string().as_str()))
    );
    let options = json!({"extension_attributes": {"configurable_item_options": [{"option_id": "93", "option_value": 56}, {"option_id": "144", "option_value": 168}]}});
    let tee = add(
        &store,
        cart,
        json!({"sku": "WS12", "qty": 1, "quote_id": cart.to_string(), "product_option": options}),
    )
    .await;
    assert_eq!(
        (tee["sku"].as_str(), tee["product_type"].as_str()),
        (Some("WS12-M-Orange"), Some("configurable"))
    );
    // Adding the same product again merges into its line.
    let again = add(
        &store,
        cart,
        json!({"sku": "24-MB01", "qty": 1, "quote_id": cart.to_string()}),
    )
    .await;
    assert_eq!(
        (again["item_id"].clone(), again["qty"].as_u64()),
        (simple["item_id"].clone(), Some(3))
    );

    let (status, rates) = store
        .post(
            &format!("carts/{cart}/estimate-shipping-methods"),
            json!({"address": address(&customer.email)}),
        )
        .await;
    assert_eq!(status, 200);
    let flat = rates
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["carrier_code"] == "flatrate")
        .expect("flat rate");
    assert_eq!(flat["amount"], 20, "5 per item, 4 items");
    assert!(
        rates
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["carrier_code"] == "tablerate")
    );

    let info = json!({"addressInformation": {"shipping_address": address(&customer.email), "billing_address": address(&customer.email), "shipping_carrier_code": "tablerate", "shipping_method_code": "bestway"}});
    let (status, shipping) = store
        .post(&format!("carts/{cart}/shipping-information"), info)
        .await;
    assert_eq!(status, 200, "{shipping}");
    assert!(
        shipping["payment_methods"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["code"] == "checkmo")
    );
    // 3 × 34 + 22 = 124 subtotal (USD website, no tax) + 5 best-way shipping.
    assert_eq!(shipping["totals"]["grand_total"], 129);
    let methods = store.ok(&format!("carts/{cart}/payment-methods")).await;
    assert!(
        methods
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == &json!({"code": "banktransfer", "title": "Bank Transfer Payment"}))
    );

    let (status, order_id) = store
        .put(
            &format!("carts/{cart}/order"),
            json!({"paymentMethod": {"method": "checkmo"}}),
        )
        .await;
    assert_eq!(status, 200, "{order_id}");
    let order = store.ok(&format!("orders/{order_id}")).await;
    let placed = store.ok(&format!("carts/{cart}")).await;
    assert_eq!(placed["is_active"], false);
    assert!(placed.get("items").is_none());
    assert_eq!(placed["reserved_order_id"], order["increment_id"]);
    assert_eq!(
        (order["quote_id"].as_u64(), order["customer_id"].as_u64()),
        (Some(cart), Some(customer.id as u64))
    );
    assert_eq!(
        (
            order["grand_total"].clone(),
            order["status"].clone(),
            order["state"].clone()
        ),
        (json!(129), json!("pending"), json!("new"))
    );
    assert_eq!(order["payment"]["method"], "checkmo");
    assert_eq!(
        order["extension_attributes"]["shipping_assignments"][0]["shipping"]["method"],
        "tablerate_bestway"
    );
    let items = order["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "simple + configurable parent and child");
    let parent = items
        .iter()
        .find(|i| i["product_type"] == "configurable")
        .unwrap();
    let child = items
        .iter()
        .find(|i| i["parent_item_id"] == parent["item_id"])
        .unwrap();
    assert_eq!(
        (
            parent["price"].clone(),
            child["price"].clone(),
            child["sku"].clone()
        ),
        (json!(22), json!(0), json!("WS12-M-Orange"))
    );
    // The cart cannot be ordered twice, and a new cart for the customer is a new one.
    assert_eq!(
        store.put(&format!("carts/{cart}/order"), json!({})).await.0,
        404
    );
    let (_, next) = store
        .post(&format!("customers/{}/carts", customer.id), json!({}))
        .await;
    assert_ne!(next.as_u64(), Some(cart));
}

#[tokio::test]
async fn a_guest_checks_out_and_validation_errors_come_in_magentos_words() {
    let store = spawn_scale(50).await;
    let (_, cart) = store.post("carts/", json!({})).await;
    let cart = cart.as_u64().unwrap();
    let (status, err) = store
        .post(
            &format!("carts/{cart}/items"),
            json!({"cartItem": {"sku": "24-MB01", "qty": 0, "quote_id": cart.to_string()}}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), err["message"].as_str()),
        (
            400,
            Some("Invalid value of \"%value\" provided for the %fieldName field.")
        )
    );
    let (status, err) = store
        .post(
            &format!("carts/{cart}/items"),
            json!({"cartItem": {"sku": "NOPE", "qty": 1, "quote_id": cart.to_string()}}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), err["message"].as_str()),
        (
            404,
            Some("The product that was requested doesn't exist. Verify the product and try again.")
        )
    );
    let line = add(
        &store,
        cart,
        json!({"sku": "24-UG06", "qty": 2, "quote_id": cart.to_string()}),
    )
    .await;
    // Placing checks the addresses first (an empty cart would be refused and deactivated,
    // see checkout.rs).
    let (status, err) = store.put(&format!("carts/{cart}/order"), json!({})).await;
    assert_eq!(
        (status.as_u16(), err["message"].as_str()),
        (
            400,
            Some("Please check the shipping address information. %1")
        )
    );
    assert!(
        err["parameters"][0]
            .as_str()
            .unwrap()
            .contains("\"firstname\" is required.")
    );
    let item_id = line["item_id"].as_u64().unwrap();
    let (status, updated) = store
        .put(
            &format!("carts/{cart}/items/{item_id}"),
            json!({"cartItem": {"qty": 5, "quote_id": cart.to_string()}}),
        )
        .await;
    assert_eq!((status.as_u16(), updated["qty"].as_u64()), (200, Some(5)));
    let (status, err) = store
        .call(
            reqwest::Method::DELETE,
            &format!("carts/{cart}/items/999999"),
            None,
        )
        .await;
    assert_eq!(
        (status.as_u16(), err),
        (
            404,
            json!({"message": "The %1 Cart doesn't contain the %2 item.", "parameters": [cart, 999999]})
        )
    );

    let info = json!({"addressInformation": {"shipping_address": address("Guest.Shopper@Example.com"), "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}});
    assert_eq!(
        store
            .post(&format!("carts/{cart}/shipping-information"), info)
            .await
            .0,
        200
    );
    let (status, err) = store.put(&format!("carts/{cart}/order"), json!({})).await;
    assert_eq!(
        (status.as_u16(), err),
        (
            400,
            json!({"message": "Enter a valid payment method and try again."})
        )
    );
    // Cash on delivery is off by default: refused, then switched on.
    let cod = json!({"paymentMethod": {"method": "cashondelivery"}});
    let (status, err) = store.put(&format!("carts/{cart}/order"), cod.clone()).await;
    assert_eq!(
        (status.as_u16(), err),
        (
            400,
            json!({"message": "The requested Payment Method is not available."})
        )
    );
    store.handle.set_checkout(demo_store::CheckoutConfig::all());
    let (status, order_id) = store.put(&format!("carts/{cart}/order"), cod).await;
    assert_eq!(status, 200, "{order_id}");
    let order = store.ok(&format!("orders/{order_id}")).await;
    assert_eq!(
        (
            order["customer_is_guest"].clone(),
            order["customer_email"].clone()
        ),
        (json!(1), json!("Guest.Shopper@Example.com"))
    );
    assert!(order.get("customer_id").is_none());
    // 5 × 7.00 (default store: USD, no tax) + 5 × 5 flat rate.
    assert_eq!(order["grand_total"], 60);
}

#[tokio::test]
async fn quotes_past_their_lifetime_are_purged_active_or_not() {
    let store = spawn_scale(200).await;
    let ds = generate(42, 200, Some(anchor()));
    let state = store.handle.state();
    let now = state.read().now();
    let old = now.plus(-31 * 86_400);
    let fresh = now.plus(-29 * 86_400);
    let active = ds.carts.iter().find(|c| c.is_active).unwrap().id;
    let inactive = ds.carts.iter().find(|c| !c.is_active).unwrap().id;
    let young = ds
        .carts
        .iter()
        .rev()
        .find(|c| c.id != active && c.id != inactive)
        .unwrap()
        .id;
    {
        let mut s = state.write();
        // Everything generated is older than 30 days at the test's clock; keep one young.
        assert!(s.set_cart_updated_at(active, old) && s.set_cart_updated_at(inactive, old));
        assert!(s.set_cart_updated_at(young, fresh));
    }
    let url = format!("{}/_demo/purge", store.handle.base_url());
    let purged: Value = store
        .http
        .post(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(purged["purged"].as_u64().unwrap() >= 2);
    for id in [active, inactive] {
        assert_eq!(
            store.get(&format!("carts/{id}")).await.0,
            404,
            "cart {id} purged"
        );
    }
    assert_eq!(store.get(&format!("carts/{young}")).await.0, 200);
    let left = store
        .ok(&format!(
            "carts/search?{}&fields=total_count",
            Criteria::new().size(1).query()
        ))
        .await;
    assert_eq!(left["total_count"], 1);
}

/// What other crates' tests do through `handle.state()`: build a cart, let it age, check it
/// out, refund it; every change shows up over HTTP with a fresh `updated_at`.
#[tokio::test]
async fn the_store_api_drives_carts_orders_and_refunds() {
    let store = spawn_scale(100).await;
    let state = store.handle.state();
    let cart = {
        let mut s = state.write();
        let cart = s.create_cart(3, None).unwrap();
        s.add_cart_item(cart, "24-MB01", 1, &[]).unwrap();
        let old = s.now().plus(-7200);
        assert!(s.set_cart_updated_at(cart, old));
        cart
    };
    let body = store.ok(&format!("carts/{cart}")).await;
    assert_eq!(
        (body["is_active"].clone(), body["store_id"].clone()),
        (json!(true), json!(3))
    );
    let abandoned_at = body["updated_at"].as_str().unwrap().to_string();

    let order_id = state.write().checkout(cart).unwrap();
    let order = store.ok(&format!("orders/{order_id}")).await;
    assert_eq!(order["quote_id"], cart);
    // The German store view: EUR and 20% VAT on the 34.00 bag, flat-rate shipping 5.
    assert_eq!(
        (
            order["order_currency_code"].clone(),
            order["tax_amount"].clone()
        ),
        (json!("EUR"), json!(6.8))
    );
    assert_eq!(order["grand_total"], json!(45.8));
    assert!(
        store.ok(&format!("carts/{cart}")).await["updated_at"]
            .as_str()
            .unwrap()
            > abandoned_at.as_str()
    );

    state.write().advance_order(order_id).unwrap();
    let memo = state
        .write()
        .refund(order_id, demo_store::RefundRequest::default())
        .unwrap();
    let memo_json = store.ok(&format!("creditmemo/{memo}")).await;
    assert_eq!(
        (
            memo_json["order_id"].as_u64(),
            memo_json["grand_total"].clone(),
            memo_json["state"].clone()
        ),
        (Some(order_id as u64), json!(45.8), json!(2))
    );
    let closed = store.ok(&format!("orders/{order_id}")).await;
    assert_eq!(
        (closed["state"].clone(), closed["total_refunded"].clone()),
        (json!("closed"), json!(45.8))
    );

    assert!(state.write().delete_cart(cart));
    assert_eq!(store.get(&format!("carts/{cart}")).await.0, 404);
}
