//! Answers are read up to a limit per kind of call, counted after gzip decoding, and within
//! the request timeout however slowly they trickle.

use std::io::Write;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use magento::{Auth, BodyLimits, Client, Error, RetryPolicy, SearchCriteria, TimeoutPhase};
use serde_json::json;

use crate::helpers::{FakeStore, fast_retry};

/// Small limits, so the tests send kilobytes rather than megabytes.
const LIMITS: BodyLimits = BodyLimits {
    search_base: 1000,
    search_per_record: 100,
    single: 4096,
    probe: 64,
};

fn client(store: &FakeStore) -> Client {
    store.client_with(Auth::bearer("t"), |c| {
        c.with_body_limits(LIMITS).with_retry(fast_retry(4))
    })
}

/// A JSON list of exactly `len` bytes (`[`, spaces, `]`).
fn json_of_len(len: usize) -> Vec<u8> {
    let mut body = vec![b' '; len];
    body[0] = b'[';
    body[len - 1] = b']';
    body
}

fn json_answer(body: Body) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The body in chunks of 100 bytes, without a `Content-Length`: the size is only known by
/// counting.
fn chunked(body: Vec<u8>) -> Body {
    let chunks: Vec<Result<Bytes, std::io::Error>> = body
        .chunks(100)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    Body::from_stream(futures::stream::iter(chunks))
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(body).unwrap();
    encoder.finish().unwrap()
}

fn gzip_answer(body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CONTENT_ENCODING, "gzip"),
        ],
        body,
    )
        .into_response()
}

async fn websites(client: &Client) -> Result<usize, Error> {
    client.websites().await.map(|w| w.len())
}

#[tokio::test]
async fn a_body_at_the_limit_is_read_and_one_byte_more_is_refused() {
    let store = FakeStore::start().await;
    let client = client(&store);
    for (len, chunked_body) in [(4096, false), (4096, true), (4097, false), (4097, true)] {
        store.on(Method::GET, "store/websites", move |_, _| {
            let body = json_of_len(len);
            Some(json_answer(if chunked_body {
                chunked(body)
            } else {
                Body::from(body)
            }))
        });
        let result = websites(&client).await;
        if len <= LIMITS.single {
            assert_eq!(result.unwrap(), 0, "{len} bytes, chunked {chunked_body}");
        } else {
            let err = result.unwrap_err();
            assert!(
                matches!(&err, Error::TooLarge { path, limit: 4096 } if path == "/rest/V1/store/websites"),
                "{len} bytes, chunked {chunked_body}: {err:?}"
            );
        }
    }
}

#[tokio::test]
async fn too_large_is_final_not_an_auth_problem_and_says_what_happened() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "store/websites", |_, _| {
        Some(json_answer(Body::from(json_of_len(5000))))
    });
    let err = websites(&client(&store)).await.unwrap_err();
    assert_eq!(
        store.count(Method::GET, "store/websites"),
        1,
        "a store that sent too much once sends it again: never retried"
    );
    assert!(!err.is_retryable() && !err.is_auth() && !err.request_not_processed());
    assert!(
        err.outcome_unknown(),
        "a write whose answer was cut may have been applied"
    );
    assert_eq!(
        err.to_string(),
        "the store's answer to /rest/V1/store/websites passed 4 KiB (counted after \
         decompression), more than any real Magento store sends for this call, so Cartwise \
         stopped reading it. The store, or a proxy or plugin in front of its REST API, is \
         sending far too much"
    );
}

#[tokio::test]
async fn a_search_page_may_be_as_large_as_its_page_size_allows() {
    let store = FakeStore::start().await;
    // 1,500 bytes: within 1,000 + 10 × 100, beyond 1,000 + 1 × 100.
    store.on(Method::GET, "orders", |_, _| {
        let pad = "x".repeat(1500 - r#"{"items":[],"total_count":0,"pad":""}"#.len());
        let body = json!({"items": [], "total_count": 0, "pad": pad}).to_string();
        assert_eq!(body.len(), 1500);
        Some(json_answer(Body::from(body)))
    });
    let client = client(&store);
    let page = client
        .search_orders(&SearchCriteria::new().page_size(10).current_page(1))
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(0));
    let err = client
        .search_orders(&SearchCriteria::new().page_size(1).current_page(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit: 1100, .. }),
        "{err:?}"
    );
    assert_eq!(LIMITS.search(300), 31_000);
    assert_eq!(
        BodyLimits::default().search(300),
        2 * 1024 * 1024 + 300 * 100 * 1024
    );
}

