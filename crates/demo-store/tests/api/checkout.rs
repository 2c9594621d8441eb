//! Checkout with an admin token, step by step as store-actions.md §1 describes it: shipping
//! rates and `shipping-information`, payment switches and zero totals, placing (validation,
//! empty carts, the address book, the closed cart), `carts/mine`, assigning a customer and
//! the customer's cart.

use demo_store::{CheckoutConfig, NewCustomer, PaymentMethod, ShippingMethod};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestStore, shipping_info, spawn_scale, us_address};

fn message(text: &str) -> Value {
    json!({ "message": text })
}

async fn status_body(store: &TestStore, method: Method, path: &str, body: Value) -> (u16, Value) {
    let (status, body) = store.call(method, path, Some(body)).await;
    (status.as_u16(), body)
}

#[tokio::test]
async fn rates_are_flatrate_only_and_none_for_empty_or_virtual_carts() {
    let store = spawn_scale(20).await;
    let cart = store.new_cart().await;
    let estimate = |cart: u64| {
        let store = &store;
        async move {
            let (status, rates) = store
                .post(
                    &format!("carts/{cart}/estimate-shipping-methods"),
                    json!({"address": us_address("rates@example.com")}),
                )
                .await;
            assert_eq!(status, 200, "{rates}");
            rates
        }
    };
    assert_eq!(estimate(cart).await, json!([]));
    store.add_item(cart, "GIFT-CARD-25", 1).await;
    assert_eq!(estimate(cart).await, json!([]));
    assert_eq!(store.ok(&format!("carts/{cart}")).await["is_virtual"], true);

    store.add_item(cart, "24-MB01", 2).await;
    assert_eq!(
        estimate(cart).await,
        json!([{"carrier_code": "flatrate", "method_code": "flatrate", "carrier_title": "Flat Rate",
                "method_title": "Fixed", "amount": 10, "base_amount": 10, "available": true,
                "error_message": "", "price_excl_tax": 10, "price_incl_tax": 10}]),
        "5 per shipped item; the gift card does not ship"
    );
    store.handle.set_checkout(CheckoutConfig {
        payment_methods: vec![PaymentMethod::Checkmo],
        shipping_methods: ShippingMethod::ALL.to_vec(),
    });
    let carriers: Vec<Value> = estimate(cart)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["carrier_code"].clone())
        .collect();
    // Free shipping starts at 100 of subtotal; this cart has 93.
    assert_eq!(carriers, [json!("flatrate"), json!("tablerate")]);
}

