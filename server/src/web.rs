//! HTTP: the Leptos pages and server functions, sign-in and sign-out, and the session
//! middleware that authenticates every request in one place.

use app::auth::server::RequestSession;
use app::server::AppState;
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::AppError;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use server_fn::error::FromServerFnError;
use store::{PgPool, credentials, sessions, throttle, users};

pub const SESSION_COOKIE: &str = "cartwise_session";
/// Over HTTPS the session cookie carries the `__Host-` prefix: browsers then keep it only when
/// it is Secure, has no Domain and its Path is `/`, so a sibling subdomain (the storefront next
/// to the CRM) cannot plant or shadow one.
pub const SECURE_SESSION_COOKIE: &str = "__Host-cartwise_session";

/// The largest request body: server functions take a form or a small JSON document.
pub const MAX_BODY: usize = 2 * 1024 * 1024;
/// The longest a request may take to produce its response (streams such as CSV downloads and
/// live events answer at once and are not bound by it).
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// What the HTTP layer needs.
#[derive(Clone)]
pub struct WebState {
    pub pool: PgPool,
    pub cipher: store::secrets::Cipher,
    pub leptos: LeptosOptions,
    /// Mark cookies `Secure` (the app is reached over https).
    pub secure_cookies: bool,
    /// Cancelled when shutdown starts; ends the live streams (`AppState::stopping`).
    pub stopping: tokio_util::sync::CancellationToken,
    /// Reverse proxies whose `X-Forwarded-For` is believed (see [`client_address`]).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Outgoing email (`AppState::mailer`).
    pub mailer: Option<mailer::Mailer>,
}

impl FromRef<WebState> for LeptosOptions {
    fn from_ref(state: &WebState) -> Self {
        state.leptos.clone()
    }
}

