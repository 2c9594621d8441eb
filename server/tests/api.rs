//! The HTTP surface against a real Postgres: sign-in, sessions, and the permission wall in front
//! of every server function.

use axum::Router;
use axum::body::Body;
use domain::Role;
use http::{Request, StatusCode, header};
use leptos::prelude::LeptosOptions;
use server::web::{WebState, router};
use store::{PgPool, credentials, sessions, users};
use tower::ServiceExt;

fn app(pool: PgPool) -> Router {
    app_stopped_by(pool, Default::default())
}

/// The app, whose shutdown starts when `stopping` is cancelled.
fn app_stopped_by(pool: PgPool, stopping: tokio_util::sync::CancellationToken) -> Router {
    app_with(pool, stopping, false, Vec::new())
}

fn app_with(
    pool: PgPool,
    stopping: tokio_util::sync::CancellationToken,
    secure_cookies: bool,
    trusted_proxies: Vec<std::net::IpAddr>,
) -> Router {
    let leptos = LeptosOptions::builder().output_name("cartwise").build();
    router(WebState {
        pool,
        cipher: store::secrets::Cipher::new(&[9u8; 32]),
        leptos,
        secure_cookies,
        stopping,
        trusted_proxies,
        mailer: None,
    })
}

async fn add_user(pool: &PgPool, email: &str, role: Role, password: &str) -> i64 {
    let hash = credentials::hash_password(password).unwrap();
    users::create(
        pool,
        users::NewUser {
            email,
            name: "Test User",
            role,
            password_hash: &hash,
        },
    )
    .await
    .unwrap()
}

async fn session_cookie(pool: &PgPool, user_id: i64) -> String {
    let (token, hash) = credentials::new_session_token();
    sessions::create(pool, &hash, user_id).await.unwrap();
    format!("cartwise_session={token}")
}

