//! The example bodies of contract §6 parse into the wire types exactly and losslessly.

use magento::types::{Cart, CreditMemo, Customer, Order};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const CUSTOMER: &str = include_str!("../fixtures/customer.json");
const CART: &str = include_str!("../fixtures/cart.json");
const ORDER: &str = include_str!("../fixtures/order.json");
const CREDIT_MEMO: &str = include_str!("../fixtures/credit_memo.json");

/// Drops `null` members: an absent optional field and a `null` one mean the same thing.
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// Parses `text` as `T` and checks that serialising it gives back the same JSON.
fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let raw: Value = serde_json::from_str(text).unwrap();
    let parsed: T = serde_path_to_error::deserialize(&raw)
        .unwrap_or_else(|e| panic!("{}: {}", e.path(), e.inner()));
    let back = serde_json::to_value(&parsed).unwrap();
    assert_eq!(
        without_nulls(back),
        without_nulls(raw),
        "serialising the parsed value lost or changed data"
    );
    parsed
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn customer_example_parses_losslessly() {
    let customer: Customer = round_trip(CUSTOMER);
    assert_eq!(customer.id, Some(2));
    assert_eq!(customer.default_billing.as_deref(), Some("2"));
    assert_eq!(
        customer.created_at.unwrap().to_string(),
        "2017-01-31 01:18:13 UTC"
    );
    assert_eq!(customer.disable_auto_group_change, Some(false));
    let address = &customer.addresses.as_ref().unwrap()[0];
    assert_eq!(
        address.region.as_ref().unwrap().region_code.as_deref(),
        Some("NY")
    );
    assert_eq!(
        address.street.as_deref(),
        Some(&["123 Oak Ave".to_owned()][..])
    );
    assert_eq!(
        (address.default_billing, address.default_shipping),
        (Some(true), Some(true))
    );
}

#[test]
fn cart_example_parses_losslessly() {
    let cart: Cart = round_trip(CART);
    assert_eq!(
        (cart.id, cart.is_active, cart.is_virtual),
        (Some(5), Some(true), Some(false))
    );
    let items = cart.items.as_ref().unwrap();
    assert_eq!(items[0].quote_id.as_deref(), Some("5"));
    assert_eq!(items[0].qty, Some(dec("15")));
    assert_eq!(items[1].price, Some(dec("22")));
    assert_eq!(cart.items_qty, Some(dec("25")));
    assert_eq!(
        cart.customer.as_ref().unwrap().email.as_deref(),
        Some("mshaw@example.com")
    );
    let billing = cart.billing_address.as_ref().unwrap();
    assert_eq!(billing.region.as_deref(), Some("California"));
    assert_eq!(billing.same_as_billing, Some(false));
    assert_eq!(
        cart.currency.as_ref().unwrap().base_to_global_rate,
        Some(dec("1"))
    );
    let assignment = &cart
        .extension_attributes
        .as_ref()
        .unwrap()
        .shipping_assignments
        .as_ref()
        .unwrap()[0];
    let shipping = assignment.shipping.as_ref().unwrap();
    assert_eq!(shipping.method.as_deref(), Some("tablerate_bestway"));
    // The example's "...": "..." placeholder is an unknown field and is kept.
    assert_eq!(
        shipping.address.as_ref().unwrap().extra.get("..."),
        Some(&json!("..."))
    );
}

#[test]
fn order_example_parses_losslessly_with_exact_money_and_the_shipping_address() {
    let order: Order = round_trip(ORDER);
    assert_eq!(order.entity_id, Some(3));
    assert_eq!(order.increment_id.as_deref(), Some("000000003"));
    assert_eq!(order.quote_id, Some(4));
    assert_eq!(order.grand_total, Some(dec("165")));
    assert_eq!(order.subtotal, Some(dec("160")));
    assert_eq!(order.customer_is_guest, Some(false));
    assert_eq!(order.email_sent, Some(true));
    assert_eq!(
        order.store_name.as_deref(),
        Some("Main Website\nMain Website Store\n")
    );
    let item = &order.items.as_ref().unwrap()[0];
    assert_eq!(
        (item.sku.as_deref(), item.price, item.parent_item_id),
        (Some("WS12-M-Orange"), Some(dec("22")), None)
    );
    let payment = order.payment.as_ref().unwrap();
    assert_eq!(payment.method.as_deref(), Some("banktransfer"));
    assert_eq!(payment.account_status, None);
    assert_eq!(
        payment.additional_information.as_ref().unwrap(),
        &["Bank Transfer Payment", ""]
    );
    let shipping = order.shipping_address().unwrap();
    assert_eq!(
        (shipping.address_type.as_deref(), shipping.entity_id),
        (Some("shipping"), Some(5))
    );
    assert_eq!(order.shipping_method(), Some("tablerate_bestway"));
    assert_eq!(order.status_histories.as_ref().map(Vec::len), Some(0));
}

