//! A hostile store: a front on loopback that proxies to the demo store and, when switched on,
//! spoils the answers of one route (or one record) in one of the ways a broken or compromised
//! store can: malformed JSON, wrong types in every field of a record, a 50 MB body, a gzip
//! bomb, an endless slow body, a redirect to another host, an HTML page, a 200 carrying an
//! error message. Each case checks that the sync ends with the bad record in the error log or
//! with a job and channel error that names the problem, that the process stays within its
//! memory bound, and that the next normal sync, with the front switched off, completes with
//! the CRM equal to the store.
//!
//! The cases run one at a time (a process-wide lock): the memory check reads the process's
//! peak resident size, which another case running beside it would move.

mod common;

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use common::*;
use domain::channel::ChannelStatus;
use domain::sync::JobStatus;
use futures::StreamExt;
use serde_json::{Value, json};
use store::PgPool;
use sync::connect::ClientOptions;
use sync::run::JobOutcome;
use tower::ServiceExt;

/// What the front does to the answers of its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    /// An orders answer cut in half by a PHP fatal error.
    MalformedJson,
    /// One order with a wrong JSON type in every field.
    WrongTypes { order: u32 },
    /// 50 MB of valid JSON for orders, streamed without a length.
    Huge,
    /// 2 MB of gzip for customers that inflate to 2 GiB of JSON.
    GzipBomb,
    /// A byte every 100 ms, never ending, for the websites.
    Trickle,
    /// 302 to another host for carts.
    Redirect,
    /// A bot-check HTML page with status 200 for credit memos.
    Html,
    /// 200 with a Magento error message for the store views.
    ErrorBody,
}

impl Case {
    /// The REST path whose answers are spoiled (every request to it: probes, pages, id-only
    /// reads; except for `WrongTypes`, which spoils one record wherever it appears in full).
    fn route(self) -> &'static str {
        match self {
            Case::MalformedJson | Case::WrongTypes { .. } | Case::Huge => "/rest/V1/orders",
            Case::GzipBomb => "/rest/V1/customers/search",
            Case::Trickle => "/rest/V1/store/websites",
            Case::Redirect => "/rest/V1/carts/search",
            Case::Html => "/rest/V1/creditmemos",
            Case::ErrorBody => "/rest/V1/store/storeViews",
        }
    }
}

const HUGE: usize = 50_000_000;
/// The bomb inflates to this many MiB of spaces, then a valid empty search result.
const BOMB_MIB: usize = 2048;
const EMPTY_PAGE: &[u8] = br#"{"items":[],"total_count":0}"#;

struct Front {
    case: Mutex<Option<Case>>,
    demo: Router,
    bomb: Bytes,
    /// Where the redirect points: another host (127.0.0.2), which must never be reached.
    trap: String,
    /// Answers the front spoiled.
    spoiled: AtomicUsize,
}

/// Starts the front before `demo`; returns its base URL, its state and the trap's hit count.
async fn spawn_front(demo: &demo_store::DemoStoreHandle) -> (String, Arc<Front>, Arc<AtomicUsize>) {
    let (trap, hits) = spawn_trap().await;
    let front = Arc::new(Front {
        case: Mutex::new(None),
        demo: demo_store::router(demo.state()),
        bomb: gzip_bomb(),
        trap,
        spoiled: AtomicUsize::new(0),
    });
    let app = Router::new().fallback(answer).with_state(front.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), front, hits)
}

/// A listener on another loopback host that only counts who comes: 127.0.0.2, or where that
/// address is missing, `localhost` (another host name than the front's 127.0.0.1).
async fn spawn_trap() -> (String, Arc<AtomicUsize>) {
    let (listener, host) = match tokio::net::TcpListener::bind("127.0.0.2:0").await {
        Ok(l) => (l, "127.0.0.2"),
        Err(_) => (
            tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
            "localhost",
        ),
    };
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (format!("http://{host}:{port}"), hits)
}

async fn answer(State(front): State<Arc<Front>>, request: Request) -> Response {
    let case = *front.case.lock().unwrap();
    let Some(case) = case.filter(|c| request.uri().path() == c.route()) else {
        return proxy(&front, request).await;
    };
    let spoiled = match case {
        Case::MalformedJson => cut_short(proxy(&front, request).await).await,
        Case::WrongTypes { order } => {
            let full_records = !request.uri().query().unwrap_or("").contains("fields=");
            let answer = proxy(&front, request).await;
            if !full_records {
                return answer;
            }
            match with_wrong_types(answer, order).await {
                Ok(spoiled) => spoiled,
                Err(untouched) => return untouched,
            }
        }
        Case::Huge => json_answer(huge()),
        Case::GzipBomb => {
            let mut answer = json_answer(Body::from(front.bomb.clone()));
            answer
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            answer
        }
        Case::Trickle => json_answer(trickle()),
        Case::Redirect => {
            let target = format!(
                "{}{}",
                front.trap,
                request.uri().path_and_query().map_or("", |p| p.as_str())
            );
            (StatusCode::FOUND, [(header::LOCATION, target)]).into_response()
        }
        Case::Html => (
            [(header::CONTENT_TYPE, "text/html; charset=UTF-8")],
            "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>\
             <h1>Checking your browser before accessing the store</h1></body></html>",
        )
            .into_response(),
        Case::ErrorBody => json_answer(Body::from(
            json!({"message": "%1 is temporarily disabled.", "parameters": ["The REST API"]})
                .to_string(),
        )),
    };
    front.spoiled.fetch_add(1, Ordering::SeqCst);
    spoiled
}