async fn call(
    app: &Router,
    method: &http::Method,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, String) {
    let (status, bytes) = call_raw(app, method, path, cookie).await;
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// The reply's bytes: server functions answer in `domain::wire` (postcard), errors as text.
async fn call_raw(
    app: &Router,
    method: &http::Method,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, bytes.to_vec())
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_server_function_refuses_anonymous_callers(pool: PgPool) {
    let app = app(pool);
    let fns: Vec<_> = server_fn::axum::server_fn_paths().collect();
    assert!(fns.len() >= 6, "server functions not registered: {fns:?}");
    for (path, method) in fns {
        let (status, bytes) = call_raw(&app, &method, path, None).await;
        let body = String::from_utf8_lossy(&bytes);
        if app::auth::PUBLIC_SERVER_FNS.contains(&path) {
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
            let info: app::auth::SessionInfo = domain::wire::from_bytes(&bytes).unwrap();
            assert!(info.user.is_none(), "{path} leaked a user: {info:?}");
        } else {
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{path} answered an anonymous caller"
            );
            assert!(body.contains("Unauthenticated"), "{path}: {body}");
        }
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn user_administration_refuses_every_role_but_administrator(pool: PgPool) {
    let app = app(pool.clone());
    let admin_only = [
        "/api/list_users",
        "/api/create_user",
        "/api/set_user_role",
        "/api/set_user_active",
    ];
    for role in [Role::Sales, Role::Marketing, Role::Viewer] {
        let id = add_user(
            &pool,
            &format!("{}@example.com", role.as_str()),
            role,
            "a long password",
        )
        .await;
        let cookie = session_cookie(&pool, id).await;
        for path in admin_only {
            let method = if path == "/api/list_users" {
                http::Method::GET
            } else {
                http::Method::POST
            };
            let (status, body) = call(&app, &method, path, Some(&cookie)).await;
            // Arguments may be rejected first (400) for empty bodies; never a success.
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::BAD_REQUEST,
                "{role:?} {path}: {status} {body}"
            );
        }
        let (status, body) = call(&app, &http::Method::GET, "/api/list_users", Some(&cookie)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}: {body}");
        assert!(body.contains("Forbidden"));
    }
    let admin = add_user(
        &pool,
        "admin@example.com",
        Role::Administrator,
        "a long password",
    )
    .await;
    let cookie = session_cookie(&pool, admin).await;
    let (status, bytes) =
        call_raw(&app, &http::Method::GET, "/api/list_users", Some(&cookie)).await;
    let body = String::from_utf8_lossy(&bytes);
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        !body.contains("argon2"),
        "password hashes must never leave the server"
    );
    // The reply is the browser's wire format, and decodes to what the function returns.
    let users: Vec<domain::UserSummary> = domain::wire::from_bytes(&bytes).unwrap();
    let emails: Vec<_> = users.iter().map(|u| u.email.as_str()).collect();
    assert!(emails.contains(&"admin@example.com"), "{emails:?}");
    assert_eq!(users.len(), 4);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn signing_in_sets_a_safe_cookie_and_opens_pages(pool: PgPool) {
    add_user(&pool, "ann@example.com", Role::Sales, "ann's long password").await;
    let app = app(pool);
    let req = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(
            "email=ANN%40example.com&password=ann%27s+long+password&next=%2Faccount",
        ))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/account");
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http must not mark the cookie Secure"
    );
    let pair = cookie.split(';').next().unwrap();
    let (status, body) = call(&app, &http::Method::GET, "/api/current_session", Some(pair)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("ann@example.com"), "{body}");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn wrong_passwords_are_refused_then_slowed_down(pool: PgPool) {
    add_user(&pool, "ann@example.com", Role::Sales, "ann's long password").await;
    let app = app(pool);
    let attempt = |password: &'static str| {
        let app = app.clone();
        async move {
            let req = Request::builder()
                .method("POST")
                .uri("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "email=ann%40example.com&password={password}"
                )))
                .unwrap();
            let res = app.oneshot(req).await.unwrap();
            assert!(res.headers().get(header::SET_COOKIE).is_none());
            res.headers()[header::LOCATION]
                .to_str()
                .unwrap()
                .to_string()
        }
    };
    for _ in 0..store::throttle::FREE_ATTEMPTS {
        assert!(attempt("wrong").await.contains("error=invalid"));
    }
    let location = attempt("wrong").await;
    assert!(location.contains("error=throttled"), "{location}");
    // Even the right password waits while throttled.
    assert!(
        attempt("ann%27s+long+password")
            .await
            .contains("error=throttled")
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn pages_redirect_anonymous_visitors_to_sign_in(pool: PgPool) {
    let app = app(pool);
    let req = Request::builder()
        .uri("/users?x=1")
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[header::LOCATION],
        "/login?next=%2Fusers%3Fx%3D1"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn sign_out_ends_the_session(pool: PgPool) {
    let id = add_user(
        &pool,
        "ann@example.com",
        Role::Viewer,
        "ann's long password",
    )
    .await;
    let cookie = session_cookie(&pool, id).await;
    let app = app(pool);
    let req = Request::builder()
        .method("POST")
        .uri("/logout")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = call(
        &app,
        &http::Method::GET,
        "/api/current_session",
        Some(&cookie),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(&app, &http::Method::GET, "/api/list_users", Some(&cookie)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Sends a request with a body (form or JSON).
async fn call_body(
    app: &Router,
    method: http::Method,
    path: &str,
    cookie: &str,
    body: &str,
) -> (StatusCode, String) {
    let content_type = if body.starts_with('{') {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    };
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Store actions and the catalog, called as every role with well-formed arguments naming
/// records that do not exist: a role the table refuses gets 403 before anything is looked
/// up; an allowed role gets past the wall (404: nothing to act on), so a missing check would
/// show as a 404 where a 403 is expected.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn store_actions_follow_the_role_table(pool: PgPool) {
    use domain::Permission::{ReadData, StoreActions};
    let app = app(pool.clone());
    let get = http::Method::GET;
    let post = http::Method::POST;
    let calls: &[(http::Method, &str, &str, domain::Permission, StatusCode)] = &[
        (
            get.clone(),
            "/api/load_new_cart?customer=999999",
            "",
            StoreActions,
            StatusCode::NOT_FOUND,
        ),
        (
            post.clone(),
            "/api/open_customer_cart",
            "customer=999999",
            StoreActions,
            StatusCode::NOT_FOUND,
        ),
        (
            post.clone(),
            "/api/open_guest_cart",
            "channel=999999&email=a%40b.co",
            StoreActions,
            StatusCode::NOT_FOUND,
        ),
        (
            post.clone(),
            "/api/open_cart_for_email",
            "channel=999999&email=a%40b.co",
            StoreActions,
            StatusCode::BAD_REQUEST,
        ),
        (
            post.clone(),
            "/api/add_to_cart",
            r#"{"cart":999999,"sku":"MS-01","qty":"1","options":[]}"#,
            StoreActions,
            StatusCode::NOT_FOUND,
        ),
        (
            post.clone(),
            "/api/change_cart_line",
            "cart=999999&item=1&qty=2",
            StoreActions,
            StatusCode::NOT_FOUND,
        ),
        (
            post.clone(),
            "/api/remove_cart_line",
            "cart=999999&item=1",
            StoreActions,
            StatusCode::NOT_FOUND,
        ),
        (
            post.clone(),
            "/api/ask_shipping_rates",
            r#"{"cart":999999,"address":{"Saved":1}}"#,
            StoreActions,
            StatusCode::NOT_FOUND,
        ),
        (
            post.clone(),
            "/api/set_cart_shipping",
            r#"{"cart":999999,"shipping":{"Saved":1},"billing":null,"carrier":"flatrate","method":"flatrate"}"#,
            StoreActions,
            StatusCode::NOT_FOUND,
        ),
        (
            post.clone(),
            "/api/place_cart_order",
            "cart=999999&payment=checkmo",
            StoreActions,
            StatusCode::NOT_FOUND,
        ),
        (
            get.clone(),
            "/api/get_cart_builder?cart=999999",
            "",
            ReadData,
            StatusCode::NOT_FOUND,
        ),
        (
            get.clone(),
            "/api/find_products?cart=999999&q=tee",
            "",
            ReadData,
            StatusCode::NOT_FOUND,
        ),
        (
            post.clone(),
            "/api/sync_record",
            "entity=carts&id=999999",
            ReadData,
            StatusCode::NOT_FOUND,
        ),
        (
            get.clone(),
            "/api/record_actions?entity=carts&id=999999",
            "",
            ReadData,
            StatusCode::OK,
        ),
        (
            get.clone(),
            "/api/list_store_actions",
            "",
            ReadData,
            StatusCode::OK,
        ),
        (
            get.clone(),
            "/api/get_product?id=999999",
            "",
            ReadData,
            StatusCode::NOT_FOUND,
        ),
        (
            get.clone(),
            "/api/list_products?query=",
            "",
            ReadData,
            StatusCode::OK,
        ),
    ];
    for role in Role::ALL {
        let id = add_user(
            &pool,
            &format!("{}@example.com", role.as_str()),
            role,
            "a long password",
        )
        .await;
        let cookie = session_cookie(&pool, id).await;
        for (method, path, body, permission, allowed) in calls {
            let (status, text) = call_body(&app, method.clone(), path, &cookie, body).await;
            let expected = if role.allows(*permission) {
                *allowed
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{role:?} {path}: {text}");
        }
    }
    assert_eq!(
        sqlx::query_scalar::<_, i64>("select count(*) from store_actions")
            .fetch_one(&pool)
            .await
            .unwrap(),
        0,
        "nothing may be queued for records that do not exist"
    );
}

/// Sends `req` through the app and returns its status and headers.
async fn send(app: &Router, req: Request<Body>) -> (StatusCode, http::HeaderMap) {
    let res = app.clone().oneshot(req).await.unwrap();
    (res.status(), res.headers().clone())
}

/// Hole 7: a state-changing request that another site made a browser send is refused, even
/// from a sibling subdomain (same site, so SameSite=Lax lets its cookies through).
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn cross_site_requests_are_refused(pool: PgPool) {
    let admin = add_user(
        &pool,
        "admin@example.com",
        Role::Administrator,
        "a long password",
    )
    .await;
    let cookie = session_cookie(&pool, admin).await;
    let app = app(pool.clone());
    let body = "email=new%40example.com&name=New&role=viewer&password=a+long+password";
    let post = |headers: &[(&'static str, &'static str)]| {
        let mut req = Request::builder()
            .method("POST")
            .uri("/api/create_user")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie.clone());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(Body::from(body)).unwrap()
    };
    for refused in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![
            ("origin", "http://shop.example.com"),
            ("host", "crm.example.com"),
        ],
        vec![("origin", "null"), ("host", "crm.example.com")],
    ] {
        let (status, _) = send(&app, post(&refused)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused:?}");
    }
    assert_eq!(
        sqlx::query_scalar::<_, i64>("select count(*) from users")
            .fetch_one(&pool)
            .await
            .unwrap(),
        1,
        "nothing was created"
    );
    // The app's own pages (same origin) get through.
    let (status, _) = send(&app, post(&[("sec-fetch-site", "same-origin")])).await;
    assert_eq!(status, StatusCode::OK);
    // Sign-in is a state change too: a cross-site login form is refused.
    let login = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(
            "email=admin%40example.com&password=a+long+password",
        ))
        .unwrap();
    assert_eq!(send(&app, login).await.0, StatusCode::FORBIDDEN);
}

/// Hole 8: security headers on every answer, no-store on personal data, a Content-Security-
/// Policy with this page's nonce, and a cap on request bodies.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn answers_carry_security_headers_and_bodies_are_capped(pool: PgPool) {
    let app = app(pool.clone());
    let (status, headers) = send(
        &app,
        Request::builder()
            .uri("/login")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "no-store");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'nonce-"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline'; img") || !csp.contains("script-src 'unsafe-inline"));
    // Another page load, another nonce.
    let (_, again) = send(
        &app,
        Request::builder()
            .uri("/login")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_ne!(
        again["content-security-policy"],
        headers["content-security-policy"]
    );
    let (_, api) = send(
        &app,
        Request::builder()
            .uri("/api/current_session")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(api["cache-control"], "no-store");
    // A body larger than any form the app sends.
    let admin = add_user(
        &pool,
        "admin@example.com",
        Role::Administrator,
        "a long password",
    )
    .await;
    let cookie = session_cookie(&pool, admin).await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let (status, _) = send(
        &app,
        Request::builder()
            .method("POST")
            .uri("/api/create_user")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_LENGTH, huge.len())
            .body(Body::from(format!("name={huge}")))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// Hole 5: `next` after sign-in never leads to another host, however it is spelled.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn sign_in_never_redirects_to_another_host(pool: PgPool) {
    add_user(&pool, "ann@example.com", Role::Sales, "ann's long password").await;
    let app = app(pool);
    for next in [
        "%2F%09%2Fevil.example",
        "%2F%5Cevil.example",
        "%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
        // Encoded twice: the form's value is still `/%09/evil.example`, `/%2F/evil.example`.
        "%2F%2509%2Fevil.example",
        "%2F%252F%2Fevil.example",
    ] {
        let req = Request::builder()
            .method("POST")
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "email=ann%40example.com&password=ann%27s+long+password&next={next}"
            )))
            .unwrap();
        let (status, headers) = send(&app, req).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], "/", "{next}");
    }
}