/// The whole web app.
pub fn router(state: WebState) -> Router {
    let routes = generate_route_list(App);
    let app_state = AppState {
        pool: state.pool.clone(),
        cipher: state.cipher.clone(),
        actions: sync::outbound::Actions::new(
            state.pool.clone(),
            state.cipher.clone(),
            sync::connect::ClientOptions::default(),
        ),
        stopping: state.stopping.clone(),
        mailer: state.mailer.clone(),
    };
    let app_state_ext = app_state.clone();
    let context = move || provide_context(app_state.clone());
    let leptos = state.leptos.clone();
    Router::new()
        .route("/login", post(sign_in))
        .route("/logout", post(sign_out))
        .route("/health", get(health))
        .route(
            "/api/channels/{id}/events",
            get(app::channels::server::channel_events),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            WebState,
            _,
        >(context, shell))
        .layer(axum::Extension(app_state_ext))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

async fn health(State(state): State<WebState>) -> Response {
    match sqlx::query("select 1").execute(&state.pool).await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// Static assets need no session.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

/// What a user whose password must be changed may still reach: the account page, what it
/// needs, and signing out.
fn allowed_before_password_change(path: &str) -> bool {
    matches!(
        path,
        "/account"
            | "/logout"
            | "/health"
            | "/api/change_password"
            | "/api/current_session"
            | "/api/time_zone_settings"
    )
}

/// Pages anyone may open.
fn is_public_page(path: &str) -> bool {
    matches!(path, "/login" | "/logout" | "/health")
}

/// Resolves the session cookie once per request and gates what needs a session: `/api` calls
/// get 401, pages redirect to the sign-in page.
async fn authenticate(State(state): State<WebState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_static(&path) {
        return next.run(req).await;
    }
    if is_state_changing(req.method()) && is_cross_site(req.headers()) {
        tracing::warn!(%path, "cross-site request refused");
        return (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response();
    }
    let secure = is_secure(&state, &req);
    req.extensions_mut().insert(Https(secure));
    let session = match session_token(req.headers(), secure) {
        Some(token) => {
            let hash = credentials::hash_session_token(&token);
            match sessions::find_user(&state.pool, &hash).await {
                Ok(user) => RequestSession {
                    token_hash: user.as_ref().map(|_| hash),
                    user,
                },
                Err(e) => {
                    tracing::error!(error = %e, "session lookup failed");
                    return (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "The database is not reachable right now.",
                    )
                        .into_response();
                }
            }
        }
        None => RequestSession::default(),
    };
    let signed_in = session.user.is_some();
    let client = client_address(peer(&req), req.headers(), &state.trusted_proxies);
    req.extensions_mut().insert(ClientAddress(client));

    if path.starts_with("/api/") {
        // The role table: a caller it refuses is turned away before the function reads its
        // arguments (each function checks again). A path it does not name needs a session.
        let access = app::auth::access(&path).unwrap_or(app::auth::Access::SignedIn);
        if !access.admits(session.user.as_ref()) {
            return if signed_in {
                tracing::warn!(%path, "refused by the role table");
                server_fn_error(StatusCode::FORBIDDEN, AppError::Forbidden)
            } else {
                server_fn_error(StatusCode::UNAUTHORIZED, AppError::Unauthenticated)
            };
        }
    } else if path == "/login" && signed_in && req.method() == Method::GET {
        return Redirect::to("/").into_response();
    } else if !signed_in && !is_public_page(&path) {
        if req.method() == Method::GET || req.method() == Method::HEAD {
            let target = req
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            let location = if target == "/" {
                "/login".to_string()
            } else {
                format!("/login?next={}", encode(&target))
            };
            return Redirect::to(&location).into_response();
        }
        return (StatusCode::UNAUTHORIZED, "Please sign in.").into_response();
    }
    // A printed first password must be changed before anything else.
    if session
        .user
        .as_ref()
        .is_some_and(|u| u.must_change_password)
        && !allowed_before_password_change(&path)
    {
        if path.starts_with("/api/") {
            return server_fn_error(
                StatusCode::FORBIDDEN,
                AppError::Conflict("Change your password first (Your account).".into()),
            );
        }
        return Redirect::to("/account?password=required").into_response();
    }
    req.extensions_mut().insert(session);
    let response = next.run(req).await;
    if path.starts_with("/api/") && response.status() == StatusCode::INTERNAL_SERVER_ERROR {
        return with_error_status(response).await;
    }
    response
}

/// Leptos answers every server-function error with 500; give typed errors their own status
/// (400 for bad arguments, 403, 404, 409 ...) so clients and logs can tell them apart.
async fn with_error_status(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 256 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    // The body is `AppError::to_text`; anything it does not name stays a 500.
    let error = AppError::from_text(&String::from_utf8_lossy(&bytes));
    parts.status = StatusCode::from_u16(error.status_code()).unwrap_or(parts.status);
    Response::from_parts(parts, Body::from(bytes))
}

/// An error in the body format Leptos server functions use, so the browser decodes it typed.
fn server_fn_error(status: StatusCode, error: AppError) -> Response {
    let body = error.ser();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(body))
        .unwrap_or_else(|_| status.into_response())
}

/// The session token, when the request carries exactly one session cookie: two of them mean
/// one was planted (by a sibling subdomain over plain HTTP), and neither is trusted.
fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    let name = cookie_name(secure);
    let mut found = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(n, _)| *n == name)
        .map(|(_, value)| value.to_string());
    let token = found.next()?;
    if found.next().is_some() {
        tracing::warn!("a request carried two session cookies; neither is used");
        return None;
    }
    Some(token).filter(|v| !v.is_empty() && v.len() <= 128)
}

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// Served over HTTPS: configured so, or told so by a trusted proxy in front (`--trusted-proxy`).
/// A client talking to the server directly cannot claim it: its `X-Forwarded-Proto` is its own
/// words, as its `X-Forwarded-For` is.
fn is_secure(state: &WebState, req: &Request) -> bool {
    state.secure_cookies
        || (peer(req).is_some_and(|p| state.trusted_proxies.contains(&p))
            && req
                .headers()
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https")))
}

/// The TCP peer, when the server knows it.
fn peer(req: &Request) -> Option<std::net::IpAddr> {
    req.extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
}

/// Whether the request came over HTTPS (`is_secure`), for the handlers behind the session
/// middleware, which sets it.
#[derive(Clone, Copy, Debug)]
pub struct Https(pub bool);

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A browser's request that another site made it send. `Sec-Fetch-Site` says it (every current
/// browser sends it); failing that, an `Origin` of another host. SameSite=Lax alone lets a
/// sibling subdomain (same site, another origin) through, which these checks do not. Requests
/// with neither header come from programs (scripts, the tests), which hold no victim's cookie.
fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    match (origin_host, host) {
        (Some(o), Some(h)) => !o.eq_ignore_ascii_case(h),
        // `Origin: null` (a sandboxed frame, a redirect across sites) or no Host: refuse.
        _ => true,
    }
}