async fn proxy(front: &Front, request: Request) -> Response {
    match front.demo.clone().oneshot(request).await {
        Ok(answer) => answer,
        Err(never) => match never {},
    }
}

fn json_answer(body: Body) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn body_of(answer: Response) -> (axum::http::response::Parts, Bytes) {
    let (parts, body) = answer.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    (parts, bytes)
}

fn with_body(mut parts: axum::http::response::Parts, body: Vec<u8>) -> Response {
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// The first half of the real answer, then what PHP prints when it dies rendering it.
async fn cut_short(answer: Response) -> Response {
    let (parts, bytes) = body_of(answer).await;
    let mut body = bytes[..bytes.len() / 2].to_vec();
    body.extend_from_slice(
        b"<br />\n<b>Fatal error</b>:  Allowed memory size of 134217728 bytes exhausted (tried \
          to allocate 20480 bytes) in <b>/var/www/html/vendor/magento/framework/Reflection/\
          DataObjectProcessor.php</b> on line <b>91</b><br />\n",
    );
    with_body(parts, body)
}

/// The answer with a wrong type in every field of `order`; `Err` (untouched) when the order is
/// not on it.
async fn with_wrong_types(answer: Response, order: u32) -> Result<Response, Response> {
    let (parts, bytes) = body_of(answer).await;
    let mut page: Value = match serde_json::from_slice(&bytes) {
        Ok(page) => page,
        Err(_) => return Err(Response::from_parts(parts, Body::from(bytes))),
    };
    let record = page["items"].as_array_mut().and_then(|items| {
        items
            .iter_mut()
            .find(|item| item["entity_id"].as_u64() == Some(u64::from(order)))
    });
    let Some(record) = record else {
        return Err(Response::from_parts(parts, Body::from(bytes)));
    };
    let Some(fields) = record.as_object_mut() else {
        return Err(Response::from_parts(parts, Body::from(bytes)));
    };
    for (key, value) in fields.iter_mut() {
        *value = if key == "entity_id" {
            // A string for the id, which the client accepts (Magento sends ids either way),
            // so that the error log can name the record.
            Value::String(value.to_string())
        } else {
            match value.take() {
                Value::Null => json!([]),
                Value::Bool(b) => json!({ "bool": b }),
                Value::Number(n) => json!([n]),
                Value::String(s) => json!({ "text": s }),
                Value::Array(a) => json!(a.len()),
                Value::Object(_) => json!("an object"),
            }
        };
    }
    Ok(with_body(parts, page.to_string().into_bytes()))
}

/// 50 MB of valid JSON, in chunks of 64 KiB and without a `Content-Length`, so only counting
/// can stop it.
fn huge() -> Body {
    static PAD: [u8; 65536] = [b'x'; 65536];
    let head = Bytes::from_static(br#"{"items":[],"total_count":0,"pad":""#);
    let tail = Bytes::from_static(br#""}"#);
    let pad_len = HUGE - head.len() - tail.len();
    let pads = (0..pad_len.div_ceil(PAD.len())).map(move |i| {
        let len = (pad_len - i * PAD.len()).min(PAD.len());
        Bytes::from_static(&PAD[..len])
    });
    let chunks = std::iter::once(head)
        .chain(pads)
        .chain(std::iter::once(tail));
    Body::from_stream(futures::stream::iter(chunks.map(Ok::<_, std::io::Error>)))
}

/// `[`, then a space every 100 ms, forever.
fn trickle() -> Body {
    let first = futures::stream::once(async { Bytes::from_static(b"[") });
    let rest = futures::stream::unfold((), |()| async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Some((Bytes::from_static(b" "), ()))
    });
    Body::from_stream(first.chain(rest).map(Ok::<_, std::io::Error>))
}

/// A valid gzip member of [`BOMB_MIB`] MiB of spaces and an empty search result, about 2 MB.
/// A 1 MiB block is deflated once with a sync flush (its back-references stay inside it) and
/// repeated, so building it costs one megabyte of compression; the trailer's CRC is combined
/// arithmetically rather than computed over two gigabytes.
fn gzip_bomb() -> Bytes {
    let mib = vec![b' '; 1 << 20];
    let mut deflate = flate2::Compress::new(flate2::Compression::best(), false);
    let mut block = Vec::with_capacity(1 << 16);
    deflate
        .compress_vec(&mib, &mut block, flate2::FlushCompress::Sync)
        .unwrap();
    assert_eq!(deflate.total_in(), mib.len() as u64);
    let mut last = flate2::Compress::new(flate2::Compression::best(), false);
    let mut tail = Vec::with_capacity(1024);
    last.compress_vec(EMPTY_PAGE, &mut tail, flate2::FlushCompress::Finish)
        .unwrap();

    let mut one = crc32fast::Hasher::new();
    one.update(&mib);
    let (mut crc, mut power, mut n) = (crc32fast::Hasher::new(), one, BOMB_MIB);
    while n > 0 {
        if n & 1 == 1 {
            crc.combine(&power);
        }
        n >>= 1;
        if n > 0 {
            let same = power.clone();
            power.combine(&same);
        }
    }
    crc.update(EMPTY_PAGE);
    let size = (BOMB_MIB as u64) << 20 | EMPTY_PAGE.len() as u64;

    let mut out = Vec::with_capacity(10 + block.len() * BOMB_MIB + tail.len() + 8);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff]);
    for _ in 0..BOMB_MIB {
        out.extend_from_slice(&block);
    }
    out.extend_from_slice(&tail);
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(&(size as u32).to_le_bytes());

    // It is what it claims: its start inflates to spaces.
    let mut start = vec![0u8; 3 << 20];
    flate2::read::GzDecoder::new(&out[..])
        .read_exact(&mut start)
        .unwrap();
    assert!(start.iter().all(|b| *b == b' '));
    Bytes::from(out)
}