/// Log lines written while a future runs (a scoped subscriber: other tests' lines stay out).
#[derive(Clone, Default)]
struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl CapturedLogs {
    async fn around<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        use tracing::instrument::WithSubscriber;
        let sink = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        work.with_subscriber(subscriber).await
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Hole 12 (a): what is typed into the email field is sometimes a password, so a failed or
/// throttled sign-in logs nothing of it (not as typed, not as a hash or tag of it), only that
/// a sign-in failed and the client's address.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn failed_sign_ins_log_nothing_of_the_typed_text(pool: PgPool) {
    use sha2::Digest;
    add_user(&pool, "ann@example.com", Role::Sales, "ann's long password").await;
    let app = app(pool);
    let logs = CapturedLogs::default();
    // An address of this test's own (the per-address limiter is shared by the tests).
    let peer: std::net::SocketAddr = "203.0.113.17:50000".parse().unwrap();
    // A password typed into the email field, and a known email with a wrong password; each
    // until it is throttled.
    let typed = ["Tr0ub4dor&3horse", "ann@example.com"];
    for email in typed {
        for _ in 0..=store::throttle::FREE_ATTEMPTS {
            let mut req = Request::builder()
                .method("POST")
                .uri("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "email={}&password=wrong+guess+123",
                    email.replace('@', "%40").replace('&', "%26")
                )))
                .unwrap();
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            let (status, headers) = logs.around(send(&app, req)).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
            let location = headers[header::LOCATION].to_str().unwrap();
            assert!(location.contains("error="), "{location}");
        }
    }
    let text = logs.text();
    for email in typed {
        for form in [email.to_string(), email.to_lowercase()] {
            let tag = hex::encode(sha2::Sha256::digest(form.as_bytes()));
            for logged in [form.as_str(), &tag[..8]] {
                let lines: Vec<&str> = text.lines().filter(|l| l.contains(logged)).collect();
                assert!(
                    lines.is_empty(),
                    "{logged:?} of {email:?} logged: {lines:#?}"
                );
            }
        }
    }
    for line in text.lines().filter(|l| l.contains("sign-in")) {
        assert!(!line.contains("email"), "{line}");
    }
    assert!(text.contains("sign-in failed"), "{text}");
    assert!(text.contains("sign-in throttled"), "{text}");
    assert!(
        text.contains("203.0.113.17"),
        "the client's address: {text}"
    );
}

