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
    let leptos = LeptosOptions::builder().output_name("cartwise").build();
    router(WebState {
        pool,
        cipher: store::secrets::Cipher::new(&[9u8; 32]),
        leptos,
        secure_cookies: false,
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
