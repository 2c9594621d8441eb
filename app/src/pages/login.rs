//! The sign-in page. A plain HTML form posted to `/login` (handled by the server), so signing in
//! works the same with or without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.with(|q| q.get(key));
    let next = move || {
        param("next")
            .filter(|n| is_local_path(n))
            .unwrap_or_else(|| "/".into())
    };
    let email = move || param("email").unwrap_or_default();
    let message = move || {
        let wait = param("wait")
            .and_then(|w| w.parse::<u64>().ok())
            .unwrap_or(0);
        match param("error").as_deref() {
            Some("invalid") => {
                Some("The email or password is not right. Check both and try again.".to_string())
            }
            Some("throttled") => Some(format!(
                "Too many failed attempts. Wait {wait} seconds, then try again."
            )),
            Some("missing") => Some("Enter your email and password.".to_string()),
            Some("busy") => Some(
                "The server is busy checking other sign-ins. Try again in a moment.".to_string(),
            ),
            Some(_) => Some("Signing in did not work. Try again.".to_string()),
            None => None,
        }
    };
    let signed_out = move || param("signed_out").is_some();

    view! {
        <Title text="Sign in" />
        <div class="centered-page login-page">
            <form class="card narrow login-card" method="post" action="/login">
                <div class="brand brand-large">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    <span>"Cartwise"</span>
                </div>
                <h1>"Sign in"</h1>
                {move || signed_out().then(|| view! {
                    <div class="alert alert-info" role="status">"You are signed out."</div>
                })}
                {move || message().map(|m| view! {
                    <div class="alert alert-error" role="alert">{m}</div>
                })}
                <input type="hidden" name="next" value=next />
                <label class="field">
                    <span>"Email"</span>
                    <input type="email" name="email" autocomplete="username" required
                        autofocus value=email />
                </label>
                <label class="field">
                    <span>"Password"</span>
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                <button type="submit" class="button button-primary button-wide">"Sign in"</button>
            </form>
        </div>
    }
}

/// Only same-site paths are followed after sign-in (no open redirect to another host). A path
/// must start with one `/`; browsers drop tabs and line breaks from URLs and read `\` as `/`,
/// so `/\t/evil.example` would become `//evil.example` (another host): control characters,
/// whitespace and backslashes are refused anywhere.
pub fn is_local_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    path.len() <= 2048
        && !rest.starts_with('/')
        && !path
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert!(is_local_path("/users?x=1"));
        assert!(!is_local_path("//evil.example.com"));
        assert!(!is_local_path("https://evil.example.com"));
        assert!(!is_local_path("/\\evil.example.com"));
        // What browsers turn into `//evil.example` (the example and its cousins).
        for sneaky in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            "/x\\..\\\\evil.example",
            "\t//evil.example",
            "",
            "evil.example",
            "javascript:alert(1)",
        ] {
            assert!(!is_local_path(sneaky), "{sneaky:?}");
        }
        assert!(is_local_path("/carts?status=open&abandoned=true"));
        assert!(is_local_path("/customers/12?tab=orders"));
    }
}