/// The peak resident size of this process, in KiB, after resetting it to the current size
/// (Linux ≥ 4.0; where the reset is refused, the peak so far is the baseline, and only growth
/// past it is seen).
fn reset_peak() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    status_kib("VmHWM:")
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// The memory a spoiled sync may add to the process: far under the 50 MB body and the 2 GiB
/// bomb, well over the limits the cases run into (2.1 MiB for a one-record search page, 8 MiB
/// for a single answer) and what a small sync needs.
const MEMORY_BOUND_MIB: u64 = 40;

/// Few attempts for the spoiled sync: a trickling answer costs a whole timeout per attempt.
fn hostile_client() -> ClientOptions {
    let mut options = fast_client();
    options.retry.max_attempts = 2;
    options
}

async fn sync_with(pool: &PgPool, channel: i64, options: &ClientOptions) -> JobOutcome {
    let kind = domain::sync::JobKind::Sync;
    let (_, outcome) = sync::worker::sync_and_wait(pool, &cipher(), channel, kind, options)
        .await
        .unwrap();
    outcome
}

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs one case: a normal first sync, live changes, the spoiled sync, the normal one after.
/// Returns the channel and the spoiled sync's outcome, for the case's own checks.
async fn run_case(
    pool: &PgPool,
    case: impl FnOnce(&demo_store::DemoStoreHandle) -> Case,
) -> (i64, JobOutcome) {
    let _alone = ONE_AT_A_TIME.lock().await;
    let demo = spawn_store(small_store(100)).await;
    let (url, front, trap_hits) = spawn_front(&demo).await;
    let channel = add_channel(pool, &url, 30).await;
    let first = sync(pool, channel).await;
    assert_eq!(first.status, JobStatus::Succeeded, "{:?}", first.error);
    assert_same(&expected(&demo, Utc::now()), &actual(pool, channel).await);

    // Changes for both later syncs to bring: the spoiled one must not lose them.
    assert!(!demo.state().live_tick(60).is_empty());
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let case = case(&demo);
    *front.case.lock().unwrap() = Some(case);

    let baseline = reset_peak();
    let started = std::time::Instant::now();
    let spoiled = sync_with(pool, channel, &hostile_client()).await;
    let took = started.elapsed();
    let peak = status_kib("VmHWM:");
    *front.case.lock().unwrap() = None;
    let grew_mib = peak.saturating_sub(baseline) as f64 / 1024.0;
    eprintln!(
        "{case:?}: {:?} in {took:.1?}, {} answers spoiled, peak {:.1} MiB (+{grew_mib:.1} MiB); {:?}",
        spoiled.status,
        front.spoiled.load(Ordering::SeqCst),
        peak as f64 / 1024.0,
        spoiled.error,
    );
    assert!(
        front.spoiled.load(Ordering::SeqCst) > 0,
        "{case:?}: the front spoiled nothing"
    );
    assert!(
        grew_mib < MEMORY_BOUND_MIB as f64,
        "{case:?}: the process grew by {grew_mib:.1} MiB during the spoiled sync"
    );
    assert_eq!(
        trap_hits.load(Ordering::SeqCst),
        0,
        "a redirect was followed"
    );
    if spoiled.status == JobStatus::Failed {
        let summary = store::channels::get(pool, channel).await.unwrap();
        assert_eq!(summary.status, ChannelStatus::Failed, "{case:?}");
        assert_eq!(summary.status_message, spoiled.error, "{case:?}");
    }

    let next = sync(pool, channel).await;
    assert_eq!(
        next.status,
        JobStatus::Succeeded,
        "{case:?}: {:?}",
        next.error
    );
    assert_same(&expected(&demo, Utc::now()), &actual(pool, channel).await);
    let (open, _) = store::sync_errors::list(pool, channel, None, true, 100, 0)
        .await
        .unwrap();
    assert!(open.is_empty(), "{case:?}: errors left open: {open:?}");
    (channel, spoiled)
}