#[test]
fn credit_memo_example_parses_losslessly() {
    let memo: CreditMemo = round_trip(CREDIT_MEMO);
    assert_eq!(
        (memo.entity_id, memo.order_id, memo.state),
        (Some(3), Some(3), Some(2))
    );
    assert_eq!(memo.grand_total, Some(dec("22")));
    assert_eq!(memo.adjustment_negative, Some(dec("0")));
    let item = &memo.items.as_ref().unwrap()[0];
    assert_eq!(
        (item.order_item_id, item.qty, item.base_cost),
        (Some(3), Some(dec("1")), Some(dec("0")))
    );
}

#[test]
fn money_is_exact_and_unknown_fields_survive_with_their_digits() {
    let text = r#"{"entity_id": 9, "grand_total": 19.99, "subtotal": "17.10", "tax_amount": 0.1,
        "base_grand_total": 12345678901234.5678, "gw_price": 1.10, "x_vendor": {"rate": 0.30000000000000004, "tags": ["a"]},
        "state": null, "status": null, "customer_is_guest": true, "email_sent": "1", "is_virtual": "0",
        "quote_id": "4", "created_at": "2024-02-29T23:59:59.123456Z"}"#;
    let order: Order = serde_json::from_str(text).unwrap();
    assert_eq!(order.grand_total, Some(Decimal::new(1999, 2)));
    assert_eq!(order.grand_total.unwrap().to_string(), "19.99");
    assert_eq!(order.subtotal.unwrap().to_string(), "17.10");
    assert_eq!(order.tax_amount.unwrap().to_string(), "0.1");
    assert_eq!(
        order.base_grand_total.unwrap().to_string(),
        "12345678901234.5678"
    );
    assert_eq!(
        (order.state.as_deref(), order.status.as_deref()),
        (None, None)
    );
    assert_eq!(
        (order.customer_is_guest, order.email_sent, order.is_virtual),
        (Some(true), Some(true), Some(false))
    );
    assert_eq!(order.quote_id, Some(4));
    assert_eq!(
        order.created_at.unwrap().to_rfc3339(),
        "2024-02-29T23:59:59.123456+00:00"
    );
    assert_eq!(
        serde_json::to_string(&order.extra["gw_price"]).unwrap(),
        "1.10"
    );
    assert_eq!(
        serde_json::to_string(&order.extra["x_vendor"]).unwrap(),
        r#"{"rate":0.30000000000000004,"tags":["a"]}"#
    );
    let back = serde_json::to_string(&order).unwrap();
    assert!(
        back.contains(r#""grand_total":19.99"#) && back.contains(r#""gw_price":1.10"#),
        "{back}"
    );
    assert!(
        back.contains(r#""customer_is_guest":1"#),
        "0/1 fields are written as integers: {back}"
    );
}

#[test]
fn every_field_is_optional() {
    for text in ["{}", r#"{"id": null, "email": null, "addresses": null}"#] {
        let customer: Customer = serde_json::from_str(text).unwrap();
        assert_eq!(customer.id, None);
    }
    let order: Order = serde_json::from_str(
        r#"{"items": [{"parent_item": {"item_id": 1}, "parent_item_id": "1"}]}"#,
    )
    .unwrap();
    let child = &order.items.unwrap()[0];
    assert_eq!(
        (
            child.parent_item_id,
            child.parent_item.as_ref().and_then(|p| p.item_id)
        ),
        (Some(1), Some(1))
    );
}
