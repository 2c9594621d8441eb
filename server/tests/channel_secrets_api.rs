//! Stored store credentials are sent only to the store they were entered for: "Check
//! connection" and "Save" of the channel console, called as an administrator the way the wizard
//! calls them, with blank secrets and another host (or another channel's id). The admin-password
//! channel is the case that matters most: its check would send the Magento admin password.

use app::channels::api::ChannelForm;
use axum::Router;
use axum::body::Body;
use domain::channel::{AuthKind, ConnectionCheck, ConnectionInput};
use domain::{ChannelSettings, Credentials, Role};
use http::{Request, StatusCode, header};
use leptos::prelude::LeptosOptions;
use server::web::{WebState, router};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::secrets::Cipher;
use store::{PgPool, credentials, sessions, users};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

const KEY: [u8; 32] = [9u8; 32];

fn app(pool: PgPool) -> Router {
    let leptos = LeptosOptions::builder().output_name("cartwise").build();
    router(WebState {
        pool,
        cipher: Cipher::new(&KEY),
        leptos,
        secure_cookies: false,
        stopping: Default::default(),
        trusted_proxies: Vec::new(),
        mailer: None,
    })
}

async fn admin_cookie(pool: &PgPool) -> String {
    let hash = credentials::hash_password("a long password").unwrap();
    let id = users::create(
        pool,
        users::NewUser {
            email: "admin@example.com",
            name: "Admin",
            role: Role::Administrator,
            password_hash: &hash,
        },
    )
    .await
    .unwrap();
    let (token, hash) = credentials::new_session_token();
    sessions::create(pool, &hash, id).await.unwrap();
    format!("cartwise_session={token}")
}

/// POSTs a JSON body to a server function; the reply's status and bytes.
async fn post(
    app: &Router,
    cookie: &str,
    path: &str,
    body: serde_json::Value,
) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, bytes.to_vec())
}

/// A host that records every byte sent to it and answers 404: where stored secrets must not go.
struct Recorder {
    url: String,
    received: Arc<Mutex<Vec<u8>>>,
}

async fn recorder() -> Recorder {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let sink = sink.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                // Read what comes until the client pauses, then answer.
                while let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_millis(300), socket.read(&mut buf)).await
                {
                    if n == 0 {
                        break;
                    }
                    sink.lock().unwrap().extend_from_slice(&buf[..n]);
                }
                let _ = socket
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    )
                    .await;
            });
        }
    });
    Recorder { url, received }
}

fn blank_secrets(channel_id: i64, store_url: &str, kind: AuthKind) -> ConnectionInput {
    ConnectionInput {
        channel_id: Some(channel_id),
        store_url: store_url.into(),
        verify_tls: true,
        auth_kind: Some(kind),
        ..ConnectionInput::default()
    }
}

fn assert_asks_for_credentials(status: StatusCode, body: &[u8], what: &str) {
    let text = String::from_utf8_lossy(body);
    assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {text}");
    let error = domain::AppError::from_text(&text);
    match error {
        domain::AppError::Invalid { field, message } => {
            assert_eq!(field, "credentials", "{what}: {message}");
            assert!(message.contains("again"), "{what}: {message}");
        }
        other => panic!("{what}: {other}"),
    }
}

struct Setup {
    app: Router,
    cookie: String,
    pool: PgPool,
    /// The admin-password channel, on the demo store.
    main: i64,
    main_url: String,
    /// Another channel, whose stored address is the recorder's.
    other: i64,
    attacker: Recorder,
    _store: demo_store::DemoStoreHandle,
}