/// The spoiled sync failed, and its error (also the channel's) names every `words`.
fn failed_naming(outcome: &JobOutcome, words: &[&str]) {
    assert_eq!(outcome.status, JobStatus::Failed, "{:?}", outcome.error);
    let error = outcome.error.as_deref().unwrap_or_default();
    for word in words {
        assert!(error.contains(word), "`{word}` missing from: {error}");
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn malformed_json_fails_the_sync_naming_the_route(pool: PgPool) {
    let (_, outcome) = run_case(&pool, |_| Case::MalformedJson).await;
    failed_naming(
        &outcome,
        &[
            "/rest/V1/orders",
            "(HTTP 200) cannot be used: it is not valid JSON",
            "Fatal error",
        ],
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_record_with_wrong_types_everywhere_goes_to_the_error_log(pool: PgPool) {
    let mut order = 0;
    let (channel, outcome) = run_case(&pool, |demo| {
        // The newest order: the next run's overlap reads it again, as it would a fixed record.
        let state = demo.state();
        let s = state.read();
        order = s
            .orders
            .iter()
            .max_by_key(|o| (o.updated_at, o.id))
            .unwrap()
            .id;
        Case::WrongTypes { order }
    })
    .await;
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);
    let failed: u64 = outcome.entities.iter().map(|(_, c)| c.failed).sum();
    assert_eq!(failed, 1, "{:?}", outcome.entities);
    // Logged during the spoiled sync (resolved by the next one, which `run_case` checked).
    let (all, _) = store::sync_errors::list(&pool, channel, None, false, 100, 0)
        .await
        .unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    let logged = &all[0];
    assert_eq!(
        (logged.entity.as_str(), logged.magento_id.as_deref()),
        ("orders", Some(order.to_string().as_str()))
    );
    assert!(
        logged
            .payload
            .as_ref()
            .is_some_and(|p| p["increment_id"].is_object())
    );
    assert_eq!(logged.status, "resolved");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_50_mb_answer_is_cut_at_its_limit(pool: PgPool) {
    let (_, outcome) = run_case(&pool, |_| Case::Huge).await;
    failed_naming(
        &outcome,
        &[
            "the store's answer to /rest/V1/orders passed",
            "MiB",
            "stopped reading",
        ],
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_gzip_bomb_is_cut_at_its_limit_after_decoding(pool: PgPool) {
    let (_, outcome) = run_case(&pool, |_| Case::GzipBomb).await;
    failed_naming(
        &outcome,
        &[
            "the store's answer to /rest/V1/customers/search passed",
            "after decompression",
        ],
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_endless_slow_answer_ends_with_the_request_timeout(pool: PgPool) {
    let (_, outcome) = run_case(&pool, |_| Case::Trickle).await;
    failed_naming(
        &outcome,
        &["did not answer within 1500 ms (request timeout)"],
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_redirect_to_another_host_is_not_followed(pool: PgPool) {
    let (_, outcome) = run_case(&pool, |_| Case::Redirect).await;
    failed_naming(
        &outcome,
        &[
            "HTTP 302 for /rest/V1/carts/search",
            "another host",
            "does not follow redirects",
        ],
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_html_page_instead_of_json_is_not_magento(pool: PgPool) {
    let (_, outcome) = run_case(&pool, |_| Case::Html).await;
    failed_naming(
        &outcome,
        &[
            "no Magento REST API answered",
            "HTTP 200 for /rest/V1/creditmemos",
            "Checking your browser",
        ],
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_200_with_an_error_message_is_not_data(pool: PgPool) {
    let (_, outcome) = run_case(&pool, |_| Case::ErrorBody).await;
    failed_naming(
        &outcome,
        &[
            "/rest/V1/store/storeViews (HTTP 200) cannot be used",
            "\"The REST API is temporarily disabled.\"",
        ],
    );
}
