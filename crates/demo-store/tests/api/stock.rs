//! Adding items: the body's `quote_id`, quantities, products that cannot be sold, options,
//! and stock (sold out, sale limits, small stocks) in Magento's words; placing re-checks
//! and takes stock; products show their stock item.

use serde_json::{Value, json};

use crate::helpers::{TestStore, shipping_info, spawn_scale, us_address};

async fn add_raw(store: &TestStore, cart: u64, item: Value) -> (u16, Value) {
    let (status, body) = store
        .post(&format!("carts/{cart}/items"), json!({ "cartItem": item }))
        .await;
    (status.as_u16(), body)
}

fn message(text: &str) -> Value {
    json!({ "message": text })
}

fn options(color: u32, size: u32) -> Value {
    json!({"extension_attributes": {"configurable_item_options": [
        {"option_id": "93", "option_value": color}, {"option_id": "144", "option_value": size}
    ]}})
}

#[tokio::test]
async fn item_errors_come_in_magentos_order_and_words() {
    let store = spawn_scale(30).await;
    let cart = store.new_cart().await;
    let q = cart.to_string();

    // 2.4's Repository::save reads the cart from the item: quote_id is required.
    assert_eq!(
        add_raw(&store, cart, json!({"sku": "24-MB01", "qty": 1})).await,
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "quoteId"}})
        )
    );
    let invalid = |value: Value| {
        json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.",
               "parameters": {"fieldName": "qty", "value": value}})
    };
    for qty in [json!(0), json!(-2), json!("abc")] {
        assert_eq!(
            add_raw(
                &store,
                cart,
                json!({"sku": "24-MB01", "qty": qty, "quote_id": q})
            )
            .await,
            (400, invalid(qty.clone()))
        );
    }
    assert_eq!(
        add_raw(
            &store,
            cart,
            json!({"sku": "NOPE-1", "qty": 1, "quote_id": q})
        )
        .await,
        (
            404,
            message(
                "The product that was requested doesn't exist. Verify the product and try again."
            )
        )
    );
    let not_available = message("Product that you are trying to add is not available.");
    // Disabled, and sold only on the EU website (this cart is in the default store).
    for sku in ["24-RETIRED", "MUG-ÜBER"] {
        assert_eq!(
            add_raw(&store, cart, json!({"sku": sku, "qty": 1, "quote_id": q})).await,
            (400, not_available.clone()),
            "{sku}"
        );
    }
    let choose = message("You need to choose options for your item.");
    assert_eq!(
        add_raw(
            &store,
            cart,
            json!({"sku": "WS12", "qty": 1, "quote_id": q})
        )
        .await,
        (400, choose.clone())
    );
    // Red (58) exists as an attribute option, but no WS12 child is red.
    assert_eq!(
        add_raw(
            &store,
            cart,
            json!({"sku": "WS12", "qty": 1, "quote_id": q, "product_option": options(58, 168)})
        )
        .await,
        (400, choose)
    );
    assert_eq!(
        add_raw(
            &store,
            cart,
            json!({"sku": "24-YOGA-SET", "qty": 1, "quote_id": q})
        )
        .await,
        (400, message("Please specify product option(s)."))
    );

    let out_of_stock = message("This product is out of stock.");
    assert_eq!(
        add_raw(
            &store,
            cart,
            json!({"sku": "24-MB06", "qty": 1, "quote_id": q})
        )
        .await,
        (400, out_of_stock.clone())
    );
    // WS12 in L (169) and Blue (50) is sold out; M and Orange is not.
    assert_eq!(
        add_raw(
            &store,
            cart,
            json!({"sku": "WS12", "qty": 1, "quote_id": q, "product_option": options(50, 169)})
        )
        .await,
        (400, out_of_stock)
    );
    assert_eq!(
        add_raw(
            &store,
            cart,
            json!({"sku": "24-UG01", "qty": 6, "quote_id": q})
        )
        .await,
        (
            400,
            json!({"message": "The most you may purchase is %1.", "parameters": [5]})
        )
    );
    assert_eq!(
        add_raw(
            &store,
            cart,
            json!({"sku": "24-UG02", "qty": 1, "quote_id": q})
        )
        .await,
        (
            400,
            json!({"message": "The fewest you may purchase is %1.", "parameters": [2]})
        )
    );
    let not_enough = message("The requested qty is not available");
    assert_eq!(
        add_raw(
            &store,
            cart,
            json!({"sku": "24-WG080", "qty": 4, "quote_id": q})
        )
        .await,
        (400, not_enough.clone())
    );
    // Several item errors: one exception, messages joined with a newline.
    assert_eq!(
        add_raw(
            &store,
            cart,
            json!({"sku": "24-MG01", "qty": 5, "quote_id": q})
        )
        .await,
        (
            400,
            json!({"message": "The most you may purchase is %1.\nThe requested qty is not available", "parameters": [3]})
        )
    );
    // Nothing above reached the cart.
    assert_eq!(store.ok(&format!("carts/{cart}")).await["items_count"], 0);

    // Within the limits it works; the merged line is checked as a whole.
    let limited = store.add_item(cart, "24-UG01", 5).await;
    store.add_item(cart, "24-WG080", 3).await;
    assert_eq!(
        add_raw(
            &store,
            cart,
            json!({"sku": "24-WG080", "qty": 1, "quote_id": q})
        )
        .await,
        (400, not_enough)
    );
    let item = limited["item_id"].as_u64().unwrap();
    let (status, err) = store
        .put(
            &format!("carts/{cart}/items/{item}"),
            json!({"cartItem": {"qty": 7, "quote_id": q}}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), err),
        (
            400,
            json!({"message": "The most you may purchase is %1.", "parameters": [5]})
        )
    );
    let (status, err) = store
        .put(
            &format!("carts/{cart}/items/{item}"),
            json!({"cartItem": {"qty": 2}}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), err["parameters"].clone()),
        (400, json!({"fieldName": "quoteId"}))
    );
    let cart_json = store.ok(&format!("carts/{cart}")).await;
    assert_eq!(
        (
            cart_json["items_count"].clone(),
            cart_json["items_qty"].clone()
        ),
        (json!(2), json!(8))
    );
}

