//! Newsletter state as Magento 2.4 moves it (store-actions.md §2.3): `is_subscribed` on
//! customer saves with and without `newsletter_confirm` and for unconfirmed accounts, what
//! customers report, the companion route's write for guests, and `/_demo/customers`.

use demo_store::{CustomerConfig, DemoStoreConfig, SubscriberStatus, text};
use serde_json::{Value, json};

use crate::helpers::{Criteria, TestStore, config, spawn, spawn_scale};

use SubscriberStatus::{NotActivated, Subscribed, Unconfirmed, Unsubscribed};

/// `n` customers without a newsletter row and with a confirmed account.
fn fresh_customers(store: &TestStore, n: usize) -> Vec<u32> {
    let state = store.handle.state();
    let s = state.read();
    let ids: Vec<u32> = s
        .customers
        .iter()
        .filter(|c| c.confirmation.is_none() && s.subscriber_of_customer(c.id).is_none())
        .map(|c| c.id)
        .take(n)
        .collect();
    assert_eq!(ids.len(), n, "enough fresh customers");
    ids
}

/// Gives a customer a row in `start` (none if None) and an account awaiting confirmation
/// or not, through the store directly.
fn arrange(store: &TestStore, id: u32, start: Option<SubscriberStatus>, unconfirmed: bool) {
    let state = store.handle.state();
    let mut s = state.write();
    if let Some(status) = start {
        s.set_subscribed(id, true).unwrap();
        let row = s.subscriber_of_customer(id).unwrap().id;
        s.set_subscriber_status(row, status).unwrap();
    }
    s.update_customer(id, |c| {
        c.confirmation = unconfirmed.then(|| text("0123456789abcdef0123456789abcdef"));
    })
    .unwrap();
}

/// The customer's row as the companion search route serves it.
async fn row_of(store: &TestStore, customer_id: u32) -> Option<Value> {
    let found = store
        .ok(&format!(
            "cartwise/newsletter-subscribers/search?{}",
            Criteria::new()
                .filter("customer_id", &customer_id.to_string(), "eq")
                .query()
        ))
        .await;
    found["items"].get(0).cloned()
}

async fn set_confirm(store: &TestStore, on: bool) {
    store
        .control("customers", json!({ "newsletter_confirm": on }))
        .await;
}

fn code(status: Option<SubscriberStatus>) -> Value {
    status.map_or(Value::Null, |s| json!(s.code()))
}

/// PUTs `is_subscribed` and checks the row's status, the customer's answer and that
/// neither `updated_at` nor an unchanged row's `change_status_at` moved.
async fn put_subscribed(
    store: &TestStore,
    id: u32,
    on: bool,
    expected: Option<SubscriberStatus>,
    case: &str,
) {
    let path = format!("customers/{id}");
    let before = store.ok(&path).await;
    let row_before = row_of(store, id).await;
    store.handle.state().read().advance_clock(2);
    let body = json!({"customer": {"extension_attributes": {"is_subscribed": on}}});
    let (status, after) = store.put(&path, body).await;
    assert_eq!(status, 200, "{case}: {after}");
    assert_eq!(after["updated_at"], before["updated_at"], "{case}: no bump");
    assert_eq!(
        after["extension_attributes"]["is_subscribed"],
        json!(expected == Some(Subscribed)),
        "{case}: true only for 1"
    );
    let row = row_of(store, id).await;
    assert_eq!(
        row.as_ref().map(|r| r["subscriber_status"].clone()),
        expected.map(|s| json!(s.code())),
        "{case}"
    );
    let status_before = row_before.as_ref().map(|r| r["subscriber_status"].clone());
    if let (Some(b), Some(r)) = (&row_before, &row)
        && status_before == Some(r["subscriber_status"].clone())
    {
        assert_eq!(b["change_status_at"], r["change_status_at"], "{case}");
    } else if let Some(r) = &row {
        let now = store.handle.state().read().now().to_string();
        assert_eq!(r["change_status_at"], now, "{case}: status change stamped");
    }
}

