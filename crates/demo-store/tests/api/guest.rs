//! Guest carts: masked ids, anonymous routes, `payment-information`, and guest orders from
//! an admin-made cart.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestStore, shipping_info, spawn_scale, us_address};

async fn guest(
    store: &TestStore,
    method: Method,
    mask: &str,
    rest: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let path = if rest.is_empty() {
        format!("guest-carts/{mask}")
    } else {
        format!("guest-carts/{mask}/{rest}")
    };
    let (status, body) = store.anon(method, &path, body).await;
    (status.as_u16(), body)
}

async fn new_guest_cart(store: &TestStore) -> String {
    let (status, mask) = store.anon(Method::POST, "guest-carts", None).await;
    assert_eq!(status, 200, "{mask}");
    mask.as_str().expect("a masked id").to_string()
}

#[tokio::test]
async fn a_guest_checks_out_with_a_masked_cart() {
    let store = spawn_scale(20).await;
    let mask = new_guest_cart(&store).await;
    assert_eq!(mask.len(), 32);
    assert!(mask.chars().all(|c| c.is_ascii_hexdigit()), "{mask}");
    let (status, cart) = guest(&store, Method::GET, &mask, "", None).await;
    assert_eq!(status, 200, "{cart}");
    let id = cart["id"].as_u64().unwrap();
    assert_eq!(cart["customer_is_guest"], true);
    assert_eq!(
        store.handle.state().read().mask_of_cart(id as u32),
        Some(mask.as_str())
    );

    // No quote_id needed: the guest route puts the URL's cart into the item.
    let (status, bag) = guest(
        &store,
        Method::POST,
        &mask,
        "items",
        Some(json!({"cartItem": {"sku": "24-MB01", "qty": 2}})),
    )
    .await;
    assert_eq!(status, 200, "{bag}");
    assert_eq!(bag["quote_id"], id.to_string());
    let (_, bottle) = guest(
        &store,
        Method::POST,
        &mask,
        "items",
        Some(json!({"cartItem": {"sku": "24-UG06", "qty": 1, "quote_id": mask}})),
    )
    .await;
    let (status, updated) = guest(
        &store,
        Method::PUT,
        &mask,
        &format!("items/{}", bag["item_id"]),
        Some(json!({"cartItem": {"qty": 3}})),
    )
    .await;
    assert_eq!((status, updated["qty"].clone()), (200, json!(3)));
    assert_eq!(
        guest(
            &store,
            Method::DELETE,
            &mask,
            &format!("items/{}", bottle["item_id"]),
            None
        )
        .await,
        (200, json!(true))
    );
    let (_, items) = guest(&store, Method::GET, &mask, "items", None).await;
    assert_eq!(items.as_array().unwrap().len(), 1);

    let (status, rates) = guest(
        &store,
        Method::POST,
        &mask,
        "estimate-shipping-methods",
        Some(json!({"address": us_address("guest@example.com")})),
    )
    .await;
    assert_eq!((status, rates[0]["amount"].clone()), (200, json!(15)));
    let (status, info) = guest(
        &store,
        Method::POST,
        &mask,
        "shipping-information",
        Some(shipping_info(
            us_address("guest@example.com"),
            None,
            "flatrate",
            "flatrate",
        )),
    )
    .await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["totals"]["grand_total"], 117, "3 × 34 + 3 × 5");
    assert_eq!(
        guest(&store, Method::GET, &mask, "payment-methods", None).await,
        (
            200,
            json!([{"code": "checkmo", "title": "Check / Money order"}])
        )
    );
    let mut billing = us_address("ignored@example.com");
    billing["street"] = json!(["2 Guest Street"]);
    let (status, order_id) = guest(
        &store,
        Method::POST,
        &mask,
        "payment-information",
        Some(json!({"email": "Guest.Buyer@Example.com", "paymentMethod": {"method": "checkmo"}, "billingAddress": billing})),
    )
    .await;
    assert_eq!(status, 200, "{order_id}");
    let order = store.ok(&format!("orders/{order_id}")).await;
    assert_eq!(
        (
            order["customer_email"].clone(),
            order["customer_is_guest"].clone(),
            order["quote_id"].clone(),
            order["billing_address"]["street"][0].clone(),
            order["grand_total"].clone()
        ),
        (
            json!("Guest.Buyer@Example.com"),
            json!(1),
            json!(id),
            json!("2 Guest Street"),
            json!(117)
        )
    );
    // The placed cart: readable, but no longer active.
    let (status, placed) = guest(&store, Method::GET, &mask, "", None).await;
    assert_eq!((status, placed["is_active"].clone()), (200, json!(false)));
    assert_eq!(
        guest(&store, Method::GET, &mask, "items", None).await,
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "cartId", "fieldValue": id}})
        )
    );
}

