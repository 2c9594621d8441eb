//! Headless operation (issue 4, item 8) through the `cartwise` binary itself, the way an
//! administrator scripts it: add a channel, list it, sync it, export what it holds, remove it.

mod common;

use base64::Engine;
use common::database_url;
use demo_store::DemoStoreConfig;
use std::process::Output;
use store::PgPool;

const KEY: [u8; 32] = [5u8; 32];

async fn cartwise(pool: &PgPool, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_cartwise"))
        .args(["--log", "warn"])
        .args(args)
        .env("DATABASE_URL", database_url(pool))
        .env(
            "CARTWISE_SECRET_KEY",
            base64::engine::general_purpose::STANDARD.encode(KEY),
        )
        .env_remove("CARTWISE_CHANNEL_TOKEN")
        .output()
        .await
        .expect("run cartwise")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn ok(o: Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what} failed: {}\n{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(&o)
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_channel_is_added_listed_synced_exported_and_removed_from_the_command_line(pool: PgPool) {
    let store = demo_store::spawn(
        DemoStoreConfig {
            seed: 4,
            scale: 150,
            ..DemoStoreConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let url = store.base_url();
    let token = demo_store::DEMO_BEARER_TOKEN;

    // Bad input gets a clear refusal and stores nothing.
    let bad = cartwise(
        &pool,
        &[
            "channel",
            "add",
            "--name",
            "Bad",
            "--url",
            "not a url",
            "--token",
            token,
        ],
    )
    .await;
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("the store's address"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let wrong_token = cartwise(
        &pool,
        &[
            "channel", "add", "--name", "Bad", "--url", &url, "--token", "wrong",
        ],
    )
    .await;
    assert!(!wrong_token.status.success(), "a rejected token is refused");

    ok(
        cartwise(
            &pool,
            &[
                "channel",
                "add",
                "--name",
                "Cli store",
                "--url",
                &url,
                "--token",
                token,
                "--websites",
                "all",
                "--entities",
                "customers,carts,orders,credit-memos",
                "--start-date",
                "2000-01-01",
                "--interval",
                "10m",
                "--page-size",
                "40",
            ],
        )
        .await,
        "channel add",
    );

    let listed: serde_json::Value = serde_json::from_str(&ok(
        cartwise(&pool, &["channel", "list", "--json"]).await,
        "list",
    ))
    .unwrap();
    let channels = listed.as_array().unwrap();
    assert_eq!(channels.len(), 1, "{listed}");
    assert_eq!(channels[0]["name"], "Cli store");
    assert_eq!(channels[0]["interval_secs"], 600);
    assert_eq!(
        channels[0]["entities"],
        serde_json::json!(["customers", "carts", "orders", "credit-memos"])
    );
    assert!(!listed.to_string().contains(token), "the token was printed");

    let synced = ok(
        cartwise(&pool, &["sync", "Cli store", "--wait"]).await,
        "sync --wait",
    );
    assert!(synced.contains("orders"), "{synced}");

    let (customers, orders, memos) = {
        let s = store.state();
        let s = s.read();
        (s.customers.len(), s.orders.len(), s.credit_memos.len())
    };
    // JSON lines: one registered customer per store customer, plus guests.
    let lines = ok(
        cartwise(&pool, &["export", "customers", "--channel", "Cli store"]).await,
        "export customers",
    );
    let rows: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let registered = rows.iter().filter(|r| r["is_guest"] == false).count();
    assert_eq!(registered, customers);
    for key in [
        "magento_id",
        "email",
        "first_name",
        "last_name",
        "website_id",
        "is_guest",
    ] {
        assert!(
            rows[0].get(key).is_some(),
            "customers lack {key}: {}",
            rows[0]
        );
    }
    assert!(
        rows.iter()
            .filter(|r| r["is_guest"] == true)
            .all(|r| r["magento_id"].is_null())
    );

    // CSV: a header, then one line per order, money as decimal strings.
    let csv = ok(
        cartwise(
            &pool,
            &[
                "export",
                "orders",
                "--channel",
                "Cli store",
                "--format",
                "csv",
            ],
        )
        .await,
        "export orders",
    );
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    for key in [
        "magento_id",
        "increment_id",
        "cart_magento_id",
        "customer_email",
        "is_guest",
        "status",
        "state",
        "grand_total",
        "subtotal",
        "discount_amount",
    ] {
        assert!(
            header.iter().any(|h| h == key),
            "orders lack {key}: {header:?}"
        );
    }
    let totals: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[header.iter().position(|h| h == "grand_total").unwrap()].to_string())
        .collect();
    assert_eq!(totals.len(), orders);
    assert!(
        totals
            .iter()
            .all(|t| t.parse::<rust_decimal::Decimal>().is_ok())
    );

    let memo_lines = ok(
        cartwise(
            &pool,
            &[
                "export",
                "credit-memos",
                "--channel",
                "Cli store",
                "--format",
                "jsonl",
            ],
        )
        .await,
        "export credit-memos",
    );
    assert_eq!(memo_lines.lines().count(), memos);

    // Subscribers were not asked for: none were synced.
    let subscribers = ok(
        cartwise(
            &pool,
            &["export", "newsletter-subscribers", "--channel", "Cli store"],
        )
        .await,
        "export newsletter-subscribers",
    );
    assert_eq!(subscribers.lines().count(), 0);

    let unknown = cartwise(&pool, &["export", "carts", "--channel", "Nope"]).await;
    assert!(!unknown.status.success(), "an unknown channel is an error");

    ok(
        cartwise(&pool, &["channel", "remove", "Cli store"]).await,
        "channel remove",
    );
    let listed = ok(
        cartwise(&pool, &["channel", "list", "--json"]).await,
        "list",
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&listed).unwrap(),
        serde_json::json!([])
    );
    let orders_left: i64 = sqlx::query_scalar("select count(*) from orders")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(orders_left, 0, "the channel's records went with it");
}

/// Commands are for pipes (issue 17, item 13): at the most verbose log level, stdout holds only
/// the command's output, so `export … > file.jsonl` and `channel list --json | jq` work. And
/// the CLI's CSV keeps a storefront name that looks like a formula a text (item 4).
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn stdout_holds_only_the_output_even_at_debug_level(pool: PgPool) {
    let store = demo_store::spawn(
        DemoStoreConfig {
            seed: 4,
            scale: 60,
            ..DemoStoreConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    // A customer who typed a formula as their name, and one for each other character a
    // spreadsheet starts a formula with.
    let leads = ['=', '+', '-', '@', '\t', '\r'];
    let hostile: Vec<u32> = {
        let state = store.state();
        let mut s = state.write();
        let ids: Vec<u32> = s.customers.iter().take(leads.len()).map(|c| c.id).collect();
        for (id, lead) in ids.iter().zip(leads) {
            s.update_customer(*id, |c| {
                c.firstname =
                    demo_store::text(&format!("{lead}HYPERLINK(\"http://evil.example\",\"x\")"))
            })
            .unwrap();
        }
        ids
    };
    let verbose = |args: &[&str]| {
        let pool = pool.clone();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        async move {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_cartwise"))
                .args(["--log", "debug"])
                .args(&args)
                .env("DATABASE_URL", database_url(&pool))
                .env(
                    "CARTWISE_SECRET_KEY",
                    base64::engine::general_purpose::STANDARD.encode(KEY),
                )
                .output()
                .await
                .expect("run cartwise")
        }
    };
    let url = store.base_url();
    let added = cartwise(
        &pool,
        &[
            "channel",
            "add",
            "--name",
            "Piped",
            "--url",
            &url,
            "--token",
            demo_store::DEMO_BEARER_TOKEN,
            // (Customer edits from the command line below.)
            "--two-way",
        ],
    )
    .await;
    ok(added, "channel add");
    // A sync reads changes up to 1 s before the store's clock (a change in the current second
    // may still be joined by others): let the renamed customer's second pass.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    ok(verbose(&["sync", "Piped", "--wait"]).await, "sync");
    let list = ok(verbose(&["channel", "list", "--json"]).await, "list");
    let parsed: serde_json::Value = serde_json::from_str(&list)
        .unwrap_or_else(|e| panic!("channel list --json is not JSON ({e}):\n{list}"));
    assert!(parsed.is_array());
    let jsonl = ok(
        verbose(&["export", "customers", "--channel", "Piped"]).await,
        "export jsonl",
    );
    assert!(!jsonl.is_empty());
    for line in jsonl.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
    }
    let csv = ok(
        verbose(&[
            "export",
            "customers",
            "--channel",
            "Piped",
            "--format",
            "csv",
        ])
        .await,
        "export csv",
    );
    // The other commands with a machine format: one JSON document each.
    let customer = hostile[0].to_string();
    for args in [
        vec![
            "customer",
            "update",
            "--channel",
            "Piped",
            &customer,
            "--set",
            "lastname=Piped",
            "--json",
        ],
        vec![
            "subscriber",
            "set",
            "--channel",
            "Piped",
            &customer,
            "subscribed",
            "--json",
        ],
        vec![
            "cart",
            "open",
            "--channel",
            "Piped",
            "--guest",
            "piped@example.com",
            "--json",
        ],
    ] {
        let out = ok(verbose(&args).await, &args.join(" "));
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap_or_else(|e| panic!("{} is not JSON ({e}):\n{out}", args.join(" ")));
    }
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let first_name = headers.iter().position(|h| h == "first_name").unwrap();
    let magento_id = headers.iter().position(|h| h == "magento_id").unwrap();
    let mut seen = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        assert_eq!(record.len(), headers.len());
        for field in record.iter() {
            assert!(
                !field.starts_with(['=', '+', '@', '\t', '\r']),
                "a live formula: {field:?}"
            );
        }
        // (Guests have no Magento id.)
        let id = record.get(magento_id).and_then(|m| m.parse::<u32>().ok());
        if let Some(i) = hostile.iter().position(|h| Some(*h) == id) {
            let name = record.get(first_name).unwrap();
            assert!(!name.starts_with(leads), "a live formula: {name:?}");
            assert!(
                name.ends_with("HYPERLINK(\"http://evil.example\",\"x\")"),
                "{name:?}"
            );
            if leads[i] == '=' {
                assert_eq!(name, "'=HYPERLINK(\"http://evil.example\",\"x\")");
            }
            seen.push(hostile[i]);
        }
    }
    seen.sort();
    let mut all = hostile.clone();
    all.sort();
    assert_eq!(seen, all, "the hostile customers are exported:\n{csv}");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn customers_and_subscriptions_are_changed_from_the_command_line(pool: PgPool) {
    let store = demo_store::spawn(
        DemoStoreConfig {
            seed: 9,
            scale: 120,
            ..DemoStoreConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let url = store.base_url();
    let token = demo_store::DEMO_BEARER_TOKEN;
    ok(
        cartwise(
            &pool,
            &[
                "channel",
                "add",
                "--name",
                "Shop",
                "--url",
                &url,
                "--token",
                token,
                "--two-way",
                "--priority",
                "local",
                "--owner",
                "email=store",
            ],
        )
        .await,
        "channel add --two-way",
    );
    let listed = ok(
        cartwise(&pool, &["channel", "list", "--json"]).await,
        "list",
    );
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["two_way"], true, "{listed}");
    assert_eq!(listed[0]["sync_priority"], "local");
    assert_eq!(
        listed[0]["field_owners"],
        serde_json::json!([{"field": "email", "owner": "remote"}])
    );
    ok(cartwise(&pool, &["sync", "Shop", "--wait"]).await, "sync");
    let (id, other_email) = {
        let state = store.state();
        let s = state.read();
        let mut it = s.customers.iter().filter(|c| c.website_id == 1);
        let a = it.next().unwrap().id;
        let b = it.next().unwrap().email.to_string();
        (a, b)
    };
    let id_arg = id.to_string();
    let update = |sets: &[&str]| {
        let mut args = vec!["customer", "update", "--channel", "Shop", id_arg.as_str()];
        for s in sets {
            args.push("--set");
            args.push(s);
        }
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| {
        let pool = pool.clone();
        async move {
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            cartwise(&pool, &refs).await
        }
    };
    let out = ok(
        run(update(&["lastname=Cli", "taxvat=T1"])).await,
        "customer update",
    );
    assert!(out.contains("In the store"), "{out}");
    let c = store.state().read().customers.get(id).cloned().unwrap();
    assert_eq!((&*c.lastname, c.taxvat.as_deref()), ("Cli", Some("T1")));

    // The store changes the tax number; the channel's priority is "Cartwise wins".
    store
        .state()
        .write()
        .update_customer(id, |c| c.taxvat = Some(demo_store::text("STORE")))
        .unwrap();
    let out = ok(run(update(&["taxvat=T2"])).await, "a conflicting update");
    assert!(
        out.contains("conflict: The store changed tax/VAT number"),
        "{out}"
    );
    assert_eq!(
        store
            .state()
            .read()
            .customers
            .get(id)
            .unwrap()
            .taxvat
            .as_deref(),
        Some("T2")
    );

    // Refusals exit non-zero with the reason: a bad value before anything is sent, the
    // store's own message for a taken email.
    let bad = run(update(&["email=not-an-email"])).await;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("valid email"));
    let taken = run(update(&[&format!("email={other_email}")])).await;
    assert!(!taken.status.success());
    assert!(
        String::from_utf8_lossy(&taken.stderr)
            .contains("A customer with the same email address already exists"),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    let unknown = run(update(&["password=x"])).await;
    assert!(!unknown.status.success());

    // Subscriptions.
    let out = ok(
        cartwise(
            &pool,
            &[
                "subscriber",
                "set",
                "--channel",
                "Shop",
                &id_arg,
                "subscribed",
            ],
        )
        .await,
        "subscribe",
    );
    assert!(out.contains("Subscribed"), "{out}");
    let out = ok(
        cartwise(
            &pool,
            &[
                "subscriber",
                "set",
                "--channel",
                "Shop",
                &id_arg,
                "unsubscribed",
            ],
        )
        .await,
        "unsubscribe",
    );
    assert!(out.contains("Unsubscribed"), "{out}");

    // A one-way channel refuses.
    ok(
        cartwise(&pool, &["channel", "edit", "Shop", "--two-way", "off"]).await,
        "channel edit",
    );
    let off = run(update(&["lastname=Nope"])).await;
    assert!(!off.status.success());
    assert!(String::from_utf8_lossy(&off.stderr).contains("two-way sync is off"));
    drop(store);
}