/// Hole 1: parallel guesses at one email cannot all pass the count (each attempt is counted
/// before its password is checked, one at a time per email), and unknown emails are counted
/// the same way.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn parallel_guesses_are_counted_before_they_are_checked(pool: PgPool) {
    add_user(&pool, "ann@example.com", Role::Sales, "ann's long password").await;
    let app = app(pool);
    for email in ["ann%40example.com", "nobody%40example.com"] {
        let attempts = (0..10).map(|_| {
            let app = app.clone();
            async move {
                let req = Request::builder()
                    .method("POST")
                    .uri("/login")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(format!(
                        "email={email}&password=wrong+guess+123"
                    )))
                    .unwrap();
                let res = app.oneshot(req).await.unwrap();
                res.headers()[header::LOCATION]
                    .to_str()
                    .unwrap()
                    .to_string()
            }
        });
        let locations = futures::future::join_all(attempts).await;
        let checked = locations
            .iter()
            .filter(|l| l.contains("error=invalid"))
            .count();
        let throttled = locations
            .iter()
            .filter(|l| l.contains("error=throttled"))
            .count();
        assert_eq!(
            checked as i64,
            store::throttle::FREE_ATTEMPTS,
            "{email}: {locations:?}"
        );
        assert_eq!(checked + throttled, 10, "{email}: {locations:?}");
    }
}

