//! A store whose small lists (countries, store views, websites, customer groups) name one id
//! twice, or hold a row the database refuses, still syncs: the repeat is logged with its
//! payload and the last entry kept, the refused row is logged and skipped, everything else is
//! stored, and the entries resolve once the store is fixed.
//!
//! The demo store lists each id once, so a small proxy in front of it repeats entries.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use demo_store::DemoStoreConfig;
use domain::sync::{JobKind, JobStatus};
use domain::{ChannelSettings, Credentials};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use store::PgPool;
use store::secrets::Cipher;

/// Forwards everything to the demo store; while `faulty`, rewrites the lists.
struct Proxy {
    target: String,
    client: reqwest::Client,
    faulty: AtomicBool,
}

async fn forward(
    State(proxy): State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut request = proxy
        .client
        .request(method.clone(), format!("{}{path}", proxy.target))
        .body(body);
    for name in [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT] {
        if let Some(value) = headers.get(&name) {
            request = request.header(name, value);
        }
    }
    let Ok(answer) = request.send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = answer.status();
    let content_type = answer.headers().get(header::CONTENT_TYPE).cloned();
    let Ok(mut bytes) = answer.bytes().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    if proxy.faulty.load(Ordering::SeqCst)
        && method == Method::GET
        && status.is_success()
        && let Some(rewritten) = rewrite(uri.path(), &bytes)
    {
        bytes = rewritten.into();
    }
    let mut response = (status, bytes).into_response();
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    response
}

/// The faults: a repeated country, region, store view, website and customer group (each
/// repeat renamed, to see which entry is kept), and a store group name with a NUL character,
/// which Postgres cannot store.
fn rewrite(path: &str, body: &[u8]) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(body).ok()?;
    let repeat = |list: &mut Vec<Value>, index: usize, field: &str, name: &str| {
        let mut copy = list[index].clone();
        copy[field] = json!(name);
        list.push(copy);
    };
    if path.ends_with("/V1/directory/countries") {
        let countries = value.as_array_mut()?;
        let with_regions = countries.iter().position(|c| {
            c["available_regions"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        })?;
        let regions = countries[with_regions]["available_regions"].as_array_mut()?;
        repeat(regions, 0, "name", "Repeated region");
        repeat(countries, 0, "full_name_english", "Repeated country");
    } else if path.ends_with("/V1/store/storeViews") {
        let views = value.as_array_mut()?;
        let index = views.iter().position(|v| v["id"] == json!(1))?;
        repeat(views, index, "name", "Repeated view");
    } else if path.ends_with("/V1/store/websites") {
        let websites = value.as_array_mut()?;
        let index = websites.iter().position(|w| w["id"] == json!(1))?;
        repeat(websites, index, "name", "Repeated website");
    } else if path.ends_with("/V1/customerGroups/search") {
        let groups = value["items"].as_array_mut()?;
        let index = groups.iter().position(|g| g["id"] == json!(1))?;
        repeat(groups, index, "code", "Repeated group");
    } else if path.ends_with("/V1/store/storeGroups") {
        let groups = value.as_array_mut()?;
        let group = groups.iter_mut().find(|g| g["id"] == json!(1))?;
        group["name"] = json!("Main\u{0}Store");
    } else {
        return None;
    }
    serde_json::to_vec(&value).ok()
}

async fn spawn_proxy(target: String) -> (String, Arc<Proxy>) {
    let proxy = Arc::new(Proxy {
        target,
        client: reqwest::Client::new(),
        faulty: AtomicBool::new(true),
    });
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), proxy)
}

