//! The writes the CRM makes: a cart built for a customer and turned into an order, and
//! customer updates.

use axum::http::Method;
use magento::types::{NewCartItem, QuoteAddress, ShippingInformation};
use rust_decimal::Decimal;
use serde_json::json;

use crate::helpers::{FakeStore, ok};

fn address() -> QuoteAddress {
    QuoteAddress {
        region: Some("New York".into()),
        region_id: Some(43),
        region_code: Some("NY".into()),
        country_id: Some("US".into()),
        street: Some(vec!["123 Oak Ave".into()]),
        postcode: Some("10577".into()),
        city: Some("Purchase".into()),
        firstname: Some("Jane".into()),
        lastname: Some("Doe".into()),
        email: Some("jdoe@example.com".into()),
        telephone: Some("512-555-1111".into()),
        ..QuoteAddress::default()
    }
}

#[tokio::test]
async fn a_cart_is_built_and_converted_into_an_order() {
    let store = FakeStore::start().await;
    store.on(Method::POST, "customers/3/carts", |_, _| ok(json!(4)));
    store.on(Method::POST, "carts/4/items", |_, req| {
        let item = &req.json()["cartItem"];
        ok(json!({"item_id": 7, "sku": item["sku"], "qty": item["qty"], "name": "Radiant Tee", "price": 22,
                  "product_type": "simple", "quote_id": item["quote_id"]}))
    });
    store.on(Method::PUT, "carts/4/items/7", |_, req| {
        ok(json!({"item_id": 7, "qty": req.json()["cartItem"]["qty"], "quote_id": "4"}))
    });
    store.on(Method::DELETE, "carts/4/items/8", |_, _| ok(json!(true)));
    store.on(Method::POST, "carts/4/estimate-shipping-methods", |_, _| {
        ok(json!([{"carrier_code": "flatrate", "method_code": "flatrate", "carrier_title": "Flat Rate", "amount": 15,
                   "base_amount": 15, "available": true, "error_message": "", "price_excl_tax": 15, "price_incl_tax": 15}]))
    });
    store.on(Method::POST, "carts/4/shipping-information", |_, _| {
        ok(json!({"payment_methods": [{"code": "checkmo", "title": "Check / Money order"}],
                  "totals": {"grand_total": 37.99, "subtotal": 22.99, "shipping_amount": 15, "base_currency_code": "USD",
                             "items": [{"item_id": 7, "price": 22.99, "qty": 1, "row_total": 22.99, "name": "Radiant Tee"}],
                             "total_segments": [{"code": "grand_total", "title": "Grand Total", "value": 37.99, "area": "footer"}]}}))
    });
    store.on(Method::GET, "carts/4/payment-methods", |_, _| {
        ok(json!([{"code": "checkmo", "title": "Check / Money order"}]))
    });
    store.on(Method::PUT, "carts/4/order", |_, _| ok(json!("3")));
    let client = store.client();

    let cart_id = client.create_customer_cart(3).await.unwrap();
    assert_eq!(cart_id, 4);
    let item = client
        .add_cart_item(
            cart_id,
            &NewCartItem::new("WS12-M-Orange", "1.5".parse().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(
        (item.item_id, item.qty),
        (Some(7), Some("1.5".parse::<Decimal>().unwrap()))
    );
    let updated = client
        .update_cart_item(cart_id, 7, Decimal::TWO)
        .await
        .unwrap();
    assert_eq!(updated.qty, Some(Decimal::TWO));
    assert!(client.remove_cart_item(cart_id, 8).await.unwrap());
    let methods = client
        .estimate_shipping_methods(cart_id, &address())
        .await
        .unwrap();
    assert_eq!(
        (methods[0].carrier_code.as_deref(), methods[0].amount),
        (Some("flatrate"), Some(Decimal::from(15)))
    );
    let info = ShippingInformation {
        shipping_address: address(),
        billing_address: Some(address()),
        shipping_carrier_code: "flatrate".into(),
        shipping_method_code: "flatrate".into(),
        extension_attributes: None,
    };
    let result = client
        .set_shipping_information(cart_id, &info)
        .await
        .unwrap();
    let totals = result.totals.unwrap();
    assert_eq!(totals.grand_total.unwrap().to_string(), "37.99");
    assert_eq!(
        totals.total_segments.unwrap()[0].value.unwrap().to_string(),
        "37.99"
    );
    assert_eq!(
        client.payment_methods(cart_id).await.unwrap()[0]
            .code
            .as_deref(),
        Some("checkmo")
    );
    assert_eq!(client.place_order(cart_id, "checkmo").await.unwrap(), 3);

    let bodies: Vec<_> = store
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.path.clone(), r.json()))
        .collect();
    assert_eq!(
        bodies[1].2,
        json!({"cartItem": {"sku": "WS12-M-Orange", "qty": 1.5, "quote_id": "4"}})
    );
    assert_eq!(
        bodies[2].2,
        json!({"cartItem": {"item_id": 7, "qty": 2, "quote_id": "4"}})
    );
    assert_eq!(bodies[3].0, Method::DELETE);
    let estimate = &bodies[4].2["address"];
    assert_eq!(
        (
            estimate["region_code"].as_str(),
            estimate["street"][0].as_str()
        ),
        (Some("NY"), Some("123 Oak Ave"))
    );
    assert!(
        estimate.get("id").is_none(),
        "absent fields are not sent as null"
    );
    let shipping = &bodies[5].2["addressInformation"];
    assert_eq!(shipping["shipping_carrier_code"], "flatrate");
    assert_eq!(shipping["billing_address"]["city"], "Purchase");
    assert_eq!(bodies[7].2, json!({"paymentMethod": {"method": "checkmo"}}));
}