/// Headers every answer carries: no sniffing, no framing, no referrer to other sites, HSTS
/// over HTTPS, and `no-store` on everything but the static assets (pages and server function
/// answers hold customers' personal data, which must not linger in shared caches).
async fn security_headers(State(state): State<WebState>, req: Request, next: Next) -> Response {
    let static_asset = is_static(req.uri().path());
    let secure = is_secure(&state, &req);
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    // Pages set their own policy (with the page's script nonce); everything else needs none.
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'",
    );
    if secure {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if !static_asset {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}

fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[derive(serde::Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// The address a request came from (the TCP peer), when the server knows it: set by the
/// session middleware for the handlers that limit per client.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub Option<std::net::IpAddr>);

/// The client a request is from: the TCP peer, or, when the peer is a trusted proxy, the
/// nearest address in `X-Forwarded-For` that is not one (read from the right: what the proxies
/// appended, not what the client wrote at the left). A malformed entry stops the walk there.
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let mut client = peer?;
    if !trusted.contains(&client) {
        return Some(client);
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for entry in forwarded.into_iter().rev() {
        let Ok(address) = entry.trim().parse::<std::net::IpAddr>() else {
            break;
        };
        client = address;
        if !trusted.contains(&address) {
            break;
        }
    }
    Some(client)
}

/// Sign-in attempts per client address: a burst of 15, then one every 2 s. Argon2 is slow on
/// purpose; this keeps one address from making the server hash for it all day (per process;
/// the per-email throttle in Postgres is shared by all).
static SIGN_INS_PER_ADDRESS: std::sync::LazyLock<
    governor::DefaultKeyedRateLimiter<std::net::IpAddr>,
> = std::sync::LazyLock::new(|| {
    let per_minute = std::num::NonZeroU32::new(30).expect("non-zero");
    let burst = std::num::NonZeroU32::new(15).expect("non-zero");
    governor::RateLimiter::keyed(governor::Quota::per_minute(per_minute).allow_burst(burst))
});

/// Forgets addresses that have not signed in lately (the limiter's memory stays small).
pub fn forget_quiet_sign_in_addresses() {
    SIGN_INS_PER_ADDRESS.retain_recent();
}

/// `POST /login`: checks the password, slows down guessing, starts a session.
///
/// A failed sign-in is logged with the client's address and nothing of what was typed: the
/// "email" is sometimes a password typed in the wrong field, and even a short hash of it could
/// be matched against a list of likely passwords.
async fn sign_in(
    State(state): State<WebState>,
    axum::Extension(client): axum::Extension<ClientAddress>,
    axum::Extension(Https(secure)): axum::Extension<Https>,
    axum::Form(form): axum::Form<SignInForm>,
) -> Response {
    let next = form
        .next
        .filter(|n| app::pages::login::is_local_path(n))
        .unwrap_or_else(|| "/".into());
    let back = |error: &str, extra: &str| {
        let mut url = format!("/login?error={error}&email={}", encode(form.email.trim()));
        if next != "/" {
            url.push_str(&format!("&next={}", encode(&next)));
        }
        url.push_str(extra);
        Redirect::to(&url).into_response()
    };
    if form.email.trim().is_empty() || form.password.is_empty() {
        return back("missing", "");
    }
    // (Without a peer address — a request handed to the router in-process — only the
    // per-email throttle applies.)
    if let Some(Err(not_until)) = client.0.map(|ip| SIGN_INS_PER_ADDRESS.check_key(&ip)) {
        let wait = not_until
            .wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ))
            .as_secs()
            .max(1);
        tracing::warn!(
            address = client.0.map(tracing::field::display),
            "too many sign-ins from one address"
        );
        return back("throttled", &format!("&wait={wait}"));
    }
    match try_sign_in(&state.pool, form.email.trim(), &form.password).await {
        Ok(SignIn::Success(token)) => {
            let max_age = sessions::ABSOLUTE_LIFETIME.num_seconds();
            let cookie = format!(
                "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
                cookie_name(secure),
                if secure { "; Secure" } else { "" }
            );
            let mut response = Redirect::to(&next).into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Ok(SignIn::Rejected) => {
            tracing::warn!(
                address = client.0.map(tracing::field::display),
                "sign-in failed"
            );
            back("invalid", "")
        }
        Ok(SignIn::Throttled(wait)) => {
            tracing::warn!(
                address = client.0.map(tracing::field::display),
                "sign-in throttled"
            );
            back("throttled", &format!("&wait={wait}"))
        }
        Err(store::Error::Unavailable(_)) => back("busy", ""),
        Err(e) => {
            tracing::error!(error = %e, "sign-in could not be checked");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Signing in is not possible right now.",
            )
                .into_response()
        }
    }
}

enum SignIn {
    Success(String),
    Rejected,
    Throttled(i64),
}

async fn try_sign_in(pool: &PgPool, email: &str, password: &str) -> store::Result<SignIn> {
    // The attempt is counted before the password is checked, in one step per email, so a
    // burst of parallel guesses cannot all pass the count.
    let wait = throttle::begin_attempt(pool, email).await?;
    if wait > chrono::Duration::zero() {
        return Ok(SignIn::Throttled(wait.num_seconds().max(1)));
    }
    let found = users::find_credentials(pool, email).await?;
    // Unknown emails are checked against a dummy hash so timing does not reveal which emails
    // exist. Hashing is bounded: one per core, off the async workers.
    let hash = found
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.to_string());
    let verified = credentials::verify_password_limited(password.to_string(), hash).await?;
    match found {
        Some(c) if verified && c.is_active => {
            throttle::clear(pool, email).await?;
            let (token, hash) = credentials::new_session_token();
            sessions::create(pool, &hash, c.user.id).await?;
            tracing::info!(user = c.user.id, "signed in");
            Ok(SignIn::Success(token))
        }
        _ => Ok(SignIn::Rejected),
    }
}