#[tokio::test]
async fn gzip_answers_are_counted_after_decoding() {
    let store = FakeStore::start().await;
    let client = client(&store);
    for (len, chunked_body) in [(4096, false), (4096, true), (4097, false), (4097, true)] {
        let compressed = gzip(&json_of_len(len));
        assert!(compressed.len() < 100, "{} bytes", compressed.len());
        store.on(Method::GET, "store/websites", move |_, _| {
            let body = compressed.clone();
            Some(gzip_answer(if chunked_body {
                chunked(body)
            } else {
                Body::from(body)
            }))
        });
        let result = websites(&client).await;
        if len <= LIMITS.single {
            assert_eq!(result.unwrap(), 0, "{len} bytes, chunked {chunked_body}");
        } else {
            assert!(
                matches!(result, Err(Error::TooLarge { limit: 4096, .. })),
                "{len} bytes inflated from under 100, chunked {chunked_body}: {result:?}"
            );
        }
    }
}

/// 1 MiB of spaces deflated once: a block that refers only to itself, so copies of it make a
/// valid deflate stream of any length.
fn deflated_mib_of_spaces() -> Bytes {
    let input = vec![b' '; 1 << 20];
    let mut deflate = flate2::Compress::new(flate2::Compression::best(), false);
    let mut out = Vec::with_capacity(1 << 16);
    deflate
        .compress_vec(&input, &mut out, flate2::FlushCompress::Sync)
        .unwrap();
    assert_eq!(deflate.total_in(), input.len() as u64);
    Bytes::from(out)
}

#[tokio::test]
async fn an_endless_gzip_bomb_stops_at_the_limit() {
    let store = FakeStore::start().await;
    let block = deflated_mib_of_spaces();
    // Every kilobyte sent inflates to a megabyte, forever: only the client can end it.
    store.on(Method::GET, "store/websites", move |_, _| {
        let header = Bytes::from_static(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff]);
        let blocks = futures::stream::repeat(block.clone());
        let body = futures::stream::once(async move { header })
            .chain(blocks)
            .map(Ok::<_, std::io::Error>);
        Some(gzip_answer(Body::from_stream(body)))
    });
    let client = store.client_with(Auth::bearer("t"), |c| {
        c.with_body_limits(BodyLimits {
            single: 8 << 20,
            ..LIMITS
        })
        .with_timeout(Duration::from_secs(30))
    });
    let started = Instant::now();
    let err = websites(&client).await.unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit, .. } if limit == 8 << 20),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_announced_larger_than_the_limit_is_refused_before_it_arrives() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // Headers that announce 10 MB, then nothing: only the announcement can end this early.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                            Content-Length: 10000000\r\n\r\n[";
                let _ = socket.write_all(head.as_bytes()).await;
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    let config = magento::ClientConfig::new(format!("http://{addr}"), Auth::bearer("t"))
        .with_body_limits(LIMITS)
        .with_retry(RetryPolicy::none())
        .with_timeout(Duration::from_secs(30));
    let started = Instant::now();
    let err = websites(&Client::new(config).unwrap()).await.unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// `first`, then one byte of `rest` (cycled) every 100 ms, never ending.
fn trickle(first: Bytes, rest: Bytes) -> Body {
    let bytes = futures::stream::once(async move { first }).chain(futures::stream::unfold(
        0usize,
        move |i| {
            let byte = rest.slice(i % rest.len()..i % rest.len() + 1);
            async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                Some((byte, i + 1))
            }
        },
    ));
    Body::from_stream(bytes.map(Ok::<_, std::io::Error>))
}