#[tokio::test]
async fn is_subscribed_true_subscribes_as_magento_2_4_does() {
    let store = spawn_scale(300).await;
    // (row before, newsletter_confirm, account unconfirmed) → status after
    let cases = [
        (None, false, false, Subscribed),
        (None, true, false, NotActivated),
        (None, false, true, Unconfirmed),
        (None, true, true, Unconfirmed),
        (Some(Unsubscribed), false, false, Subscribed),
        (Some(Unsubscribed), true, false, NotActivated),
        (Some(NotActivated), false, false, Subscribed),
        (Some(NotActivated), true, false, NotActivated),
        (Some(Unconfirmed), false, false, Subscribed),
        (Some(Unconfirmed), false, true, Unconfirmed),
        (Some(Subscribed), true, false, Subscribed),
        (Some(Subscribed), false, true, Subscribed),
    ];
    let ids = fresh_customers(&store, cases.len());
    for (id, (start, confirm, unconfirmed, expected)) in ids.into_iter().zip(cases) {
        let case = format!(
            "{} confirm={confirm} unconfirmed={unconfirmed}",
            code(start)
        );
        arrange(&store, id, start, unconfirmed);
        set_confirm(&store, confirm).await;
        put_subscribed(&store, id, true, Some(expected), &case).await;
    }
}

#[tokio::test]
async fn is_subscribed_false_ends_only_an_active_subscription() {
    let store = spawn_scale(300).await;
    let starts = [
        (None, None),
        (Some(Subscribed), Some(Unsubscribed)),
        (Some(NotActivated), Some(NotActivated)),
        (Some(Unsubscribed), Some(Unsubscribed)),
        (Some(Unconfirmed), Some(Unconfirmed)),
    ];
    let ids = fresh_customers(&store, starts.len() * 2);
    let mut ids = ids.into_iter();
    for confirm in [false, true] {
        set_confirm(&store, confirm).await;
        for (start, expected) in starts {
            let id = ids.next().unwrap();
            arrange(&store, id, start, start == Some(Unconfirmed));
            let case = format!("{} confirm={confirm}", code(start));
            put_subscribed(&store, id, false, expected, &case).await;
        }
    }
}

#[tokio::test]
async fn customers_report_is_subscribed_only_for_status_1() {
    let store = spawn_scale(300).await;
    let statuses = [Subscribed, NotActivated, Unsubscribed, Unconfirmed];
    let ids = fresh_customers(&store, statuses.len());
    for (id, status) in ids.iter().zip(statuses) {
        arrange(&store, *id, Some(status), false);
        let one = store.ok(&format!("customers/{id}")).await;
        assert_eq!(
            one["extension_attributes"]["is_subscribed"],
            json!(status == Subscribed),
            "{status:?}"
        );
    }
    let list: Vec<String> = ids.iter().map(u32::to_string).collect();
    let found = store
        .ok(&format!(
            "customers/search?{}",
            Criteria::new()
                .filter("entity_id", &list.join(","), "in")
                .sort(&[("entity_id", "ASC")])
                .query()
        ))
        .await;
    let flags: Vec<(Value, Value)> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].clone(),
                c["extension_attributes"]["is_subscribed"].clone(),
            )
        })
        .collect();
    let mut expected: Vec<(Value, Value)> = ids
        .iter()
        .zip(statuses)
        .map(|(id, s)| (json!(id), json!(s == Subscribed)))
        .collect();
    expected.sort_by_key(|(id, _)| id.as_u64());
    assert_eq!(flags, expected);
}

#[tokio::test]
async fn new_customers_subscribe_as_the_config_says() {
    let store = spawn_scale(20).await;
    let create = |email: &str, on: bool| {
        json!({"customer": {"email": email, "firstname": "News", "lastname": "Letter",
                            "extension_attributes": {"is_subscribed": on}}})
    };
    for (confirm, email, on, expected) in [
        (false, "plain@example.com", true, Some(Subscribed)),
        (true, "double@example.com", true, Some(NotActivated)),
        (true, "never@example.com", false, None),
    ] {
        set_confirm(&store, confirm).await;
        let (status, created) = store.post("customers", create(email, on)).await;
        assert_eq!(status, 200, "{created}");
        assert_eq!(
            created["extension_attributes"]["is_subscribed"],
            json!(expected == Some(Subscribed)),
            "{email}"
        );
        let id = created["id"].as_u64().unwrap() as u32;
        let row = row_of(&store, id).await;
        assert_eq!(
            row.map(|r| r["subscriber_status"].clone()),
            expected.map(|s| json!(s.code())),
            "{email}"
        );
    }
}