/// An argon2id hash of a random string, used to spend the same time on unknown emails.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$K8b1vJ7xU1cDqtqvEwUw2bJmJ8i4LkU5wm0qzQv5nJQ";

/// `POST /logout`: ends the session and clears the cookie.
async fn sign_out(
    State(state): State<WebState>,
    headers: HeaderMap,
    axum::Extension(Https(secure)): axum::Extension<Https>,
) -> Response {
    if let Some(token) = session_token(&headers, secure)
        && let Err(e) =
            sessions::delete(&state.pool, &credentials::hash_session_token(&token)).await
    {
        tracing::error!(error = %e, "sign-out: could not delete the session");
    }
    let mut response = Redirect::to("/login?signed_out=1").into_response();
    let expired = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        cookie_name(secure),
        if secure { "; Secure" } else { "" }
    );
    if let Ok(value) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_behind_a_trusted_proxy_is_read_from_the_right() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxy = ip("10.0.0.1");
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.7"),
        );
        // An untrusted peer's header is ignored.
        assert_eq!(
            client_address(Some(ip("198.51.100.2")), &headers, &[proxy]),
            Some(ip("198.51.100.2"))
        );
        // Through the proxy: the address it appended, not what the client claimed before it.
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy]),
            Some(ip("203.0.113.7"))
        );
        // Two trusted proxies in a row, and a second header line.
        headers.append("x-forwarded-for", HeaderValue::from_static("10.0.0.2"));
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy, ip("10.0.0.2")]),
            Some(ip("203.0.113.7"))
        );
        // Garbage stops the walk at the last good address.
        let mut bad = HeaderMap::new();
        bad.insert("x-forwarded-for", HeaderValue::from_static("nonsense"));
        assert_eq!(client_address(Some(proxy), &bad, &[proxy]), Some(proxy));
        assert_eq!(client_address(None, &headers, &[proxy]), None);
    }

    #[test]
    fn static_assets_skip_the_session_lookup() {
        assert!(is_static("/pkg/cartwise.wasm"));
        assert!(is_static("/favicon.svg"));
        assert!(!is_static("/users"));
        assert!(!is_static("/api/list_users"));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; cartwise_session=abc; b=2"),
        );
        assert_eq!(session_token(&headers, false).as_deref(), Some("abc"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("cartwise_session="),
        );
        assert_eq!(session_token(&headers, false), None);
        // Two of them: one was planted; neither is trusted.
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("cartwise_session=abc; cartwise_session=evil"),
        );
        assert_eq!(session_token(&headers, false), None);
        // Over HTTPS only the __Host- cookie counts.
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("cartwise_session=evil; __Host-cartwise_session=abc"),
        );
        assert_eq!(session_token(&headers, true).as_deref(), Some("abc"));
    }

    #[test]
    fn cross_site_requests_are_told_apart() {
        let with = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            is_cross_site(&h)
        };
        assert!(!with(&[("sec-fetch-site", "same-origin")]));
        assert!(
            with(&[("sec-fetch-site", "same-site")]),
            "a sibling subdomain"
        );
        assert!(with(&[("sec-fetch-site", "cross-site")]));
        assert!(!with(&[
            ("origin", "http://crm.example"),
            ("host", "crm.example")
        ]));
        assert!(with(&[
            ("origin", "http://shop.example"),
            ("host", "crm.example")
        ]));
        assert!(with(&[("origin", "null"), ("host", "crm.example")]));
        assert!(!with(&[]), "a program without a browser's headers");
    }

    #[test]
    fn the_dummy_hash_is_a_valid_phc_string() {
        assert!(argon2_phc_parses(DUMMY_HASH));
    }

    fn argon2_phc_parses(s: &str) -> bool {
        !credentials::verify_password("x", s) && s.starts_with("$argon2id$")
    }
}
