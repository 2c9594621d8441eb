//! Every failure is classified into an error an admin can act on.

use std::time::{Duration, Instant};

use axum::http::Method;
use axum::response::IntoResponse;
use magento::{
    Auth, Client, ClientConfig, ConnectionKind, Error, RetryPolicy, SearchCriteria, TimeoutPhase,
};
use serde_json::json;

use crate::helpers::{FakeStore, fast_retry, html_response, json_response};

async fn websites_error(store: &FakeStore) -> Error {
    store
        .client_with(Auth::bearer("t"), |c| c.with_retry(RetryPolicy::none()))
        .websites()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_401_without_resources_means_the_token_was_rejected() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "store/websites", |_, _| {
        Some(json_response(401, json!({"message": "Invalid token"})))
    });
    let err = websites_error(&store).await;
    assert!(
        matches!(&err, Error::Unauthorized { message } if message == "Invalid token"),
        "{err:?}"
    );
    assert!(err.is_auth() && !err.is_retryable());
    assert!(err.to_string().contains("rejected the access token"));
}

#[tokio::test]
async fn a_401_naming_resources_renders_them() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "store/websites", |_, _| {
        Some(json_response(
            401,
            json!({"message": "The consumer isn't authorized to access %resources.",
                   "parameters": {"resources": "Magento_Backend::store"}}),
        ))
    });
    let err = websites_error(&store).await;
    let Error::MissingPermission { resources, message } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(resources, &["Magento_Backend::store"]);
    assert_eq!(
        message,
        "The consumer isn't authorized to access Magento_Backend::store."
    );
    assert!(err.to_string().contains("Magento_Backend::store"), "{err}");
}

#[tokio::test]
async fn a_404_route_differs_from_a_404_entity() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "customers/999", |_, _| {
        Some(json_response(
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue",
                   "parameters": {"fieldName": "customerId", "fieldValue": 999}}),
        ))
    });
    let client = store.client();
    let err = client.get_customer(999).await.unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { message, .. } if message == "No such entity with customerId = 999"),
        "{err:?}"
    );
    assert!(!err.is_missing_route());

    let err = client
        .search_newsletter_subscribers(&SearchCriteria::new().page_size(1))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::RouteNotFound { path } if path.ends_with("/V1/cartwise/newsletter-subscribers/search"))
    );
    assert!(err.is_missing_route() && !err.is_retryable());
}

#[tokio::test]
async fn html_answers_are_not_a_magento_api() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "store/websites", |_, _| {
        Some(html_response(404, "<html><h1>Page not found</h1></html>"))
    });
    let err = websites_error(&store).await;
    assert!(
        matches!(&err, Error::NotMagento { status: 404, detail, .. } if detail == "Page not found"),
        "{err:?}"
    );
    assert!(err.to_string().contains("check the base URL"));

    store.on(Method::GET, "store/websites", |_, _| {
        Some(html_response(200, "<html>Welcome</html>"))
    });
    assert!(matches!(
        websites_error(&store).await,
        Error::NotMagento { status: 200, .. }
    ));

    store.on(Method::GET, "store/websites", |_, _| {
        Some(
            (
                [("location", "https://www.example.com/rest/V1/store/websites")],
                axum::http::StatusCode::MOVED_PERMANENTLY,
            )
                .into_response(),
        )
    });
    let err = websites_error(&store).await;
    assert!(
        err.to_string()
            .contains("redirected to https://www.example.com/"),
        "{err}"
    );
}