#[tokio::test]
async fn shipping_information_checks_in_magentos_order() {
    let store = spawn_scale(20).await;
    let cart = store.new_cart().await;
    let path = format!("carts/{cart}/shipping-information");
    let post = |body: Value| {
        let (store, path) = (&store, path.clone());
        async move { status_body(store, Method::POST, &path, body).await }
    };
    let good = us_address("ship@example.com");
    assert_eq!(
        post(shipping_info(good.clone(), None, "flatrate", "flatrate")).await,
        (
            400,
            message(
                "The shipping method can't be set for an empty cart. Add an item to cart and try again."
            )
        )
    );
    store.add_item(cart, "24-MB01", 1).await;
    let mut no_country = good.clone();
    no_country.as_object_mut().unwrap().remove("country_id");
    assert_eq!(
        post(shipping_info(no_country, None, "flatrate", "flatrate")).await,
        (
            400,
            message("The shipping address is missing. Set the address and try again.")
        )
    );
    let unable = |details: &str| {
        json!({"message": "The shipping information was unable to be saved. Error: \"%message\"",
               "parameters": {"message": details}})
    };
    let mut sparse = good.clone();
    for key in ["firstname", "postcode", "region_id", "region_code"] {
        sparse.as_object_mut().unwrap().remove(key);
    }
    assert_eq!(
        post(shipping_info(sparse, None, "flatrate", "flatrate")).await,
        (
            400,
            unable(
                "\"firstname\" is required. Enter and try again. \"postcode\" is required. Enter and try again. \"regionId\" is required. Enter and try again."
            )
        )
    );
    let mut nowhere = good.clone();
    nowhere["country_id"] = json!("XX");
    assert_eq!(
        post(shipping_info(nowhere, None, "flatrate", "flatrate")).await,
        (
            400,
            unable("Invalid value of \"XX\" provided for the countryId field.")
        )
    );
    // California is no region of France.
    let mut paris = good.clone();
    paris["country_id"] = json!("FR");
    paris["region_id"] = json!(12);
    paris["region_code"] = json!("CA");
    assert_eq!(
        post(shipping_info(paris, None, "flatrate", "flatrate")).await,
        (
            400,
            unable("Invalid value of \"12\" provided for the regionId field.")
        )
    );
    let mut stranger = good.clone();
    stranger["customer_address_id"] = json!(1);
    assert_eq!(
        post(shipping_info(stranger, None, "flatrate", "flatrate")).await,
        (400, unable("Invalid customer address id 1"))
    );
    // Table rates are off: the addresses are saved, the method is refused.
    let mut hong_kong = good.clone();
    hong_kong["country_id"] = json!("HK");
    hong_kong["city"] = json!("Kowloon");
    for key in ["postcode", "region_id", "region_code"] {
        hong_kong.as_object_mut().unwrap().remove(key);
    }
    assert_eq!(
        post(shipping_info(
            hong_kong.clone(),
            None,
            "tablerate",
            "bestway"
        ))
        .await,
        (
            404,
            json!({"message": "Carrier with such method not found: %1, %2", "parameters": ["tablerate", "bestway"]})
        )
    );
    let saved = store.ok(&format!("carts/{cart}")).await;
    assert_eq!(
        saved["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]["city"],
        "Kowloon"
    );
    assert_eq!(
        post(shipping_info(hong_kong.clone(), None, "flatrate", "")).await,
        (
            404,
            message("The shipping method is missing. Select the shipping method and try again.")
        )
    );
    let (status, answer) = post(shipping_info(hong_kong, None, "flatrate", "flatrate")).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["payment_methods"],
        json!([{"code": "checkmo", "title": "Check / Money order"}])
    );
    assert_eq!(answer["totals"]["grand_total"], 39, "34 + 5 flat rate");
}