#[tokio::test]
async fn an_endless_slow_body_ends_with_the_request_timeout() {
    let store = FakeStore::start().await;
    let gzip_header = Bytes::from_static(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff]);
    let block = deflated_mib_of_spaces();
    for gzipped in [false, true] {
        let (header, block) = (gzip_header.clone(), block.clone());
        store.on(Method::GET, "store/websites", move |_, _| {
            Some(if gzipped {
                // Each byte of the block inflates to about a kilobyte: the limit is far.
                gzip_answer(trickle(header.clone(), block.clone()))
            } else {
                json_answer(trickle(Bytes::from_static(b"["), Bytes::from_static(b" ")))
            })
        });
        let client = store.client_with(Auth::bearer("t"), |c| {
            c.with_timeout(Duration::from_millis(500))
                .with_retry(fast_retry(2))
        });
        let before = store.count(Method::GET, "store/websites");
        let started = Instant::now();
        let err = websites(&client).await.unwrap_err();
        assert!(
            matches!(err, Error::Timeout { phase: TimeoutPhase::Response, after } if after == Duration::from_millis(500)),
            "gzip {gzipped}: {err:?}"
        );
        // Two attempts of 500 ms each, and the time waiting for them is counted.
        let elapsed = started.elapsed();
        assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
        assert_eq!(store.count(Method::GET, "store/websites") - before, 2);
        assert!(
            client.time_in_requests() >= Duration::from_millis(1000),
            "{:?}",
            client.time_in_requests()
        );
    }
}

#[tokio::test]
async fn the_time_spent_on_an_answer_cut_short_is_counted() {
    let store = FakeStore::start().await;
    // 5 chunks of 1,000 bytes, 100 ms apart: the limit passes with the fifth, after 400 ms.
    store.on(Method::GET, "store/websites", |_, _| {
        let chunks = futures::stream::iter(0..5).then(|i| async move {
            if i > 0 {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let mut chunk = vec![b' '; 1000];
            if i == 0 {
                chunk[0] = b'[';
            }
            Ok::<_, std::io::Error>(Bytes::from(chunk))
        });
        Some(json_answer(Body::from_stream(chunks)))
    });
    let client = client(&store);
    let err = websites(&client).await.unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
    assert!(
        client.time_in_requests() >= Duration::from_millis(400),
        "{:?}",
        client.time_in_requests()
    );
}

#[tokio::test]
async fn the_version_probe_reads_only_a_short_text() {
    use axum::routing::get;
    let answer = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let served = answer.clone();
    let app = axum::Router::new()
        .route(
            "/magento_version",
            get(move || {
                let text = served.lock().unwrap().clone();
                async move { text }
            }),
        )
        .route(
            "/rest/V1/store/websites",
            get(|| async { axum::Json(json!([])) }),
        )
        .route(
            "/rest/V1/store/storeGroups",
            get(|| async { axum::Json(json!([])) }),
        )
        .route(
            "/rest/V1/store/storeViews",
            get(|| async { axum::Json(json!([])) }),
        )
        .route(
            "/rest/V1/cartwise/newsletter-subscribers/search",
            get(|| async { axum::Json(json!({"items": [], "total_count": 0})) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let config = magento::ClientConfig::new(format!("http://{addr}"), Auth::bearer("t"))
        .with_body_limits(LIMITS);
    let client = Client::new(config).unwrap();

    *answer.lock().unwrap() = "Magento/2.4 (Community)".to_owned();
    let report = client.check_connection().await.unwrap();
    assert_eq!(
        report.magento_version.as_deref(),
        Some("Magento/2.4 (Community)")
    );

    // 70 bytes, past the 64-byte probe limit (and short enough for the version check): no
    // version, and the check still succeeds.
    *answer.lock().unwrap() = format!("Magento/2.4 (Community){}", " ".repeat(47));
    let report = client.check_connection().await.unwrap();
    assert_eq!(report.magento_version, None);
}