#[tokio::test]
async fn a_400_substitutes_named_and_positional_parameters() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "orders", |_, _| {
        Some(json_response(
            400,
            json!({"message": "Invalid product data: %1 (%2)", "parameters": ["qty", 3]}),
        ))
    });
    let err = store
        .client()
        .search_orders(&SearchCriteria::new().page_size(1))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::BadRequest { status: 400, message, .. } if message == "Invalid product data: qty (3)")
    );
    assert_eq!(
        store.count(Method::GET, "orders"),
        1,
        "a 400 is never retried"
    );

    // The fake store answers a search without searchCriteria like Magento does.
    let mut criteria = SearchCriteria::new();
    criteria.current_page = None;
    store.table("carts/search", vec![], &[]);
    let raw = raw_get(&store.base_url, "/rest/V1/carts/search").await;
    assert!(
        raw.starts_with("HTTP/1.1 400") && raw.contains("%fieldName"),
        "{raw}"
    );
    assert!(
        store.client().search_carts(&criteria).await.is_ok(),
        "the client always sends searchCriteria"
    );
}

/// A request without any searchCriteria, sent by hand.
async fn raw_get(base: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test]
async fn a_429_honours_retry_after_then_succeeds() {
    let store = FakeStore::start().await;
    let calls = std::sync::atomic::AtomicUsize::new(0);
    store.on(Method::GET, "store/websites", move |_, _| {
        if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            Some(
                (
                    [("retry-after", "1")],
                    json_response(429, json!({"message": "Too Many Requests", "trace": null})),
                )
                    .into_response(),
            )
        } else {
            Some(json_response(
                200,
                json!([{"id": 1, "code": "base", "name": "Main Website", "default_group_id": 1}]),
            ))
        }
    });
    let started = Instant::now();
    let websites = store.client().websites().await.unwrap();
    assert_eq!(websites[0].code.as_deref(), Some("base"));
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(store.count(Method::GET, "store/websites"), 2);
}

#[tokio::test]
async fn a_429_that_persists_reports_retry_after() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "store/websites", |_, _| {
        Some(
            (
                [("retry-after", "0")],
                json_response(429, json!({"message": "Too Many Requests"})),
            )
                .into_response(),
        )
    });
    let err = store.client().websites().await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d.is_zero()),
        "{err:?}"
    );
    assert_eq!(
        store.count(Method::GET, "store/websites"),
        4,
        "bounded by max_attempts"
    );
}

#[tokio::test]
async fn a_503_and_a_500_are_classified_and_retryable() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "store/websites", |_, _| {
        Some(
            (
                [("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")],
                html_response(503, "<h1>Service Unavailable</h1>"),
            )
                .into_response(),
        )
    });
    let err = websites_error(&store).await;
    assert!(
        matches!(&err, Error::Unavailable { message, .. } if message == "Service Unavailable"),
        "{err:?}"
    );
    assert!(err.is_retryable());

    store.on(Method::GET, "store/websites", |_, _| {
        Some(json_response(
            500,
            json!({"message": "Internal Error. Details are available in Magento log file. Report ID: webapi-6571f2c1a0b3e"}),
        ))
    });
    let err = websites_error(&store).await;
    assert!(
        matches!(&err, Error::Server { status: 500, report_id: Some(id), .. } if id == "webapi-6571f2c1a0b3e")
    );
    assert!(err.is_retryable() && err.to_string().contains("webapi-6571f2c1a0b3e"));
}

#[tokio::test]
async fn a_hanging_store_times_out() {
    let store = FakeStore::start().await;
    store.on_delayed(
        Method::GET,
        "store/websites",
        Duration::from_secs(10),
        |_, _| Some(json_response(200, json!([]))),
    );
    let client = store.client_with(Auth::bearer("t"), |c| {
        c.with_timeout(Duration::from_millis(200))
            .with_retry(RetryPolicy::none())
    });
    let started = Instant::now();
    let err = client.websites().await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { phase: TimeoutPhase::Response, after } if after == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(err.is_retryable());
    assert_eq!(
        err.to_string(),
        "the store did not answer within 200 ms (request timeout)"
    );
}