#[tokio::test]
async fn payment_methods_follow_the_switches_and_zero_totals() {
    let store = spawn_scale(20).await;
    let cart = store.new_cart().await;
    store.add_item(cart, "24-MB01", 1).await;
    let select = |code: &str, po: Option<&str>| {
        let mut method = json!({"method": code});
        if let Some(po) = po {
            method["po_number"] = json!(po);
        }
        let (store, path) = (&store, format!("carts/{cart}/selected-payment-method"));
        async move { status_body(store, Method::PUT, &path, json!({ "method": method })).await }
    };
    assert_eq!(
        select("checkmo", None).await,
        (
            400,
            message("The shipping address is missing. Set the address and try again.")
        )
    );
    let (status, _) = store
        .post(
            &format!("carts/{cart}/shipping-information"),
            shipping_info(us_address("pay@example.com"), None, "flatrate", "flatrate"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        store.ok(&format!("carts/{cart}/payment-methods")).await,
        json!([{"code": "checkmo", "title": "Check / Money order"}])
    );
    let unavailable = message("The requested Payment Method is not available.");
    for code in ["banktransfer", "free", "paypal_express"] {
        assert_eq!(
            select(code, None).await,
            (400, unavailable.clone()),
            "{code}"
        );
    }
    let switched = store
        .control(
            "checkout",
            json!({"payment_methods": ["checkmo", "purchaseorder"]}),
        )
        .await;
    assert_eq!(
        switched,
        json!({"payment_methods": ["checkmo", "purchaseorder"], "shipping_methods": ["flatrate"]})
    );
    assert_eq!(
        store.ok(&format!("carts/{cart}/payment-methods")).await,
        json!([{"code": "checkmo", "title": "Check / Money order"}, {"code": "purchaseorder", "title": "Purchase Order"}])
    );
    assert_eq!(
        select("purchaseorder", None).await,
        (400, message("Purchase order number is a required field."))
    );
    assert_eq!(
        select("purchaseorder", Some("PO-77")).await,
        (200, json!(cart.to_string()))
    );

    // A zero total (a free virtual product) offers only `free` and refuses the rest.
    store
        .handle
        .state()
        .write()
        .set_product_price("GIFT-CARD-25", rust_decimal::Decimal::ZERO)
        .unwrap();
    let free = store.new_cart().await;
    store.add_item(free, "GIFT-CARD-25", 1).await;
    assert_eq!(
        store.ok(&format!("carts/{free}/payment-methods")).await,
        json!([{"code": "free", "title": "No Payment Information Required"}])
    );
    let (status, _) = store
        .post(
            &format!("carts/{free}/billing-address"),
            json!({"address": us_address("Free.Gift@Example.com")}),
        )
        .await;
    assert_eq!(status, 200);
    let place = |code: &str| {
        let (store, path) = (&store, format!("carts/{free}/order"));
        let body = json!({"paymentMethod": {"method": code}});
        async move { status_body(store, Method::PUT, &path, body).await }
    };
    assert_eq!(place("checkmo").await, (400, unavailable));
    let (status, order_id) = place("free").await;
    assert_eq!(status, 200, "{order_id}");
    let order = store.ok(&format!("orders/{order_id}")).await;
    assert_eq!(
        (
            order["grand_total"].clone(),
            order["shipping_amount"].clone(),
            order["payment"]["method"].clone(),
            order["customer_email"].clone()
        ),
        (
            json!(0),
            json!(0),
            json!("free"),
            json!("Free.Gift@Example.com")
        )
    );
}

#[tokio::test]
async fn an_empty_cart_is_closed_instead_of_ordered() {
    let store = spawn_scale(20).await;
    let cart = store.new_cart().await;
    // The payment is imported first: at a zero total, checkmo is refused and nothing changes.
    let (status, err) = store
        .put(
            &format!("carts/{cart}/order"),
            json!({"paymentMethod": {"method": "checkmo"}}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), err),
        (
            400,
            message("The requested Payment Method is not available.")
        )
    );
    assert_eq!(store.ok(&format!("carts/{cart}")).await["is_active"], true);
    let (status, err) = store.put(&format!("carts/{cart}/order"), json!({})).await;
    assert_eq!(
        (status.as_u16(), err),
        (
            400,
            message(
                "A server error stopped your order from being placed. Please try to place your order again."
            )
        )
    );
    assert_eq!(store.ok(&format!("carts/{cart}")).await["is_active"], false);
    let (status, err) = store.put(&format!("carts/{cart}/order"), json!({})).await;
    assert_eq!(
        (status.as_u16(), err),
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "cartId", "fieldValue": cart}})
        )
    );
}

