//! HTTP: the Leptos pages and server functions, sign-in and sign-out, and the session
//! middleware that authenticates every request in one place.

use app::auth::PUBLIC_SERVER_FNS;
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

/// What the HTTP layer needs.
#[derive(Clone)]
pub struct WebState {
    pub pool: PgPool,
    pub cipher: store::secrets::Cipher,
    pub leptos: LeptosOptions,
    /// Mark cookies `Secure` (the app is reached over https).
    pub secure_cookies: bool,
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
        .layer(tower_http::compression::CompressionLayer::new())
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
    let session = match session_token(req.headers()) {
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

    if path.starts_with("/api/") {
        if !signed_in && !PUBLIC_SERVER_FNS.contains(&path.as_str()) {
            return server_fn_error(StatusCode::UNAUTHORIZED, AppError::Unauthenticated);
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

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128)
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

/// `POST /login`: checks the password, slows down guessing, starts a session.
async fn sign_in(
    State(state): State<WebState>,
    headers: HeaderMap,
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
    match try_sign_in(&state.pool, form.email.trim(), &form.password).await {
        Ok(SignIn::Success(token)) => {
            let secure = state.secure_cookies
                || headers
                    .get("x-forwarded-proto")
                    .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
            let max_age = sessions::ABSOLUTE_LIFETIME.num_seconds();
            let cookie = format!(
                "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
                if secure { "; Secure" } else { "" }
            );
            let mut response = Redirect::to(&next).into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Ok(SignIn::Rejected) => back("invalid", ""),
        Ok(SignIn::Throttled(wait)) => back("throttled", &format!("&wait={wait}")),
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
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
    let wait = throttle::wait_before_attempt(pool, email).await?;
    if wait > chrono::Duration::zero() {
        tracing::warn!(email, "sign-in throttled");
        return Ok(SignIn::Throttled(wait.num_seconds().max(1)));
    }
    let found = users::find_credentials(pool, email).await?;
    let password = password.to_string();
    // Hashing is slow on purpose; keep it off the async workers. Unknown emails are checked
    // against a dummy hash so timing does not reveal which emails exist.
    let hash = found
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.to_string());
    let verified =
        tokio::task::spawn_blocking(move || credentials::verify_password(&password, &hash))
            .await
            .unwrap_or(false);
    match found {
        Some(c) if verified && c.is_active => {
            throttle::clear(pool, email).await?;
            let (token, hash) = credentials::new_session_token();
            sessions::create(pool, &hash, c.user.id).await?;
            tracing::info!(user = c.user.id, "signed in");
            Ok(SignIn::Success(token))
        }
        _ => {
            throttle::record_failure(pool, email).await?;
            tracing::warn!(email, "sign-in rejected");
            Ok(SignIn::Rejected)
        }
    }
}

/// An argon2id hash of a random string, used to spend the same time on unknown emails.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$K8b1vJ7xU1cDqtqvEwUw2bJmJ8i4LkU5wm0qzQv5nJQ";

/// `POST /logout`: ends the session and clears the cookie.
async fn sign_out(State(state): State<WebState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers)
        && let Err(e) =
            sessions::delete(&state.pool, &credentials::hash_session_token(&token)).await
    {
        tracing::error!(error = %e, "sign-out: could not delete the session");
    }
    let mut response = Redirect::to("/login?signed_out=1").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("cartwise_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(session_token(&headers).as_deref(), Some("abc"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("cartwise_session="),
        );
        assert_eq!(session_token(&headers), None);
    }

    #[test]
    fn the_dummy_hash_is_a_valid_phc_string() {
        assert!(argon2_phc_parses(DUMMY_HASH));
    }

    fn argon2_phc_parses(s: &str) -> bool {
        !credentials::verify_password("x", s) && s.starts_with("$argon2id$")
    }
}