/// Hole 12: a generated (printed) first password must be changed before anything else.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_printed_password_must_be_changed_first(pool: PgPool) {
    let admin = add_user(
        &pool,
        "admin@example.com",
        Role::Administrator,
        "printed password 1",
    )
    .await;
    users::require_password_change(&pool, admin).await.unwrap();
    let cookie = session_cookie(&pool, admin).await;
    let app = app(pool.clone());
    let (status, headers) = send(
        &app,
        Request::builder()
            .uri("/users")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/account?password=required");
    let (status, body) = call(&app, &http::Method::GET, "/api/list_users", Some(&cookie)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = call_body(
        &app,
        http::Method::POST,
        "/api/change_password",
        &cookie,
        "current_password=printed+password+1&new_password=my+own+password&confirm_password=my+own+password",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = call(&app, &http::Method::GET, "/api/list_users", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
}

/// Opens a channel's live stream and waits for its first event; returns the rest of it.
async fn open_live_stream(
    app: &Router,
    channel: i64,
    cookie: &str,
) -> impl futures::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin + use<> {
    use futures::StreamExt;
    let req = Request::get(format!("/api/channels/{channel}/events"))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE].to_str().unwrap(),
        "text/event-stream"
    );
    let mut body = res.into_body().into_data_stream();
    let first = tokio::time::timeout(std::time::Duration::from_secs(5), body.next())
        .await
        .expect("a first event at once")
        .expect("the stream is open")
        .unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: progress"));
    body
}

/// Reads a stream to its end, failing if it does not end within `within`.
async fn ends_within(
    mut body: impl futures::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin,
    within: std::time::Duration,
) {
    use futures::StreamExt;
    tokio::time::timeout(within, async { while body.next().await.is_some() {} })
        .await
        .expect("the stream ended");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_live_channel_stream_ends_at_shutdown_and_with_its_session(pool: PgPool) {
    let cipher = store::secrets::Cipher::new(&[9u8; 32]);
    let channel = store::channels::create(
        &pool,
        &cipher,
        &domain::ChannelSettings::new("Live", "http://127.0.0.1:9"),
        &domain::Credentials::Bearer {
            token: "secret".into(),
        },
        false,
    )
    .await
    .unwrap();
    let admin = add_user(
        &pool,
        "admin@example.com",
        Role::Administrator,
        "correct horse",
    )
    .await;

    // Shutdown starts: the stream ends at once, so the graceful shutdown does not wait for it.
    let stopping = tokio_util::sync::CancellationToken::new();
    let web = app_stopped_by(pool.clone(), stopping.clone());
    let stream = open_live_stream(&web, channel, &session_cookie(&pool, admin).await).await;
    stopping.cancel();
    ends_within(stream, std::time::Duration::from_secs(3)).await;

    // Signed out elsewhere (the session row goes): the open stream ends at its next check.
    let web = app(pool.clone());
    let (token, hash) = credentials::new_session_token();
    sessions::create(&pool, &hash, admin).await.unwrap();
    let stream = open_live_stream(&web, channel, &format!("cartwise_session={token}")).await;
    sessions::delete(&pool, &hash).await.unwrap();
    let limit = app::channels::server::SESSION_RECHECK + std::time::Duration::from_secs(3);
    ends_within(stream, limit).await;

    // Demoted while watching: the role no longer follows channels, the stream ends too.
    add_user(
        &pool,
        "second@example.com",
        Role::Administrator,
        "battery staple",
    )
    .await;
    let cookie = session_cookie(&pool, admin).await;
    let stream = open_live_stream(&web, channel, &cookie).await;
    users::set_role(&pool, admin, Role::Viewer).await.unwrap();
    ends_within(stream, limit).await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn page_numbers_past_the_end_of_integers_are_a_bad_request(pool: PgPool) {
    let admin = add_user(
        &pool,
        "admin@example.com",
        Role::Administrator,
        "correct horse",
    )
    .await;
    let cookie = session_cookie(&pool, admin).await;
    let web = app(pool.clone());
    let get = http::Method::GET;
    for path in [
        "/api/channel_jobs?id=1&page=9223372036854775807",
        "/api/channel_errors?id=1&page=9223372036854775807",
    ] {
        let (status, body) = call(&web, &get, path, Some(&cookie)).await;
        assert!(status.is_client_error(), "{path}: {status} {body}");
    }
    // A page past the end is empty; a page below the first is the first.
    for path in [
        "/api/channel_jobs?id=1&page=3",
        "/api/channel_jobs?id=1&page=-9223372036854775808",
        // The last page whose first row's offset still fits (an empty page).
        "/api/channel_errors?id=1&entity=orders&page=461168601842738791",
    ] {
        let (status, body) = call(&web, &get, path, Some(&cookie)).await;
        assert!(status.is_success(), "{path}: {status} {body}");
    }
    // The channel's page itself, with such page numbers in its address, answers (its lists
    // come from the two functions above).
    let channel = store::channels::create(
        &pool,
        &store::secrets::Cipher::new(&[9u8; 32]),
        &domain::ChannelSettings::new("Paged", "http://127.0.0.1:9"),
        &domain::Credentials::Bearer {
            token: "secret".into(),
        },
        false,
    )
    .await
    .unwrap();
    for query in [
        "jobs_page=9223372036854775807&errors_page=9223372036854775807",
        "jobs_page=-9223372036854775808&errors_page=99999999999999999999999",
        "jobs_page=461168601842738790&errors_page=461168601842738790&entity=orders",
    ] {
        let path = format!("/channels/{channel}?{query}");
        let (status, body) = call(&web, &get, &path, Some(&cookie)).await;
        assert!(status.is_success(), "{path}: {status} {body}");
        assert!(body.contains("Paged"), "{path}: {body}");
    }
}

/// Send email (issue 16) through a real SMTP conversation with a loopback server: the shopper
/// gets the template filled in from the cart, the send is the follow-up's contact on the
/// timeline with the server's answer, a second click does not send twice, a refusal is
/// recorded and shown, a bad template is refused by placeholder name, and only Sales and
/// Administrators may send.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_cart_email_goes_out_over_smtp_and_onto_the_timeline(pool: PgPool) {
    let sink = mailer::sink::Sink::start().await;
    let mailer = mailer::Mailer::new(sink.config("Cartwise <crm@example.com>")).unwrap();
    let leptos = LeptosOptions::builder().output_name("cartwise").build();
    let app = router(WebState {
        pool: pool.clone(),
        cipher: store::secrets::Cipher::new(&[9u8; 32]),
        leptos,
        secure_cookies: false,
        stopping: Default::default(),
        trusted_proxies: Vec::new(),
        mailer: Some(mailer),
    });
    let channel = store::channels::create(
        &pool,
        &store::secrets::Cipher::new(&[9u8; 32]),
        &domain::ChannelSettings::new("Demo shop", "https://shop.example.com"),
        &domain::Credentials::Bearer { token: "t".into() },
        false,
    )
    .await
    .unwrap();
    let cart = |magento_id: i64, email: &'static str| {
        let pool = pool.clone();
        async move {
            let id: i64 = sqlx::query_scalar(
                "insert into carts (channel_id, magento_id, email, first_name, last_name,
                     is_active, items_count, items_qty, subtotal, grand_total,
                     quote_currency_code, status, abandon_at)
                 values ($1, $2, $3, 'Grüße', 'Lee', true, 1, 2, 39.8, 39.8, 'EUR', 'open',
                         now() - interval '1 hour')
                 returning id",
            )
            .bind(channel)
            .bind(magento_id)
            .bind(email)
            .fetch_one(&pool)
            .await
            .unwrap();
            sqlx::query(
                "insert into cart_items (cart_id, magento_id, sku, name, qty, price)
                 values ($1, 1, 'BS-1', 'Blue shirt', 2, 19.9)",
            )
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
            id
        }
    };
    let ann_cart = cart(1, "ann@example.com").await;
    let bob_cart = cart(2, "bob@example.com").await;
    let template = store::email_templates::all(&pool).await.unwrap()[0].id;
    let sales = add_user(&pool, "rep@example.com", Role::Sales, "a long password").await;
    let rep = session_cookie(&pool, sales).await;
    let send = |cart: i64, cookie: String| {
        let app = app.clone();
        async move {
            call_body(
                &app,
                http::Method::POST,
                "/api/send_cart_email",
                &cookie,
                &format!(r#"{{"cart":{cart},"template":{template}}}"#),
            )
            .await
        }
    };

    let (status, body) = send(ann_cart, rep.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got = sink.wait_for(1, std::time::Duration::from_secs(10)).await;
    assert_eq!(got[0].to, vec!["ann@example.com".to_owned()]);
    let subject = got[0].header("Subject").unwrap();
    assert!(
        subject.contains("Grüße") && subject.contains("Demo shop"),
        "{subject}"
    );
    let text = got[0].body_text();
    assert!(text.contains("Blue shirt") && text.contains('2'), "{text}");
    let (kind, outcome, contacted): (String, String, i32) = sqlx::query_as(
        "select a.kind, a.outcome, f.contacted_times from activities a
         join cart_follow_ups f on f.cart_id = a.cart_id
         where a.cart_id = $1 and a.kind = 'email'",
    )
    .bind(ann_cart)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((kind.as_str(), contacted), ("email", 1));
    assert!(outcome.starts_with("Sent: 250"), "{outcome}");

    // A second click: refused, nothing sent.
    let (status, body) = send(ann_cart, rep.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("already sent"), "{body}");
    assert_eq!(sink.messages().len(), 1);

    // The mail server refuses the address: the rep is told why, the timeline keeps it.
    sink.refuse("bob@example.com");
    let (status, body) = send(bob_cart, rep.clone()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("550"), "{body}");
    let not_sent: String =
        sqlx::query_scalar("select outcome from activities where cart_id = $1 and kind = 'email'")
            .bind(bob_cart)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(not_sent.starts_with("Not sent:"), "{not_sent}");

    // Templates: an unknown placeholder is refused by name; Sales may not keep templates.
    let marketing = add_user(&pool, "mk@example.com", Role::Marketing, "a long password").await;
    let mk = session_cookie(&pool, marketing).await;
    let bad = r#"{"id":null,"template":{"name":"Hi","subject":"Hi {{frist_name}}","body":"x"}}"#;
    let (status, body) = call_body(
        &app,
        http::Method::POST,
        "/api/save_email_template",
        &mk,
        bad,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("{{frist_name}}"), "{body}");
    let (status, _) = call_body(
        &app,
        http::Method::POST,
        "/api/save_email_template",
        &rep,
        bad,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Marketing and Viewers may not send.
    let (status, _) = send(bob_cart, mk).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Over HTTPS the session cookie is `__Host-` prefixed and `Secure`, and answers carry HSTS.
/// HTTPS is what the configuration says, or what a trusted proxy says: a client talking to the
/// server directly cannot claim it with its own `X-Forwarded-Proto` (before, any peer could).
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn over_https_the_cookie_is_host_prefixed_and_only_a_trusted_proxy_says_so(pool: PgPool) {
    add_user(&pool, "ann@example.com", Role::Sales, "ann's long password").await;
    let proxy: std::net::IpAddr = "10.0.0.2".parse().unwrap();
    let sign_in = |app: Router, peer: &str, forwarded_https: bool| {
        let peer: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
        async move {
            let mut req = Request::builder()
                .method("POST")
                .uri("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            if forwarded_https {
                req = req.header("x-forwarded-proto", "https");
            }
            let mut req = req
                .body(Body::from(
                    "email=ann%40example.com&password=ann%27s+long+password",
                ))
                .unwrap();
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            let res = app.oneshot(req).await.unwrap();
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            let cookie = res.headers()[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .to_string();
            let hsts = res
                .headers()
                .contains_key(header::STRICT_TRANSPORT_SECURITY);
            (cookie, hsts)
        }
    };
    let https_answer = |(cookie, hsts): &(String, bool)| {
        cookie.starts_with("__Host-cartwise_session=")
            && cookie.contains("; Secure")
            && cookie.contains("Path=/")
            && !cookie.contains("Domain")
            && *hsts
    };
    let http_answer = |(cookie, hsts): &(String, bool)| {
        cookie.starts_with("cartwise_session=") && !cookie.contains("Secure") && !*hsts
    };

    // Configured for HTTPS (CARTWISE_PUBLIC_URL=https://…).
    let configured = app_with(pool.clone(), Default::default(), true, Vec::new());
    let answer = sign_in(configured, "192.0.2.7", false).await;
    assert!(https_answer(&answer), "{answer:?}");

    // Behind a trusted proxy that says HTTPS.
    let proxied = app_with(pool.clone(), Default::default(), false, vec![proxy]);
    let answer = sign_in(proxied.clone(), "10.0.0.2", true).await;
    assert!(https_answer(&answer), "{answer:?}");
    // The proxy saying nothing: plain HTTP.
    let answer = sign_in(proxied.clone(), "10.0.0.2", false).await;
    assert!(http_answer(&answer), "{answer:?}");
    // Anyone else claiming HTTPS is not believed.
    let answer = sign_in(proxied, "192.0.2.7", true).await;
    assert!(http_answer(&answer), "{answer:?}");
}