#[tokio::test]
async fn placing_saves_typed_addresses_and_closes_the_cart() {
    let store = spawn_scale(20).await;
    let state = store.handle.state();
    let customer = state
        .write()
        .create_customer(NewCustomer {
            email: "book@example.com".into(),
            firstname: "Bo".into(),
            lastname: "Ok".into(),
            website_id: 1,
            store_id: 1,
            group_id: 1,
            ..NewCustomer::default()
        })
        .unwrap();
    let created = store.ok(&format!("customers/{customer}")).await;
    let (_, cart) = store
        .post(&format!("customers/{customer}/carts"), json!({}))
        .await;
    let cart = cart.as_u64().unwrap();
    store.add_item(cart, "24-MB01", 1).await;
    // Validation runs in QuoteValidator's order; `%1` is one parameter.
    let (status, err) = store.put(&format!("carts/{cart}/order"), json!({})).await;
    assert_eq!(
        (status.as_u16(), err),
        (
            400,
            json!({"message": "Please check the shipping address information. %1",
                   "parameters": ["\"firstname\" is required. Enter and try again. \"lastname\" is required. Enter and try again. \"street\" is required. Enter and try again. \"city\" is required. Enter and try again. \"telephone\" is required. Enter and try again. \"postcode\" is required. Enter and try again. \"countryId\" is required. Enter and try again."]})
        )
    );
    let mut billing = us_address("book@example.com");
    billing["street"] = json!(["1 Billing Road"]);
    let (status, _) = store
        .post(
            &format!("carts/{cart}/shipping-information"),
            shipping_info(
                us_address("book@example.com"),
                Some(billing),
                "flatrate",
                "flatrate",
            ),
        )
        .await;
    assert_eq!(status, 200);
    let (status, err) = store.put(&format!("carts/{cart}/order"), json!({})).await;
    assert_eq!(
        (status.as_u16(), err),
        (400, message("Enter a valid payment method and try again."))
    );
    state.read().advance_clock(5);
    let (status, order_id) = store
        .put(
            &format!("carts/{cart}/order"),
            json!({"paymentMethod": {"method": "checkmo"}}),
        )
        .await;
    assert_eq!(status, 200, "{order_id}");

    let order = store.ok(&format!("orders/{order_id}")).await;
    let shipping_id = order["extension_attributes"]["shipping_assignments"][0]["shipping"]
        ["address"]["customer_address_id"]
        .as_u64()
        .unwrap();
    let billing_id = order["billing_address"]["customer_address_id"]
        .as_u64()
        .unwrap();
    assert_ne!(shipping_id, billing_id);
    let saved = store.ok(&format!("customers/{customer}")).await;
    assert_eq!(saved["addresses"].as_array().unwrap().len(), 2);
    assert_eq!(
        (
            saved["default_shipping"].clone(),
            saved["default_billing"].clone()
        ),
        (
            json!(shipping_id.to_string()),
            json!(billing_id.to_string())
        )
    );
    assert!(saved["updated_at"].as_str() > created["updated_at"].as_str());

    let closed = store.ok(&format!("carts/{cart}")).await;
    assert_eq!(
        (
            closed["is_active"].clone(),
            closed["reserved_order_id"].clone()
        ),
        (json!(false), order["increment_id"].clone())
    );
    assert_eq!(order["quote_id"], cart);
    assert!(closed["updated_at"].as_str() >= order["created_at"].as_str());
    let (status, err) = store.put(&format!("carts/{cart}/order"), json!({})).await;
    assert_eq!(
        (status.as_u16(), err["parameters"].clone()),
        (404, json!({"fieldName": "cartId", "fieldValue": cart}))
    );

    // With defaults in place, a new typed address joins the book without touching the
    // customer row.
    let (_, next) = store
        .post(&format!("customers/{customer}/carts"), json!({}))
        .await;
    let next = next.as_u64().unwrap();
    assert_ne!(next, cart);
    store.add_item(next, "24-MB01", 1).await;
    let mut other = us_address("book@example.com");
    other["city"] = json!("Houston");
    let (status, _) = store
        .post(
            &format!("carts/{next}/shipping-information"),
            shipping_info(other, None, "flatrate", "flatrate"),
        )
        .await;
    assert_eq!(status, 200);
    state.read().advance_clock(5);
    let (status, _) = store
        .put(
            &format!("carts/{next}/order"),
            json!({"paymentMethod": {"method": "checkmo"}}),
        )
        .await;
    assert_eq!(status, 200);
    let again = store.ok(&format!("customers/{customer}")).await;
    assert_eq!(again["addresses"].as_array().unwrap().len(), 3);
    assert_eq!(again["updated_at"], saved["updated_at"]);
}