async fn open_errors(pool: &PgPool, channel: i64) -> Vec<(String, String, i32, Option<Value>)> {
    sqlx::query_as(
        "select entity, magento_id, attempts, payload from sync_errors
         where channel_id = $1 and status = 'open' order by entity, magento_id",
    )
    .bind(channel)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn text(pool: &PgPool, sql: &str, channel: i64) -> Option<String> {
    sqlx::query_scalar(sql)
        .bind(channel)
        .fetch_optional(pool)
        .await
        .unwrap()
        .flatten()
}

async fn count(pool: &PgPool, table: &str, channel: i64) -> i64 {
    sqlx::query_scalar(&format!(
        "select count(*) from {table} where channel_id = $1"
    ))
    .bind(channel)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn repeated_and_refused_rows_in_small_lists_are_logged_and_the_sync_goes_on(pool: PgPool) {
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
    let (url, proxy) = spawn_proxy(store.base_url()).await;
    let cipher = Cipher::new(&[6u8; 32]);
    let credentials = Credentials::Bearer {
        token: demo_store::DEMO_BEARER_TOKEN.into(),
    };
    let channel = store::channels::create(
        &pool,
        &cipher,
        &ChannelSettings::new("Repeating store", url),
        &credentials,
        false,
    )
    .await
    .unwrap();
    // Full syncs: countries are read again only by the first sync and by full ones.
    let sync = || async {
        let (_, outcome) = sync::worker::sync_and_wait(
            &pool,
            &cipher,
            channel,
            JobKind::Full,
            &sync::connect::ClientOptions::default(),
        )
        .await
        .unwrap();
        assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);
    };
    // What the store really lists, read around the proxy.
    let listed = |path: &'static str| {
        let url = format!("{}/rest/V1/{path}", store.base_url());
        async move {
            let value: Value = reqwest::Client::new()
                .get(url)
                .bearer_auth(demo_store::DEMO_BEARER_TOKEN)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let list = value
                .get("items")
                .unwrap_or(&value)
                .as_array()
                .unwrap()
                .len();
            list as i64
        }
    };
    let websites = listed("store/websites").await;
    let groups = listed("store/storeGroups").await;
    let views = listed("store/storeViews").await;
    let customer_groups = listed("customerGroups/search?searchCriteria[pageSize]=100").await;
    let countries = listed("directory/countries").await;
    let orders = store.state().read().orders.len() as i64;

    sync().await;
    assert_eq!(count(&pool, "websites", channel).await, websites);
    assert_eq!(count(&pool, "store_views", channel).await, views);
    assert_eq!(
        count(&pool, "customer_groups", channel).await,
        customer_groups
    );
    assert_eq!(
        count(&pool, "store_groups", channel).await,
        groups - 1,
        "the refused group is skipped"
    );
    let country_rows: i64 = sqlx::query_scalar(
        "select count(*) from regions where channel_id = $1 and magento_id = ''",
    )
    .bind(channel)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(country_rows, countries);
    assert_eq!(
        count(&pool, "orders", channel).await,
        orders,
        "the sync went on"
    );
    // The last entry of a repeated id is the one kept.
    assert_eq!(
        text(
            &pool,
            "select name from websites where channel_id = $1 and magento_id = 1",
            channel
        )
        .await
        .as_deref(),
        Some("Repeated website")
    );
    assert_eq!(
        text(
            &pool,
            "select name from store_views where channel_id = $1 and magento_id = 1",
            channel
        )
        .await
        .as_deref(),
        Some("Repeated view")
    );
    assert_eq!(
        text(
            &pool,
            "select code from customer_groups where channel_id = $1 and magento_id = 1",
            channel
        )
        .await
        .as_deref(),
        Some("Repeated group")
    );
    let repeated_country: i64 = sqlx::query_scalar(
        "select count(*) from regions where channel_id = $1 and country_name = 'Repeated country'",
    )
    .bind(channel)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(repeated_country > 0);
    let repeated_region: i64 = sqlx::query_scalar(
        "select count(*) from regions where channel_id = $1 and name = 'Repeated region'",
    )
    .bind(channel)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(repeated_region, 1);

    // Each skipped row is in the error log once, with what the store sent for it.
    let errors = open_errors(&pool, channel).await;
    let kinds: Vec<(&str, &str)> = errors
        .iter()
        .map(|(e, id, _, _)| (e.as_str(), id.as_str()))
        .collect();
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    for (kind, id) in [
        ("websites", "1"),
        ("store-views", "1"),
        ("customer-groups", "1"),
        ("store-groups", "1"),
    ] {
        assert!(
            kinds.contains(&(kind, id)),
            "{kind} {id} missing from {kinds:?}"
        );
    }
    assert_eq!(
        kinds.iter().filter(|(k, _)| *k == "countries").count(),
        2,
        "a country and a region: {kinds:?}"
    );
    for (kind, id, attempts, payload) in &errors {
        assert_eq!(*attempts, 1);
        let payload = payload
            .as_ref()
            .unwrap_or_else(|| panic!("{kind} {id} has no payload"));
        // The entry skipped is the earlier one, as the store sent it.
        let name = payload["name"].as_str().or(payload["code"].as_str());
        match kind.as_str() {
            // jsonb cannot hold the NUL character: it shows as U+FFFD.
            "store-groups" => assert_eq!(name, Some("Main\u{FFFD}Store")),
            "countries" if !id.contains('/') => {
                assert!(payload["full_name_english"] != json!("Repeated country"))
            }
            _ => assert!(
                name.is_some_and(|n| !n.starts_with("Repeated")),
                "{kind} {id}: {payload}"
            ),
        }
    }

    // The next sync finds the same faults: the same entries, one more attempt each.
    sync().await;
    let again = open_errors(&pool, channel).await;
    assert_eq!(again.len(), 6);
    assert!(
        again.iter().all(|(_, _, attempts, _)| *attempts == 2),
        "{again:?}"
    );

    // The store is fixed: everything is stored and the entries are resolved.
    proxy.faulty.store(false, Ordering::SeqCst);
    sync().await;
    assert_eq!(open_errors(&pool, channel).await.len(), 0);
    assert_eq!(count(&pool, "store_groups", channel).await, groups);
    assert_ne!(
        text(
            &pool,
            "select name from websites where channel_id = $1 and magento_id = 1",
            channel
        )
        .await
        .as_deref(),
        Some("Repeated website")
    );
}