#[tokio::test]
async fn unknown_masks_and_payment_information_errors() {
    let store = spawn_scale(20).await;
    let missing = json!({"message": "No such entity with %fieldName = %fieldValue",
                         "parameters": {"fieldName": "cartId", "fieldValue": "0123456789abcdef0123456789abcdef"}});
    for (method, rest) in [
        (Method::GET, ""),
        (Method::GET, "items"),
        (Method::POST, "items"),
        (Method::GET, "payment-methods"),
        (Method::PUT, "order"),
    ] {
        let body = Some(json!({"cartItem": {"sku": "24-MB01", "qty": 1}}));
        assert_eq!(
            guest(
                &store,
                method,
                "0123456789abcdef0123456789abcdef",
                rest,
                body
            )
            .await,
            (404, missing.clone()),
            "{rest}"
        );
    }

    let mask = new_guest_cart(&store).await;
    let pay = |body: Value| {
        let (store, mask) = (&store, mask.clone());
        async move {
            guest(
                store,
                Method::POST,
                &mask,
                "payment-information",
                Some(body),
            )
            .await
        }
    };
    assert_eq!(
        pay(json!({"paymentMethod": {"method": "checkmo"}})).await,
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "email"}})
        )
    );
    guest(
        &store,
        Method::POST,
        &mask,
        "items",
        Some(json!({"cartItem": {"sku": "24-MB01", "qty": 1}})),
    )
    .await;
    let checkmo = json!({"email": "g@example.com", "paymentMethod": {"method": "checkmo"}});
    // Saving the payment needs the shipping address first (raw message).
    assert_eq!(
        pay(checkmo.clone()).await,
        (
            400,
            json!({"message": "The shipping address is missing. Set the address and try again."})
        )
    );
    let (status, _) = guest(
        &store,
        Method::POST,
        &mask,
        "shipping-information",
        Some(shipping_info(
            us_address("g@example.com"),
            None,
            "flatrate",
            "flatrate",
        )),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        pay(json!({"email": "g@example.com", "paymentMethod": {"method": "banktransfer"}})).await,
        (
            400,
            json!({"message": "The requested Payment Method is not available."})
        )
    );
    // Placing happens inside a try that rethrows the message rendered, without parameters.
    let mut billing = us_address("g@example.com");
    billing.as_object_mut().unwrap().remove("firstname");
    assert_eq!(
        pay(json!({"email": "g@example.com", "paymentMethod": {"method": "checkmo"}, "billingAddress": billing})).await,
        (
            400,
            json!({"message": "Please check the billing address information. \"firstname\" is required. Enter and try again."})
        )
    );
    // The guest order route places like the admin one.
    let (status, order_id) = guest(
        &store,
        Method::PUT,
        &mask,
        "order",
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    assert_eq!(
        status, 400,
        "the billing address is still incomplete: {order_id}"
    );
    let (status, _) = guest(
        &store,
        Method::POST,
        &mask,
        "billing-address",
        Some(json!({"address": us_address("g@example.com")})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, order_id) = guest(
        &store,
        Method::PUT,
        &mask,
        "order",
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    assert_eq!(status, 200, "{order_id}");
}

#[tokio::test]
async fn an_admin_cart_without_customer_places_a_guest_order() {
    let store = spawn_scale(20).await;
    let cart = store.new_cart().await;
    store.add_item(cart, "24-MB01", 1).await;
    let (status, _) = store
        .post(
            &format!("carts/{cart}/shipping-information"),
            shipping_info(
                us_address("ship@example.org"),
                Some(us_address("Bill@Example.org")),
                "flatrate",
                "flatrate",
            ),
        )
        .await;
    assert_eq!(status, 200);
    let (status, order_id) = store
        .put(
            &format!("carts/{cart}/order"),
            json!({"paymentMethod": {"method": "checkmo"}}),
        )
        .await;
    assert_eq!(status, 200, "{order_id}");
    let order = store.ok(&format!("orders/{order_id}")).await;
    assert_eq!(
        (
            order["customer_is_guest"].clone(),
            order["customer_email"].clone(),
            order["customer_firstname"].clone()
        ),
        (json!(1), json!("Bill@Example.org"), json!("Veronica"))
    );
    assert!(order.get("customer_id").is_none());
}

#[tokio::test]
async fn assigning_a_guest_cart_retires_its_mask() {
    let store = spawn_scale(20).await;
    let mask = new_guest_cart(&store).await;
    let id = store.handle.state().read().cart_by_mask(&mask).unwrap();
    let customer = store
        .handle
        .state()
        .read()
        .customers
        .iter()
        .next()
        .unwrap()
        .clone();
    let (status, body) = store
        .put(
            &format!("carts/{id}"),
            json!({"customerId": customer.id, "storeId": customer.store_id}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(guest(&store, Method::GET, &mask, "", None).await.0, 404);
    assert_eq!(
        store.ok(&format!("carts/{id}")).await["customer"]["id"],
        customer.id
    );
}
