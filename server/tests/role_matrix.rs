//! The role matrix (issue 17): every server function, route and page, called as an anonymous
//! visitor and as each role, answers as the one role table in the code says
//! (`app::auth::ACCESS`). A function, route or page missing from the table fails the test.

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
        stopping: Default::default(),
        trusted_proxies: Vec::new(),
        mailer: None,
    })
}

/// A signed-in user: id and session cookie.
type Caller = (i64, String);

async fn session_for(pool: &PgPool, role: Role) -> (i64, String) {
    let hash = credentials::hash_password("a long password").unwrap();
    let id = users::create(
        pool,
        users::NewUser {
            email: &format!("{}@example.com", role.as_str()),
            name: "Matrix",
            role,
            password_hash: &hash,
        },
    )
    .await
    .unwrap();
    (id, new_session(pool, id).await)
}

async fn new_session(pool: &PgPool, user: i64) -> String {
    let (token, hash) = credentials::new_session_token();
    sessions::create(pool, &hash, user).await.unwrap();
    format!("cartwise_session={token}")
}

/// A concrete path for a table pattern (a record that does not exist).
fn concrete(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|s| if s.starts_with(':') { "999999" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

fn normalise(path: &str) -> String {
    path.split('/')
        .map(|s| {
            if let Some(name) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                format!(":{name}")
            } else {
                s.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_function_route_and_page_answers_as_the_role_table_says(pool: PgPool) {
    use app::auth::{ACCESS, Access, access};
    let app = app(pool.clone());

    // Everything the server serves is in the table.
    let functions: Vec<(String, http::Method)> = server_fn::axum::server_fn_paths()
        .map(|(p, m)| (p.to_string(), m))
        .collect();
    assert!(functions.len() >= 70, "{}", functions.len());
    for (path, _) in &functions {
        assert!(
            ACCESS.iter().any(|(p, _)| p == path),
            "server function {path} is missing from app::auth::ACCESS"
        );
    }
    let pages: Vec<String> = leptos_axum::generate_route_list(app::App)
        .into_iter()
        .map(|r| normalise(r.path()))
        .collect();
    for page in &pages {
        assert!(
            access(page).is_some(),
            "page {page} is missing from app::auth::ACCESS"
        );
    }
    assert_eq!(
        app::auth::PUBLIC_SERVER_FNS,
        ACCESS
            .iter()
            .filter(|(p, a)| p.starts_with("/api/") && *a == Access::Public)
            .map(|(p, _)| *p)
            .collect::<Vec<_>>()
    );

    // Anonymous first, then a signed-in user (id, session cookie) of each role.
    let mut callers: Vec<(Option<Role>, Option<Caller>)> = vec![(None, None)];
    for role in Role::ALL {
        callers.push((Some(role), Some(session_for(&pool, role).await)));
    }
    let mut checked = 0;
    for (pattern, table) in ACCESS {
        let path = concrete(pattern);
        let function = functions.iter().find(|(p, _)| p == pattern);
        let method = match (function, *pattern) {
            (Some((_, m)), _) => m.clone(),
            (None, "/logout") => http::Method::POST,
            _ => http::Method::GET,
        };
        for (role, session) in &callers {
            let mut req = Request::builder().method(method.clone()).uri(&path);
            if let Some((user, cookie)) = session {
                // Signing out ends the session it is sent with: give it one of its own.
                let cookie = if *pattern == "/logout" {
                    new_session(&pool, *user).await
                } else {
                    cookie.clone()
                };
                req = req.header(header::COOKIE, cookie);
            }
            if method == http::Method::POST {
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            }
            let res = app
                .clone()
                .oneshot(req.body(Body::empty()).unwrap())
                .await
                .unwrap();
            let status = res.status();
            let location = res
                .headers()
                .get(header::LOCATION)
                .map(|l| l.to_str().unwrap().to_string());
            let user = role.map(|r| domain::CurrentUser {
                id: 0,
                email: String::new(),
                name: String::new(),
                role: r,
                time_zone: None,
                must_change_password: false,
            });
            let admitted = table.admits(user.as_ref());
            let who = role.map_or("anonymous".to_string(), |r| format!("{r:?}"));
            let is_page = !pattern.starts_with("/api/")
                && !matches!(*pattern, "/login" | "/logout" | "/health");
            match (admitted, role, is_page) {
                (true, _, _) => assert!(
                    !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                        && location
                            .as_deref()
                            .is_none_or(|l| !l.starts_with("/login?next")),
                    "{who} {method} {path}: admitted by the table, answered {status} {location:?}"
                ),
                (false, None, true) => {
                    assert_eq!(status, StatusCode::SEE_OTHER, "{who} {path}");
                    assert!(
                        location.as_deref().is_some_and(|l| l.starts_with("/login")),
                        "{who} {path}: {location:?}"
                    );
                }
                (false, None, false) => {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{who} {method} {path}")
                }
                (false, Some(_), _) => {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{who} {method} {path}")
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 500, "{checked} calls checked");
}
