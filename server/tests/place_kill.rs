//! A `cartwise` process killed with SIGKILL after it sent `PUT …/order` and before it recorded
//! the answer: once Cartwise runs again, the action resolves to done with the order the store
//! made, and no second order exists.

mod common;

use base64::Engine;
use common::database_url;
use demo_store::{DemoStoreConfig, PlaceOrderFaults};
use domain::actions::{ActionCommand, ActionResult, ActionState};
use domain::sync::{JobKind, JobStatus};
use domain::{ChannelSettings, Credentials, Decimal};
use std::process::Stdio;
use std::time::{Duration, Instant};
use store::PgPool;
use store::grid::Tz;
use store::secrets::Cipher;
use store::store_actions::{NewAction, Targets};

const KEY: [u8; 32] = [9u8; 32];

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_order_placed_by_a_killed_process_is_found_not_placed_again(pool: PgPool) {
    let store = demo_store::spawn(
        DemoStoreConfig {
            seed: 5,
            scale: 200,
            ..DemoStoreConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let cipher = Cipher::new(&KEY);
    let settings = ChannelSettings::new("Phone orders", store.base_url());
    let credentials = Credentials::Bearer {
        token: demo_store::DEMO_BEARER_TOKEN.into(),
    };
    let channel = store::channels::create(&pool, &cipher, &settings, &credentials, false)
        .await
        .unwrap();
    let options = sync::connect::ClientOptions::default();
    let (_, outcome) =
        sync::worker::sync_and_wait(&pool, &cipher, channel, JobKind::Sync, &options)
            .await
            .unwrap();
    assert_eq!(outcome.status, JobStatus::Succeeded);

    // A cart with a line, built through store actions here.
    let (customer, address) = {
        let state = store.state();
        let s = state.read();
        let c = s
            .customers
            .iter()
            .find(|c| {
                c.default_shipping_address()
                    .is_some_and(|a| &*a.postal.country_id == "US")
                    && s.active_cart_of(c.id).is_none()
            })
            .unwrap();
        (c.id as i64, c.default_shipping.unwrap() as i64)
    };
    let sku: String = sqlx::query_scalar(
        "select sku from products where channel_id = $1 and type_id = 'simple' and status = 1
           and visibility = 4 and coalesce(is_in_stock, true)
           and (stock_qty is null or stock_qty > 100) and website_ids @> array[1]::int8[]
         order by magento_id limit 1",
    )
    .bind(channel)
    .fetch_one(&pool)
    .await
    .unwrap();
    let actions = sync::outbound::Actions::new(pool.clone(), cipher.clone(), options.clone());
    let run = |command: ActionCommand| {
        let (actions, pool) = (actions.clone(), pool.clone());
        async move {
            let (id, _) = actions
                .submit(NewAction {
                    channel_id: channel,
                    command: &command,
                    targets: Targets::default(),
                    requested_by: None,
                })
                .await
                .unwrap();
            store::store_actions::get(&pool, id, Tz::UTC).await.unwrap()
        }
    };
    let opened = run(ActionCommand::CartOpen {
        customer_magento_id: Some(customer),
        guest_email: None,
        store_view: None,
    })
    .await;
    let Some(ActionResult::CartOpened { cart, .. }) = opened.result else {
        panic!("{opened:?}")
    };
    let added = run(ActionCommand::CartAddItem {
        cart,
        sku,
        qty: Decimal::ONE,
        options: vec![],
    })
    .await;
    assert_eq!(added.state, ActionState::Done, "{}", added.summary());

    // The store makes the order, then takes its time to answer: the process dies meanwhile.
    store.set_place_order_faults(PlaceOrderFaults {
        hang_after_place: Duration::from_secs(60),
        ..Default::default()
    });
    let key = base64::engine::general_purpose::STANDARD.encode(KEY);
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cartwise"))
        .args([
            "--log",
            "warn",
            "cart",
            "place",
            "--channel",
            "Phone orders",
            &cart.to_string(),
            "--shipping",
            "flatrate_flatrate",
            "--payment",
            "checkmo",
            "--address-id",
            &address.to_string(),
        ])
        .env("DATABASE_URL", database_url(&pool))
        .env("CARTWISE_SECRET_KEY", &key)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start cartwise cart place");
    let orders_of = || {
        let state = store.state();
        let s = state.read();
        s.orders
            .iter()
            .filter(|o| o.quote_id as i64 == cart)
            .count()
    };
    let started = Instant::now();
    while orders_of() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the order was never sent"
        );
        assert!(child.try_wait().unwrap().is_none(), "the child ended early");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = nix::unistd::Pid::from_raw(child.id().unwrap() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
    child.wait().await.unwrap();
    store.set_place_order_faults(PlaceOrderFaults::default());
    let place: (i64, String) = sqlx::query_as(
        "select id, state from store_actions where kind = 'cart.place' and cart_magento_id = $1",
    )
    .bind(cart)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(place.1, "running", "killed between sending and recording");

    // Cartwise runs again: its worker finds the dead runner's action and the order.
    let listen = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listen.local_addr().unwrap().port();
    drop(listen);
    let data = tempfile::tempdir().unwrap();
    let mut serve = tokio::process::Command::new(env!("CARGO_BIN_EXE_cartwise"))
        .args([
            "--log",
            "warn",
            "serve",
            "--demo",
            "off",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("DATABASE_URL", database_url(&pool))
        .env("CARTWISE_SECRET_KEY", &key)
        .env("CARTWISE_DATA_DIR", data.path())
        .env("CARTWISE_ADMIN_PASSWORD", "a long enough password")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start cartwise serve");
    let started = Instant::now();
    let view = loop {
        let view = store::store_actions::get(&pool, place.0, Tz::UTC)
            .await
            .unwrap();
        if view.state.is_final() {
            break view;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never resolved: {view:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let _ = serve.kill().await;
    assert_eq!(view.state, ActionState::Done, "{}", view.summary());
    assert!(matches!(
        view.result,
        Some(ActionResult::Placed {
            crm_order_id: Some(_),
            ..
        })
    ));
    assert_eq!(orders_of(), 1, "exactly one order in the store");
    let status: String =
        sqlx::query_scalar("select status from carts where channel_id = $1 and magento_id = $2")
            .bind(channel)
            .bind(cart)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(status, "purchased");
}