#[tokio::test]
async fn guest_subscribers_are_written_through_the_companion_route() {
    let store = &spawn_scale(20).await;
    let state = store.handle.state();
    let guest = |n: usize, status| {
        state
            .write()
            .add_guest_subscriber(&format!("guest{n}@example.org"), 1, status)
    };
    let rows: Vec<u32> = [
        Subscribed,
        NotActivated,
        Unsubscribed,
        Unconfirmed,
        Unsubscribed,
        Subscribed,
    ]
    .into_iter()
    .enumerate()
    .map(|(n, s)| guest(n, s))
    .collect();
    let put = |id: u32, status: i64| {
        let path = format!("cartwise/newsletter-subscribers/{id}");
        let body = json!({"subscriber": {"subscriber_status": status}});
        async move { store.put(&path, body).await }
    };
    let search_item = |id: u32| async move {
        let found = store
            .ok(&format!(
                "cartwise/newsletter-subscribers/search?{}",
                Criteria::new()
                    .filter("subscriber_id", &id.to_string(), "eq")
                    .query()
            ))
            .await;
        found["items"][0].clone()
    };

    // (row, asked, newsletter_confirm) → status after; only 1 → 3 unsubscribes.
    let cases = [
        (rows[0], 3, false, Unsubscribed),
        (rows[1], 3, false, NotActivated),
        (rows[3], 3, false, Unconfirmed),
        (rows[2], 1, false, Subscribed),
        (rows[4], 1, true, NotActivated),
        (rows[5], 1, true, Subscribed),
    ];
    for (id, asked, confirm, expected) in cases {
        set_confirm(store, confirm).await;
        let before = search_item(id).await;
        state.read().advance_clock(2);
        let (status, answer) = put(id, asked).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(
            answer,
            search_item(id).await,
            "the search route's item shape"
        );
        assert_eq!(
            answer["subscriber_status"],
            expected.code(),
            "{before} ← {asked}"
        );
        if answer["subscriber_status"] == before["subscriber_status"] {
            assert_eq!(answer["change_status_at"], before["change_status_at"]);
        } else {
            assert_eq!(answer["change_status_at"], state.read().now().to_string());
        }
    }

    let (status, body) = put(99_999_999, 1).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue",
                   "parameters": {"fieldName": "subscriberId", "fieldValue": 99_999_999}})
        )
    );
    for bad in [0, 2, 4, 5] {
        let (status, body) = put(rows[0], bad).await;
        assert_eq!(
            (status.as_u16(), body),
            (
                400,
                json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.",
                       "parameters": {"fieldName": "subscriber_status", "value": bad}})
            )
        );
    }

    // Without the Cartwise module the route does not exist.
    state.set_subscriber_route(false);
    let (status, body) = put(rows[0], 1).await;
    assert_eq!(
        (status.as_u16(), body),
        (404, json!({"message": "Request does not match any route."}))
    );
}

#[tokio::test]
async fn the_control_route_reads_and_patches_the_customer_switches() {
    let store = spawn(DemoStoreConfig {
        customers: CustomerConfig {
            full_put: false,
            newsletter_confirm: true,
            ..CustomerConfig::default()
        },
        ..config(20)
    })
    .await;
    assert_eq!(
        store.control_get("customers").await,
        json!({"full_put": false, "newsletter_confirm": true, "reject_address_default_flags": false})
    );
    for (patch, expected) in [
        (
            json!({"full_put": true}),
            json!({"full_put": true, "newsletter_confirm": true, "reject_address_default_flags": false}),
        ),
        (
            json!({}),
            json!({"full_put": true, "newsletter_confirm": true, "reject_address_default_flags": false}),
        ),
        (
            json!({"newsletter_confirm": false}),
            json!({"full_put": true, "newsletter_confirm": false, "reject_address_default_flags": false}),
        ),
    ] {
        assert_eq!(store.control("customers", patch).await, expected);
    }
    assert_eq!(
        store.control_get("customers").await,
        json!({"full_put": true, "newsletter_confirm": false, "reject_address_default_flags": false})
    );
    assert_eq!(
        store.handle.customer_config(),
        CustomerConfig {
            full_put: true,
            newsletter_confirm: false,
            ..CustomerConfig::default()
        }
    );
    // The switch is live: an e-mail-less PUT is now a <= 2.4.0 refusal.
    let id = fresh_customers(&store, 1)[0];
    let (status, body) = store
        .put(
            &format!("customers/{id}"),
            json!({"customer": {"firstname": "X", "lastname": "Y"}}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            json!({"message": "The customer email is missing. Enter and try again."})
        )
    );
}