#[tokio::test]
async fn customers_are_updated_whole_and_subscriptions_go_through_is_subscribed() {
    let store = FakeStore::start().await;
    let customer = json!({"id": 2, "email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe", "website_id": 1,
                          "default_billing": "2", "disable_auto_group_change": 0,
                          "addresses": [{"id": 2, "region": {"region_code": "NY", "region": "New York", "region_id": 43},
                                         "street": ["123 Oak Ave"], "default_billing": true}],
                          "extension_attributes": {"is_subscribed": false, "company_attributes": {"company_id": 0}},
                          "custom_attributes": [{"attribute_code": "loyalty", "value": "gold"}],
                          "x_extra": 0});
    let mut customer = customer;
    customer["x_extra"] = serde_json::from_str("1.50").unwrap();
    let stored = customer.clone();
    store.on(Method::GET, "customers/2", move |_, _| ok(stored.clone()));
    store.on(Method::PUT, "customers/2", |_, req| {
        ok(req.json()["customer"].clone())
    });
    let client = store.client();

    let saved = client.set_customer_subscription(2, true).await.unwrap();
    assert_eq!(
        saved.extension_attributes.as_ref().unwrap().is_subscribed,
        Some(true)
    );
    let sent = store
        .requests()
        .iter()
        .find(|r| r.method == Method::PUT)
        .unwrap()
        .json();
    let mut expected = customer.clone();
    expected["extension_attributes"]["is_subscribed"] = json!(true);
    assert_eq!(
        sent,
        json!({"customer": expected}),
        "everything read is sent back, unknown fields included"
    );
}

#[tokio::test]
async fn single_reads_use_the_contract_paths() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "creditmemo/3", |_, _| {
        ok(json!({"entity_id": 3, "order_id": 3, "grand_total": 22}))
    });
    store.on(Method::GET, "orders/3", |_, _| {
        ok(json!({"entity_id": 3, "increment_id": "000000003"}))
    });
    store.on(Method::GET, "carts/5", |_, _| {
        ok(json!({"id": 5, "is_active": false, "items_count": 1}))
    });
    store.on(Method::GET, "carts/5/totals", |_, _| {
        ok(serde_json::from_str(r#"{"grand_total": 10.10}"#).unwrap())
    });
    store.on(Method::GET, "invoices/2", |_, _| {
        ok(json!({"entity_id": 2, "order_id": 3, "state": 2}))
    });
    store.on(Method::GET, "directory/countries", |_, _| {
        ok(json!([{"id": "US", "full_name_english": "United States",
                   "available_regions": [{"id": "43", "code": "NY", "name": "New York"}, {"id": 12, "code": "CA", "name": "California"}]}]))
    });
    store.table(
        "customerGroups/search",
        vec![
            json!({"id": 0, "code": "NOT LOGGED IN", "tax_class_id": 3}),
            json!({"id": 1, "code": "General", "tax_class_id": 3}),
        ],
        &[],
    );
    store.table("products", vec![json!({"id": 1, "sku": "WS12-M-Orange", "name": "Radiant Tee", "price": 22, "type_id": "simple", "status": 1})], &[]);
    let client = store.client();
    assert_eq!(
        client.get_credit_memo(3).await.unwrap().grand_total,
        Some(Decimal::from(22))
    );
    assert_eq!(
        client.get_order(3).await.unwrap().increment_id.as_deref(),
        Some("000000003")
    );
    let cart = client.get_cart(5).await.unwrap();
    assert_eq!((cart.is_active, cart.items), (Some(false), None));
    assert_eq!(
        client
            .get_cart_totals(5)
            .await
            .unwrap()
            .grand_total
            .unwrap()
            .to_string(),
        "10.10"
    );
    assert_eq!(client.get_invoice(2).await.unwrap().state, Some(2));
    let countries = client.countries().await.unwrap();
    let regions = countries[0].available_regions.as_ref().unwrap();
    assert_eq!(
        (regions[0].id.as_deref(), regions[1].id.as_deref()),
        (Some("43"), Some("12"))
    );
    assert_eq!(client.customer_groups().await.unwrap().len(), 2);
    let products = client
        .search_products(
            &magento::SearchCriteria::new()
                .filter(magento::Filter::like("sku", "WS12%"))
                .page_size(20),
        )
        .await
        .unwrap();
    assert_eq!(
        products.records().next().unwrap().price,
        Some(Decimal::from(22))
    );
}
