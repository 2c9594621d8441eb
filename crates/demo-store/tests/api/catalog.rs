//! The catalogue: configurable attributes with their option labels, product edits that an
//! incremental product sync sees, and the benchmark products.

use demo_store::{
    DemoStoreConfig, RecordRef, base_product_count, generate, generate_with_products, to_json,
};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::helpers::{Criteria, anchor, config, ids, spawn, spawn_scale, total};

fn option(label: &str, value: &str) -> Value {
    json!({"label": label, "value": value})
}

#[tokio::test]
async fn attributes_name_the_configurable_options() {
    let store = spawn_scale(20).await;
    let both = store
        .ok(&format!(
            "products/attributes?{}",
            Criteria::new()
                .filter("attribute_id", "93,144", "in")
                .query()
        ))
        .await;
    assert_eq!(total(&both), 2);
    let codes: Vec<&str> = both["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["attribute_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["color", "size"]);
    let size = store
        .ok(&format!(
            "products/attributes?{}",
            Criteria::new()
                .filter("attribute_code", "size", "eq")
                .query()
        ))
        .await;
    assert_eq!(ids(&size, "attribute_id"), [144]);

    let color = store.ok("products/attributes/color").await;
    assert_eq!(
        (
            color["attribute_id"].clone(),
            color["frontend_input"].clone(),
            color["default_frontend_label"].clone()
        ),
        (json!(93), json!("select"), json!("Color"))
    );
    let options = color["options"].as_array().unwrap();
    // Magento leads select options with an empty choice.
    assert_eq!(options[0], option(" ", ""));
    assert!(options.contains(&option("Orange", "56")) && options.contains(&option("Red", "58")));
    let sizes = store.ok("products/attributes/size/options").await;
    assert!(sizes.as_array().unwrap().contains(&option("M", "168")));

    // Every value a configurable offers has a label.
    let tee = store.ok("products/WS12").await;
    for o in tee["extension_attributes"]["configurable_product_options"]
        .as_array()
        .unwrap()
    {
        let attribute = store
            .ok(&format!(
                "products/attributes/{}",
                if o["attribute_id"] == "93" {
                    "color"
                } else {
                    "size"
                }
            ))
            .await;
        for v in o["values"].as_array().unwrap() {
            let value = v["value_index"].to_string();
            assert!(
                attribute["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x["value"] == value.as_str()),
                "{value}"
            );
        }
    }

    assert_eq!(
        store.get("products/attributes/weight").await,
        (
            reqwest::StatusCode::NOT_FOUND,
            json!({"message": "The attribute with a \"%1\" attributeCode doesn't exist. Verify the attribute and try again.", "parameters": ["weight"]})
        )
    );
}

#[tokio::test]
async fn attributes_need_their_acl_resource() {
    let mut cfg = config(20);
    cfg.auth.acl_denied = vec!["Magento_Catalog::attributes_attributes".into()];
    let store = spawn(cfg).await;
    assert_eq!(
        store.get("products/attributes/color").await,
        (
            reqwest::StatusCode::UNAUTHORIZED,
            json!({"message": "The consumer isn't authorized to access %resources.",
                   "parameters": {"resources": "Magento_Catalog::attributes_attributes"}})
        )
    );
    assert_eq!(store.get("products/WS12").await.0, 200);
}

#[tokio::test]
async fn product_edits_move_updated_at_for_a_keyset_sync() {
    let store = spawn_scale(20).await;
    let state = store.handle.state();
    let generated = store.ok("products/24-MB01").await["updated_at"]
        .as_str()
        .unwrap()
        .to_string();
    let unchanged = store
        .ok(&format!(
            "products?{}",
            Criteria::new()
                .filter("updated_at", &generated, "gt")
                .query()
        ))
        .await;
    assert_eq!(total(&unchanged), 0);
    {
        let mut s = state.write();
        s.set_product_price("24-MB01", Decimal::new(3000, 2))
            .unwrap();
        s.set_product_status("24-UG07", false).unwrap();
        assert!(s.set_product_price("NOPE", Decimal::ONE).is_err());
    }
    // Advance phase of the keyset algorithm: after the cursor, by updated_at then id.
    let changed = store
        .ok(&format!(
            "products?{}",
            Criteria::new()
                .filter("updated_at", &generated, "gt")
                .sort(&[("updated_at", "ASC"), ("entity_id", "ASC")])
                .size(10)
                .query()
        ))
        .await;
    let skus: Vec<&str> = changed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["24-MB01", "24-UG07"]);
    let first = &changed["items"][0];
    assert_eq!(
        (
            first["price"].clone(),
            changed["items"][1]["status"].clone()
        ),
        (json!(30), json!(2))
    );
    // Tie phase: same second, ids after the cursor's.
    let ties = store
        .ok(&format!(
            "products?{}",
            Criteria::new()
                .filter("updated_at", first["updated_at"].as_str().unwrap(), "eq")
                .filter("entity_id", &first["id"].to_string(), "gt")
                .sort(&[("entity_id", "ASC")])
                .query()
        ))
        .await;
    assert_eq!(
        ids(&ties, "id"),
        [changed["items"][1]["id"].as_u64().unwrap()]
    );

    // New lines take the new price; the disabled product cannot be added.
    let cart = store.new_cart().await;
    assert_eq!(store.add_item(cart, "24-MB01", 1).await["price"], 30);
    let (status, err) = store
        .post(
            &format!("carts/{cart}/items"),
            json!({"cartItem": {"sku": "24-UG07", "qty": 1, "quote_id": cart.to_string()}}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), err),
        (
            400,
            json!({"message": "Product that you are trying to add is not available."})
        )
    );
}

#[tokio::test]
async fn benchmark_products_fill_the_catalogue_and_change_nothing_else() {
    let plain = generate(42, 60, Some(anchor()));
    let big = generate_with_products(42, 60, Some(anchor()), 1000);
    let base = base_product_count();
    assert_eq!(plain.catalog.products.len(), base);
    assert_eq!(big.catalog.products.len(), base + 1000);
    let last = big.catalog.products.last().unwrap();
    assert_eq!(
        (&*last.sku, last.id as usize),
        ("BENCH-001000", base + 1000)
    );
    assert!(
        big.catalog
            .products
            .iter()
            .enumerate()
            .all(|(i, p)| p.id as usize == i + 1)
    );
    let orders = |ds: &demo_store::Dataset| -> Vec<Value> {
        ds.orders
            .iter()
            .map(|o| to_json(ds, RecordRef::Order(o)))
            .collect()
    };
    assert_eq!(orders(&plain), orders(&big));

    let store = spawn(DemoStoreConfig {
        extra_products: 5,
        ..config(20)
    })
    .await;
    let bench = store
        .ok(&format!(
            "products?{}",
            Criteria::new().filter("sku", "BENCH-%", "like").query()
        ))
        .await;
    assert_eq!(total(&bench), 5);
    let cart = store.new_cart().await;
    assert_eq!(
        store.add_item(cart, "BENCH-000003", 2).await["sku"],
        "BENCH-000003"
    );
}