#[tokio::test]
async fn a_closed_port_is_connection_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let config = ClientConfig::new(format!("http://127.0.0.1:{port}"), Auth::bearer("t"))
        .with_retry(fast_retry(2));
    let err = Client::new(config).unwrap().websites().await.unwrap_err();
    assert!(
        matches!(&err, Error::Connection { kind: ConnectionKind::Refused, host, .. } if *host == format!("127.0.0.1:{port}")),
        "{err:?}"
    );
    assert!(err.is_retryable() && err.request_not_processed());
}

#[tokio::test]
async fn an_unresolvable_host_is_a_dns_failure() {
    let config = ClientConfig::new("https://nonexistent.invalid", Auth::bearer("t"))
        .with_retry(fast_retry(3))
        .with_connect_timeout(Duration::from_secs(5));
    let err = Client::new(config)
        .unwrap()
        .check_connection()
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Connection {
                kind: ConnectionKind::Dns,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert!(
        err.to_string()
            .starts_with("cannot resolve the store's host name nonexistent.invalid"),
        "{err}"
    );
}

#[tokio::test]
async fn https_to_a_plain_http_port_is_a_tls_failure() {
    let store = FakeStore::start().await;
    let url = store.base_url.replace("http://", "https://");
    let config = ClientConfig::new(url, Auth::bearer("t")).with_retry(RetryPolicy::none());
    let err = Client::new(config).unwrap().websites().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Connection {
                kind: ConnectionKind::Tls,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("turn off TLS verification"));
}

#[tokio::test]
async fn a_bad_base_url_is_a_config_error() {
    for url in ["", "ftp://x", "https://shop.example.com/rest/de fr/V1"] {
        let err = Client::new(ClientConfig::new(url, Auth::bearer("t"))).unwrap_err();
        assert!(matches!(err, Error::InvalidConfig(_)), "{url}: {err:?}");
    }
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_says_so() {
    let store = FakeStore::start().await;
    for (location, other_host) in [
        ("http://127.0.0.2:9/rest/V1/store/websites", true),
        ("/index.php/rest/V1/store/websites", false),
        (
            "https://127.0.0.1/rest/V1/store/websites?searchCriteria=1",
            false,
        ),
    ] {
        store.on(Method::GET, "store/websites", move |_, _| {
            Some(([("location", location)], axum::http::StatusCode::FOUND).into_response())
        });
        let err = websites_error(&store).await;
        assert!(
            matches!(&err, Error::NotMagento { status: 302, .. }),
            "{err:?}"
        );
        let text = err.to_string();
        let shown = location.replace("?searchCriteria=1", "?…");
        assert!(text.contains(&format!("redirected to {shown}")), "{text}");
        assert_eq!(text.contains("another host"), other_host, "{text}");
    }
}

#[tokio::test]
async fn broken_json_and_error_messages_in_a_success_are_unusable_answers() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "store/websites", |_, _| {
        Some(
            json_response(200, json!([{"id": 1}]))
                .map(|_| axum::body::Body::from(r#"[{"id": 1, "code": "base", "na"#)),
        )
    });
    let err = websites_error(&store).await;
    assert!(
        matches!(&err, Error::UnusableAnswer { status: 200, path, detail }
            if path == "/rest/V1/store/websites" && detail.starts_with("it is not valid JSON (EOF while parsing")),
        "{err:?}"
    );
    assert!(!err.is_retryable() && err.outcome_unknown());
    assert!(err.to_string().contains("cannot be used"), "{err}");

    // A record type reads every field as optional: this must not become an empty customer.
    store.on(Method::GET, "customers/5", |_, _| {
        Some(json_response(
            200,
            json!({"message": "Service for %1 is disabled.", "parameters": ["customers"]}),
        ))
    });
    let err = store
        .client_with(Auth::bearer("t"), |c| c.with_retry(RetryPolicy::none()))
        .get_customer(5)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the store's answer to /rest/V1/customers/5 (HTTP 200) cannot be used: it is a Magento \
         error message where data was expected: \"Service for customers is disabled.\"; the \
         store, or a proxy or plugin in front of its REST API, is misbehaving"
    );
}