#[tokio::test]
async fn products_show_their_stock_item() {
    let store = spawn_scale(20).await;
    let small = store.ok("products/24-WG080").await;
    let id = small["id"].clone();
    let stock = &small["extension_attributes"]["stock_item"];
    for (key, value) in [
        ("item_id", id.clone()),
        ("product_id", id),
        ("qty", json!(3)),
        ("is_in_stock", json!(true)),
        ("min_sale_qty", json!(1)),
        ("max_sale_qty", json!(10000)),
        ("manage_stock", json!(true)),
    ] {
        assert_eq!(stock[key], value, "{key}: {stock}");
    }
    let sold_out = store.ok("products/WS12-L-Blue").await;
    assert_eq!(
        (
            sold_out["extension_attributes"]["stock_item"]["qty"].clone(),
            sold_out["extension_attributes"]["stock_item"]["is_in_stock"].clone()
        ),
        (json!(0), json!(false))
    );
    let limited = store.ok("products/24-UG01").await;
    assert_eq!(
        limited["extension_attributes"]["stock_item"]["max_sale_qty"],
        5
    );
    // Unmanaged stock: nothing to count, always in stock.
    let unmanaged = &store.ok("products/24-MB01").await["extension_attributes"]["stock_item"];
    assert_eq!(
        (
            unmanaged["manage_stock"].clone(),
            unmanaged["is_in_stock"].clone(),
            unmanaged.get("qty")
        ),
        (json!(false), json!(true), None)
    );
    let bundle = store.ok("products/24-YOGA-SET").await;
    assert_eq!(bundle["type_id"], "bundle");
    let parts: Vec<&str> = bundle["extension_attributes"]["bundle_product_options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["product_links"][0]["sku"].as_str().unwrap())
        .collect();
    assert_eq!(parts, ["24-WG084", "24-UG04"]);
}

async fn ship_and_place(store: &TestStore, cart: u64) -> (u16, Value) {
    let (status, body) = store
        .post(
            &format!("carts/{cart}/shipping-information"),
            shipping_info(
                us_address("stock@example.com"),
                None,
                "flatrate",
                "flatrate",
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = store
        .put(
            &format!("carts/{cart}/order"),
            json!({"paymentMethod": {"method": "checkmo"}}),
        )
        .await;
    (status.as_u16(), body)
}

#[tokio::test]
async fn placing_rechecks_stock_and_takes_it() {
    let store = spawn_scale(30).await;
    let before = store.ok("products/24-WG080").await;
    // Two shoppers each hold two of the last three units.
    let (first, second) = (store.new_cart().await, store.new_cart().await);
    store.add_item(first, "24-WG080", 2).await;
    store.add_item(second, "24-WG080", 2).await;
    let (status, order) = ship_and_place(&store, first).await;
    assert_eq!(status, 200, "{order}");
    let after = store.ok("products/24-WG080").await;
    assert_eq!(after["extension_attributes"]["stock_item"]["qty"], 1);
    // Stock is its own table: the product row did not change.
    assert_eq!(after["updated_at"], before["updated_at"]);

    assert_eq!(
        ship_and_place(&store, second).await,
        (
            400,
            message("Not all of your products are available in the requested quantity.")
        )
    );
    assert_eq!(
        store.ok(&format!("carts/{second}")).await["is_active"],
        true
    );
    let line = store.ok(&format!("carts/{second}/items")).await[0]["item_id"]
        .as_u64()
        .unwrap();
    let (status, _) = store
        .put(
            &format!("carts/{second}/items/{line}"),
            json!({"cartItem": {"qty": 1, "quote_id": second.to_string()}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(ship_and_place(&store, second).await.0, 200);
    let gone = &store.ok("products/24-WG080").await["extension_attributes"]["stock_item"];
    assert_eq!(
        (gone["qty"].clone(), gone["is_in_stock"].clone()),
        (json!(0), json!(false))
    );
    let third = store.new_cart().await;
    assert_eq!(
        add_raw(
            &store,
            third,
            json!({"sku": "24-WG080", "qty": 1, "quote_id": third.to_string()})
        )
        .await,
        (400, message("This product is out of stock."))
    );
    // The Rust API reads the same stock.
    let stock = store.handle.state().read().stock("24-WG080").unwrap();
    assert_eq!((stock.qty, stock.is_in_stock), (Some(0), false));
}