async fn setup(pool: PgPool) -> Setup {
    let store = demo_store::spawn(
        demo_store::DemoStoreConfig {
            seed: 3,
            scale: 20,
            ..demo_store::DemoStoreConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let attacker = recorder().await;
    let cipher = Cipher::new(&KEY);
    let main_url = store.base_url();
    let main = store::channels::create(
        &pool,
        &cipher,
        &ChannelSettings::new("Main", main_url.clone()),
        &Credentials::AdminPassword {
            username: demo_store::DEMO_ADMIN_USER.into(),
            password: demo_store::DEMO_ADMIN_PASSWORD.into(),
        },
        false,
    )
    .await
    .unwrap();
    let other = store::channels::create(
        &pool,
        &cipher,
        &ChannelSettings::new("Other", attacker.url.clone()),
        &Credentials::Bearer {
            token: "other's token".into(),
        },
        false,
    )
    .await
    .unwrap();
    Setup {
        app: app(pool.clone()),
        cookie: admin_cookie(&pool).await,
        pool,
        main,
        main_url,
        other,
        attacker,
        _store: store,
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_check_uses_stored_secrets_only_against_the_channel_s_own_store(pool: PgPool) {
    let s = setup(pool).await;

    // The Main channel's form with another host typed in.
    let (status, body) = post(
        &s.app,
        &s.cookie,
        "/api/check_connection",
        serde_json::json!({
            "connection": blank_secrets(s.main, &s.attacker.url, AuthKind::AdminPassword)
        }),
    )
    .await;
    assert_asks_for_credentials(status, &body, "Main's id, another host");

    // The Other channel's form (its own stored address) naming Main's id.
    let (status, body) = post(
        &s.app,
        &s.cookie,
        "/api/check_connection",
        serde_json::json!({
            "connection": blank_secrets(s.main, &format!("{}/rest/default", s.attacker.url), AuthKind::AdminPassword)
        }),
    )
    .await;
    assert_asks_for_credentials(status, &body, "Other's address, Main's id");

    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = String::from_utf8_lossy(&s.attacker.received.lock().unwrap()).into_owned();
    assert!(
        !received.contains(demo_store::DEMO_ADMIN_PASSWORD),
        "the admin password was sent to another host:\n{received}"
    );
    assert!(
        received.is_empty(),
        "nothing goes to another host: {received}"
    );

    // Its own store, typed another way: the stored secrets are used and work.
    let (status, body) = post(
        &s.app,
        &s.cookie,
        "/api/check_connection",
        serde_json::json!({
            "connection": blank_secrets(s.main, &format!("{}/", s.main_url), AuthKind::AdminPassword)
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let check: ConnectionCheck = domain::wire::from_bytes(&body).unwrap();
    assert!(check.ok(), "{}", check.message);
    // The Other channel checked against its own address keeps working as before (its host
    // answers 404: a failed check, not a refusal to use the stored token).
    let (status, _) = post(
        &s.app,
        &s.cookie,
        "/api/check_connection",
        serde_json::json!({
            "connection": blank_secrets(s.other, &s.attacker.url, AuthKind::Bearer)
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

fn form(name: &str, url: &str, connection: ConnectionInput) -> ChannelForm {
    ChannelForm {
        settings: ChannelSettings::new(name, url),
        connection,
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn saving_another_host_needs_the_secrets_typed_again(pool: PgPool) {
    let s = setup(pool).await;
    let cipher = Cipher::new(&KEY);

    let (status, body) = post(
        &s.app,
        &s.cookie,
        "/api/update_channel",
        serde_json::json!({
            "id": s.main,
            "form": form("Main", &s.attacker.url, blank_secrets(s.main, &s.attacker.url, AuthKind::AdminPassword)),
        }),
    )
    .await;
    assert_asks_for_credentials(status, &body, "save with another host");
    let stored = store::channels::for_sync(&s.pool, &cipher, s.main)
        .await
        .unwrap();
    assert_eq!(
        stored.summary.settings.store_url, s.main_url,
        "nothing was saved"
    );

    // Another path on the same store keeps the stored secrets.
    let same = format!("{}/rest/default", s.main_url);
    let (status, body) = post(
        &s.app,
        &s.cookie,
        "/api/update_channel",
        serde_json::json!({
            "id": s.main,
            "form": form("Main", &same, blank_secrets(s.main, &same, AuthKind::AdminPassword)),
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));

    // Another host with the secrets typed again is saved.
    let mut typed = blank_secrets(s.main, &s.attacker.url, AuthKind::AdminPassword);
    typed.admin_username = "someone".into();
    typed.admin_password = "their own password".into();
    let (status, body) = post(
        &s.app,
        &s.cookie,
        "/api/update_channel",
        serde_json::json!({
            "id": s.main,
            "form": form("Main", &s.attacker.url, typed),
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let stored = store::channels::for_sync(&s.pool, &cipher, s.main)
        .await
        .unwrap();
    assert_eq!(stored.summary.settings.store_url, s.attacker.url);
    assert_eq!(
        stored.credentials,
        Credentials::AdminPassword {
            username: "someone".into(),
            password: "their own password".into()
        }
    );
}