#[tokio::test]
async fn carts_mine_wants_a_customer_token() {
    let store = spawn_scale(20).await;
    let refused = json!({"message": "The consumer isn't authorized to access %resources.",
                         "parameters": {"resources": "self"}});
    for (method, path) in [
        (Method::GET, "carts/mine"),
        (Method::POST, "carts/mine/items"),
        (Method::PUT, "carts/mine/order"),
        (Method::POST, "carts/mine/payment-information"),
    ] {
        let (status, body) = store.call(method.clone(), path, Some(json!({}))).await;
        assert_eq!((status.as_u16(), &body), (401, &refused), "{path}");
        let (status, body) = store.anon(method, path, None).await;
        assert_eq!(
            (status.as_u16(), &body),
            (401, &refused),
            "{path} anonymous"
        );
    }
}

#[tokio::test]
async fn assigning_a_customer_merges_their_active_cart() {
    let store = spawn_scale(20).await;
    let state = store.handle.state();
    let customer = state
        .write()
        .create_customer(NewCustomer {
            email: "merge@example.com".into(),
            firstname: "Mer".into(),
            lastname: "Ge".into(),
            website_id: 1,
            store_id: 1,
            group_id: 1,
            ..NewCustomer::default()
        })
        .unwrap();
    let (_, old) = store
        .post(&format!("customers/{customer}/carts"), json!({}))
        .await;
    let old = old.as_u64().unwrap();
    store.add_item(old, "24-MB01", 1).await;
    store.add_item(old, "24-UG06", 2).await;
    let guest = store.new_cart().await;
    store.add_item(guest, "24-MB01", 2).await;

    let assign = |cart: u64, body: Value| {
        let (store, path) = (&store, format!("carts/{cart}"));
        async move { status_body(store, Method::PUT, &path, body).await }
    };
    assert_eq!(
        assign(guest, json!({"customerId": customer, "storeId": 3})).await,
        (
            400,
            message(
                "The customer can't be assigned to the cart. The cart belongs to a different store."
            )
        )
    );
    assert_eq!(
        assign(guest, json!({"customerId": 999_999, "storeId": 1}))
            .await
            .1["parameters"],
        json!({"fieldName": "customerId", "fieldValue": 999_999})
    );
    assert_eq!(
        assign(guest, json!({"customerId": customer, "storeId": 2})).await,
        (200, json!(true))
    );
    let merged = store.ok(&format!("carts/{guest}")).await;
    let lines: Vec<(Value, Value)> = merged["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["sku"].clone(), i["qty"].clone()))
        .collect();
    assert_eq!(
        lines,
        [(json!("24-MB01"), json!(3)), (json!("24-UG06"), json!(2))]
    );
    assert_eq!(
        (
            merged["customer"]["id"].clone(),
            merged["customer_is_guest"].clone(),
            merged["store_id"].clone()
        ),
        (json!(customer), json!(false), json!(2))
    );
    assert_eq!(store.ok(&format!("carts/{old}")).await["is_active"], false);
    let (_, current) = store
        .post(&format!("customers/{customer}/carts"), json!({}))
        .await;
    assert_eq!(current, json!(guest));
    assert_eq!(
        assign(guest, json!({"customerId": customer, "storeId": 1})).await,
        (
            400,
            message("The customer can't be assigned to the cart because the cart isn't anonymous.")
        )
    );
}

#[tokio::test]
async fn a_customer_cart_is_made_in_the_urls_store_or_reused() {
    let store = spawn_scale(20).await;
    let customer = store
        .handle
        .state()
        .write()
        .create_customer(NewCustomer {
            email: "where@example.de".into(),
            firstname: "Wo".into(),
            lastname: "Hin".into(),
            website_id: 2,
            store_id: 3,
            group_id: 1,
            ..NewCustomer::default()
        })
        .unwrap();
    let (status, cart) = store
        .at_store(
            "fr",
            Method::POST,
            &format!("customers/{customer}/carts"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{cart}");
    assert_eq!(store.ok(&format!("carts/{cart}")).await["store_id"], 4);
    // The existing active cart comes back whatever the URL's store.
    let (_, again) = store
        .at_store(
            "default",
            Method::POST,
            &format!("customers/{customer}/carts"),
            None,
        )
        .await;
    assert_eq!(again, cart);
}
